"""The tabs of a community's public pages (公开栏, 会议, 居民意见, 往期公开, …).

The board draws the tab bar on every public page; the apps above it add their own tabs from
``AppConfig.ready()`` without the board importing them::

    from notices import nav

    nav.register_tab(section="opinions", label=_("居民意见"), url_name="affairs:opinion_figures", order=30)

``section`` is what a page passes to ``notices/_community_nav.html`` to mark its tab as current;
``url_name`` is reversed with the community's slug.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    order: int
    section: str
    label: str | Promise
    url_name: str


_tabs: dict[str, Tab] = {}


def register_tab(*, section: str, label, url_name: str, order: int = 50) -> None:
    """Add (or replace, by ``section``) a tab; lower ``order`` comes first."""
    _tabs[section] = Tab(order, section, label, url_name)


def tabs(slug: str, current: str) -> list[dict]:
    rows = []
    for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.section)):
        try:
            url = reverse(tab.url_name, args=[slug])
        except NoReverseMatch:  # an app's URLs not mounted (e.g. a trimmed test URLconf)
            continue
        rows.append({"url": url, "label": tab.label, "current": tab.section == current})
    return rows


# The board's own tabs; the apps' tabs fall in between (meetings 20, opinions 30, elections 35, ...).
register_tab(section="board", label=_("公开栏"), url_name="notices:board", order=10)
register_tab(section="archive", label=_("往期公开"), url_name="notices:archive", order=60)
register_tab(section="disclosure", label=_("月报"), url_name="notices:disclosure", order=70)
register_tab(section="verify", label=_("核验"), url_name="notices:verify", order=80)
register_tab(section="subscribe", label=_("订阅"), url_name="notices:subscribe", order=90)
