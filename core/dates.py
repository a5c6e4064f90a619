"""Dates the portal accepts, and the one reader of ``YYYY-MM`` months.

A committee's records live between 1900 and 2100. Outside that range Python's date arithmetic and
the databases' time-zone conversions overflow (year 0, year 10000), so a typo like 9999-12-31 or
0001-01-01 would crash a page instead of getting an answer. Every date and datetime a person enters
(admin forms, services through ``save_governed``, query strings of the public board) is checked here
first, with one message.

Months are given as ``YYYY-MM`` in URLs, query strings, commands and tasks; :func:`parse_month` is
the only parser, and :func:`month_bounds` the only way from a month to the instants that bound it,
in the portal's time zone (``settings.TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)

DATE_RANGE_MESSAGE = _("日期须在%(first)s至%(last)s之间，请检查年份。")
MONTH_MESSAGE = _("月份格式不正确或超出范围，应为%(first)s至%(last)s之间的“年-月”，例如 2026-10。")

# ASCII digits only: ``\d`` would also take Arabic-Indic and full-width digits.
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


def _day_of(value: dt.date | dt.datetime) -> dt.date:
    # The wall-clock date as entered: converting 0001-01-01 00:00+08:00 to UTC would itself overflow.
    return value.date() if isinstance(value, dt.datetime) else value


def in_range(value: dt.date | dt.datetime) -> bool:
    return EARLIEST <= _day_of(value) <= LATEST


def validate_in_range(value: dt.date | dt.datetime | None) -> None:
    """Validator for date and datetime fields (forms and models): 1900-01-01 to 2100-12-31."""
    if value is not None and not in_range(value):
        raise ValidationError(
            DATE_RANGE_MESSAGE,
            code="date_out_of_range",
            params={"first": f"{EARLIEST:%Y-%m-%d}", "last": f"{LATEST:%Y-%m-%d}"},
        )


def out_of_range_fields(obj: models.Model) -> dict[str, list[str]]:
    """Every date or datetime field of ``obj`` whose value is outside the range, with the message."""
    errors: dict[str, list[str]] = {}
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.DateField):  # DateTimeField is a DateField
            continue
        try:
            validate_in_range(getattr(obj, field.attname))
        except ValidationError as e:
            errors[field.name] = e.messages
    return errors


def add_days(day: dt.date, days: int) -> dt.date:
    """``day + days``, refused with the range message (not an OverflowError) when it leaves the range."""
    validate_in_range(day)
    try:
        result = day + dt.timedelta(days=days)
    except OverflowError:
        result = None
    if result is None or not in_range(result):
        raise ValidationError(
            DATE_RANGE_MESSAGE,
            code="date_out_of_range",
            params={"first": f"{EARLIEST:%Y-%m-%d}", "last": f"{LATEST:%Y-%m-%d}"},
        )
    return result


# --- Months ---------------------------------------------------------------------------------------


def parse_month(value: str | None) -> dt.date | None:
    """``"2026-10"`` -> ``date(2026, 10, 1)``; None for anything else, out-of-range years included.

    Never raises: callers answer a 404 or a message of their own.
    """
    m = _MONTH_RE.fullmatch((value or "").strip())
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (EARLIEST.year <= year <= LATEST.year and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def month_message() -> str:
    return MONTH_MESSAGE % {"first": f"{EARLIEST:%Y-%m}", "last": f"{LATEST:%Y-%m}"}


def month_label(month: dt.date) -> str:
    """``date(2026, 10, 1)`` -> ``2026年10月``: how a month is named to people (pages, messages)."""
    return str(_("%(year)d年%(month)d月")) % {"year": month.year, "month": month.month}


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the month as aware datetimes in the portal's time zone."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(month.replace(day=1), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(next_month(month), dt.time.min, tzinfo=tz)
    return start, end
