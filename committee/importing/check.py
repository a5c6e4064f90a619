"""Checking a file's rows against the community, without writing: the preview, and the confirm's re-check.

Every rule of one row and of rows together (the same ID twice, one head per new household, one
address per household number) gives a reason in Chinese on the row's line, so staff can correct the
file; a file that passes here is written as it is (see :mod:`committee.importing.write`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.importing.columns import COLUMNS, HEADER_OF, RELATION_WORDS, RESIDENCE_WORDS, label_map
from committee.importing.known import BuildingRef, GroupRef, HouseholdRef, Known, load_known
from committee.importing.read import FileProblem, SourceRow, read_file
from committee.importing.records import ImportPlan, NewHousehold, ResidentRow, RowError
from committee.models import Resident
from core.idnumbers import IdInfo, normalize_phone, parse_id, validate_phone
from core.models import Community

MAX_ROWS = 200_000
MAX_BYTES = 30 * 1024 * 1024

R = Resident.Relation
RES = Resident.Residence
REQUIRED = [c for c in COLUMNS if c.required]
LIMITED = [c for c in COLUMNS if c.max_length]

# ASCII digits only ([0-9], never \d): \d also matches other scripts' digits, which int() reads but
# the database refuses or stores as text nobody can search. Full-width digits are ASCII by now (NFKC).
_EXCEL_NUMBER = re.compile(r"^[0-9](\.[0-9]+)?E\+[0-9]+$", re.I)
_DATE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
_COMPACT_DATE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
# PostgreSQL refuses NUL in text, which would fail the whole write after a clean preview; the other
# control characters are invisible junk from copy and paste. Line breaks and tabs stay allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def import_plan(
    *, community: Community, data: bytes, file_name: str, at: dt.datetime | None = None
) -> ImportPlan:
    """Read and check a file against ``community`` without writing anything (the preview).

    ``at`` is the moment the checks hold for (birth and move-in dates not after its day)."""
    plan = ImportPlan(community=community, file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    if len(data) > MAX_BYTES:
        plan.file_errors.append(
            _("文件过大（超过%(mb)dMB），请分批导入。") % {"mb": MAX_BYTES // 1024 // 1024}
        )
        return plan
    try:
        sheet = read_file(data, file_name)
        if sheet.missing:
            plan.file_errors.append(
                _("缺少必需的列：%(columns)s。第一行须为列名，可下载导入模板对照。")
                % {"columns": "、".join(sheet.missing)}
            )
            return plan
        checker = RowChecker(load_known(community), timezone.localdate(at) if at else timezone.localdate())
        for source in sheet.rows:
            plan.total_rows += 1
            if plan.total_rows > MAX_ROWS:
                plan.file_errors.append(_("行数超过%(n)d行，请分批导入。") % {"n": MAX_ROWS})
                return plan
            result = checker.check(source)
            (plan.errors if isinstance(result, RowError) else plan.rows).append(result)
    except FileProblem as e:
        plan.file_errors.append(str(e))
        return plan
    _finish(plan, checker)
    return plan


def _finish(plan: ImportPlan, checker: RowChecker) -> None:
    """The rules over the whole file, and the counts the preview shows."""
    bad_lines = {e.line for e in plan.errors}
    plan.errors.extend(checker.missing_heads(bad_lines))
    plan.errors.sort(key=lambda e: e.line)
    plan.new_households = len(checker.new_households)
    plan.existing_households = len({r.household for r in plan.rows if not r.new_household})
    if not plan.rows and not plan.errors and not plan.file_errors:
        plan.file_errors.append(_("文件中没有居民数据（第一行为列名，从第二行起每行一名居民）。"))


@dataclass(slots=True)
class RowValues:
    """One row's cells as text, by column, before anything is looked up."""

    line: int
    household: str = ""
    address: str = ""
    group: str = ""
    building: str = ""
    name: str = ""
    id_number: str = ""
    relation: str = ""
    phone: str = ""
    residence: str = ""
    notes: str = ""
    moved_in_on: dt.date | None = None
    id_lost: bool = False  # the ID cell held a number Excel had rounded: already explained


@dataclass(slots=True)
class Lookups:
    """A row's words resolved against the community and the model's choices (None: not found)."""

    group: GroupRef | None = None
    building: BuildingRef | None = None
    relation: str | None = None
    residence: str | None = RES.REGISTERED
    phone: str = ""


class RowChecker:
    """Checks rows one by one, remembering what earlier rows of the file registered."""

    def __init__(self, known: Known, today: dt.date):
        self.known, self.today = known, today
        self.relations = label_map(R.choices, RELATION_WORDS)
        self.residences = label_map(RES.choices, RESIDENCE_WORDS)
        self.relation_labels = "、".join(str(label) for _v, label in R.choices)
        self.residence_labels = "、".join(str(label) for _v, label in RES.choices)
        self.seen_ids: dict[str, int] = {}  # ID number -> line
        self.new_households: dict[str, NewHousehold] = {}  # by number
        self.claimed_head: set[str] = set()  # household numbers with a 户主 row, good or bad

    def check(self, source: SourceRow) -> ResidentRow | RowError:
        problems: list[str] = []
        v = self._values(source, problems)
        info = self._identity(v, problems)
        if v.moved_in_on and v.moved_in_on > self.today:
            problems.append(_("迁入日期不能晚于今天。"))
        found = self._lookups(v, problems)
        new_household = self._household(v, found, problems)
        if problems:
            return RowError(line=v.line, reasons=problems, name=v.name, id_number=v.id_number)
        return ResidentRow(
            line=v.line,
            household=v.household,
            address=v.address,
            group_id=found.group.pk,
            group_name=found.group.name,
            building_id=found.building.pk if found.building else None,
            building_name=v.building,
            name=v.name,
            id_number=info.number,
            sex=info.sex,
            birth_date=info.birth_date,
            relation=found.relation,
            phone=found.phone,
            residence=found.residence,
            moved_in_on=v.moved_in_on,
            notes=v.notes,
            new_household=new_household,
        )

    def missing_heads(self, bad_lines: set[int]) -> list[RowError]:
        """A new household needs its head (one row says 户主); reported on its first good line."""
        return [
            RowError(
                line=h.first_line,
                reasons=[
                    _("新户%(number)s没有户主：该户须有一行的与户主关系为“户主”。") % {"number": number}
                ],
            )
            for number, h in self.new_households.items()
            if h.head_line is None and number not in self.claimed_head and h.first_line not in bad_lines
        ]

    # --- one row ---

    def _values(self, source: SourceRow, problems: list[str]) -> RowValues:
        cells = source.cells
        v = RowValues(line=source.line, moved_in_on=_date(cells.get("moved_in_on", ""), problems))
        for key, value in cells.items():
            if key != "moved_in_on":
                setattr(v, key, _text(value, key, problems))
        v.id_lost = not v.id_number and cells.get("id_number", "") not in ("", None)
        empty = [
            c.header for c in REQUIRED if not getattr(v, c.key) and not (c.key == "id_number" and v.id_lost)
        ]
        if empty:
            problems.append(_("缺少必填项：%(fields)s") % {"fields": "、".join(empty)})
        for c in LIMITED:
            if len(getattr(v, c.key)) > c.max_length:
                problems.append(
                    _("%(column)s过长（最多%(n)d个字）") % {"column": c.header, "n": c.max_length}
                )
        return v

    def _identity(self, v: RowValues, problems: list[str]) -> IdInfo | None:
        """The ID number: valid, born between 1900 and today, once in the community and the file."""
        if not v.id_number:
            return None
        if _EXCEL_NUMBER.match(v.id_number):
            problems.append(_("身份证号码被 Excel 存成了科学计数法（%(value)s），末几位已丢失：请把该列设为“文本”格式后重新填写。") % {"value": v.id_number})  # fmt: skip
            return None
        try:
            info = parse_id(v.id_number, today=self.today)
        except ValidationError as e:
            problems.extend(e.messages)
            return None
        registered = self.known.people.get(info.number)
        if registered is not None:
            problems.append(
                _("该身份证号码已在本社区登记（%(name)s，户号%(household)s），同一人在一个社区只能登记一次。")
                % {"name": registered.name, "household": registered.household}
            )
        elif info.number in self.seen_ids:
            problems.append(_("身份证号码与第%(line)d行重复。") % {"line": self.seen_ids[info.number]})
        else:
            self.seen_ids[info.number] = v.line
        if v.moved_in_on and v.moved_in_on < info.birth_date:
            problems.append(_("迁入日期早于出生日期。"))
        return info

    def _lookups(self, v: RowValues, problems: list[str]) -> Lookups:
        found = Lookups(phone=normalize_phone(v.phone))
        if v.group:
            found.group = self.known.group(v.group)
            if found.group is None:
                problems.append(
                    _("居民小组“%(value)s”不存在：请填写本社区已有的组号（如 3）或小组名称。")
                    % {"value": v.group}
                )
        if v.building:
            found.building = self.known.buildings.get(v.building)
            if found.building is None:
                problems.append(
                    _("楼栋“%(value)s”不存在：请先在“楼栋”中添加，或留空。") % {"value": v.building}
                )
        if v.relation:
            found.relation = self.relations.get(v.relation)
            if found.relation is None:
                problems.append(
                    _("与户主关系“%(value)s”无法识别，可填：%(labels)s。")
                    % {"value": v.relation, "labels": self.relation_labels}
                )
        if v.residence:
            found.residence = self.residences.get(v.residence)
            if found.residence is None:
                problems.append(
                    _("居住类型“%(value)s”无法识别，可填：%(labels)s。")
                    % {"value": v.residence, "labels": self.residence_labels}
                )
        if found.phone:
            try:
                validate_phone(found.phone)
            except ValidationError as e:
                problems.extend(e.messages)
        return found

    # --- the row's household ---

    def _household(self, v: RowValues, found: Lookups, problems: list[str]) -> bool:
        """An existing household must match the row; rows of one new household must agree.

        Returns whether the row's household is new (created by this file)."""
        if not (v.household and v.address and found.group is not None):
            return False
        existing = self.known.households.get(v.household)
        if existing is not None:
            self._check_existing(v, found, existing, problems)
        else:
            self._check_new(v, found, problems)
        if found.relation == R.HEAD:
            self.claimed_head.add(v.household)
            if existing is None and not problems:
                self._register_head(v, problems)
        return existing is None

    def _check_existing(
        self, v: RowValues, found: Lookups, existing: HouseholdRef, problems: list[str]
    ) -> None:
        if _squash(existing.address) != _squash(v.address):
            problems.append(
                _("户号%(number)s已在本社区登记，住址为“%(old)s”，与本行住址“%(new)s”不一致。")
                % {"number": v.household, "old": existing.address, "new": v.address}
            )
        elif existing.group_id != found.group.pk:
            problems.append(
                _("户号%(number)s已登记在其他居民小组，与本行“%(group)s”不一致。")
                % {"number": v.household, "group": found.group.name}
            )
        elif found.relation == R.HEAD and existing.pk in self.known.heads:
            problems.append(_("户号%(number)s已有户主，不能再登记户主。") % {"number": v.household})

    def _check_new(self, v: RowValues, found: Lookups, problems: list[str]) -> None:
        first = self.new_households.get(v.household)
        if first is None:
            building_id = found.building.pk if found.building else None
            self.new_households[v.household] = NewHousehold(v.line, v.address, found.group.pk, building_id)
        elif _squash(first.address) != _squash(v.address):
            problems.append(
                _("同一户号%(number)s在第%(line)d行的住址为“%(old)s”，与本行不一致。")
                % {"number": v.household, "line": first.first_line, "old": first.address}
            )
        elif first.group_id != found.group.pk:
            problems.append(
                _("同一户号%(number)s在第%(line)d行属于另一个居民小组。")
                % {"number": v.household, "line": first.first_line}
            )

    def _register_head(self, v: RowValues, problems: list[str]) -> None:
        household = self.new_households[v.household]
        if household.head_line is not None:
            problems.append(
                _("户号%(number)s的户主已在第%(line)d行登记，一户只能有一名户主。")
                % {"number": v.household, "line": household.head_line}
            )
        else:
            household.head_line = v.line


# --- cells ---


def _text(value, key: str, problems: list[str]) -> str:
    """A cell as text; numbers Excel made of IDs and phones are explained, not guessed back."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        if key == "id_number" or (key == "phone" and value >= 1e12):
            problems.append(
                _("%(column)s被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。")
                % {"column": HEADER_OF[key]}
            )
            return ""
        value = int(value) if value.is_integer() else value
    if isinstance(value, int) and key == "id_number":
        problems.append(_("身份证号码被 Excel 存成了数字：请把该列设为“文本”格式后重新填写。"))
        return ""
    text = str(value).strip()
    if _CONTROL.search(text):
        problems.append(
            _("%(column)s含有不可见的控制字符（多为从其他系统复制带入），请删除后重新上传。")
            % {"column": HEADER_OF[key]}
        )
        return _CONTROL.sub("", text)
    return text


def _date(value, problems: list[str]) -> dt.date | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _DATE.match(text) or _COMPACT_DATE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    problems.append(_("迁入日期“%(value)s”无法识别，请写成 2024-03-01 这样的格式。") % {"value": text})
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
