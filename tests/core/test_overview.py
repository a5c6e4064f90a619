"""The communities side by side (JOURNEYS.md, 街道: "read every community of the office side by side:
postings, election progress, hardship flags, opinion figures; export them; change nothing")."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.assistance.world import build
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    street = f.StreetOfficeFactory(name="和平街道")
    busy = f.CommunityFactory(street_office=street, name="幸福社区", slug="xingfu")
    quiet = f.CommunityFactory(street_office=street, name="安宁社区", slug="anning")
    posting = f.released_posting(community=busy, title="楼道改造公示", objections_open=True)
    f.released_posting(community=busy, title="停水通知")
    f.ObjectionFactory(posting=posting)
    f.election_with_roll(quiet, title="第十二届居民委员会选举")
    world = build(busy)
    world.apply()
    official = f.staff_user(street_office=street, role="街道")
    return street, busy, quiet, official


def _rows(html: str) -> dict[str, list[str]]:
    table = html.split('id="overview"')[1].split("</table>")[0]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = [
            re.sub(r"<[^>]+>|\s+", " ", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        out[cells[0].split()[0]] = cells[1:]
    return out


def test_the_street_office_reads_its_communities_side_by_side(client, office):
    _street, busy, quiet, official = office
    client.force_login(official)
    html = client.get(reverse("admin:overview")).content.decode()
    for label in (
        "公示中",
        "待答复异议",
        "上月月报",
        "进行中的选举",
        "本月居民意见",
        "上月收支表",
        "低保与困难救助",
    ):
        assert f">{label}</th>" in html
    rows = _rows(html)
    assert set(rows) == {"幸福社区", "安宁社区"}
    busy_row, quiet_row = " | ".join(rows["幸福社区"]), " | ".join(rows["安宁社区"])
    assert busy_row.startswith("2 | 1 | 未生成")
    assert "在办1件" in busy_row and "本月未收到" in busy_row and "| 无 |" in busy_row
    assert quiet_row.startswith("0 | 0 | 未生成") and "无在办" in quiet_row
    assert "第十二届居民委员会选举：筹备中（选民名单须于" in quiet_row
    assert "张三明" not in html  # the applicant is never named here


def test_every_link_opens_its_filtered_list(client, office):
    *_rest, official = office
    client.force_login(official)
    html = client.get(reverse("admin:overview")).content.decode()
    table = html.split('id="overview"')[1].split("</table>")[0]
    links = [u.replace("&amp;", "&") for u in re.findall(r'href="([^"]+)"', table)]
    assert len(links) >= 5
    for url in links:
        response = client.get(url)
        # Django answers a filter it does not allow with a redirect to ?e=1: every link must be allowed.
        assert response.status_code == 200, url


def test_csv_export_opens_in_excel_as_chinese(client, office):
    *_rest, official = office
    client.force_login(official)
    response = client.get(reverse("admin:overview") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["社区", "公示中", "待答复异议"]
    assert sorted(r[0] for r in rows[1:]) == ["安宁社区", "幸福社区"]


def test_a_chair_sees_only_their_own_community(client, office):
    _street, busy, _quiet, _official = office
    chair = f.staff_user(communities=[busy], role="主任")
    client.force_login(chair)
    rows = _rows(client.get(reverse("admin:overview")).content.decode())
    assert set(rows) == {"幸福社区"}


def test_the_desk_links_to_it_and_outsiders_are_sent_to_log_in(client, office):
    *_rest, official = office
    assert client.get(reverse("admin:overview")).status_code == 302
    client.force_login(official)
    assert reverse("admin:overview") in client.get(reverse("admin:index")).content.decode()


def test_more_communities_cost_no_more_queries(client, office):
    street, *_rest, official = office
    client.force_login(official)
    url = reverse("admin:overview")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _i in range(5):
        f.CommunityFactory(street_office=street)
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(url).content.decode())) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_overview_in_chromium(live_server, browser):
    """Screenshot: test-artifacts/overview.png (a street official's view of two communities)."""
    from pathlib import Path

    from django.test import Client

    street = f.StreetOfficeFactory(name="和平街道")
    busy = f.CommunityFactory(street_office=street, name="幸福社区", slug="xingfu")
    f.CommunityFactory(street_office=street, name="安宁社区", slug="anning")
    f.released_posting(community=busy, title="停水通知")
    build(busy).apply()
    client = Client()
    client.force_login(f.staff_user(street_office=street, role="街道"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="各社区概况（并排查看、导出）").click()
    assert page.locator("#overview tbody tr").count() == 2
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    context.close()
