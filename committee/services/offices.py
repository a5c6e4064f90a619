"""Writes to the committee's offices: terms, seats, residents' representatives, supervision members.

Seat and supervision changes of one term take the term's row lock (:func:`lock_term`), so the rule
that no committee member nor a close relative of one supervises holds under concurrent writes; terms
of one community take the community's row lock, so two overlapping terms cannot both pass the check.
The admin saves through these too (``committee.admin.offices``).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from committee.models import (
    CommitteeSeat,
    CommitteeTerm,
    Representative,
    Resident,
    ResidentsGroup,
    SupervisionMember,
)
from committee.selectors import close_relative_ids, supervision_conflict
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User


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
    _lock_community(community.pk)
    term = CommitteeTerm(community=community, number=number, starts_on=starts_on, ends_on=ends_on)
    save_governed(term, actor=actor, reason=_("新建届次"))
    return term


@transaction.atomic
def term_update(*, term: CommitteeTerm, actor: User | None, **changes) -> CommitteeTerm:
    """Change a term's number or dates (no overlap with another term: ``CommitteeTerm.clean``)."""
    term = CommitteeTerm.objects.select_for_update().get(pk=term.pk)
    check_scope(actor, term.community_id)
    if "community" in changes and changes.pop("community").pk != term.community_id:
        raise RuleViolation({"community": [_("届次不能转到其他社区。")]})
    _lock_community(term.community_id)
    unknown = set(changes) - {"number", "starts_on", "ends_on"}
    if unknown:
        raise TypeError(f"term_update: not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(term, name, value)
    save_governed(term, actor=actor, reason=_("修改届次"))
    return term


def _lock_community(community_id: int) -> None:
    # The overlap check reads the community's other terms; two writers queue here.
    Community.objects.select_for_update().filter(pk=community_id).first()


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
    ended_on: dt.date | None = None,
) -> SeatAdded:
    """DOMAIN.md: at most ``rules.seats_max`` sitting members; no supervision member nor a close
    relative of one. A seat entered already ended (a past member) only needs the row's own checks."""
    term = lock_term(term)
    check_scope(actor, term.community_id)
    if ended_on is None:
        seat_check(term=term, resident=resident)
    seat = CommitteeSeat(
        term=term, resident=resident, role=role, starts_on=starts_on or term.starts_on, ended_on=ended_on
    )
    save_governed(seat, actor=actor, reason=_("增加居委会成员"))
    return SeatAdded(seat=seat, warnings=seat_warnings(term))


@transaction.atomic
def seat_update(*, seat: CommitteeSeat, actor: User | None, **changes) -> SeatAdded:
    """Change a seat (role, member, dates, or move it to another term). The seat rules apply when
    the result sits and it did not sit before in the same term with the same member."""
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    check_scope(actor, seat.term.community_id)
    term = lock_term(changes.get("term", seat.term))
    check_scope(actor, term.community_id)
    resident = changes.get("resident", seat.resident)
    sits = changes.get("ended_on", seat.ended_on) is None
    newly = seat.ended_on is not None or resident.pk != seat.resident_id or term.pk != seat.term_id
    if sits and newly:
        seat_check(term=term, resident=resident, exclude_pk=seat.pk)
    _set(seat, changes, {"term", "resident", "role", "starts_on", "ended_on"})
    save_governed(seat, actor=actor, reason=_("修改居委会成员"))
    return SeatAdded(seat=seat, warnings=seat_warnings(term))


def _set(office, changes: dict, editable: set[str]) -> None:
    unknown = set(changes) - editable
    if unknown:
        raise TypeError(f"{type(office).__name__}: not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(office, name, value)


@transaction.atomic
def office_remove(*, office: CommitteeSeat | Representative | SupervisionMember, actor: User | None) -> None:
    """Delete an office entered by mistake (a member who leaves gets an end date instead, which
    keeps the record). Removing an office can only relax the term's rules, but it takes the term's
    lock like every other change of the term's offices."""
    model = type(office)
    office = model.objects.select_for_update().select_related("term").get(pk=office.pk)
    check_scope(actor, office.term.community_id)
    lock_term(office.term)
    office._history_user = actor
    office._change_reason = _("删除任职记录")
    office.delete()


@transaction.atomic
def representative_add(
    *,
    term: CommitteeTerm,
    group: ResidentsGroup,
    resident: Resident,
    actor: User | None,
    elected_on: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> Representative:
    """A representative is elected by their own residents' group (``Representative.clean``)."""
    check_scope(actor, term.community_id)
    rep = Representative(term=term, group=group, resident=resident, elected_on=elected_on, ended_on=ended_on)
    save_governed(rep, actor=actor, reason=_("增加居民代表"))
    return rep


@transaction.atomic
def representative_update(*, representative: Representative, actor: User | None, **changes) -> Representative:
    rep = Representative.objects.select_for_update().select_related("term").get(pk=representative.pk)
    check_scope(actor, rep.term.community_id)
    if "term" in changes:
        check_scope(actor, changes["term"].community_id)
    _set(rep, changes, {"term", "group", "resident", "elected_on", "ended_on"})
    save_governed(rep, actor=actor, reason=_("修改居民代表"))
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
    ended_on: dt.date | None = None,
) -> SupervisionMember:
    term = lock_term(term)
    check_scope(actor, term.community_id)
    if ended_on is None:
        supervision_check(term=term, resident=resident)
    member = SupervisionMember(
        term=term, resident=resident, role=role, elected_on=elected_on, ended_on=ended_on
    )
    save_governed(member, actor=actor, reason=_("增加居务监督委员"))
    return member


@transaction.atomic
def supervision_member_update(
    *, member: SupervisionMember, actor: User | None, **changes
) -> SupervisionMember:
    """The supervision rule applies when the result sits and did not sit before in the same term
    with the same person."""
    member = SupervisionMember.objects.select_for_update().get(pk=member.pk)
    check_scope(actor, member.term.community_id)
    term = lock_term(changes.get("term", member.term))
    check_scope(actor, term.community_id)
    resident = changes.get("resident", member.resident)
    sits = changes.get("ended_on", member.ended_on) is None
    newly = member.ended_on is not None or resident.pk != member.resident_id or term.pk != member.term_id
    if sits and newly:
        supervision_check(term=term, resident=resident)
    _set(member, changes, {"term", "resident", "role", "elected_on", "ended_on"})
    save_governed(member, actor=actor, reason=_("修改居务监督委员"))
    return member
