"""Months and numbers in public URLs and query strings, as residents and attackers type them.

Every ``YYYY-MM`` goes through ``core.dates.parse_month``: a month outside 1900-01..2100-12,
malformed, or written in other digits than 0-9 gets a 404 (in a path) or a Chinese note (in a query
string), never a 500. The sweep at the end sends hostile values of every public query parameter to
every public page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.dates import month_bounds, parse_month
from tests.factories import MonthlyDisclosureFactory
from tests.notices.board_helpers import NOW, posting

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
IGNORED_NOTE = "部分筛选条件无法识别，已忽略。"


@pytest.fixture(autouse=True)
def _chinese_afterwards(settings):
    """``/lang/en/`` below leaves English active in this thread (LocaleMiddleware never deactivates);
    later tests that translate outside a request expect the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def text(response) -> str:
    return response.content.decode()


# --- The one month parser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-10", dt.date(2026, 10, 1)),
        ("2026-1", None),  # one URL per month: always two digits
        (" 2026-10 ", dt.date(2026, 10, 1)),
        ("1900-01", dt.date(1900, 1, 1)),
        ("2100-12", dt.date(2100, 12, 1)),
        ("1899-12", None),
        ("2101-01", None),
        ("9999-12", None),
        ("0001-01", None),
        ("0000-01", None),
        ("2026-13", None),
        ("2026-00", None),
        ("٢٠٢٦-١٠", None),  # Arabic-Indic digits
        ("２０２６-１０", None),  # full-width digits
        ("2026-10-01", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month(value, expected):
    assert parse_month(value) == expected


def test_month_bounds_are_local_midnights_in_the_portal_time_zone(settings):
    start, end = month_bounds(dt.date(2100, 12, 1))
    assert (start.isoformat(), end.isoformat()) == ("2100-12-01T00:00:00+08:00", "2101-01-01T00:00:00+08:00")
    start, _end = month_bounds(dt.date(1900, 1, 1))
    assert start.tzinfo.key == settings.TIME_ZONE


# --- The board's month filter and the archive -----------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1899-12", "2101-01", "٢٠٢٥-٠٣", "２０２５-０３"])
def test_board_month_out_of_range_or_foreign_digits_is_ignored_with_a_note(client, community, clock, month):
    posting(community, title="三月停车通知")
    response = client.get(reverse("notices:board", kwargs={"slug": community.slug}), {"month": month})
    assert response.status_code == 200
    page = text(response)
    assert IGNORED_NOTE in page
    assert "三月停车通知" in page  # the filter was not applied


def test_board_month_filter_at_the_edges_of_the_range(client, community, clock):
    posting(community, title="三月停车通知")
    for month in ("1900-01", "2100-12"):
        page = text(client.get(reverse("notices:board", kwargs={"slug": community.slug}), {"month": month}))
        assert IGNORED_NOTE not in page and "三月停车通知" not in page, month


@pytest.mark.parametrize(
    "month", ["9999-12", "0001-01", "1899-12", "2101-01", "2025-13", "2025-00", "٢٠٢٥-٠٣"]
)
def test_archive_month_out_of_range_is_a_chinese_404(client, community, clock, month):
    response = client.get(f"/c/{community.slug}/archive/{month}/")
    assert response.status_code == 404
    assert "页面不存在" in text(response)


def test_archive_month_at_the_edges_of_the_range(client, community, clock):
    for month in ("1900-01", "2100-12"):
        response = client.get(
            reverse("notices:archive_month", kwargs={"slug": community.slug, "month": month})
        )
        assert response.status_code == 200, month
    assert reverse("notices:archive_month", args=[community.slug, dt.date(2025, 3, 1)]).endswith("/2025-03/")


# --- The monthly sheet's PDF URL ------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2025-13", "٢٠٢٥-٠٣"])
def test_disclosure_pdf_month_out_of_range_says_so(client, community, month):
    response = client.get(f"/c/{community.slug}/disclosure/{month}.pdf")
    assert response.status_code == 404
    assert "1900-01" in text(response) and "2100-12" in text(response)


@pytest.mark.parametrize("version", ["²", "٣", "-1", "1.0", "999999", "x"])
def test_disclosure_pdf_version_that_is_not_a_number_says_so(client, community, version):
    MonthlyDisclosureFactory(community=community, month=dt.date(2025, 2, 1), version=1)
    response = client.get(f"/c/{community.slug}/disclosure/2025-02.pdf", {"v": version})
    assert response.status_code == 404
    assert "版本号不正确" in text(response)


# --- Every public page, every query parameter, hostile values ---------------------------------------------

HOSTILE = [
    "9999-12",
    "0001-01",
    "²",
    "٣",
    "-1",
    "0",
    "1e9",
    "NaN",
    "9" * 30,
    "9" * 5000,
    "\x00",
    "%00",
    "'\"<script>",
    "２０",
]
PARAMS = ["month", "page", "size", "category", "q", "v", "hash", "next"]


def _public_urls(community, released) -> list[str]:
    slug = community.slug
    return [
        "/",
        f"/c/{slug}/",
        f"/c/{slug}/notices/{released.pk}/",
        f"/c/{slug}/feed/",
        f"/c/{slug}/archive/",
        f"/c/{slug}/archive/2025-03/",
        f"/c/{slug}/verify/",
        f"/c/{slug}/disclosure/",
        f"/c/{slug}/disclosure/2025-02.pdf",
        "/lang/en/",
    ]


@pytest.mark.parametrize("param", PARAMS)
def test_no_public_page_fails_on_a_hostile_query_string(client, community, clock, param):
    released = posting(community, title="三月停车通知")
    MonthlyDisclosureFactory(community=community, month=dt.date(2025, 2, 1), version=1)
    for url in _public_urls(community, released):
        for value in HOSTILE:
            response = client.get(url, {param: value})
            assert response.status_code in (200, 302, 304, 400, 404), (
                url,
                param,
                value,
                response.status_code,
            )
            if response.status_code in (400, 404):
                assert CJK.search(text(response)), (url, param, value)
