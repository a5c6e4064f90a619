"""The public tab bar: the board's tabs plus the ones affairs registers, the current one marked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _tabs(html: str) -> list[tuple[str, str, bool]]:
    nav = html[html.index('class="tabs-nav"') : html.index("</nav>", html.index('class="tabs-nav"'))]
    return [
        (href, label.strip(), bool(current))
        for href, current, label in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)
    ]


def test_board_and_affairs_pages_share_one_tab_bar(client):
    community = f.CommunityFactory()
    board = _tabs(client.get(reverse("notices:board", args=[community.slug])).content.decode())
    labels = [label for _href, label, _cur in board]
    assert labels[:3] == ["公开栏", "会议与议事", "居民意见"]
    assert (f"/c/{community.slug}/opinions/", "居民意见", False) in board
    assert [label for _h, label, cur in board if cur] == ["公开栏"]
    opinions = _tabs(client.get(reverse("affairs:opinion_figures", args=[community.slug])).content.decode())
    assert [label for _h, label, cur in opinions if cur] == ["居民意见"]
    assert [label for _h, label, _c in opinions] == labels
