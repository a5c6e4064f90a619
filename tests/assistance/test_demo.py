"""seed_demo's hardship cases: every step, the separate register, a posted batch shown masked."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assistance.models import Case, CaseFlag
from core.idnumbers import mask_name
from core.models import Community
from notices.models import Posting

pytestmark = pytest.mark.django_db
S = Case.State


def test_seed_demo_adds_cases_at_every_step_with_masked_public_output(client):
    out = io.StringIO()
    call_command("seed_demo", households=150, seed=3, stdout=out)
    community = Community.objects.get(slug="xingfu")
    cases = Case.objects.filter(community=community)
    states = set(cases.values_list("state", flat=True))
    assert {
        S.APPLIED,
        S.VISITED,
        S.INVESTIGATED,
        S.CHECKED,
        S.COMPARED,
        S.REVIEWED,
        S.SCORED,
        S.POSTED,
        S.REPORTED,
        S.APPROVED,
        S.RETURNED,
        S.REJECTED,
    } <= states
    assert cases.filter(investigations__kind="cross", applicant_response__contains="助学金").exists()
    assert cases.get(state=S.RETURNED).street_note
    assert CaseFlag.objects.filter(case__community=community, code=CaseFlag.Code.STAFF_RELATIVE).exists()
    # The batch on the board now: masked names only.
    posted = list(cases.filter(state=S.POSTED).select_related("applicant"))
    posting = Posting.objects.get(pk=posted[0].posting_id)
    for case in posted:
        assert mask_name(case.applicant.name) in posting.body
        assert case.applicant.name not in posting.body and case.applicant.id_number not in posting.body
    board = client.get("/c/xingfu/").content.decode()
    assert posting.title in board
