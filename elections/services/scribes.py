"""代书: the helper who fills the ballot of a voter who cannot write, found at the station like a
voter (name, household number or the last 4 ID characters) and checked when the check-in records it.

DOMAIN.md (counting roles) lets a voter who cannot write have a helper fill the ballot, recorded; the
same paragraph keeps candidates away from other people's votes (a candidate may not carry a proxy).
The election rules the seeds follow say the same of the pen: the helper is a current resident of the
community, not the voter and not a candidate of the election (候选人不得为他人代写选票).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Right
from django.utils.translation import gettext as _

from committee.models import Resident
from core.errors import RuleViolation
from elections.models import Candidate, Election, Voter

MATCHES = 10


def scribe_matches(*, election: Election, query: str, limit: int = MATCHES + 1) -> list[Resident]:
    """The community's current residents a poll worker may mean by ``query``; up to ``limit``."""
    query = (query or "").strip()[:50]
    if not query:
        return []
    q = Q(name__startswith=query) | Q(household__number=query)
    residents = Resident.objects.filter(
        community_id=election.community_id, deceased_on__isnull=True, moved_out_on__isnull=True
    )
    if len(query) == 4:
        residents = residents.annotate(id_last4=Right("id_number", 4))
        q |= Q(id_last4=query.upper())
    return list(
        residents.filter(q)
        .select_related("household__group", "household__building")
        .order_by("name", "household__number", "pk")[:limit]
    )


def scribe_check(*, election: Election, voter: Voter, scribe: Resident) -> None:
    """Refuse a helper who is not a current resident here, is the voter, or stands in the election."""
    if scribe.community_id != election.community_id or not scribe.is_current:
        raise RuleViolation(_("代书人须为本社区现有居民。"))
    if scribe.pk == voter.resident_id:
        raise RuleViolation(_("代书人不能是选民本人。"))
    root = election.root
    if (
        Candidate.objects.filter(Q(election=root) | Q(election__parent=root), resident_id=scribe.pk)
        .exclude(status__in=[Candidate.Status.REJECTED, Candidate.Status.WITHDRAWN])
        .exists()
    ):
        raise RuleViolation(
            _("%(name)s是本次选举的候选人，不能为选民代书，请另请他人。") % {"name": scribe.name}
        )
