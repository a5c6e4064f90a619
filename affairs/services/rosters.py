"""Who sits in each body, read from the registry for the term current on the meeting's day.

- 居民会议: one representative per registered household (its head, DOMAIN.md "all adult residents or
  household reps"; we use household reps so the roster stays signable on paper);
- 居民代表会议: the term's representatives;
- 议事协调会: committee members, supervision members and residents' group leaders;
- 居委会会议 and 三方联席会议: committee members (property management and the owners' committee
  attend the joint meeting as guests, not voting members);
- 居务监督委员会会议: supervision members.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from affairs.models.meetings import Body
from committee.models import (
    CommitteeSeat,
    CommitteeTerm,
    Representative,
    Resident,
    ResidentsGroup,
    SupervisionMember,
)
from committee.selectors import current_term
from core.models import Community


def _committee(term: CommitteeTerm | None) -> list[tuple[Resident, str]]:
    if term is None:
        return []
    seats = CommitteeSeat.objects.filter(term=term, ended_on__isnull=True).select_related("resident")
    return [(s.resident, _("居委会%(role)s") % {"role": s.get_role_display()}) for s in seats]


def _supervisors(term: CommitteeTerm | None) -> list[tuple[Resident, str]]:
    if term is None:
        return []
    rows = SupervisionMember.objects.filter(term=term, ended_on__isnull=True).select_related("resident")
    return [(s.resident, _("监督委员会%(role)s") % {"role": s.get_role_display()}) for s in rows]


def _representatives(term: CommitteeTerm | None) -> list[tuple[Resident, str]]:
    if term is None:
        return []
    rows = (
        Representative.objects.filter(term=term, ended_on__isnull=True)
        .select_related("resident", "group")
        .order_by("group__number", "id")
    )
    return [(r.resident, _("居民代表（%(group)s）") % {"group": r.group.name}) for r in rows]


def _group_leaders(community: Community) -> list[tuple[Resident, str]]:
    groups = ResidentsGroup.objects.filter(community=community, leader__isnull=False).select_related("leader")
    return [(g.leader, _("居民组长（%(group)s）") % {"group": g.name}) for g in groups.order_by("number")]


def _household_heads(community: Community) -> list[tuple[Resident, str]]:
    heads = (
        Resident.objects.filter(
            community=community,
            relation_to_head=Resident.Relation.HEAD,
            moved_out_on__isnull=True,
            deceased_on__isnull=True,
        )
        .select_related("household")
        .order_by("household__number", "id")
    )
    return [(r, _("户代表（%(number)s）") % {"number": r.household.number}) for r in heads]


def roster_for(*, community: Community, body: str, day: dt.date) -> tuple[CommitteeTerm | None, list]:
    """The term used and ``[(resident, capacity), ...]``: current residents only, each once."""
    term = current_term(community, day)
    if body == Body.RESIDENTS_MEETING:
        rows = _household_heads(community)
    elif body == Body.ASSEMBLY:
        rows = _representatives(term)
    elif body == Body.COUNCIL:
        rows = _committee(term) + _supervisors(term) + _group_leaders(community)
    elif body == Body.SUPERVISION:
        rows = _supervisors(term)
    else:  # committee meeting, joint meeting
        rows = _committee(term)
    seen: set[int] = set()
    out = []
    for resident, capacity in rows:
        if resident.pk in seen or not resident.is_current:
            continue
        seen.add(resident.pk)
        out.append((resident, capacity))
    return term, out
