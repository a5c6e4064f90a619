"""Writes to the committee registry (STYLE.md #1, #4, #9, #12).

Every service is keyword-only and atomic, calls ``full_clean()``, translates a database constraint
into a :class:`~core.errors.RuleViolation` with a Chinese message, records the acting user in the
history (simple-history), and, when an ``actor`` is given, refuses records of communities the actor
does not serve. ``actor=None`` is for system jobs (imports, the demo seed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import captains as captain_rules
from committee.captains import CaptainsPostingPlan
from committee.models import (
    Building,
    BuildingCaptain,
    CommitteeSeat,
    CommitteeTerm,
    Household,
    Kinship,
    Representative,
    Resident,
    ResidentsGroup,
    SupervisionMember,
)
from committee.selectors import close_relative_ids, supervision_conflict
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User
from core.windows import posted_until, window_last_day

# --- Households and residents ---------------------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    community: Community,
    number: str,
    address: str,
    group: ResidentsGroup,
    building: Building | None = None,
    actor: User | None,
) -> Household:
    check_scope(actor, community.pk)
    household = Household(
        community=community, number=number.strip(), address=address.strip(), group=group, building=building
    )
    save_governed(household, actor=actor, reason=_("登记户"))
    return household


@transaction.atomic
def resident_create(
    *,
    household: Household,
    name: str,
    id_number: str,
    relation_to_head: str,
    actor: User | None,
    community: Community | None = None,
    phone: str = "",
    residence: str = Resident.Residence.REGISTERED,
    moved_in_on: dt.date | None = None,
    notes: str = "",
) -> Resident:
    """Register a resident in a household. ``community``, if given, must be the household's: a
    household of another community is refused (one person once per community, DOMAIN.md)."""
    if community is not None and household.community_id != community.pk:
        raise RuleViolation(
            {"household": [_("所选户不属于%(community)s，不能跨社区登记。") % {"community": community.name}]}
        )
    check_scope(actor, household.community_id)
    resident = Resident(
        household=household,
        community_id=household.community_id,
        name=name.strip(),
        id_number=id_number,
        relation_to_head=relation_to_head,
        phone=phone.strip(),
        residence=residence,
        moved_in_on=moved_in_on,
        notes=notes,
    )
    save_governed(resident, actor=actor, reason=_("登记居民"))
    return resident


_RESIDENT_EDITABLE = {
    "name",
    "id_number",
    "phone",
    "relation_to_head",
    "residence",
    "moved_in_on",
    "moved_out_on",
    "deceased_on",
    "notes",
    "household",
}


@transaction.atomic
def resident_update(*, resident: Resident, actor: User | None, **changes) -> Resident:
    """Change a resident's registration. Moving to a household of another community is refused."""
    unknown = set(changes) - _RESIDENT_EDITABLE
    if unknown:
        raise TypeError(f"resident_update: not editable: {sorted(unknown)}")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_scope(actor, resident.community_id)
    household = changes.get("household")
    if household is not None and household.community_id != resident.community_id:
        raise RuleViolation({"household": [_("不能把居民转入其他社区的户；请在新社区重新登记。")]})
    for name, value in changes.items():
        setattr(resident, name, value)
    save_governed(resident, actor=actor, reason=_("修改居民信息"))
    return resident


@transaction.atomic
def resident_move_out(*, resident: Resident, on: dt.date, actor: User | None, note: str = "") -> Resident:
    """Record a move out; the resident's open offices in the community end the same day."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_scope(actor, resident.community_id)
    if resident.moved_out_on is not None:
        raise RuleViolation(
            _("%(name)s已于%(date)s迁出。") % {"name": resident.name, "date": resident.moved_out_on}
        )
    resident.moved_out_on = on
    if note:
        resident.notes = (resident.notes + "\n" + note).strip()
    save_governed(resident, actor=actor, reason=_("迁出"))
    reason = _("随迁出离任")
    for model in (CommitteeSeat, Representative, SupervisionMember):
        for office in model.objects.filter(resident=resident, ended_on__isnull=True):
            office.ended_on = on
            save_governed(office, actor=actor, reason=reason, validate=False)
    for captain in BuildingCaptain.objects.filter(
        resident=resident, status__in=[BuildingCaptain.Status.CONFIRMED, BuildingCaptain.Status.NOMINATED]
    ):
        captain.status = (
            BuildingCaptain.Status.ENDED
            if captain.status == BuildingCaptain.Status.CONFIRMED
            else BuildingCaptain.Status.REJECTED
        )
        captain.decision_note = (captain.decision_note + "\n" + str(reason)).strip()
        save_governed(captain, actor=actor, reason=reason, validate=False)
    return resident


@transaction.atomic
def kinship_add(*, person: Resident, relative: Resident, kind: str, actor: User | None) -> Kinship:
    check_scope(actor, person.community_id)
    kinship = Kinship(person=person, relative=relative, kind=kind, community_id=person.community_id)
    save_governed(kinship, actor=actor, reason=_("登记亲属关系"))
    return kinship


# --- Committee terms, seats, representatives, supervision -----------------------------------------


@transaction.atomic
def term_create(
    *,
    community: Community,
    number: int,
    starts_on: dt.date,
    actor: User | None,
    ends_on: dt.date | None = None,
) -> CommitteeTerm:
    """A committee term; the end date defaults to ``community.rules.term_years`` (5) years later."""
    check_scope(actor, community.pk)
    term = CommitteeTerm(community=community, number=number, starts_on=starts_on, ends_on=ends_on)
    save_governed(term, actor=actor, reason=_("新建届次"))
    return term


@dataclass
class SeatAdded:
    seat: CommitteeSeat
    warnings: list[str] = field(default_factory=list)


def lock_term(term: CommitteeTerm) -> CommitteeTerm:
    """Seat and supervision changes of one term queue behind this row lock (STYLE.md #12)."""
    return CommitteeTerm.objects.select_for_update().select_related("community").get(pk=term.pk)


def seat_check(
    *, term: CommitteeTerm, resident: Resident, exclude_pk: int | None = None, adding: int = 1
) -> None:
    """Refuse a seat beyond ``rules.seats_max`` or one that would put a supervision member's close
    relative (or the member) on the committee. Call with the term locked."""
    rules = term.community.rules
    active = CommitteeSeat.objects.filter(term=term, ended_on__isnull=True).exclude(pk=exclude_pk).count()
    if active + adding > rules.seats_max:
        raise RuleViolation(
            _("本届居委会已有%(n)d名成员，最多%(max)d名，不能再增加。"),
            params={"n": active, "max": rules.seats_max},
        )
    seat_supervision_check(term=term, resident=resident)


def seat_supervision_check(*, term: CommitteeTerm, resident: Resident) -> None:
    """The supervision rule seen from the committee side: a supervision member, or a close relative
    of one, cannot take a seat while that member sits."""
    supervisors = {
        s.resident_id: s
        for s in SupervisionMember.objects.filter(term=term, ended_on__isnull=True).select_related("resident")
    }
    if resident.pk in supervisors:
        raise RuleViolation(
            _("%(name)s是本届居务监督委员，不能同时担任居委会成员；请先办理其监督委员离任。"),
            params={"name": resident.name},
        )
    kin = close_relative_ids(resident) & supervisors.keys()
    if kin:
        sup = supervisors[sorted(kin)[0]]
        raise RuleViolation(
            _(
                "%(name)s是本届居务监督委员%(supervisor)s的近亲属；居委会成员的近亲属不得担任监督委员，请先处理。"
            ),
            params={"name": resident.name, "supervisor": sup.resident.name},
        )


def seat_warnings(term: CommitteeTerm) -> list[str]:
    """Warnings, not refusals: fewer seats than ``rules.seats_min``; no woman on the committee."""
    rules = term.community.rules
    active = list(CommitteeSeat.objects.filter(term=term, ended_on__isnull=True).select_related("resident"))
    out = []
    if len(active) < rules.seats_min:
        out.append(
            _("本届居委会现有%(n)d名成员，少于规定的最少%(min)d名。")
            % {"n": len(active), "min": rules.seats_min}
        )
    if active and not any(s.resident.sex == Resident.Sex.FEMALE for s in active):
        out.append(_("本届居委会尚无女性成员，按规定至少应有一名女性。"))
    return out


@transaction.atomic
def seat_add(
    *,
    term: CommitteeTerm,
    resident: Resident,
    role: str,
    actor: User | None,
    starts_on: dt.date | None = None,
) -> SeatAdded:
    term = lock_term(term)
    check_scope(actor, term.community_id)
    seat_check(term=term, resident=resident)
    seat = CommitteeSeat(term=term, resident=resident, role=role, starts_on=starts_on or term.starts_on)
    save_governed(seat, actor=actor, reason=_("增加居委会成员"))
    return SeatAdded(seat=seat, warnings=seat_warnings(term))


@transaction.atomic
def representative_add(
    *,
    term: CommitteeTerm,
    group: ResidentsGroup,
    resident: Resident,
    actor: User | None,
    elected_on: dt.date | None = None,
) -> Representative:
    check_scope(actor, term.community_id)
    rep = Representative(term=term, group=group, resident=resident, elected_on=elected_on)
    save_governed(rep, actor=actor, reason=_("增加居民代表"))
    return rep


def supervision_check(*, term: CommitteeTerm, resident: Resident) -> None:
    """DOMAIN.md: no committee member nor a close relative of one sits on the supervision committee.
    Call with the term locked so a concurrent seat add cannot slip past."""
    problem = supervision_conflict(resident=resident, term=term)
    if problem:
        raise RuleViolation({"resident": [problem]})


@transaction.atomic
def supervision_member_add(
    *,
    term: CommitteeTerm,
    resident: Resident,
    actor: User | None,
    role: str = SupervisionMember.Role.MEMBER,
    elected_on: dt.date | None = None,
) -> SupervisionMember:
    term = lock_term(term)
    check_scope(actor, term.community_id)
    supervision_check(term=term, resident=resident)
    member = SupervisionMember(term=term, resident=resident, role=role, elected_on=elected_on)
    save_governed(member, actor=actor, reason=_("增加居务监督委员"))
    return member


# --- Building captains ----------------------------------------------------------------------------


@transaction.atomic
def captain_nominate(
    *,
    building: Building,
    resident: Resident,
    actor: User | None,
    self_nominated: bool = False,
    nominated_on: dt.date | None = None,
    residence_confirmed: bool = False,
) -> BuildingCaptain:
    """Record a nomination. A nominee the registry places outside the building needs
    ``residence_confirmed`` (see committee/captains.py for why that is not a refusal); the
    confirmation is kept in the history. Competing nominations are allowed:
    :func:`committee.captains.nomination_warnings` says what staff should know."""
    check_scope(actor, building.community_id)
    if not resident.is_current:
        raise RuleViolation(_("%(name)s已迁出或去世，不能提名为楼栋长。") % {"name": resident.name})
    reason = _("提名楼栋长")
    if resident.household.community_id == building.community_id:
        problem = captain_rules.residence_problem(building=building, resident=resident)
        if problem and not residence_confirmed:
            raise RuleViolation({"resident": [problem + _("如确需提名，请确认后再保存。")]})
        if problem:
            reason = _("提名楼栋长（非本楼居民，经工作人员确认）")
    captain = BuildingCaptain(
        building=building,
        resident=resident,
        community_id=building.community_id,
        self_nominated=self_nominated,
        nominated_on=nominated_on or timezone.localdate(),
    )
    save_governed(captain, actor=actor, reason=reason)
    return captain


@dataclass
class CaptainsPosted:
    posting: object  # notices.models.Posting
    captains: list[BuildingCaptain]
    # Years whose holiday schedule is not loaded: the end date assumed Monday-Friday (warn the user).
    unofficial_years: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _captains_for_posting(pks: list[int], *, lock: bool) -> list[BuildingCaptain]:
    if not pks:
        raise RuleViolation(_("请至少选择一名楼栋长提名。"))
    qs = BuildingCaptain.objects.filter(pk__in=pks).select_related(
        "building", "resident", "resident__household", "resident__household__building", "community"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    rows = list(qs.order_by("pk"))
    if len({c.community_id for c in rows}) != 1:
        raise RuleViolation(_("一次公示只能包含同一社区的提名。"))
    not_open = [c for c in rows if c.status != BuildingCaptain.Status.NOMINATED]
    if not_open:
        raise RuleViolation(
            _("以下提名不是“已提名”状态，不能公示：%(list)s")
            % {"list": "、".join(f"{c.building.name}{c.resident.name}" for c in not_open)}
        )
    return rows


def captains_post_plan(
    *, captains: Iterable[BuildingCaptain], actor: User | None, at: dt.datetime | None = None
) -> CaptainsPostingPlan:
    """The exact posting :func:`captains_post` would publish at ``at``, to show before publishing."""
    rows = _captains_for_posting([c.pk for c in captains], lock=False)
    check_scope(actor, rows[0].community_id)
    return captain_rules.plan_posting(rows=rows, at=at or timezone.now())


@transaction.atomic
def captains_post(
    *,
    captains: Iterable[BuildingCaptain],
    actor: User | None,
    at: dt.datetime | None = None,
    expected_fingerprint: str | None = None,
) -> CaptainsPosted:
    """Post nominations on the board for ``rules.captain_posting_working_days`` working days with
    real-name objections open (DOMAIN.md: 楼栋长 posted 5 working days, then confirmed).

    With ``expected_fingerprint`` (from :func:`captains_post_plan`, shown to the user), publish only
    if the posting is still exactly what was shown; otherwise refuse, so nothing unseen goes public.
    """
    from notices.services import publish

    at = at or timezone.now()
    rows = _captains_for_posting([c.pk for c in captains], lock=True)
    community = rows[0].community
    check_scope(actor, community.pk)
    # Two batches posted at once must not both pick the same free title (the ledger takes this
    # lock anyway when the posting is released).
    Community.objects.select_for_update().filter(pk=community.pk).values_list("pk", flat=True).get()
    plan = captain_rules.plan_posting(rows=rows, at=at)
    if expected_fingerprint is not None and plan.fingerprint != expected_fingerprint:
        raise RuleViolation(
            _("公示内容或公示期已发生变化（例如已过零点，或提名有变动），请重新预览后再发布。")
        )
    posting = publish(
        community=community,
        sources=rows,
        category=plan.category,
        title=plan.title,
        body=plan.body,
        working_days=plan.working_days,
        objections_open=True,
        actor=actor,
        at=at,
    )
    start, ends_on = timezone.localdate(at), window_last_day(posting.expire_at)[0]
    for c in plan.captains:
        c.status = BuildingCaptain.Status.POSTED
        c.posting_id = posting.pk
        c.posting_starts_on = start
        c.posting_ends_on = ends_on
        save_governed(c, actor=actor, reason=_("楼栋长人选公示"), validate=False)
    return CaptainsPosted(
        posting=posting,
        captains=plan.captains,
        unofficial_years=plan.unofficial_years,
        warnings=plan.warnings,
    )


def _posting_window_over(captain: BuildingCaptain, at: dt.datetime) -> bool:
    from notices.models import Posting

    posting = Posting.objects.filter(pk=captain.posting_id).only("expire_at", "withdrawn_at").first()
    if posting is not None and posting.expire_at is not None:
        return at >= posting.expire_at
    return captain.posting_ends_on is not None and timezone.localdate(at) > captain.posting_ends_on


@transaction.atomic
def captain_confirm(
    *, captain: BuildingCaptain, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> BuildingCaptain:
    """Confirm after the posting window ended, unless an objection is unanswered or was upheld."""
    from notices.models import Objection

    at = at or timezone.now()
    captain = (
        BuildingCaptain.objects.select_for_update(of=("self",))
        .select_related("resident", "building")
        .get(pk=captain.pk)
    )
    check_scope(actor, captain.community_id)
    if captain.status != BuildingCaptain.Status.POSTED or captain.posting_id is None:
        raise RuleViolation(
            _("只有公示中的提名才能确认（当前状态：%(status)s）。") % {"status": captain.get_status_display()}
        )
    if not _posting_window_over(captain, at):
        raise RuleViolation(
            _("%(window)s，公示期满后才能确认。") % {"window": posted_until(captain.posting_ends_on)}
        )
    objections = Objection.objects.filter(posting_id=captain.posting_id)
    pending = objections.filter(status=Objection.Status.PENDING).count()
    if pending:
        raise RuleViolation(_("公示期间收到的%(n)d件异议尚未答复，答复后才能确认。") % {"n": pending})
    if objections.filter(upheld=True).exists():
        raise RuleViolation(_("公示期间有异议经核实成立，不能确认；请否决该提名或重新提名后再公示。"))
    if not captain.resident.is_current:
        raise RuleViolation(_("%(name)s已迁出或去世，不能确认为楼栋长。") % {"name": captain.resident.name})
    captain.status = BuildingCaptain.Status.CONFIRMED
    captain.decided_at = at
    captain.decision_note = note
    save_governed(captain, actor=actor, reason=_("确认楼栋长"), validate=False)
    return captain


@transaction.atomic
def captain_reject(
    *, captain: BuildingCaptain, actor: User | None, note: str, at: dt.datetime | None = None
) -> BuildingCaptain:
    captain = BuildingCaptain.objects.select_for_update().get(pk=captain.pk)
    check_scope(actor, captain.community_id)
    if captain.status not in (BuildingCaptain.Status.NOMINATED, BuildingCaptain.Status.POSTED):
        raise RuleViolation(
            _("该提名已办结（%(status)s），不能否决。") % {"status": captain.get_status_display()}
        )
    if not note.strip():
        raise RuleViolation({"decision_note": [_("否决须填写理由。")]})
    captain.status = BuildingCaptain.Status.REJECTED
    captain.decided_at = at or timezone.now()
    captain.decision_note = note.strip()
    save_governed(captain, actor=actor, reason=_("否决楼栋长提名"), validate=False)
    return captain


@transaction.atomic
def captain_end(
    *, captain: BuildingCaptain, actor: User | None, note: str = "", at: dt.datetime | None = None
):
    captain = BuildingCaptain.objects.select_for_update().get(pk=captain.pk)
    check_scope(actor, captain.community_id)
    if captain.status != BuildingCaptain.Status.CONFIRMED:
        raise RuleViolation(_("只有在任楼栋长才能办理卸任。"))
    captain.status = BuildingCaptain.Status.ENDED
    captain.decision_note = (captain.decision_note + "\n" + note).strip()
    save_governed(captain, actor=actor, reason=_("楼栋长卸任"), validate=False)
    return captain


# --- The holiday calendar (OfficialDay) --------------------------------------------------------------



