"""The communities side by side (各社区概况): one row per community the user oversees, one column
per figure an app contributes, exportable as CSV.

JOURNEYS.md: the street office official "reads every community of the office side by side:
postings, election progress, hardship flags, opinion figures; export them; change nothing". Each app
registers its columns in ``AppConfig.ready`` (core imports no app)::

    overview.register_column("opinions_month", _("本月居民意见"), provider, order=40)

A provider takes ``(communities, at)`` and returns ``{community_id: value}`` for all of them in a
fixed number of queries (never one per community); a value is a number, a short text, or a
``Cell(text, url)`` linking to the filtered admin list behind it. A community a provider leaves out
shows "—".
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    provider: Callable
    order: int


_columns: dict[str, Column] = {}


def register_column(key: str, label: str | Promise, provider: Callable, *, order: int) -> None:
    _columns[key] = Column(key, label, provider, order)


def columns() -> list[Column]:
    return sorted(_columns.values(), key=lambda c: (c.order, c.key))


def table(communities: list, at: dt.datetime) -> tuple[list[Column], list[tuple[object, list[Cell]]]]:
    cols = columns()
    values = [c.provider(communities, at) for c in cols]
    rows = []
    for community in communities:
        cells = []
        for v in values:
            value = v.get(community.pk)
            if value is None:
                cells.append(Cell("—"))
            elif isinstance(value, Cell):
                cells.append(value)
            else:
                cells.append(Cell(str(value)))
        rows.append((community, cells))
    return cols, rows


def overview_view(request: HttpRequest, site) -> HttpResponse:
    """The admin page (``admin:overview``); ``?format=csv`` downloads the same table."""
    from core.scoping import communities_for_user

    at = timezone.now()
    communities = list(communities_for_user(request.user).select_related("street_office").order_by("name"))
    cols, rows = table(communities, at)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="overview-{timezone.localdate(at):%Y%m%d}.csv"'
        )
        response.write("\ufeff")  # Excel opens UTF-8 with a BOM as Chinese, not mojibake
        writer = csv.writer(response)
        writer.writerow([_("社区"), *[str(c.label) for c in cols]])
        for community, cells in rows:
            writer.writerow([community.name, *[c.text for c in cells]])
        return response
    context = {
        **site.each_context(request),
        "title": _("各社区概况"),
        "columns": cols,
        "rows": rows,
        "at": at,
    }
    return TemplateResponse(request, "admin/portal/overview.html", context)
