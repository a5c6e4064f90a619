"""Dates from 1900 to 2100 only: one validator for admin forms, services and working-day arithmetic.

9999-12-31 or 0001-01-01, typed by mistake, used to crash the admin (a term's computed end in year
10004, 30 working days after 9999-12-20, 0001-01-01 00:00 converted to UTC). Now each gets a
Chinese message on the field and nothing is saved.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committee import models as cm
from committee import services
from core import models as core_models
from core.calendar import add_working_days, add_working_days_detailed
from core.dates import add_days, in_range, out_of_range_fields, validate_in_range
from core.errors import RuleViolation
from notices import services as notice_services
from notices.models import Posting
from tests import factories as f

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "日期须在1900-01-01至2100-12-31之间"
D = dt.date


# --- The validator ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, ok",
    [
        (D(1900, 1, 1), True),
        (D(2100, 12, 31), True),
        (D(1899, 12, 31), False),
        (D(2101, 1, 1), False),
        (D(1, 1, 1), False),
        (D(9999, 12, 31), False),
        (dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC), True),
        (dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))), False),
        (dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC), False),
    ],
)
def test_validate_in_range(value, ok):
    assert in_range(value) is ok
    if ok:
        validate_in_range(value)
    else:
        with pytest.raises(ValidationError, match=RANGE_MESSAGE):
            validate_in_range(value)


def test_out_of_range_fields_names_every_bad_date_field(community):
    resident = f.ResidentFactory.build(
        household=f.HouseholdFactory(community=community), moved_in_on=D(1, 1, 1), deceased_on=D(9999, 1, 1)
    )
    assert set(out_of_range_fields(resident)) == {"moved_in_on", "deceased_on"}
    assert out_of_range_fields(f.ResidentFactory.build(moved_in_on=D(2020, 1, 1))) == {}


def test_add_days_never_overflows():
    assert add_days(D(2100, 12, 30), 1) == D(2100, 12, 31)
    for start, days in (
        (D(2100, 12, 31), 1),
        (D(9999, 12, 31), 1),
        (D(1900, 1, 1), -1),
        (D(2000, 1, 1), 10**9),
    ):
        with pytest.raises(ValidationError, match=RANGE_MESSAGE):
            add_days(start, days)


# --- Working days ------------------------------------------------------------------------------------


def test_working_days_stop_at_the_end_of_the_range_instead_of_overflowing():
    assert add_working_days(D(2100, 12, 29), 2) == D(2100, 12, 31)  # Wednesday, Thursday, Friday
    with pytest.raises(RuleViolation, match="按工作日计算的日期超出1900-01-01至2100-12-31的范围"):
        add_working_days_detailed(D(2100, 12, 20), 30)
    with pytest.raises(RuleViolation, match="按工作日计算的日期超出"):
        add_working_days_detailed(D(1900, 1, 10), -30)
    with pytest.raises(RuleViolation, match="按工作日计算的日期超出"):
        add_working_days_detailed(D(2026, 1, 1), 10**9)
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        add_working_days_detailed(D(9999, 12, 20), 30)
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        add_working_days_detailed(D(1, 1, 1), 0)


# --- Services -------------------------------------------------------------------------------------------


def test_term_create_refuses_dates_out_of_range(community, chair):
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        services.term_create(community=community, number=1, starts_on=D(9999, 12, 31), actor=chair)
    with pytest.raises(RuleViolation, match="按任期年限计算的任期结束日期晚于2100-12-31"):
        services.term_create(community=community, number=1, starts_on=D(2099, 6, 1), actor=chair)
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        services.term_create(
            community=community, number=1, starts_on=D(2020, 1, 1), ends_on=D(9999, 1, 1), actor=chair
        )
    assert not cm.CommitteeTerm.objects.exists()
    term = services.term_create(community=community, number=1, starts_on=D(2095, 1, 1), actor=chair)
    assert term.ends_on == D(2100, 1, 1)


def test_resident_services_refuse_dates_out_of_range(community, chair):
    household = f.HouseholdFactory(community=community)
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        services.resident_create(
            household=household,
            name="张三",
            id_number=f.make_id_number(),
            relation_to_head="head",
            moved_in_on=D(1, 1, 1),
            actor=chair,
        )
    resident = f.ResidentFactory(household=household)
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        services.resident_move_out(resident=resident, on=D(9999, 12, 31), actor=chair)
    resident.refresh_from_db()
    assert resident.moved_out_on is None


@pytest.mark.parametrize(
    "publish_at, working_days",
    [
        (dt.datetime(9999, 12, 20, tzinfo=dt.UTC), 30),
        (dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))), None),
        (dt.datetime(2100, 12, 20, tzinfo=dt.UTC), 30),
    ],
)
def test_posting_services_refuse_windows_out_of_range(community, chair, publish_at, working_days):
    with pytest.raises(RuleViolation, match="日期须在|按工作日计算的日期超出"):
        notice_services.posting_create_draft(
            community=community,
            category="notice",
            title="关于停水的通知",
            publish_at=publish_at,
            working_days=working_days,
            expire_at=None if working_days else publish_at + dt.timedelta(days=7),
            actor=chair,
        )
    with pytest.raises(RuleViolation, match="日期须在|按工作日计算的日期超出"):
        notice_services.publish(
            community=community,
            category="notice",
            title="关于停水的通知",
            publish_at=publish_at,
            working_days=working_days,
            actor=chair,
        )
    assert not Posting.objects.exists()


def test_posting_update_draft_refuses_an_end_out_of_range(community, chair):
    draft = notice_services.posting_create_draft(
        community=community, category="notice", title="草稿", actor=chair
    )
    with pytest.raises(RuleViolation, match=RANGE_MESSAGE):
        notice_services.posting_update_draft(
            draft, actor=chair, expire_at=dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
        )
    draft.refresh_from_db()
    assert draft.expire_at is None


# --- Through the admin forms (the reported 500s) ----------------------------------------------------------


def _inline_mgmt(*prefixes) -> dict:
    return {f"{p}-{k}": "0" for p in prefixes for k in ("TOTAL_FORMS", "INITIAL_FORMS")}


def _posting_data(community, day: str, time: str, working_days: str) -> dict:
    return {
        "community": community.pk,
        "category": "notice",
        "title": "关于停水的通知",
        "body": "明日停水。",
        "publish_at_0": day,
        "publish_at_1": time,
        "working_days": working_days,
        "expire_at_0": "",
        "expire_at_1": "",
        **_inline_mgmt("attachments"),
    }


def test_admin_term_starting_9999_12_31_without_end_gets_a_message(chair_client, community):
    data = {
        "community": community.pk,
        "number": "1",
        "starts_on": "9999-12-31",
        "ends_on": "",
        **_inline_mgmt("seats", "representatives", "supervisors"),
    }
    response = chair_client.post(reverse("admin:committee_committeeterm_add"), data)
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    data["starts_on"] = "2099-06-01"  # in range, but five years on is not
    response = chair_client.post(reverse("admin:committee_committeeterm_add"), data)
    assert "按任期年限计算的任期结束日期晚于2100-12-31" in response.content.decode()
    assert not cm.CommitteeTerm.objects.exists()


@pytest.mark.parametrize(
    "day, time, working_days, message",
    [
        ("9999-12-20", "00:00", "30", RANGE_MESSAGE),
        ("0001-01-01", "00:00", "", RANGE_MESSAGE),
        ("2100-12-20", "08:00", "30", "按工作日计算的日期超出1900-01-01至2100-12-31的范围"),
    ],
)
def test_admin_posting_out_of_range_gets_a_message(chair_client, community, day, time, working_days, message):
    response = chair_client.post(
        reverse("admin:notices_posting_add"), _posting_data(community, day, time, working_days)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Posting.objects.exists()


def test_admin_official_day_out_of_range_gets_a_message(client):
    client.force_login(f.UserFactory(is_superuser=True))
    response = client.post(
        reverse("admin:core_officialday_add"),
        {"date": "9999-12-31", "is_working_day": "", "name": "元旦"},
    )
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    assert not core_models.OfficialDay.objects.exists()


def test_admin_new_version_with_an_end_out_of_range_gets_a_message(chair_client, community, chair):
    posting = f.released_posting(community=community, actor=chair)
    url = reverse("admin:notices_posting_new_version", args=[posting.pk])
    data = {
        "category": "notice",
        "title": posting.title,
        "body": "更正后的正文",
        "working_days": "",
        "expire_at_0": "0001-01-01",
        "expire_at_1": "00:00",
        "correction_note": "更正日期",
    }
    response = chair_client.post(url, data)
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    assert Posting.objects.count() == 1


@pytest.mark.parametrize("query", ["publish_at__year=9999", "publish_at__year=9999&publish_at__month=12"])
def test_admin_date_drilldown_out_of_range_is_not_a_500(chair_client, query):
    response = chair_client.get(f"{reverse('admin:notices_posting_changelist')}?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
