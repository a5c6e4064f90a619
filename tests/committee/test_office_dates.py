"""A committee seat (and a representative's or supervisor's office) cannot end before it starts.

Refused by the model's ``clean()`` with a Chinese message on the field (admin forms, inlines,
services) and by a database CheckConstraint (any other write), whose name maps to the same message.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from committee import models as cm
from core.errors import RuleViolation
from core.governed import save_governed
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date
SEAT_MESSAGE = "离任日期不能早于任职日期。"


@pytest.fixture
def term(community):
    return f.CommitteeTermFactory(community=community, starts_on=D(2024, 1, 1), ends_on=D(2029, 1, 1))


def _resident(term, **kwargs):
    return f.ResidentFactory(household=f.HouseholdFactory(community=term.community), **kwargs)


def test_admin_seat_ending_before_it_starts_is_refused(chair_client, term):
    resident = _resident(term)
    url = reverse("admin:committee_committeeseat_add")
    data = {"term": term.pk, "resident": resident.pk, "role": "member", "starts_on": "2025-03-01"}
    response = chair_client.post(url, {**data, "ended_on": "2025-02-28"})
    assert response.status_code == 200
    assert SEAT_MESSAGE in response.content.decode()
    assert not cm.CommitteeSeat.objects.exists()
    # Ending on the day it started is a (short) office, not an error.
    assert chair_client.post(url, {**data, "ended_on": "2025-03-01"}).status_code == 302
    assert cm.CommitteeSeat.objects.get().ended_on == D(2025, 3, 1)


def test_admin_seat_without_start_cannot_end_before_its_term(chair_client, term):
    response = chair_client.post(
        reverse("admin:committee_committeeseat_add"),
        {"term": term.pk, "resident": _resident(term).pk, "role": "member", "ended_on": "2023-12-31"},
    )
    assert "离任日期不能早于本届任期开始日期（2024-01-01）" in response.content.decode()
    assert not cm.CommitteeSeat.objects.exists()


def test_term_page_inline_seat_ending_before_it_starts_is_refused(chair_client, term):
    resident = _resident(term)
    data = {
        "community": term.community_id,
        "number": term.number,
        "starts_on": "2024-01-01",
        "ends_on": "2029-01-01",
        "seats-TOTAL_FORMS": "1",
        "seats-INITIAL_FORMS": "0",
        "seats-0-role": "member",
        "seats-0-resident": resident.pk,
        "seats-0-starts_on": "2025-03-01",
        "seats-0-ended_on": "2024-03-01",
        **{
            f"{p}-{k}": "0"
            for p in ("representatives", "supervisors")
            for k in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    response = chair_client.post(reverse("admin:committee_committeeterm_change", args=[term.pk]), data)
    assert response.status_code == 200
    assert SEAT_MESSAGE in response.content.decode()
    assert not cm.CommitteeSeat.objects.exists()


@pytest.mark.parametrize(
    "model, message",
    [
        ("representative", "终止日期不能早于推选日期。"),
        ("supervisionmember", "离任日期不能早于当选日期。"),
    ],
)
def test_admin_representative_and_supervisor_ending_before_election_are_refused(
    chair_client, term, model, message
):
    group = f.ResidentsGroupFactory(community=term.community)
    resident = f.ResidentFactory(household=f.HouseholdFactory(community=term.community, group=group))
    data = {"term": term.pk, "resident": resident.pk, "elected_on": "2025-03-01", "ended_on": "2025-01-01"}
    data.update({"group": group.pk} if model == "representative" else {"role": "member"})
    response = chair_client.post(reverse(f"admin:committee_{model}_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not cm.Representative.objects.exists() and not cm.SupervisionMember.objects.exists()


def test_database_refuses_a_seat_ending_before_it_starts(term):
    resident = _resident(term)
    with pytest.raises(IntegrityError, match="seat_ends_after_start"), transaction.atomic():
        cm.CommitteeSeat.objects.create(
            term=term, resident=resident, role="member", starts_on=D(2025, 3, 1), ended_on=D(2025, 1, 1)
        )
    with pytest.raises(IntegrityError, match="supervisor_ends_after_election"), transaction.atomic():
        cm.SupervisionMember.objects.create(
            term=term, resident=resident, elected_on=D(2025, 3, 1), ended_on=D(2025, 1, 1)
        )


def test_a_write_that_skips_clean_gets_the_constraints_chinese_message(term, chair):
    seat = cm.CommitteeSeat(
        term=term, resident=_resident(term), role="member", starts_on=D(2025, 3, 1), ended_on=D(2025, 1, 1)
    )
    with pytest.raises(RuleViolation, match=SEAT_MESSAGE):
        save_governed(seat, actor=chair, reason="测试", validate=False)
    with pytest.raises(RuleViolation, match=SEAT_MESSAGE):
        save_governed(seat, actor=chair, reason="测试")  # clean() says it first
    assert not cm.CommitteeSeat.objects.exists()
