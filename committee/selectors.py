"""Reads of the registry. Each fixes its own query count."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import CommitteeSeat, CommitteeTerm, Kinship, Representative, Resident
from core.models import Community

# Relations to the head of household that make two members of the same household close kin.
_FAMILY = {
    Resident.Relation.HEAD,
    Resident.Relation.SPOUSE,
    Resident.Relation.CHILD,
    Resident.Relation.PARENT,
    Resident.Relation.SIBLING,
    Resident.Relation.GRANDCHILD,
    Resident.Relation.GRANDPARENT,
    Resident.Relation.CHILD_IN_LAW,
    Resident.Relation.PARENT_IN_LAW,
}


def close_relative_ids(resident: Resident) -> set[int]:
    """IDs of the resident's close relatives: registered ties in both directions, plus family members
    of the same household (spouse, parents, children, siblings, grandparents, grandchildren, in-laws)."""
    ids: set[int] = set()
    for person_id, relative_id in Kinship.objects.filter(
        Q(person=resident) | Q(relative=resident)
    ).values_list("person_id", "relative_id"):
        ids.add(relative_id if person_id == resident.pk else person_id)
    if resident.relation_to_head in _FAMILY:
        ids.update(
            Resident.objects.filter(household_id=resident.household_id, relation_to_head__in=_FAMILY)
            .exclude(pk=resident.pk)
            .values_list("pk", flat=True)
        )
    return ids


def close_relatives_of(resident: Resident) -> QuerySet[Resident]:
    return Resident.objects.filter(pk__in=close_relative_ids(resident))


def are_close_relatives(a: Resident, b: Resident) -> bool:
    return a.pk != b.pk and b.pk in close_relative_ids(a)


def current_term(community: Community, at: dt.date | None = None) -> CommitteeTerm | None:
    day = at or timezone.localdate()
    return CommitteeTerm.objects.filter(community=community, starts_on__lte=day, ends_on__gt=day).first()


def committee_members(term: CommitteeTerm) -> QuerySet[Resident]:
    return Resident.objects.filter(committee_seats__term=term, committee_seats__ended_on__isnull=True)


def supervision_conflict(*, resident: Resident, term: CommitteeTerm) -> str | None:
    """DOMAIN.md: no committee member nor a close relative of one may sit on the supervision committee.

    Returns the reason in the user's language, or None.
    """
    seats = CommitteeSeat.objects.filter(term=term, ended_on__isnull=True).select_related("resident")
    members = {s.resident_id: s for s in seats}
    if resident.pk in members:
        return _("%(name)s是本届居委会%(role)s，不能同时担任居务监督委员。") % {
            "name": resident.name,
            "role": members[resident.pk].get_role_display(),
        }
    kin = close_relative_ids(resident) & members.keys()
    if kin:
        seat = members[sorted(kin)[0]]
        return _("%(name)s是本届居委会%(role)s%(member)s的近亲属，不能担任居务监督委员。") % {
            "name": resident.name,
            "role": seat.get_role_display(),
            "member": seat.resident.name,
        }
    return None


def current_representatives(community: Community, day: dt.date | None = None) -> QuerySet[Representative]:
    """The residents' representatives (居民代表) in office on ``day``: of the term current that day,
    elected by then (or undated), not ended by then (an ``ended_on`` of that day or earlier makes a
    former representative), and still living here (not moved out, not deceased)."""
    day = day or timezone.localdate()
    term = current_term(community, day)
    if term is None:
        return Representative.objects.none()
    return Representative.objects.filter(
        Q(elected_on__isnull=True) | Q(elected_on__lte=day),
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        term=term,
        resident__moved_out_on__isnull=True,
        resident__deceased_on__isnull=True,
    )
