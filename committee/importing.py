"""Import of households and residents from a CSV or XLSX file, all or nothing.

One row per resident, columns in Chinese (户号, 住址, 居民小组, 楼栋, 姓名, 身份证号码, 与户主关系,
联系电话, 居住类型, 迁入日期, 备注); households are created as needed. :func:`import_plan` reads and
checks a file without writing (the admin's preview); :func:`residents_import` checks it again under
a lock on the community and writes it, or writes nothing if any row is bad.

Why not django-import-export (installed): its resources import one model per row and look up and
``full_clean()`` each instance on its own (for ``Resident`` that is a uniqueness query per row), so
50,000 rows cost 100,000+ queries and miss the 30-second target by far; its ``use_bulk`` mode still
loads instances row by row and gives up per-row error reporting. Our rules also span rows and two
models (a household is created from its members' rows; the same ID twice in one file; one head per
household; a household number already used with another address), which its row-at-a-time
validation cannot express. So this module is a focused importer: it loads what it needs in a fixed
number of queries (groups, buildings, households, heads, ID numbers of the community), checks every
row in memory, reports each bad row with its line and reasons in Chinese, and writes with
``bulk_create`` in batches, with history rows (``bulk_create_with_history``) and one audit entry
(``django.contrib.admin.models.LogEntry``: who imported which file, when, what it created).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from committee.errors import RuleViolation
from committee.idnumbers import id_check_char, mask_id, parse_id, validate_phone
from committee.models import Building, Community, Household, Resident, ResidentsGroup, User
from committee.services import check_scope, integrity_message

BATCH = 2000
MAX_ROWS = 200_000
MAX_BYTES = 30 * 1024 * 1024

R = Resident.Relation
RES = Resident.Residence


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


COLUMNS = [
    Column("household", "户号", True, ("户编号",), 30),
    Column("address", "住址", True, ("地址", "住房地址", "现住址"), 200),
    Column("group", "居民小组", True, ("小组", "组别", "组号"), None),
    Column("building", "楼栋", False, ("楼号", "楼栋号"), None),
    Column("name", "姓名", True, (), 50),
    Column("id_number", "身份证号码", True, ("身份证号", "公民身份号码", "证件号码"), None),
    Column("relation", "与户主关系", True, ("关系", "与户主的关系"), None),
    Column("phone", "联系电话", False, ("电话", "手机", "手机号", "手机号码"), 20),
    Column("residence", "居住类型", False, ("居住情况", "户籍类型"), None),
    Column("moved_in_on", "迁入日期", False, ("入住日期",), None),
    Column("notes", "备注", False, (), None),
]
HEADERS = [c.header for c in COLUMNS]

# Relation labels: the model's Chinese labels plus the words registers really use.
RELATION_WORDS: dict[str, str] = {
    "本人": R.HEAD,
    "户主本人": R.HEAD,
    "妻": R.SPOUSE,
    "妻子": R.SPOUSE,
    "夫": R.SPOUSE,
    "丈夫": R.SPOUSE,
    "子": R.CHILD,
    "女": R.CHILD,
    "儿子": R.CHILD,
    "女儿": R.CHILD,
    "长子": R.CHILD,
    "次子": R.CHILD,
    "长女": R.CHILD,
    "次女": R.CHILD,
    "养子": R.CHILD,
    "养女": R.CHILD,
    "父亲": R.PARENT,
    "母亲": R.PARENT,
    "父": R.PARENT,
    "母": R.PARENT,
    "兄": R.SIBLING,
    "弟": R.SIBLING,
    "姐": R.SIBLING,
    "妹": R.SIBLING,
    "哥哥": R.SIBLING,
    "弟弟": R.SIBLING,
    "姐姐": R.SIBLING,
    "妹妹": R.SIBLING,
    "孙子": R.GRANDCHILD,
    "孙女": R.GRANDCHILD,
    "外孙子": R.GRANDCHILD,
    "外孙女": R.GRANDCHILD,
    "外孙": R.GRANDCHILD,
    "祖父": R.GRANDPARENT,
    "祖母": R.GRANDPARENT,
    "外祖父": R.GRANDPARENT,
    "外祖母": R.GRANDPARENT,
    "爷爷": R.GRANDPARENT,
    "奶奶": R.GRANDPARENT,
    "儿媳": R.CHILD_IN_LAW,
    "女婿": R.CHILD_IN_LAW,
    "公公": R.PARENT_IN_LAW,
    "婆婆": R.PARENT_IN_LAW,
    "岳父": R.PARENT_IN_LAW,
    "岳母": R.PARENT_IN_LAW,
}
RESIDENCE_WORDS: dict[str, str] = {
    "户籍": RES.REGISTERED,
    "本地户籍": RES.REGISTERED,
    "户籍人口": RES.REGISTERED,
    "常住": RES.REGISTERED,
    "人户分离": RES.REGISTERED_AWAY,
    "户在人不在": RES.REGISTERED_AWAY,
    "流动人口": RES.LIVING_UNREGISTERED,
    "外来人口": RES.LIVING_UNREGISTERED,
    "居住": RES.LIVING_UNREGISTERED,
    "暂住": RES.LIVING_UNREGISTERED,
    "非户籍": RES.LIVING_UNREGISTERED,
}


def _label_map(choices, words: dict[str, str]) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[value] = value
        for part in re.split(r"[/，,、]", str(label)):
            out.setdefault(part, value)
    out.update(words)
    return out


# --- Results ----------------------------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    reasons: list[str]
    name: str = ""
    id_number: str = ""

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def text(self) -> str:
        return "".join(r if r.endswith(("。", "！", "？")) else r + "。" for r in self.reasons)


@dataclass
class Row:
    line: int
    household: str
    address: str
    group_id: int
    group_name: str
    building_id: int | None
    building_name: str
    name: str
    id_number: str
    sex: str
    birth_date: dt.date
    relation: str
    phone: str
    residence: str
    moved_in_on: dt.date | None
    notes: str
    new_household: bool = False

    @property
    def relation_label(self) -> str:
        return str(R(self.relation).label)


@dataclass
class ImportPlan:
    community: Community
    file_name: str
    sha256: str
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    new_households: int = 0
    existing_households: int = 0
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors and bool(self.rows)

    @property
    def new_residents(self) -> int:
        return len(self.rows)

    def messages(self, limit: int = 20) -> list[str]:
        out = list(self.file_errors)
        for e in self.errors[:limit]:
            out.append(_("第%(line)d行：%(reasons)s") % {"line": e.line, "reasons": e.text})
        if len(self.errors) > limit:
            out.append(_("……另有%(n)d行有误。") % {"n": len(self.errors) - limit})
        return out


@dataclass
class ImportResult:
    households_created: int
    residents_created: int
    log_entry: LogEntry


class ImportRefused(RuleViolation):
    """The file has bad rows; nothing was written. ``plan`` lists them."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        messages = plan.messages() or [_("文件中没有可导入的居民。")]
        super().__init__(messages)


# --- Reading files ----------------------------------------------------------------------------------


class FileProblem(Exception):
    pass


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Excel in China saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx 文件。")) from None


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value


def read_rows(data: bytes, file_name: str) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    """The header and an iterator of (line number, cells); line 1 is the header, as in Excel."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        import zipfile

        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            raise FileProblem(_("无法读取该 .xlsx 文件，请确认文件未损坏。")) from None
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileProblem(_("文件是空的。"))

        def gen():
            for i, values in enumerate(rows, start=2):
                yield i, [_cell(v) for v in values]
            book.close()

        return [str(_cell(h)) for h in header], gen()
    if name.endswith(".csv") or name.endswith(".txt"):
        text = _decode(data)
        sample = text[:4096]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise FileProblem(_("文件是空的。"))
        return [str(_cell(h)) for h in header], (
            (i, [_cell(v) for v in values]) for i, values in enumerate(reader, start=2)
        )
    if name.endswith(".xls"):
        raise FileProblem(_("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或 CSV。"))
    raise FileProblem(_("只支持 .csv 或 .xlsx 文件。"))


def _columns(header: list[str]) -> dict[str, int]:
    """Column key -> index. Headers may carry a required-mark (*) or a note in brackets."""
    index: dict[str, int] = {}
    lookup = {}
    for c in COLUMNS:
        for h in (c.header, *c.aliases):
            lookup[h] = c.key
    for i, h in enumerate(header):
        clean = re.sub(r"[*＊\s]|[（(].*?[)）]", "", h)
        key = lookup.get(clean)
        if key and key not in index:
            index[key] = i
    return index


# --- Checking ---------------------------------------------------------------------------------------


# ASCII digits only ([0-9], never \d): \d also matches other scripts' digits, which int() reads but
# the database refuses or stores as text nobody can search. Full-width digits are ASCII by now (NFKC).
_EXCEL_NUMBER = re.compile(r"^[0-9](\.[0-9]+)?E\+[0-9]+$", re.I)
_DATE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
_COMPACT_DATE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_GROUP_NUMBER = re.compile(r"^第?([0-9]+)(组|小组|居民小组)?$")
# PostgreSQL refuses NUL in text, which would fail the whole write after a clean preview; the other
# control characters are invisible junk from copy and paste. Line breaks and tabs stay allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _text(value, key: str, problems: list[str]) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        if key == "id_number" or (key == "phone" and value >= 1e12):
            problems.append(
                _("%(column)s被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。")
                % {"column": dict((c.key, c.header) for c in COLUMNS)[key]}
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
            % {"column": dict((c.key, c.header) for c in COLUMNS)[key]}
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


@dataclass
class _Context:
    groups_by_number: dict[int, tuple[int, str]]
    groups_by_name: dict[str, tuple[int, str]]
    buildings: dict[str, tuple[int, int]]
    households: dict[str, tuple[int, str, int]]  # number -> (pk, address, group_id)
    heads: set[int]  # household pks that have a current head
    ids: dict[str, tuple[str, str]]  # id number -> (name, household number)


def _load(community: Community) -> _Context:
    """Everything the checks need, in six queries whatever the file's size."""
    groups = list(ResidentsGroup.objects.filter(community=community).values_list("pk", "number", "name"))
    return _Context(
        groups_by_number={number: (pk, name) for pk, number, name in groups},
        groups_by_name={name: (pk, name) for pk, _n, name in groups},
        buildings={
            name: (pk, group_id)
            for pk, name, group_id in Building.objects.filter(community=community).values_list(
                "pk", "name", "group_id"
            )
        },
        households={
            number: (pk, address, group_id)
            for pk, number, address, group_id in Household.objects.filter(community=community).values_list(
                "pk", "number", "address", "group_id"
            )
        },
        heads=set(
            Resident.objects.filter(
                community=community,
                relation_to_head=R.HEAD,
                moved_out_on__isnull=True,
                deceased_on__isnull=True,
            ).values_list("household_id", flat=True)
        ),
        ids={
            number: (name, household)
            for number, name, household in Resident.objects.filter(community=community).values_list(
                "id_number", "name", "household__number"
            )
        },
    )


def _group(value: str, ctx: _Context) -> tuple[int, str] | None:
    if value in ctx.groups_by_name:
        return ctx.groups_by_name[value]
    m = _GROUP_NUMBER.match(value)
    if m:
        return ctx.groups_by_number.get(int(m.group(1)))
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


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
        header, rows = read_rows(data, file_name)
    except FileProblem as e:
        plan.file_errors.append(str(e))
        return plan
    cols = _columns(header)
    missing = [c.header for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        plan.file_errors.append(
            _("缺少必需的列：%(columns)s。第一行须为列名，可下载导入模板对照。")
            % {"columns": "、".join(missing)}
        )
        return plan

    ctx = _load(community)
    relations = _label_map(R.choices, RELATION_WORDS)
    residences = _label_map(RES.choices, RESIDENCE_WORDS)
    relation_labels = "、".join(str(label) for _v, label in R.choices)
    today = timezone.localdate(at) if at else timezone.localdate()
    required = [c for c in COLUMNS if c.required]
    lengths = [c for c in COLUMNS if c.max_length]

    seen_ids: dict[str, int] = {}
    # household number -> (first line, address, group id, building id, head line or None)
    file_households: dict[str, list] = {}
    claimed_head: set[str] = set()  # household numbers with a 户主 row, good or bad
    for line, cells in rows:
        if not any(v not in ("", None) for v in cells):
            continue  # blank lines are skipped (Excel leaves many)
        plan.total_rows += 1
        if plan.total_rows > MAX_ROWS:
            plan.file_errors.append(_("行数超过%(n)d行，请分批导入。") % {"n": MAX_ROWS})
            return plan
        problems: list[str] = []
        raw = {key: (cells[i] if i < len(cells) else "") for key, i in cols.items()}
        moved_in_on = _date(raw.pop("moved_in_on", ""), problems)
        v = {key: _text(value, key, problems) for key, value in raw.items()}
        for c in COLUMNS:
            v.setdefault(c.key, "")
        name, id_raw = v["name"], v["id_number"]
        empty = [c.header for c in required if not v[c.key] and not (c.key == "id_number" and problems)]
        if empty:
            problems.append(_("缺少必填项：%(fields)s") % {"fields": "、".join(empty)})
        for c in lengths:
            if len(v[c.key]) > c.max_length:
                problems.append(
                    _("%(column)s过长（最多%(n)d个字）") % {"column": c.header, "n": c.max_length}
                )

        info = None
        if id_raw:
            if _EXCEL_NUMBER.match(id_raw):
                problems.append(_("身份证号码被 Excel 存成了科学计数法（%(value)s），末几位已丢失：请把该列设为“文本”格式后重新填写。") % {"value": id_raw})  # fmt: skip
            else:
                try:
                    info = parse_id(id_raw, today=today)
                except ValidationError as e:
                    problems.extend(e.messages)
        if info is not None:
            if info.number in ctx.ids:
                other_name, other_household = ctx.ids[info.number]
                problems.append(
                    _(
                        "该身份证号码已在本社区登记（%(name)s，户号%(household)s），同一人在一个社区只能登记一次。"
                    )
                    % {"name": other_name, "household": other_household}
                )
            elif info.number in seen_ids:
                problems.append(_("身份证号码与第%(line)d行重复。") % {"line": seen_ids[info.number]})
            else:
                seen_ids[info.number] = line
            if moved_in_on and moved_in_on < info.birth_date:
                problems.append(_("迁入日期早于出生日期。"))
        if moved_in_on and moved_in_on > today:
            problems.append(_("迁入日期不能晚于今天。"))

        group = None
        if v["group"]:
            group = _group(v["group"], ctx)
            if group is None:
                problems.append(
                    _("居民小组“%(value)s”不存在：请填写本社区已有的组号（如 3）或小组名称。")
                    % {"value": v["group"]}
                )
        building = None
        if v["building"]:
            building = ctx.buildings.get(v["building"])
            if building is None:
                problems.append(
                    _("楼栋“%(value)s”不存在：请先在“楼栋”中添加，或留空。") % {"value": v["building"]}
                )
        relation = None
        if v["relation"]:
            relation = relations.get(v["relation"])
            if relation is None:
                problems.append(
                    _("与户主关系“%(value)s”无法识别，可填：%(labels)s。")
                    % {"value": v["relation"], "labels": relation_labels}
                )
        residence = RES.REGISTERED
        if v["residence"]:
            residence = residences.get(v["residence"])
            if residence is None:
                problems.append(
                    _("居住类型“%(value)s”无法识别，可填：%(labels)s。")
                    % {"value": v["residence"], "labels": "、".join(str(label) for _v, label in RES.choices)}
                )
        phone = re.sub(r"[\s]", "", v["phone"])
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as e:
                problems.extend(e.messages)

        # The household: an existing one must match; rows of one new household must agree.
        number, address = v["household"], v["address"]
        new_household = False
        if number and address and group is not None:
            existing = ctx.households.get(number)
            if existing is not None:
                pk, old_address, old_group = existing
                if _squash(old_address) != _squash(address):
                    problems.append(
                        _("户号%(number)s已在本社区登记，住址为“%(old)s”，与本行住址“%(new)s”不一致。")
                        % {"number": number, "old": old_address, "new": address}
                    )
                elif old_group != group[0]:
                    problems.append(
                        _("户号%(number)s已登记在其他居民小组，与本行“%(group)s”不一致。")
                        % {"number": number, "group": group[1]}
                    )
                elif relation == R.HEAD and pk in ctx.heads:
                    problems.append(_("户号%(number)s已有户主，不能再登记户主。") % {"number": number})
            else:
                new_household = True
                first = file_households.get(number)
                if first is None:
                    file_households[number] = [line, address, group[0], building and building[0], None]
                else:
                    if _squash(first[1]) != _squash(address):
                        problems.append(
                            _("同一户号%(number)s在第%(line)d行的住址为“%(old)s”，与本行不一致。")
                            % {"number": number, "line": first[0], "old": first[1]}
                        )
                    elif first[2] != group[0]:
                        problems.append(
                            _("同一户号%(number)s在第%(line)d行属于另一个居民小组。")
                            % {"number": number, "line": first[0]}
                        )
            if relation == R.HEAD:
                claimed_head.add(number)
            if relation == R.HEAD and not problems:
                entry = file_households.get(number)
                if entry is not None and existing is None:
                    if entry[4] is not None:
                        problems.append(
                            _("户号%(number)s的户主已在第%(line)d行登记，一户只能有一名户主。")
                            % {"number": number, "line": entry[4]}
                        )
                    else:
                        entry[4] = line

        if problems:
            plan.errors.append(RowError(line=line, reasons=problems, name=name, id_number=id_raw))
            continue
        plan.rows.append(
            Row(
                line=line,
                household=number,
                address=address,
                group_id=group[0],
                group_name=group[1],
                building_id=building[0] if building else None,
                building_name=v["building"],
                name=name,
                id_number=info.number,
                sex=info.sex,
                birth_date=info.birth_date,
                relation=relation,
                phone=phone,
                residence=residence,
                moved_in_on=moved_in_on,
                notes=v["notes"],
                new_household=new_household,
            )
        )

    # A new household needs its head (one row says 户主).
    bad_lines = {e.line for e in plan.errors}
    for number, (first_line, _a, _g, _b, head_line) in file_households.items():
        if head_line is None and number not in claimed_head and first_line not in bad_lines:
            plan.errors.append(
                RowError(
                    line=first_line,
                    reasons=[
                        _("新户%(number)s没有户主：该户须有一行的与户主关系为“户主”。") % {"number": number}
                    ],
                )
            )
    plan.errors.sort(key=lambda e: e.line)
    plan.new_households = len(file_households)
    plan.existing_households = len({r.household for r in plan.rows if not r.new_household})
    if not plan.rows and not plan.errors and not plan.file_errors:
        plan.file_errors.append(_("文件中没有居民数据（第一行为列名，从第二行起每行一名居民）。"))
    return plan


# --- Writing ----------------------------------------------------------------------------------------


@transaction.atomic
def residents_import(
    *, community: Community, data: bytes, file_name: str, actor: User | None, at: dt.datetime | None = None
) -> ImportResult:
    """Import every row of the file, or nothing (raises :class:`ImportRefused` listing bad rows).

    The file is checked again here, under a lock on the community so two imports into one
    community run one after the other; the preview is never trusted.
    """
    check_scope(actor, community.pk)
    at = at or timezone.now()
    community = Community.objects.select_for_update().get(pk=community.pk)
    plan = import_plan(community=community, data=data, file_name=file_name, at=at)
    if not plan.ok:
        raise ImportRefused(plan)
    reason = _("导入文件“%(file)s”") % {"file": file_name}

    households: dict[str, Household] = {}
    for row in plan.rows:
        if row.new_household and row.household not in households:
            households[row.household] = Household(
                community=community,
                number=row.household,
                address=row.address,
                group_id=row.group_id,
                building_id=row.building_id,
            )
    try:
        with transaction.atomic():
            created = bulk_create_with_history(
                list(households.values()),
                Household,
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=reason,
                default_date=at,
            )
            household_ids = {h.number: h.pk for h in created}
            if plan.existing_households:
                household_ids.update(
                    Household.objects.filter(
                        community=community,
                        number__in={r.household for r in plan.rows if not r.new_household},
                    ).values_list("number", "pk")
                )
            residents = [
                Resident(
                    community=community,
                    household_id=household_ids[row.household],
                    name=row.name,
                    id_number=row.id_number,
                    sex=row.sex,
                    birth_date=row.birth_date,
                    phone=row.phone,
                    relation_to_head=row.relation,
                    residence=row.residence,
                    moved_in_on=row.moved_in_on,
                    notes=row.notes,
                )
                for row in plan.rows
            ]
            bulk_create_with_history(
                residents,
                Resident,
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=reason,
                default_date=at,
            )
    except IntegrityError as e:  # a resident registered by hand between check and write
        raise RuleViolation(integrity_message(e)) from e

    message = _("导入文件“%(file)s”（SHA-256 %(hash)s）：新建%(households)d户，新增%(residents)d名居民。") % {
        "file": file_name,
        "hash": plan.sha256[:16],
        "households": len(created),
        "residents": len(residents),
    }
    entry = LogEntry.objects.create(
        user_id=actor.pk if actor is not None else _system_user().pk,
        content_type=ContentType.objects.get_for_model(Community),
        object_id=str(community.pk),
        object_repr=str(community)[:200],
        action_flag=ADDITION,
        change_message=message,
        action_time=at,
    )
    return ImportResult(households_created=len(created), residents_created=len(residents), log_entry=entry)


def _system_user() -> User:
    """LogEntry needs a user; imports run by a system job are recorded under this account."""
    user, _created = User.objects.get_or_create(
        username="system", defaults={"full_name": "系统", "is_active": False}
    )
    return user


TEMPLATE_HELP = gettext_lazy(
    "每行一名居民；带*为必填。居民小组填组号或名称；与户主关系填户主、配偶、子女、父母等；"
    "同一户的成员填相同的户号和住址，每个新户须有一名户主。"
)


def _example_id() -> str:
    first17 = "11010119800101123"
    return first17 + id_check_char(first17)


# --- The error list -----------------------------------------------------------------------------

# OWASP "CSV injection": a cell starting with one of these is run as a formula by Excel, WPS and
# LibreOffice; a leading single quote makes it text. Tab and CR count because spreadsheets skip them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """``value`` safe to write into a spreadsheet cell: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def error_rows(plan: ImportPlan) -> list[list]:
    """The header and one row per problem, every text cell neutralised (names and IDs are as typed)."""
    rows: list[list] = [[_("行号"), _("姓名"), _("身份证号码"), _("问题")]]
    rows += [["", "", "", message] for message in plan.file_errors]
    rows += [[e.line, e.name, e.masked_id, e.text] for e in plan.errors]
    return [[spreadsheet_cell(cell) for cell in row] for row in rows]


def errors_csv(plan: ImportPlan) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(error_rows(plan))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def errors_xlsx(plan: ImportPlan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("问题清单"))
    for r, values in enumerate(error_rows(plan), start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store any text starting with "=" as a formula
            if r == 1:
                cell.font = Font(bold=True)
    for column, width in zip("ABCD", (8, 10, 22, 80), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The template file ----------------------------------------------------------------------------


def template_rows() -> list[list[str]]:
    header = [c.header + ("*" if c.required else "") for c in COLUMNS]
    example = [
        "0100001",
        "幸福里1号楼1单元101室",
        "1",
        "1号楼",
        "张伟",
        _example_id(),
        "户主",
        "13800138000",
        "户籍在本社区",
        "2010-05-01",
        "示例行，导入前请删除",
    ]
    return [header, example]


def template_csv() -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The same template as .xlsx, every column formatted as text so IDs keep all 18 digits."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "居民"
    for r, values in enumerate(template_rows(), start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.number_format = "@"
            if r == 1:
                cell.font = Font(bold=True)
    for c, width in enumerate([10, 26, 10, 8, 8, 22, 12, 14, 22, 12, 20], start=1):
        sheet.column_dimensions[chr(64 + c)].width = width
        for r in range(3, 1001):
            sheet.cell(row=r, column=c).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
