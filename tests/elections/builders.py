"""Objects of the elections admins for tests/test_admin_generic.py (its BUILDERS)."""

from __future__ import annotations

from django.utils import timezone

from elections import services as es
from elections.models import Candidate, CandidateCondition, Election, Voter
from tests import factories as f
from tests.elections.util import to_nominations


def _elections(community):
    draft, _r = f.election_with_roll(community)
    return [draft]


def _voters(community):
    election, _r = f.election_with_roll(community, voters=2)
    return list(Voter.objects.filter(roll__election=election))


def _nominating(community):
    election, residents = f.election_with_roll(community, voters=3)
    es.condition_add(election=election, text="遵纪守法", actor=None)
    return to_nominations(election, None, posted_at=timezone.now()), residents


def _candidates(community) -> list[Candidate]:
    election, residents = _nominating(community)
    return [
        es.candidate_nominate(
            election=election, resident=residents[0], office="member", kind="self", actor=None
        )
    ]


def _conditions(community) -> list[CandidateCondition]:
    election, _r = _nominating(community)
    return list(election.conditions.all())


BUILDERS = {
    Election: _elections,
    Voter: _voters,
    Candidate: _candidates,
    CandidateCondition: _conditions,
}
