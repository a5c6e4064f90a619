"""Working-day arithmetic on the national holiday calendar.

DOMAIN.md: postings of N "working days" follow the State Council's schedule, holidays and adjusted
working days (调休) included. The ``chinese_calendar`` package knows the years published when it was
released; for any other year we count Monday-Friday and say so, and days entered by staff in the
admin (``OfficialDay``) always win over the library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core.dates import EARLIEST, LATEST, validate_in_range
from core.errors import RuleViolation


@dataclass
class WorkdayResult:
    date: dt.date
    # Years for which neither the library nor staff-entered days are known: the result assumed
    # Monday-Friday working days there and the user must be warned.
    unofficial_years: set[int] = field(default_factory=set)

    @property
    def is_official(self) -> bool:
        return not self.unofficial_years


def _overrides(
    start: dt.date, end: dt.date, community_id: int | None
) -> tuple[dict[dt.date, bool], set[int]]:
    """Entered days in the span: national ones, then the community's own (which win)."""
    from core.models import OfficialDay

    applies = (
        (Q(community__isnull=True) | Q(community_id=community_id))
        if community_id
        else Q(community__isnull=True)
    )
    rows = (
        OfficialDay.objects.filter(applies, date__gte=start, date__lte=end)
        .order_by(F("community_id").asc(nulls_first=True))
        .values_list("date", "is_working_day")
    )
    days = dict(rows)  # later rows (the community's) overwrite national ones
    years = set(
        OfficialDay.objects.filter(applies, date__year__gte=start.year, date__year__lte=end.year)
        .values_list("date__year", flat=True)
        .distinct()
    )
    return days, years


def library_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese_calendar`` knows (shown to staff)."""
    from chinese_calendar.constants import holidays

    years = [d.year for d in holidays]
    return min(years), max(years)


def _library_says(day: dt.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class WorkdayCalendar:
    """Answers "is this a working day" for a span, with one query for staff-entered days."""

    def __init__(self, start: dt.date, end: dt.date, *, community_id: int | None = None):
        self.start, self.end = start, end
        self.overrides, self.entered_years = _overrides(start, end, community_id)
        self.unofficial_years: set[int] = set()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = _library_says(day)
        if known is not None:
            return known
        if day.year not in self.entered_years:
            self.unofficial_years.add(day.year)
        return day.weekday() < 5


def _out_of_range() -> RuleViolation:
    return RuleViolation(
        _("按工作日计算的日期超出%(first)s至%(last)s的范围，请检查开始日期和工作日数。"),
        params={"first": f"{EARLIEST:%Y-%m-%d}", "last": f"{LATEST:%Y-%m-%d}"},
    )


def add_working_days_detailed(start: dt.date, n: int, *, community_id: int | None = None) -> WorkdayResult:
    """The date ``n`` working days after ``start`` (``start`` itself is not counted).

    ``n == 0`` returns ``start``. Negative ``n`` counts backwards. A start or a result outside
    1900-2100 (``core.dates``) is refused with a :class:`RuleViolation`, never an overflow.
    With ``community_id``, that community's entered days count too (and win over national ones).
    """
    try:
        validate_in_range(start)
    except ValidationError as e:
        raise RuleViolation(e.messages) from e
    if n == 0:
        return WorkdayResult(start)
    step = 1 if n > 0 else -1
    # A generous span: even Spring Festival weeks never need more than 3 calendar days a working day;
    # clipped to the range, where the walk below stops anyway.
    span = abs(n) * 3 + 20
    if step > 0:
        lo, hi = start, start + dt.timedelta(days=min(span, (LATEST - start).days))
    else:
        lo, hi = start - dt.timedelta(days=min(span, (start - EARLIEST).days)), start
    cal = WorkdayCalendar(lo, hi, community_id=community_id)
    day, left = start, abs(n)
    while left:
        if day == (LATEST if step > 0 else EARLIEST):
            raise _out_of_range()
        day += dt.timedelta(days=step)
        if cal.is_working_day(day):
            left -= 1
    return WorkdayResult(day, cal.unofficial_years)


def add_working_days(start: dt.date, n: int, *, community_id: int | None = None) -> dt.date:
    return add_working_days_detailed(start, n, community_id=community_id).date


def is_working_day(day: dt.date, *, community_id: int | None = None) -> bool:
    return WorkdayCalendar(day, day, community_id=community_id).is_working_day(day)


def calendar_is_official(day: dt.date, *, community_id: int | None = None) -> bool:
    cal = WorkdayCalendar(day, day, community_id=community_id)
    cal.is_working_day(day)
    return not cal.unofficial_years
