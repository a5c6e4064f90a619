"""The work desk: the admin's front page lists today's work per role, each one click from its list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from committee import services
from core import desk
from notices.models import Posting
from tests import factories as f

pytestmark = pytest.mark.django_db


def _todos(html: str) -> dict[str, tuple[int, str]]:
    """label -> (count, href) of every to-do card on the desk."""
    found = re.findall(
        r'<a class="todo (\w+)" href="([^"]+)">\s*<span class="count">(\d+)</span><span class="label">([^<]+)</span>',
        html,
    )
    return {label: (int(count), href.replace("&amp;", "&")) for _level, href, count, label in found}


@pytest.fixture
def busy_community():
    """A community with one of each kind of work waiting, and a neighbour with its own."""
    now = timezone.now()
    community = f.CommunityFactory()
    f.PostingFactory(community=community, title="草稿：停水通知")
    closing = f.released_posting(
        community=community,
        title="楼道改造公示",
        publish_at=now - dt.timedelta(days=5),
        expire_at=now + dt.timedelta(days=2),
        objections_open=True,
        at=now - dt.timedelta(days=5),
    )
    f.released_posting(community=community, title="长期公开的公约", expire_at=now + dt.timedelta(days=60))
    f.ObjectionFactory(posting=closing, filed_at=now - dt.timedelta(days=4))
    neighbour = f.CommunityFactory()
    other = f.released_posting(community=neighbour, objections_open=True)
    f.ObjectionFactory(posting=other, filed_at=timezone.now())
    f.PostingFactory(community=neighbour)
    return community


def test_chair_sees_todays_work_each_linked_to_its_filtered_list(client, busy_community):
    chair = f.staff_user(communities=[busy_community], role="主任")
    client.force_login(chair)
    todos = _todos(client.get(reverse("admin:index")).content.decode())

    assert todos["待答复的异议"][0] == 1  # the neighbour's objection is not ours
    assert todos["待发布的草稿"][0] == 1
    assert todos["3日内结束公示"][0] == 1

    # Each card opens the admin list filtered to exactly those records.
    objections = client.get(todos["待答复的异议"][1])
    assert objections.status_code == 200 and objections.context["cl"].result_count == 1
    drafts = client.get(todos["待发布的草稿"][1])
    assert [p.title for p in drafts.context["cl"].result_list] == ["草稿：停水通知"]
    closing = client.get(todos["3日内结束公示"][1])
    assert [p.title for p in closing.context["cl"].result_list] == ["楼道改造公示"]


def test_an_objection_past_its_answer_deadline_is_marked_overdue(client, busy_community):
    chair = f.staff_user(communities=[busy_community], role="主任")
    client.force_login(chair)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<a class="todo overdue" href="[^"]*objection[^"]*">', html)
    assert "已逾期，最早应于" in html


def test_supervisor_follows_objections_but_is_not_asked_to_answer_or_release(client, busy_community):
    supervisor = f.staff_user(communities=[busy_community], role="监督委员")
    client.force_login(supervisor)
    todos = _todos(client.get(reverse("admin:index")).content.decode())
    assert "待答复的异议" not in todos and "待发布的草稿" not in todos
    assert todos["待居委会答复的异议"][0] == 1


def test_captains_waiting_for_a_step_are_on_the_desk(client):
    community = f.CommunityFactory()
    building = f.BuildingFactory(community=community)
    household = f.HouseholdFactory(community=community, building=building)
    captain = services.captain_nominate(
        building=building, resident=f.ResidentFactory(household=household), actor=None
    )
    chair = f.staff_user(communities=[community], role="主任")
    client.force_login(chair)
    todos = _todos(client.get(reverse("admin:index")).content.decode())
    count, url = todos["待公示的楼栋长提名"]
    assert count == 1
    assert [c.pk for c in client.get(url).context["cl"].result_list] == [captain.pk]


def test_a_quiet_day_says_so(client):
    from core.dates import previous_month

    community = f.CommunityFactory()
    # Last month's sheet is final, so even the sheet reminder has nothing to say.
    f.MonthlyDisclosureFactory(community=community, month=previous_month(timezone.localdate()), is_final=True)
    client.force_login(f.staff_user(communities=[community], role="主任"))
    assert "今天没有待办事项。" in client.get(reverse("admin:index")).content.decode()


def test_a_failing_provider_does_not_take_the_desk_down(client, busy_community, monkeypatch, caplog):
    def broken(user, communities, at):
        raise RuntimeError("provider bug")

    monkeypatch.setattr(desk, "_providers", [broken, *desk._providers])
    client.force_login(f.staff_user(communities=[busy_community], role="主任"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert _todos(response.content.decode())["待发布的草稿"][0] == 1
    assert "provider bug" in caplog.text


def test_models_are_grouped_by_task_in_plain_words(client):
    community = f.CommunityFactory()
    client.force_login(f.staff_user(communities=[community], role="主任"))
    html = client.get(reverse("admin:index")).content.decode()
    captions = re.findall(r"<caption>([^<]+)</caption>", html)
    assert captions[:2] == ["登记：户、居民与组织", "公开：公开栏与月报"]
    registry = html.split('id="group-registry"')[1].split("</table>")[0]
    board = html.split('id="group-board"')[1].split("</table>")[0]
    assert "/admin/committee/household/" in registry and "/admin/notices/posting/" not in registry
    assert "/admin/notices/posting/" in board


def test_window_filter_on_the_posting_list(client):
    community = f.CommunityFactory()
    now = timezone.now()
    draft = f.PostingFactory(community=community)
    scheduled = f.released_posting(community=community, publish_at=now + dt.timedelta(days=1))
    public = f.released_posting(community=community, expire_at=now + dt.timedelta(days=30))
    ended = f.released_posting(
        community=community,
        publish_at=now - dt.timedelta(days=10),
        expire_at=now - dt.timedelta(days=1),
        at=now - dt.timedelta(days=10),
    )
    client.force_login(f.staff_user(communities=[community], role="主任"))
    url = reverse("admin:notices_posting_changelist")

    def ids(value):
        return {p.pk for p in client.get(url, {"window": value}).context["cl"].result_list}

    assert ids("draft") == {draft.pk}
    assert ids("scheduled") == {scheduled.pk}
    assert ids("public") == {public.pk}
    assert ids("ended") == {ended.pk}
    assert Posting.objects.filter(community=community).count() == 4


def test_plain_words_in_the_admin_chrome(client):
    """The chair is greeted by name, lists are "户列表" rather than "选择 户 来修改"."""
    community = f.CommunityFactory()
    client.force_login(f.staff_user(communities=[community], role="主任", full_name="张桂英"))
    index = client.get(reverse("admin:index")).content.decode()
    assert "<strong>张桂英</strong>" in index
    assert (
        "css/admin.css" in index
    )  # where "#user-tools { text-transform: none; }" lives (CSP: no inline styles)
    assert "最近操作" in index and "最近动作" not in index
    households = client.get(reverse("admin:committee_household_changelist")).content.decode()
    assert "户列表" in households and "来修改" not in households


def test_last_months_sheet_and_failed_jobs_are_on_the_desk():
    from notices.models import DisclosureJob

    community = f.CommunityFactory()
    chair = f.staff_user(communities=[community], role="主任")
    december_2nd = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)

    def labels(at):
        return {t.label: t.count for t in desk.todos_for(chair, at=at)}

    # Before the grace after the 1st nothing is late; after it November's missing sheet is.
    assert "上月月报尚未定稿" not in labels(dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC))
    assert labels(december_2nd)["上月月报尚未定稿"] == 1
    DisclosureJob.objects.create(
        community=community,
        month=dt.date(2026, 11, 1),
        state=DisclosureJob.State.FAILED,
        requested_at=december_2nd - dt.timedelta(hours=1),
        error="字体缺失",
    )
    assert labels(december_2nd)["月报生成失败"] == 1
    # The final sheet settles both.
    f.MonthlyDisclosureFactory(community=community, month=dt.date(2026, 11, 1), is_final=True)
    assert not {"上月月报尚未定稿", "月报生成失败"} & set(labels(december_2nd))


def test_election_models_are_listed_in_the_order_the_work_happens(client):
    community = f.CommunityFactory()
    client.force_login(f.staff_user(communities=[community], role="主任"))
    html = client.get(reverse("admin:index")).content.decode()
    group = html.split('id="group-elections"')[1].split("</table>")[0]
    paths = list(dict.fromkeys(re.findall(r'href="/admin/elections/(\w+)/"', group)))
    wanted = ["election", "voter", "candidate", "pollingstation", "checkin", "stationcount"]
    assert [p for p in paths if p in wanted] == wanted
