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
    p = posting(community, title="十点到期", publish_at=TEN - dt.timedelta(days=1), expire_at=TEN)
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
        posting(community, title="第二条", publish_at=TEN - dt.timedelta(minutes=5))  # helper bumps
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
        en = board(client, community, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-CN"' in zh and 'lang="en"' in en


def test_each_visitor_gets_a_valid_csrf_token(client, community):
    """Cached pages keep a placeholder; every response carries a real token, so forms post fine."""
    from django.test import Client

    from notices.pagecache import CSRF_PLACEHOLDER

    posting(community, publish_at=TEN - dt.timedelta(days=1))
    with time_machine.travel(TEN, tick=False):
        board(client, community)
        strict = Client(enforce_csrf_checks=True)
        page = board(strict, community).content.decode()
        assert CSRF_PLACEHOLDER not in page
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = strict.post(
            "/i18n/setlang/", {"language": "en", "next": "/c/xingfu/", "csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302


def test_fast_csrf_token_is_a_valid_django_token(rf):
    from django.middleware.csrf import _does_token_match, _unmask_cipher_token

    from notices.pagecache import csrf_token

    request = rf.get("/")
    tokens = {csrf_token(request) for _ in range(200)}
    secret = request.META["CSRF_COOKIE"]
    assert len(tokens) == 200 and len(secret) == 32
    assert all(len(t) == 64 and t.isalnum() and _unmask_cipher_token(t) == secret for t in tokens)
    assert all(_does_token_match(t, secret) for t in tokens)
