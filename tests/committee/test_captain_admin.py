"""Building captains as staff meet them in the admin: where the nominee lives, competing nominations,
the nomination date, the preview before posting, and titles that tell postings apart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from committee import models as cm
from committee import services as s
from core.errors import RuleViolation
from notices.models import Posting
from tests import factories as f

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
MONDAY = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TZ)
CHANGELIST = reverse("admin:committee_buildingcaptain_changelist")
ADD = reverse("admin:committee_buildingcaptain_add")


@pytest.fixture
def xingfu():
    community = f.CommunityFactory(name="幸福社区")
    group = f.ResidentsGroupFactory(community=community)
    buildings = {
        n: f.BuildingFactory(community=community, group=group, name=n) for n in ["1号楼", "2号楼", "11号楼"]
    }

    def resident(name, building, **kw):
        household = f.HouseholdFactory(community=community, group=group, building=buildings.get(building))
        return f.ResidentFactory(household=household, name=name, **kw)

    people = {
        "liu": resident("刘洋", "1号楼"),
        "chen": resident("陈静", "11号楼"),
        "wang": resident("王芳", "11号楼"),
        "zhao": resident("赵敏", "2号楼"),
        "away": resident("孙丽", "11号楼", residence=cm.Resident.Residence.REGISTERED_AWAY),
        "nowhere": resident("周杰", None),
    }
    chair = f.staff_user(communities=[community], role="主任")
    return community, chair, buildings, people


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Where the nominee lives -----------------------------------------------------------------------


def test_service_asks_to_confirm_a_nominee_from_another_building(xingfu):
    _community, chair, b, p = xingfu
    with pytest.raises(RuleViolation, match="刘洋住在1号楼，不是11号楼的居民"):
        s.captain_nominate(building=b["11号楼"], resident=p["liu"], actor=chair)
    with pytest.raises(RuleViolation, match="孙丽户籍在本社区但人户分离"):
        s.captain_nominate(building=b["11号楼"], resident=p["away"], actor=chair)
    assert not cm.BuildingCaptain.objects.exists()
    captain = s.captain_nominate(
        building=b["11号楼"], resident=p["liu"], actor=chair, residence_confirmed=True
    )
    record = captain.history.latest()
    assert record.history_user == chair
    assert "非本楼居民" in record.history_change_reason
    # A resident of the building, or one whose household has no building on record, needs nothing.
    s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    s.captain_nominate(building=b["11号楼"], resident=p["nowhere"], actor=chair)


def test_admin_warns_and_asks_for_a_tick_before_saving(client, xingfu):
    _community, chair, b, p = xingfu
    client.force_login(chair)
    data = {"building": b["11号楼"].pk, "resident": p["liu"].pk, "nominated_on": "2026-11-30"}
    response = client.post(ADD, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "刘洋住在1号楼，不是11号楼的居民" in page
    assert 'type="checkbox" name="residence_confirmed"' in page  # the box appears when needed
    assert not cm.BuildingCaptain.objects.exists()

    response = client.post(ADD, {**data, "residence_confirmed": "on"})
    assert response.status_code == 302
    captain = cm.BuildingCaptain.objects.get()
    assert (captain.building, captain.resident, captain.community) == (
        b["11号楼"],
        p["liu"],
        b["11号楼"].community,
    )
    assert any("公示中将注明“非本楼居民”" in m for m in _messages(response))
    listed = client.get(CHANGELIST, {"lives_here": "no"})
    assert [c.pk for c in listed.context["cl"].result_list] == [captain.pk]


def test_add_form_has_todays_date_and_no_needless_checkbox(client, xingfu):
    _community, chair, _b, _p = xingfu
    client.force_login(chair)
    with time_machine.travel(MONDAY, tick=False):
        page = client.get(ADD).content.decode()
    assert 'name="nominated_on" value="2026/11/30"' in page
    assert 'type="hidden" name="residence_confirmed"' in page


# --- Competing nominations -------------------------------------------------------------------------


def test_competing_nominations_are_allowed_and_shown(client, xingfu):
    _community, chair, b, p = xingfu
    client.force_login(chair)
    first = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    other = s.captain_nominate(building=b["1号楼"], resident=p["liu"], actor=chair)
    response = client.post(
        ADD,
        {
            "building": b["11号楼"].pk,
            "resident": p["wang"].pk,
            "nominated_on": "2026-11-30",
            "self_nominated": "on",
        },
    )
    assert response.status_code == 302
    assert any("11号楼另有1项未办结的提名：陈静（已提名）" in m for m in _messages(response))
    second = cm.BuildingCaptain.objects.get(resident=p["wang"])

    page = client.get(CHANGELIST)
    assert page.content.decode().count('<strong style="color:#ba2121">另有1项</strong>') == 2
    competing = client.get(CHANGELIST, {"competing": "yes"}).context["cl"].result_list
    assert sorted(c.pk for c in competing) == sorted([first.pk, second.pk])
    alone = client.get(CHANGELIST, {"competing": "no"}).context["cl"].result_list
    assert [c.pk for c in alone] == [other.pk]


def test_confirming_one_of_two_warns_about_the_other(client, xingfu):
    _community, chair, b, p = xingfu
    first = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    second = s.captain_nominate(building=b["11号楼"], resident=p["wang"], actor=chair)
    posting = s.captains_post(captains=[first, second], actor=chair, at=MONDAY).posting
    client.force_login(chair)
    with time_machine.travel(posting.expire_at + dt.timedelta(hours=1), tick=False):
        response = client.post(CHANGELIST, {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [first.pk]})
    assert response.status_code == 302
    msgs = _messages(response)
    assert "已确认1名楼栋长。" in msgs
    assert any("11号楼已确认陈静为楼栋长；该楼另有未办结的提名：王芳" in m for m in msgs)
    first.refresh_from_db()
    assert first.status == cm.BuildingCaptain.Status.CONFIRMED


def test_end_selected_ends_a_confirmed_captain_and_refuses_a_nomination(client, xingfu):
    _community, chair, b, p = xingfu
    captain = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    posting = s.captains_post(captains=[captain], actor=chair, at=MONDAY).posting
    open_one = s.captain_nominate(building=b["1号楼"], resident=p["liu"], actor=chair)
    client.force_login(chair)
    with time_machine.travel(posting.expire_at + dt.timedelta(hours=1), tick=False):
        s.captain_confirm(captain=captain, actor=chair)
        response = client.post(
            CHANGELIST, {"action": "end_selected", ACTION_CHECKBOX_NAME: [captain.pk, open_one.pk]}
        )
    assert response.status_code == 302
    msgs = _messages(response)
    assert "已为1名楼栋长办理卸任。" in msgs
    assert any(m.startswith(str(open_one)) for m in msgs)  # refused, with the reason, row by row
    captain.refresh_from_db()
    open_one.refresh_from_db()
    assert captain.status == cm.BuildingCaptain.Status.ENDED
    assert "经居委会同意卸任" in captain.decision_note
    assert captain.history.latest().history_user == chair
    assert open_one.status == cm.BuildingCaptain.Status.NOMINATED


# --- The posting: preview, then publish ------------------------------------------------------------


def test_post_selected_shows_the_exact_posting_then_publishes_it(client, xingfu):
    community, chair, b, p = xingfu
    c1 = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    c2 = s.captain_nominate(building=b["11号楼"], resident=p["wang"], actor=chair, self_nominated=True)
    c3 = s.captain_nominate(building=b["2号楼"], resident=p["zhao"], actor=chair)
    c4 = s.captain_nominate(building=b["1号楼"], resident=p["away"], actor=chair, residence_confirmed=True)
    client.force_login(chair)
    selected = {"action": "post_selected", ACTION_CHECKBOX_NAME: [c1.pk, c2.pk, c3.pk, c4.pk]}
    with time_machine.travel(MONDAY, tick=False):
        preview = client.post(CHANGELIST, selected)
    assert preview.status_code == 200
    assert not Posting.objects.exists()  # nothing published by the first click
    page = preview.content.decode()
    plan = preview.context["plan"]
    assert plan.title == "楼栋长人选公示：1号楼、2号楼、11号楼（2026年11月30日）"
    assert plan.title in page
    # 5 working days from Monday 2026-11-30: Tuesday to the next Monday, 12-07 included.
    assert "5个工作日，公示至2026年12月7日（含）" in page
    assert "公示至2026年12月7日（含）" in plan.body
    assert "11号楼：陈静（推荐）；王芳（自荐）——本楼有2名人选，公示期满后由居委会确认其中一名。" in plan.body
    assert "1号楼：孙丽（推荐，非本楼居民）" in plan.body
    body_html = re.search(r'id="posting-body">(.*?)</div>', page, re.S).group(1)
    assert "陈静（推荐）；王芳（自荐）" in body_html
    assert "11号楼有2名人选同时公示" in page  # warnings on the preview

    with time_machine.travel(MONDAY + dt.timedelta(minutes=2), tick=False):
        done = client.post(CHANGELIST, {**selected, "confirm_fingerprint": plan.fingerprint})
    assert done.status_code == 302
    posting = Posting.objects.get()
    assert posting.title == plan.title
    assert posting.body == plan.body_html
    assert posting.objections_open and posting.working_days == 5
    assert timezone.localtime(posting.expire_at) == dt.datetime(2026, 12, 8, tzinfo=TZ)
    assert any("公示至2026年12月7日（含）" in m for m in _messages(done))
    for c in (c1, c2, c3, c4):
        c.refresh_from_db()
        assert c.status == cm.BuildingCaptain.Status.POSTED and c.posting_id == posting.pk
        assert c.posting_ends_on == dt.date(2026, 12, 7)
    assert community.pk == posting.community_id


def test_a_preview_that_went_stale_publishes_nothing(client, xingfu):
    _community, chair, b, p = xingfu
    c1 = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    client.force_login(chair)
    selected = {"action": "post_selected", ACTION_CHECKBOX_NAME: [c1.pk]}
    with time_machine.travel(MONDAY, tick=False):
        plan = client.post(CHANGELIST, selected).context["plan"]
    # Confirmed the next day: the window would end a day later than what was shown.
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        response = client.post(CHANGELIST, {**selected, "confirm_fingerprint": plan.fingerprint})
    assert response.status_code == 200
    assert not Posting.objects.exists()
    assert any("请重新预览后再发布" in m for m in _messages(response))
    assert "公示至2026年12月8日（含）" in response.content.decode()  # the new preview
    c1.refresh_from_db()
    assert c1.status == cm.BuildingCaptain.Status.NOMINATED


def test_posting_refused_for_a_non_open_nomination_says_why(client, xingfu):
    _community, chair, b, p = xingfu
    c1 = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    s.captain_reject(captain=c1, actor=chair, note="本人放弃")
    client.force_login(chair)
    response = client.post(CHANGELIST, {"action": "post_selected", ACTION_CHECKBOX_NAME: [c1.pk]})
    assert response.status_code == 302
    assert any("不是“已提名”状态" in m for m in _messages(response))
    assert not Posting.objects.exists()


def test_titles_name_the_buildings_and_never_repeat(xingfu):
    _community, chair, b, p = xingfu
    first = s.captains_post(
        captains=[s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)],
        actor=chair,
        at=MONDAY,
    ).posting
    second = s.captains_post(
        captains=[s.captain_nominate(building=b["1号楼"], resident=p["liu"], actor=chair)],
        actor=chair,
        at=MONDAY,
    ).posting
    # The same building again on the same day (e.g. after the first nominee withdrew).
    third = s.captains_post(
        captains=[s.captain_nominate(building=b["11号楼"], resident=p["wang"], actor=chair)],
        actor=chair,
        at=MONDAY,
    ).posting
    assert first.title == "楼栋长人选公示：11号楼（2026年11月30日）"
    assert second.title == "楼栋长人选公示：1号楼（2026年11月30日）"
    assert third.title == "楼栋长人选公示：11号楼（2026年11月30日）（第2批）"


def test_a_long_batch_names_three_buildings_and_counts_the_rest(xingfu):
    community, chair, b, p = xingfu
    group = b["1号楼"].group
    captains = []
    for n in range(3, 8):
        building = f.BuildingFactory(community=community, group=group, name=f"{n}号楼")
        household = f.HouseholdFactory(community=community, group=group, building=building)
        captains.append(
            s.captain_nominate(
                building=building, resident=f.ResidentFactory(household=household), actor=chair
            )
        )
    captains.append(s.captain_nominate(building=b["1号楼"], resident=p["liu"], actor=chair))
    plan = s.captains_post_plan(captains=captains, actor=chair, at=MONDAY)
    assert plan.title == "楼栋长人选公示：1号楼、3号楼、4号楼等6栋楼（2026年11月30日）"


def test_a_posted_nomination_can_no_longer_be_edited(client, xingfu):
    _community, chair, b, p = xingfu
    captain = s.captain_nominate(building=b["11号楼"], resident=p["chen"], actor=chair)
    s.captains_post(captains=[captain], actor=chair, at=MONDAY)
    client.force_login(chair)
    url = reverse("admin:committee_buildingcaptain_change", args=[captain.pk])
    page = client.get(url).content.decode()
    assert 'name="resident"' not in page and 'name="building"' not in page
    assert "公示至2026年12月7日（含）" in page
    client.post(url, {"resident": p["wang"].pk, "building": b["1号楼"].pk, "decision_note": "备注"})
    captain.refresh_from_db()
    assert (captain.resident, captain.building) == (p["chen"], b["11号楼"])
