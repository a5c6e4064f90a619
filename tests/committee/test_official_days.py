"""The 主任 enters their community's official days; the working-day count uses them.

National days stay a superuser's; a community's entry wins over a national one, which wins over
the library (2027 is past the library's end: it counts Monday-Friday until days are entered).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core import services as core_services
from core.calendar import add_working_days_detailed
from core.errors import RoleDenied, RuleViolation, ScopeDenied
from core.models import OfficialDay
from notices import services as notices
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date
SH = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def home():
    return f.CommunityFactory(name="幸福社区")


@pytest.fixture
def other():
    return f.CommunityFactory(name="和谐社区")


@pytest.fixture
def chair(home):
    return f.staff_user(communities=[home], role="主任", full_name="李主任")


def test_chair_enters_a_holiday_and_the_working_day_count_uses_it(client, chair, home, other):
    client.force_login(chair)
    # Thursday 31 Dec 2026 + 2 working days: Fri 1 Jan and Mon 4 Jan on the Monday-Friday guess.
    assert add_working_days_detailed(D(2026, 12, 31), 2, community_id=home.pk).date == D(2027, 1, 4)

    response = client.post(
        reverse("admin:core_officialday_add"),
        {"community": home.pk, "date": "2027-01-01", "name": "元旦", "is_working_day": ""},
    )
    assert response.status_code == 302
    day = OfficialDay.objects.get()
    assert (day.community, day.date, day.is_working_day) == (home, D(2027, 1, 1), False)
    assert day.history.get().history_user == chair

    result = add_working_days_detailed(D(2026, 12, 31), 2, community_id=home.pk)
    assert (result.date, result.unofficial_years) == (D(2027, 1, 5), set())
    # Another community's count is untouched: its chair has entered nothing.
    result = add_working_days_detailed(D(2026, 12, 31), 2, community_id=other.pk)
    assert (result.date, result.unofficial_years) == (D(2027, 1, 4), {2027})

    # A posting of N working days ends after the entered holiday.
    draft = notices.posting_create_draft(
        community=home,
        category="hardship",
        title="低保评议结果公示",
        publish_at=dt.datetime(2026, 12, 31, 10, 0, tzinfo=SH),
        working_days=2,
        actor=chair,
    )
    assert draft.expire_at == dt.datetime(2027, 1, 6, 0, 0, tzinfo=SH)
    assert draft.calendar_warning is None

    # The chair corrects the entry (an adjusted working day instead) and the count follows.
    change = reverse("admin:core_officialday_change", args=[day.pk])
    response = client.post(
        change, {"community": home.pk, "date": "2027-01-01", "name": "调休上班", "is_working_day": "on"}
    )
    assert response.status_code == 302
    assert add_working_days_detailed(D(2026, 12, 31), 2, community_id=home.pk).date == D(2027, 1, 4)
    assert day.history.count() == 2


def test_a_communitys_entry_wins_over_a_national_one(home, other):
    boss = f.UserFactory(is_superuser=True)
    core_services.official_day_save(
        actor=boss, community=None, date=D(2027, 1, 2), is_working_day=True, name="调休"
    )
    chair = f.staff_user(communities=[home], role="主任")
    core_services.official_day_save(
        actor=chair, community=home, date=D(2027, 1, 2), is_working_day=False, name="本地"
    )
    # Friday 1 Jan 2027 + 1 working day: the national Saturday for others, Monday for home.
    assert add_working_days_detailed(D(2027, 1, 1), 1, community_id=other.pk).date == D(2027, 1, 2)
    assert add_working_days_detailed(D(2027, 1, 1), 1, community_id=home.pk).date == D(2027, 1, 4)
    assert add_working_days_detailed(D(2027, 1, 1), 1).date == D(2027, 1, 2)  # national only


def test_chair_cannot_enter_national_days_or_another_communitys(client, chair, home, other):
    boss = f.UserFactory(is_superuser=True)
    national = core_services.official_day_save(
        actor=boss, community=None, date=D(2027, 2, 6), is_working_day=False, name="春节"
    )
    with pytest.raises(RoleDenied, match="全国节假日安排只能由系统管理员"):
        core_services.official_day_save(actor=chair, community=None, date=D(2027, 2, 7), is_working_day=False)
    with pytest.raises(RoleDenied, match="全国节假日安排只能由系统管理员"):
        core_services.official_day_save(
            actor=chair, day=national, community=home, date=D(2027, 2, 6), is_working_day=True
        )
    with pytest.raises(ScopeDenied, match="您无权管理该社区的记录"):
        core_services.official_day_save(
            actor=chair, community=other, date=D(2027, 2, 7), is_working_day=False
        )
    member = f.staff_user(communities=[home], role="委员")
    with pytest.raises(RoleDenied, match="只有主任可以录入节假日安排"):
        core_services.official_day_save(
            actor=member, community=home, date=D(2027, 2, 7), is_working_day=False
        )
    core_services.official_day_save(actor=chair, community=home, date=D(2027, 2, 7), is_working_day=False)
    with pytest.raises(RuleViolation, match="该社区已录入这一天的安排"):
        core_services.official_day_save(actor=chair, community=home, date=D(2027, 2, 7), is_working_day=True)

    client.force_login(chair)
    # Blank community (national) is refused with a message; another community is not offered.
    response = client.post(
        reverse("admin:core_officialday_add"),
        {"community": "", "date": "2027-02-08", "is_working_day": ""},
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(
        reverse("admin:core_officialday_add"),
        {"community": other.pk, "date": "2027-02-08", "is_working_day": ""},
    )
    assert response.status_code == 200 and "不属于您负责的社区" in response.content.decode()
    # The national day is listed (read-only) and cannot be changed or deleted by the chair.
    listed = client.get(reverse("admin:core_officialday_changelist")).content.decode()
    assert "春节" in listed and "全国" in listed
    change = reverse("admin:core_officialday_change", args=[national.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.post(change, {"date": "2027-02-06", "is_working_day": "on"}).status_code == 403
    delete = reverse("admin:core_officialday_delete", args=[national.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    national.refresh_from_db()
    assert not national.is_working_day
    assert OfficialDay.objects.filter(date=D(2027, 2, 8)).count() == 0


def test_chair_deletes_a_wrong_entry_and_the_history_keeps_it(client, chair, home):
    day = core_services.official_day_save(
        actor=chair, community=home, date=D(2027, 3, 1), is_working_day=False
    )
    client.force_login(chair)
    response = client.post(reverse("admin:core_officialday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not OfficialDay.objects.exists()
    last = OfficialDay.history.filter(id=day.pk).order_by("-history_date").first()
    assert (last.history_type, last.history_user) == ("-", chair)


def test_delete_selected_action_goes_through_the_service(client, chair, home):
    mine = core_services.official_day_save(
        actor=chair, community=home, date=D(2027, 4, 5), is_working_day=False
    )
    client.force_login(chair)
    response = client.post(
        reverse("admin:core_officialday_changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not OfficialDay.objects.exists()
    assert OfficialDay.history.filter(id=mine.pk, history_type="-").get().history_user == chair
