"""seed_demo adds a finished committee election and one in progress to 幸福社区."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from elections.models import Election, StationCount
from notices.models import Posting

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_finished_and_an_ongoing_election():
    call_command("seed_demo", households=80, seed=3, stdout=io.StringIO())
    finished = Election.objects.get(status=Election.Status.RESULTS_POSTED)
    assert finished.community.slug == "xingfu"
    counts = StationCount.objects.filter(election=finished)
    assert counts.count() == finished.stations.count() >= 2
    assert all(c.validated and c.scan for c in counts)
    results = Posting.objects.get(pk=finished.results_posting_id)
    assert "（当选）" in results.body and "各投票站计票情况" in results.body
    assert finished.candidates.filter(status="rejected").count() == 1
    # DOMAIN.md: at least one woman on the committee, elected on her votes (no seat kept for her).
    from elections.services import compute_results

    r = compute_results(finished)
    assert r.valid_election and any(s.woman for s in r.elected) and not r.women_seats
    ongoing = Election.objects.get(status=Election.Status.ROLL_POSTED)
    posting = Posting.objects.get(pk=ongoing.roll.posting_id)
    assert posting.objections_open and ongoing.roll.frozen_at is None
