"""Writes to the committee's offices: terms, seats, residents' representatives, supervision members.

Seat and supervision changes of one term take the term's row lock (:func:`lock_term`), so the rule
that no committee member nor a close relative of one supervises holds under concurrent writes.
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
