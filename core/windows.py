"""How the end of a posting window is written: one way, on the board, in the feed, in the PDF and
in the admin.

A window's end is stored as an instant at which the posting stops being public (``expire_at``,
exclusive). A posting of N working days ends at the midnight after its last day, so printing that
instant ("2026-12-10 00:00") tells residents a day that is not in the window, while the admin
showed the last day ("12月9日"). Both were true and they read as a contradiction. Here an end at
local midnight is written as the last day, marked as included ("2026年12月9日（含）"); any other end
keeps its time ("2026年12月10日 18:00"). A plain date (``BuildingCaptain.posting_ends_on``) is a
last day already.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _


def window_last_day(end: dt.datetime | dt.date) -> tuple[dt.date, dt.time | None]:
    """The last day of a window ending at ``end`` and, unless the whole day is included, the time
    the window closes on it (local time)."""
    if not isinstance(end, dt.datetime):
        return end, None
    local = timezone.localtime(end) if timezone.is_aware(end) else end
    if local.time() == dt.time(0):
        return local.date() - dt.timedelta(days=1), None
    return local.date(), local.time()


def window_end(end: dt.datetime | dt.date, *, year: bool = True) -> str:
    """``2026年12月9日（含）`` or ``2026年12月10日 18:00`` (English: ``9 December 2026 (inclusive)``).

    ``year=False`` leaves the year out (a sheet whose month gives it).
    """
    day, time = window_last_day(end)
    date_text = formats.date_format(day, _("Y年n月j日") if year else _("n月j日"))
    if time is None:
        return _("%(date)s（含）") % {"date": date_text}
    return _("%(date)s %(time)s") % {"date": date_text, "time": f"{time:%H:%M}"}


def window_start(start: dt.datetime) -> str:
    """``2026年12月2日 10:00``: the start in the same words as the end (a start is always an instant)."""
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    return _("%(date)s %(time)s") % {
        "date": formats.date_format(local.date(), _("Y年n月j日")),
        "time": f"{local:%H:%M}",
    }


def posted_until(end: dt.datetime | dt.date | None) -> str:
    """``公示至2026年12月9日（含）``; ``长期公开，直至撤回或更正`` for a window without an end."""
    if end is None:
        return _("长期公开，直至撤回或更正")
    return _("公示至%(end)s") % {"end": window_end(end)}


def objections_until(end: dt.datetime | dt.date | None) -> str:
    """``异议受理至2026年12月9日（含）``: objections are accepted while the posting is public."""
    if end is None:
        return _("接受异议")
    return _("异议受理至%(end)s") % {"end": window_end(end)}
