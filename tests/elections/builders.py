"""Objects of the elections admins for tests/test_admin_generic.py (its BUILDERS)."""

from __future__ import annotations

from elections.models import Election, Voter
from tests import factories as f


def _elections(community):
    draft, _r = f.election_with_roll(community)
    return [draft]


def _voters(community):
    election, _r = f.election_with_roll(community, voters=2)
    return list(Voter.objects.filter(roll__election=election))


BUILDERS = {
    Election: _elections,
    Voter: _voters,
}
