"""Named records of an import: the rows that passed, the rows that did not, the plan and the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext as _

from committee.models import Resident
from core.errors import RuleViolation
from core.idnumbers import mask_id
from core.models import Community


@dataclass
class RowError:
    line: int
    reasons: list[str]
    name: str = ""
    id_number: str = ""  # as typed: shown masked

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def text(self) -> str:
        return "".join(r if r.endswith(("。", "！", "？")) else r + "。" for r in self.reasons)


@dataclass(slots=True)
class ResidentRow:
    """A row that passed every check, with its references resolved: what the write step inserts."""

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
        return str(Resident.Relation(self.relation).label)


@dataclass(slots=True)
class NewHousehold:
    """A household number first met in the file (not yet registered in the community)."""

    first_line: int
    address: str
    group_id: int
    building_id: int | None
    head_line: int | None = None  # the good row that registers its head


@dataclass
class ImportPlan:
    community: Community
    file_name: str
    sha256: str
    rows: list[ResidentRow] = field(default_factory=list)
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
