"""seed_demo adds meetings with attendance and named votes, motions at every step (one rejected) and
an upcoming public meeting to the first community."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from affairs.models import Meeting, Motion, Vote
from notices.models import Category, Posting

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_months_meetings_and_motions():
    out = io.StringIO()
    call_command("seed_demo", households=60, seed=3, stdout=out)
    assert "会议4次，议题7项（1项未通过）" in out.getvalue()
    states = set(Motion.objects.values_list("state", flat=True))
    assert {"proposed", "deliberated", "reviewed", "rejected", "implementing", "result_posted"} <= states
    assert Vote.objects.exclude(choice=Vote.Choice.ABSENT).exists()
    closed = Meeting.objects.filter(closed_at__isnull=False)
    assert closed.count() == 2 and all(m.members.filter(attendance="present").exists() for m in closed)
    assert Meeting.objects.filter(is_public=True, starts_at__gt=timezone.now()).exists()
    assert Posting.objects.filter(category=Category.RESOLUTION, title__startswith="决议公开：").count() == 3
    assert (
        Posting.objects.filter(category=Category.IMPLEMENTATION, title__startswith="实施结果公开：").count()
        == 1
    )
    # Only the postings generated from the motions: no hand-typed resolution or result beside them.
    assert (
        not Posting.objects.filter(category=Category.RESOLUTION)
        .exclude(title__startswith="决议公开：")
        .exists()
    )
    assert Posting.objects.filter(category=Category.IMPLEMENTATION).count() == 1
