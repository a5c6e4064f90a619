"""The public board's pages: what a resident sees, bad query strings, 404s, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from notices.models import Category
from tests.factories import CommunityFactory, StreetOfficeFactory
from tests.notices.board_helpers import NOW, new_version, objection, posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def board_url(c, **params):
    from urllib.parse import urlencode

    url = reverse("notices:board", kwargs={"slug": c.slug})
    return f"{url}?{urlencode(params)}" if params else url


def text(response) -> str:
    return response.content.decode()


def test_index_redirects_to_the_only_community(client, community):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == board_url(community)


def test_index_groups_communities_by_street_office(client):
    east, west = StreetOfficeFactory(name="东城街道"), StreetOfficeFactory(name="西城街道")
    CommunityFactory(street_office=east, name="春风社区")
    CommunityFactory(street_office=west, name="秋月社区")
    page = text(client.get("/"))
    assert page.index("东城街道") < page.index("春风社区") < page.index("西城街道") < page.index("秋月社区")
    assert 'name="q"' not in page  # two communities: no search box


def test_index_search_box_when_many(client):
    office = StreetOfficeFactory(name="南湖街道")
    for i in range(9):
        CommunityFactory(street_office=office, name=f"南湖{i}社区")
    CommunityFactory(name="北山社区")
    page = text(client.get("/"))
    assert 'name="q"' in page
    found = text(client.get("/?q=北山"))
    assert "北山社区" in found and "南湖3社区" not in found


def test_board_lists_current_postings_pinned_first(client, community, clock):
    posting(community, title="普通通知", publish_at=NOW - dt.timedelta(hours=1))
    posting(
        community,
        title="置顶的财务公开",
        category=Category.FINANCE,
        pinned=True,
        publish_at=NOW - dt.timedelta(days=2),
    )
    posting(community, title="还没开始的公示", publish_at=NOW + dt.timedelta(hours=1))
    posting(community, title="已经过期的公示", publish_at=NOW - dt.timedelta(days=9), days=7)
    posting(community, title="草稿不公开", state="draft", released_at=None)
    page = text(client.get(board_url(community)))
    assert page.index("置顶的财务公开") < page.index("普通通知")
    for hidden in ("还没开始的公示", "已经过期的公示", "草稿不公开"):
        assert hidden not in page
    assert "居务公开栏" in page and "/lang/en/?next=" in page


def test_board_marks_urgent_and_objection_window(client, community, clock):
    posting(community, title="停水紧急通知", category=Category.URGENT)
    posting(
        community,
        title="低保公示",
        category=Category.HARDSHIP,
        objections_open=True,
        publish_at=NOW - dt.timedelta(days=1),
        expire_at=NOW + dt.timedelta(days=6),
    )
    page = text(client.get(board_url(community)))
    assert 'class="card cat-urgent urgent' in page
    assert "异议受理至" in page


def test_search_category_and_month_filters(client, community, clock):
    posting(community, title="三月停车通知", body="<p>地下车库</p>", publish_at=NOW - dt.timedelta(days=2))
    posting(
        community,
        title="二月财务收支",
        category=Category.FINANCE,
        publish_at=dt.datetime(2025, 2, 20, 2, tzinfo=dt.UTC),
        days=60,
    )
    assert "三月停车通知" in text(client.get(board_url(community, q="车库")))  # body search
    assert "二月财务收支" not in text(client.get(board_url(community, q="车库")))
    by_cat = text(client.get(board_url(community, category="finance")))
    assert "二月财务收支" in by_cat and "三月停车通知" not in by_cat
    by_month = text(client.get(board_url(community, month="2025-02")))
    assert "二月财务收支" in by_month and "三月停车通知" not in by_month


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"category": "nope"},
        {"month": "2025-13"},
        {"month": "garbage"},
        {"size": "100000"},
        {"size": "x"},
        {"q": "x" * 500},
        {"q": "%00'\"<script>"},
    ],
)
def test_bad_query_strings_never_fail(client, community, clock, params):
    posting(community, title="一条通知")
    response = client.get(board_url(community, **params))
    assert response.status_code == 200
    assert "<script>" not in text(response).split("<main", 1)[1]


def test_unknown_slug_is_404(client, community):
    assert client.get("/c/nowhere/").status_code == 404
    assert client.get("/c/nowhere/feed/").status_code == 404


def test_pagination(client, community, clock):
    for i in range(25):
        posting(community, title=f"通知第{i:02d}号", publish_at=NOW - dt.timedelta(minutes=i + 1))
    first = text(client.get(board_url(community, size=10)))
    assert "通知第00号" in first and "通知第10号" not in first and "第 1 / 3 页" in first
    third = text(client.get(board_url(community, size=10, page=3)))
    assert "通知第24号" in third and "通知第00号" not in third


@pytest.mark.parametrize("size", [10, 50])
def test_board_query_count_is_flat(client, community, clock, django_assert_max_num_queries, size):
    for i in range(60):
        p = posting(
            community,
            title=f"通知{i}",
            category=[Category.NOTICE, Category.FINANCE][i % 2],
            publish_at=NOW - dt.timedelta(minutes=i + 1),
            objections_open=bool(i % 3),
        )
        if i % 5 == 0:
            objection(p)
    from django.core.cache import cache

    cache.clear()  # a cold cache: the community, its boundary and the page are all computed
    with django_assert_max_num_queries(5):
        response = client.get(board_url(community, size=size))
    assert response.status_code == 200
    assert text(response).count('class="card ') == size
    with django_assert_max_num_queries(0):  # warm: served from the cache without SQL
        assert client.get(board_url(community, size=size)).status_code == 200


def test_detail_shows_body_counts_and_versions(client, community, clock):
    v1 = posting(
        community,
        title="居民代表名单公示",
        body="<p>名单如下</p><script>alert(1)</script>",
        objections_open=True,
        publish_at=NOW - dt.timedelta(days=2),
    )
    objection(v1, answered=True)
    objection(v1, name="李娜", phone="13700001111")
    v2 = new_version(v1, at=NOW - dt.timedelta(days=1), body="<p>名单（已更正）</p>", note="更正一处姓名")
    page = text(client.get(reverse("notices:posting", kwargs={"slug": community.slug, "pk": v2.pk})))
    assert "名单（已更正）" in page and "更正一处姓名" in page and "版本记录" in page
    old = client.get(reverse("notices:posting", kwargs={"slug": community.slug, "pk": v1.pk}))
    assert old.status_code == 200
    old_page = text(old)
    assert "已被更正" in old_page and "<script>alert" not in old_page
    assert "已收到异议2件，已答复1件" in old_page
    assert "李娜" not in old_page and "13700001111" not in old_page


def test_withdrawn_posting_is_a_marked_record(client, community, clock):
    p = posting(community, title="撤回的通知", publish_at=NOW - dt.timedelta(days=2))
    p.withdrawn_at = NOW - dt.timedelta(days=1)
    p.withdrawal_reason = "内容有误"
    p.save()
    page = text(client.get(reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})))
    assert "已撤回" in page and "内容有误" in page
    assert "撤回的通知" not in text(client.get(board_url(community)))


def test_detail_outside_window_or_other_community_is_404(client, community, clock):
    other = CommunityFactory()
    # Other expired postings stay readable as a record (test_expired_records.py); hardship ones not.
    expired = posting(community, category=Category.HARDSHIP, publish_at=NOW - dt.timedelta(days=9), days=7)
    future = posting(community, publish_at=NOW + dt.timedelta(days=1))
    theirs = posting(other)
    for pk, slug in (
        (expired.pk, community.slug),
        (future.pk, community.slug),
        (theirs.pk, community.slug),
        (999999, community.slug),
    ):
        assert client.get(reverse("notices:posting", kwargs={"slug": slug, "pk": pk})).status_code == 404


def test_feed_is_atom_of_current_postings(client, community, clock):
    posting(community, title="当前通知")
    posting(community, title="过期通知", publish_at=NOW - dt.timedelta(days=30), days=3)
    response = client.get(reverse("notices:feed", kwargs={"slug": community.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = text(response)
    assert "当前通知" in body and "过期通知" not in body


def test_archive_by_month(client, community, clock):
    posting(community, title="一月的公示", publish_at=dt.datetime(2025, 1, 10, 2, tzinfo=dt.UTC), days=5)
    posting(community, title="三月的通知")
    index = text(client.get(reverse("notices:archive", kwargs={"slug": community.slug})))
    assert "2025-01" in index and "2025-03" in index
    january = text(
        client.get(reverse("notices:archive_month", kwargs={"slug": community.slug, "month": "2025-01"}))
    )
    assert "一月的公示" in january and "公示期满" in january and "三月的通知" not in january
    assert client.get(f"/c/{community.slug}/archive/2025-13/").status_code == 404


def test_conditional_get_answers_304(client, community, clock):
    posting(community)
    first = client.get(board_url(community))
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    again = client.get(board_url(community), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    posting(community, title="新发布的通知")  # bumps the generation
    changed = client.get(board_url(community), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "新发布的通知" in text(changed)


def test_verify_finds_the_printed_hash(client, community, clock):
    from notices import ledger

    p = posting(community, title="居民代表会议决议公开", category=Category.RESOLUTION)
    entry = ledger.append(posting=p, at=NOW - dt.timedelta(hours=1))
    url = reverse("notices:verify", kwargs={"slug": community.slug})
    found = text(client.get(url, {"hash": entry.entry_hash[:16].upper()}))
    assert "与记录一致" in found and "居民代表会议决议公开" in found and f"第 {entry.sequence} 条" in found
    missing = text(client.get(url, {"hash": "0" * 64}))
    assert "记录中没有这个哈希值" in missing and "与记录一致" not in missing
    malformed = text(client.get(url, {"hash": "not-a-hash"}))
    assert "格式不正确" in malformed
    other = CommunityFactory()
    assert "记录中没有这个哈希值" in text(
        client.get(reverse("notices:verify", kwargs={"slug": other.slug}), {"hash": entry.entry_hash})
    )


def test_objection_filed_through_the_service(client, community, clock, django_capture_on_commit_callbacks):
    from notices.models import Objection

    p = posting(community, title="低保公示", category=Category.HARDSHIP, objections_open=True)
    url = reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})
    before = client.get(url)
    assert "已收到异议0件，已答复0件" in text(before) and 'name="phone"' in text(before)
    with django_capture_on_commit_callbacks(execute=True):  # the service bumps the cache on commit
        response = client.post(url, {"name": "王芳", "phone": "13912345678", "body": "情况不实"})
    objection = Objection.objects.get(posting=p)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/objection/filed/{objection.reference}/")
    filed = text(client.get(response["Location"]))
    assert "您的异议已提交" in filed and objection.reference in filed
    assert objection.filed_at == NOW
    assert "已收到异议1件，已答复0件" in text(client.get(url))


def test_objection_with_bad_phone_says_so_and_keeps_nothing(client, community, clock):
    from notices.models import Objection

    p = posting(community, objections_open=True)
    url = reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})
    response = client.post(url, {"name": "王芳", "phone": "12345", "body": "有误"})
    assert response.status_code == 400
    page = text(response)
    assert "提交未成功" in page and 'class="field has-error"' in page
    assert not Objection.objects.exists()


def test_objection_after_window_or_without_form_is_refused(client, community, clock):
    from notices.models import Objection

    closed = posting(community, objections_open=False)
    url = reverse("notices:posting", kwargs={"slug": community.slug, "pk": closed.pk})
    assert 'name="phone"' not in text(client.get(url))
    response = client.post(url, {"name": "王芳", "phone": "13912345678", "body": "有误"})
    assert response.status_code == 400 and "不接受异议" in text(response)
    expired = posting(community, objections_open=True, publish_at=NOW - dt.timedelta(days=9), days=7)
    late = client.post(
        reverse("notices:posting", kwargs={"slug": community.slug, "pk": expired.pk}),
        {"name": "王芳", "phone": "13912345678", "body": "有误"},
    )
    # The expired posting is still readable as a record; the objection is refused with the reason.
    assert late.status_code == 400 and "不能再提出异议" in text(late)
    assert not Objection.objects.exists()


def test_attachment_served_only_while_viewable(client, community, clock):
    from django.core.files.base import ContentFile

    from notices.models import Attachment

    p = posting(
        community,
        category=Category.HARDSHIP,
        publish_at=NOW - dt.timedelta(days=1),
        expire_at=NOW + dt.timedelta(hours=1),
    )
    a = Attachment(posting=p, name="名单.pdf", content_type="application/pdf", size=9, sha256="0" * 64)
    a.file.save("list.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    url = reverse("notices:attachment", kwargs={"slug": community.slug, "pk": p.pk, "attachment_id": a.pk})
    page = text(client.get(reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})))
    assert url in page
    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF")
    clock.move_to(NOW + dt.timedelta(hours=1))
    assert client.get(url).status_code == 404


def test_objection_flood_from_one_phone_is_slowed_down(client, community, clock):
    from notices.models import Objection
    from notices.views import OBJECTIONS_PER_ADDRESS_PER_HOUR, OBJECTIONS_PER_HOUR

    p = posting(community, objections_open=True)
    url = reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})
    for i in range(OBJECTIONS_PER_HOUR):
        sent = client.post(url, {"name": "王芳", "phone": "13912345678", "body": f"第{i}户的情况不实"})
        assert sent.status_code == 302
    refused = client.post(url, {"name": "王芳", "phone": "139 1234 5678", "body": "再来一条异议"})
    assert refused.status_code == 429 and "提交过于频繁" in text(refused)
    assert Objection.objects.filter(posting=p).count() == OBJECTIONS_PER_HOUR
    # Another resident (phone) is not affected, even from the same address (a shared proxy)...
    assert client.post(url, {"name": "李娜", "phone": "13812345678", "body": "名单有误"}).status_code == 302
    # ...until the address itself floods (every attempt counts there, valid or not).
    for i in range(OBJECTIONS_PER_ADDRESS_PER_HOUR):
        client.post(url, {"name": "某人", "phone": f"1370000{i:04d}", "body": "刷屏"})
    assert client.post(url, {"name": "赵敏", "phone": "13600001111", "body": "名单有误"}).status_code == 429
