"""The page cache can never show a posting outside its window, and conditional GET answers 304."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from notices import cache as generations
from tests.factories import CommunityFactory
from tests.notices.board_helpers import aware, posting

pytestmark = pytest.mark.django_db

TEN = aware(2025, 3, 12, 10, 0, 0)
JUST_BEFORE = TEN - dt.timedelta(seconds=1)


@pytest.fixture
def community():
    return CommunityFactory(slug="xingfu")


def board(client, community, **extra):
    return client.get(reverse("notices:board", kwargs={"slug": community.slug}), **extra)


def test_cached_board_drops_a_posting_at_the_instant_it_expires(client, community, django_assert_num_queries):
    posting(community, title="十点到期的公示", publish_at=TEN - dt.timedelta(days=5), expire_at=TEN)
    posting(community, title="长期有效的通知", publish_at=TEN - dt.timedelta(days=5), days=None)
    with time_machine.travel(JUST_BEFORE, tick=False) as clock:
        assert "十点到期的公示" in board(client, community).content.decode()
        with django_assert_num_queries(0):  # really cached
            assert "十点到期的公示" in board(client, community).content.decode()
        clock.move_to(TEN)
        page = board(client, community).content.decode()
    assert "十点到期的公示" not in page and "长期有效的通知" in page


def test_posting_appears_at_ten_though_the_board_was_cached_at_nine_fifty_nine(client, community):
    posting(community, title="十点开始的公示", publish_at=TEN, days=5)
    posting(community, title="早就开始的通知", publish_at=TEN - dt.timedelta(days=1), days=5)
    with time_machine.travel(TEN - dt.timedelta(minutes=1), tick=False) as clock:
        assert "十点开始的公示" not in board(client, community).content.decode()
        clock.move_to(JUST_BEFORE)
        assert "十点开始的公示" not in board(client, community).content.decode()
        clock.move_to(TEN)
        assert "十点开始的公示" in board(client, community).content.decode()


def test_detail_and_feed_obey_the_boundary_too(client, community):
    # A hardship posting: its page goes at the end of its window (others stay as a record).
    p = posting(
        community, title="十点到期", category="hardship", publish_at=TEN - dt.timedelta(days=1), expire_at=TEN
    )
    detail = reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})
    feed = reverse("notices:feed", kwargs={"slug": community.slug})
    with time_machine.travel(JUST_BEFORE, tick=False) as clock:
        assert client.get(detail).status_code == 200
        assert "十点到期" in client.get(feed).content.decode()
        clock.move_to(TEN)
        assert client.get(detail).status_code == 404
        assert "十点到期" not in client.get(feed).content.decode()


def test_a_write_bumps_the_generation_and_is_seen_at_once(client, community):
    posting(community, title="第一条")
    with time_machine.travel(TEN, tick=False):
        board(client, community)
        posting(
            community, title="第二条", publish_at=TEN - dt.timedelta(minutes=5)
        )  # publishing bumps the board's cache version
        assert "第二条" in board(client, community).content.decode()


def test_without_a_bump_a_cached_page_stays_as_rendered(client, community):
    """The contrast that proves the cache is real: an unannounced write is not seen until a bump."""
    from notices.models import Posting

    posting(community, title="第一条", publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        board(client, community)
        Posting.objects.filter(community=community).update(title="悄悄改了")
        assert "悄悄改了" not in board(client, community).content.decode()
        generations.bump(community.pk)
        assert "悄悄改了" in board(client, community).content.decode()


def test_if_none_match_answers_304_without_sql(client, community, django_assert_num_queries):
    posting(community, publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        first = board(client, community)
        with django_assert_num_queries(0):
            again = board(client, community, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        assert "no-cache" in again["Cache-Control"]


def test_etag_changes_at_a_boundary(client, community):
    posting(community, publish_at=TEN - dt.timedelta(days=1), expire_at=TEN)
    with time_machine.travel(JUST_BEFORE, tick=False) as clock:
        etag = board(client, community)["ETag"]
        clock.move_to(TEN)
        assert board(client, community, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_languages_are_cached_apart(client, community):
    posting(community, publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        zh = board(client, community).content.decode()
        ignored = board(client, community, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        client.cookies["django_language"] = "en"
        en = board(client, community).content.decode()
    # Chinese first: a browser's Accept-Language does not switch; the visitor's choice does.
    assert 'lang="zh-CN"' in zh and 'lang="zh-CN"' in ignored and 'lang="en"' in en


def test_objection_form_gets_a_valid_csrf_token_on_a_cached_page(client, community):
    """Cached pages keep a placeholder; every response carries a real token, so the form posts fine."""
    from django.test import Client

    from notices.pagecache import CSRF_PLACEHOLDER

    p = posting(community, publish_at=TEN - dt.timedelta(days=1), objections_open=True)
    url = f"/c/{community.slug}/notices/{p.pk}/"
    with time_machine.travel(TEN, tick=False):
        client.get(url)  # fills the cache
        strict = Client(enforce_csrf_checks=True)
        response = strict.get(url)
        page = response.content.decode()
        assert CSRF_PLACEHOLDER not in page
        assert "private" in response["Cache-Control"]
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        filed = strict.post(
            url,
            {
                "name": "王小明",
                "phone": "13900001111",
                "body": "公示金额有误。",
                "csrfmiddlewaretoken": token,
            },
        )
    assert filed.status_code == 302
    assert p.objections.count() == 1


def test_board_pages_carry_no_csrf_token_and_switch_language_by_link(client, community):
    posting(community, publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        response = board(client, community)
        page = response.content.decode()
        assert "csrfmiddlewaretoken" not in page
        assert "public" in response["Cache-Control"]
        assert "/lang/en/?next=" in page
        switched = client.get("/lang/en/", {"next": f"/c/{community.slug}/"})
        assert switched.status_code == 302 and switched["Location"] == f"/c/{community.slug}/"
        assert 'lang="en"' in board(client, community).content.decode()
        # An off-site "next" is refused.
        assert client.get("/lang/zh-hans/", {"next": "https://evil.example/"})["Location"] == "/"


def test_board_still_answers_when_the_cache_server_is_down(client, community, settings):
    """Redis unreachable: pages render uncached (slower, never stale) instead of a 500."""
    from notices import pagecache

    posting(community, title="停水通知", publish_at=TEN - dt.timedelta(days=1), objections_open=True)
    with time_machine.travel(TEN, tick=False):
        assert "停水通知" in board(client, community).content.decode()  # learns the community id
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
        pagecache._local.clear()  # settings' CACHES change resets Django's connections itself
        try:
            response = board(client, community)
            assert response.status_code == 200 and "停水通知" in response.content.decode()
            feed = client.get(f"/c/{community.slug}/feed/")
            assert feed.status_code == 200
        finally:
            pagecache._redis_client = None


def test_a_cache_hit_is_answered_before_sessions_and_csrf(client, community, django_assert_num_queries):
    """The early middleware answers hits; the page is the same as the one the view rendered."""
    from notices.pagecache import FetchFromBoardCacheMiddleware

    posting(community, title="电梯检修通知", publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        first = board(client, community)
        calls = []
        original = FetchFromBoardCacheMiddleware._hit

        def spy(request, slug):
            response = original(request, slug)
            calls.append(response is not None)
            return response

        FetchFromBoardCacheMiddleware._hit = staticmethod(spy)
        try:
            with django_assert_num_queries(0):
                second = board(client, community)
        finally:
            FetchFromBoardCacheMiddleware._hit = staticmethod(original)
    assert calls == [True]
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Content-Language"] == "zh-hans" and "Cookie" in second["Vary"]
    assert second["X-Frame-Options"] == "DENY"


def test_a_cached_page_is_not_served_to_a_host_the_site_does_not_allow(client, community):
    """The early middleware checks ALLOWED_HOSTS first: ``Host: evil.example`` gets the 400 a miss gets,
    never the cached page (a cache poisoning or host-header probe must not see a 200)."""
    posting(community, title="电梯检修通知", publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        assert board(client, community).status_code == 200  # now cached
        evil = board(client, community, HTTP_HOST="evil.example")
        assert evil.status_code == 400
        assert "电梯检修通知" not in evil.content.decode()
        assert board(client, community).status_code == 200  # the allowed host still gets the hit
