"""Building captains (楼栋长): the checks staff see before a nomination, and the posting that lists
nominations on the board, and the workflow every nomination follows (:data:`CAPTAIN_FLOW`). Reads
only; the writes are ``committee.services.captain_*``, each a step applied through the flow.

Two decisions of the rule book, as applied here:

- **A nominee who does not live in the building is allowed after a confirmation, not refused.**
  DOMAIN.md makes no residence condition (a captain is nominated or self-nominated, posted with
  real-name objections, then confirmed), the registry's household → building link is optional and
  can be out of date, and a small building without a volunteer is sometimes served by a neighbour.
  So staff must tick a confirmation (the reason goes into the record's history) and the posting
  marks the nominee "非本楼居民", so the building's residents can object in the open.
- **Competing nominations for one building are allowed, and shown.** Self-nomination is a
  resident's right; refusing a second nomination would let whoever nominated first shut others
  out. Only one captain per building can be confirmed (a database constraint); the admin warns on
  each nomination, lists and filters buildings with several open nominations, and the posting says
  that the committee will confirm one of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from committee.models import Building, BuildingCaptain, Resident
from core.models import Community
from core.windows import posted_until
from core.workflow import Transition, Workflow

OPEN = (BuildingCaptain.Status.NOMINATED, BuildingCaptain.Status.POSTED)
# A posting's title names at most this many buildings, then "等N栋楼".
TITLE_BUILDINGS = 3


S = BuildingCaptain.Status
CHANGE = "committee.change_buildingcaptain"


def _nominee_current(captain: BuildingCaptain, step) -> str | None:
    if captain.resident.is_current:
        return None
    if step.transition.name == "nominate":
        return _("%(name)s已迁出或去世，不能提名为楼栋长。") % {"name": captain.resident.name}
    return _("%(name)s已迁出或去世，不能确认为楼栋长。") % {"name": captain.resident.name}


def _window_over(captain: BuildingCaptain, step) -> str | None:
    from notices.models import Posting

    if captain.posting_id is None:
        return _("该提名没有对应的公示，不能确认；请重新公示。")
    posting = Posting.objects.filter(pk=captain.posting_id).only("expire_at").first()
    if posting is not None and posting.expire_at is not None:
        over = step.at >= posting.expire_at
    else:
        over = captain.posting_ends_on is not None and timezone.localdate(step.at) > captain.posting_ends_on
    if over:
        return None
    return _("%(window)s，公示期满后才能确认。") % {"window": posted_until(captain.posting_ends_on)}


def _objections_settled(captain: BuildingCaptain, step) -> str | None:
    from notices.models import Objection

    if captain.posting_id is None:
        return None
    objections = Objection.objects.filter(posting_id=captain.posting_id)
    pending = objections.filter(status=Objection.Status.PENDING).count()
    if pending:
        return _("公示期间收到的%(n)d件异议尚未答复，答复后才能确认。") % {"n": pending}
    if objections.filter(upheld=True).exists():
        return _("公示期间有异议经核实成立，不能确认；请否决该提名或重新提名后再公示。")
    return None


# nominated → posted → confirmed → ended, or → rejected while open. ``withdrawn`` and ``carried``
# are the board's hand-off (actor None) when the posting listing the nomination closes early.
CAPTAIN_FLOW = Workflow(
    "captain",
    states=S,
    field="status",
    transitions=[
        Transition(
            "nominate", _("提名"), sources=[S.NOMINATED], permission=CHANGE, checks=[_nominee_current]
        ),
        Transition("post", _("公示"), sources=[S.NOMINATED], target=S.POSTED, permission=CHANGE),
        Transition(
            "confirm",
            _("确认任职"),
            sources=[S.POSTED],
            target=S.CONFIRMED,
            permission=CHANGE,
            checks=[_window_over, _objections_settled, _nominee_current],
        ),
        Transition(
            "reject", _("否决"), sources=[S.NOMINATED, S.POSTED], target=S.REJECTED, permission=CHANGE
        ),
        Transition("end", _("卸任"), sources=[S.CONFIRMED], target=S.ENDED, permission=CHANGE),
        Transition("withdrawn", _("公示撤回，退回待公示"), sources=[S.POSTED], target=S.NOMINATED),
        Transition("carried", _("随更正版本继续公示"), sources=[S.POSTED]),
    ],
)


def building_sort_key(name: str) -> tuple:
    """1号楼, 2号楼, …, 11号楼 (not 1, 11, 2): numbers in a name compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name))


def residence_problem(*, building: Building, resident: Resident) -> str | None:
    """Why ``resident`` is not known to live in ``building`` (None if they do, or the registry does
    not say). Such a nomination needs the staff member's confirmation."""
    household = resident.household
    if resident.residence == Resident.Residence.REGISTERED_AWAY:
        return _("%(name)s户籍在本社区但人户分离，不住在%(building)s。") % {
            "name": resident.name,
            "building": building.name,
        }
    if household.building_id is not None and household.building_id != building.pk:
        return _("%(name)s住在%(home)s，不是%(building)s的居民。") % {
            "name": resident.name,
            "home": household.building.name,
            "building": building.name,
        }
    return None


def lives_in_building(captain: BuildingCaptain) -> bool | None:
    """True/False from the registry; None when the nominee's household has no building recorded."""
    resident = captain.resident
    if resident.residence == Resident.Residence.REGISTERED_AWAY:
        return False
    if resident.household.building_id is None:
        return None
    return resident.household.building_id == captain.building_id


def nomination_warnings(
    *, building: Building, resident: Resident, exclude_pk: int | None = None
) -> list[str]:
    """What staff should know about a nomination that is allowed: the registry cannot confirm the
    residence, other open nominations for the building, a captain already in office."""
    out = []
    if resident.residence != Resident.Residence.REGISTERED_AWAY and resident.household.building_id is None:
        out.append(
            _("%(name)s的户未登记楼栋，无法核对其是否住在%(building)s，请核实。")
            % {"name": resident.name, "building": building.name}
        )
    others = list(
        BuildingCaptain.objects.filter(building=building)
        .exclude(pk=exclude_pk)
        .exclude(resident=resident)
        .filter(status__in=[*OPEN, BuildingCaptain.Status.CONFIRMED])
        .select_related("resident")
        .order_by("nominated_on", "pk")
    )
    rivals = [c for c in others if c.status in OPEN]
    if rivals:
        out.append(
            _(
                "%(building)s另有%(n)d项未办结的提名：%(list)s。同一楼栋只能确认一名楼栋长，公示时将注明由居委会择一确认。"
            )
            % {
                "building": building.name,
                "n": len(rivals),
                "list": "、".join(f"{c.resident.name}（{c.get_status_display()}）" for c in rivals),
            }
        )
    in_office = [c for c in others if c.status == BuildingCaptain.Status.CONFIRMED]
    if in_office:
        out.append(
            _("%(building)s已有在任楼栋长%(name)s；新人选须在其卸任后才能确认。")
            % {"building": building.name, "name": in_office[0].resident.name}
        )
    return out


def open_rivals_after_confirm(captain: BuildingCaptain) -> list[BuildingCaptain]:
    """Open nominations for the same building left behind once ``captain`` is confirmed."""
    return list(
        BuildingCaptain.objects.filter(building_id=captain.building_id, status__in=OPEN)
        .exclude(pk=captain.pk)
        .select_related("resident")
    )


# --- The board posting of a batch of nominations --------------------------------------------------


@dataclass
class CaptainsPostingPlan:
    """The exact posting a batch of nominations will publish (the admin shows it before publishing)."""

    community: Community
    captains: list[BuildingCaptain]
    category: str
    category_label: str
    title: str
    body: str
    body_html: str  # the body as stored and shown on the board
    working_days: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    unofficial_years: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Changes whenever what residents would read changes (text, window, nominations)."""
        # Not the start: the posting goes public when confirmed, a minute after the preview.
        parts = [
            self.category,
            self.title,
            self.body,
            str(self.working_days),
            self.ends_at.isoformat(),
            ",".join(str(c.pk) for c in self.captains),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    @property
    def window_end_text(self) -> str:
        return posted_until(self.ends_at)


def _buildings_text(names: list[str]) -> str:
    if len(names) <= TITLE_BUILDINGS:
        return "、".join(names)
    return _("%(first)s等%(n)d栋楼") % {"first": "、".join(names[:TITLE_BUILDINGS]), "n": len(names)}


def _distinct_title(community: Community, base: str) -> str:
    """``base``, or ``base（第2批）``… when the community already has a posting of that title."""
    from notices.models import Posting

    taken = set(
        Posting.objects.filter(community=community, title__startswith=base).values_list("title", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while (candidate := _("%(title)s（第%(n)d批）") % {"title": base, "n": n}) in taken:
        n += 1
    return candidate


def plan_posting(*, rows: list[BuildingCaptain], at: dt.datetime) -> CaptainsPostingPlan:
    """Title, body and window of the posting for ``rows`` (one community's open nominations,
    ``building``, ``resident__household`` and ``community`` loaded), as published at ``at``."""
    from notices.models import Category
    from notices.sanitize import sanitize_body
    from notices.services import working_days_end

    community = rows[0].community
    days = community.rules.captain_posting_working_days
    ends_at, unofficial = working_days_end(at, days, community_id=community.pk)
    rows = sorted(rows, key=lambda c: (building_sort_key(c.building.name), c.nominated_on, c.pk))
    by_building: dict[int, list[BuildingCaptain]] = defaultdict(list)
    for c in rows:
        by_building[c.building_id].append(c)
    names = [group[0].building.name for group in by_building.values()]
    title = _distinct_title(
        community,
        _("楼栋长人选公示：%(buildings)s（%(date)s）")
        % {
            "buildings": _buildings_text(names),
            "date": formats.date_format(timezone.localdate(at), _("Y年n月j日")),
        },
    )
    outside: dict[int, list[BuildingCaptain]] = defaultdict(list)
    for c in (
        BuildingCaptain.objects.filter(building_id__in=list(by_building), status__in=OPEN)
        .exclude(pk__in=[c.pk for c in rows])
        .select_related("resident")
        .order_by("nominated_on", "pk")
    ):
        outside[c.building_id].append(c)
    lines = []
    warnings = []
    for group in by_building.values():
        building = group[0].building
        people = []
        for c in group:
            notes = [_("自荐") if c.self_nominated else _("推荐")]
            if lives_in_building(c) is False:
                notes.append(_("非本楼居民"))
            people.append(_("%(name)s（%(notes)s）") % {"name": c.resident.name, "notes": "，".join(notes)})
        line = _("%(building)s：%(people)s") % {"building": building.name, "people": "；".join(people)}
        if len(group) > 1:
            line += _("——本楼有%(n)d名人选，公示期满后由居委会确认其中一名。") % {"n": len(group)}
            warnings.append(
                _("%(building)s有%(n)d名人选同时公示：%(names)s。")
                % {
                    "building": building.name,
                    "n": len(group),
                    "names": "、".join(c.resident.name for c in group),
                }
            )
        lines.append(line)
        left_out = outside.get(building.pk)
        if left_out:
            warnings.append(
                _("%(building)s另有未列入本次公示的提名：%(list)s。")
                % {
                    "building": building.name,
                    "list": "、".join(f"{c.resident.name}（{c.get_status_display()}）" for c in left_out),
                }
            )
        for c in group:
            problem = residence_problem(building=building, resident=c.resident)
            if problem:
                warnings.append(_("%(problem)s公示中将注明“非本楼居民”。") % {"problem": problem})
    body = "\n".join(
        [
            _("经推荐和自荐，以下居民拟任楼栋长，现予公示%(days)d个工作日，%(window)s。")
            % {"days": days, "window": posted_until(ends_at)},
            "",
            *lines,
            "",
            _("公示期内如有异议，请实名提出。"),
        ]
    )
    return CaptainsPostingPlan(
        community=community,
        captains=rows,
        category=Category.AFFAIRS,
        category_label=str(Category.AFFAIRS.label),
        title=title,
        body=body,
        body_html=sanitize_body(body),
        working_days=days,
        starts_at=at,
        ends_at=ends_at,
        unofficial_years=set(unofficial),
        warnings=warnings,
    )
