"""Working days on the national calendar (DOMAIN.md), checked against chinese_calendar's 2026 data."""

import datetime as dt

import pytest

from core.calendar import add_working_days, add_working_days_detailed, calendar_is_official, is_working_day
from core.models import OfficialDay

pytestmark = pytest.mark.django_db
D = dt.date


def test_national_day_week_is_skipped():
    # 2026-10-01..07 are holidays; the first working day after 30 September is Thursday 8 October.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_adjusted_sunday_is_a_working_day():
    # 调休: Sunday 20 September 2026 is worked in exchange for the National Day week.
    assert is_working_day(D(2026, 9, 20))
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert is_working_day(D(2026, 10, 10))  # a Saturday worked
    assert not is_working_day(D(2026, 9, 19))  # an ordinary Saturday


def test_five_working_days_across_spring_festival():
    # Fri 13 Feb 2026 + 5: Sat 14 (worked), 24, 25, 26, 27 Feb (16-23 are holidays).
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)


def test_zero_and_negative():
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_unknown_year_falls_back_to_weekdays_and_reports_the_year():
    result = add_working_days_detailed(D(2026, 12, 31), 2)
    assert result.date == D(2027, 1, 4)  # Fri 1 Jan 2027 counted as an ordinary weekday
    assert result.unofficial_years == {2027}
    assert not result.is_official
    assert not calendar_is_official(D(2027, 3, 1))
    assert calendar_is_official(D(2026, 3, 2))


def test_entered_official_days_win_and_make_a_year_official():
    OfficialDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    result = add_working_days_detailed(D(2026, 12, 31), 2)
    assert result.date == D(2027, 1, 5)
    assert result.unofficial_years == set()
    # An entered day also overrides the library inside a known year.
    OfficialDay.objects.create(date=D(2026, 10, 8), is_working_day=False, name="测试：临时放假")
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)
    OfficialDay.objects.create(date=D(2026, 10, 3), is_working_day=True, name="测试：调休上班")
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 3)
