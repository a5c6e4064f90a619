"""Small helpers of the elections tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local(*parts: int) -> dt.datetime:
    """An instant in the portal's time zone (what staff and residents read)."""
    return dt.datetime(*parts, tzinfo=timezone.get_default_timezone())
