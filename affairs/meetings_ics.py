"""The iCalendar feed of a community's upcoming public meetings (RFC 5545, built with icalendar so
folding of long Chinese lines and escaping are right). Times in UTC, a stable UID per meeting, the
agenda as plain-text description, the place as location (as Decidim does)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from affairs.models.meetings import Meeting


def calendar_bytes(*, community, meetings: list[Meeting], page_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//juwei portal//meetings//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("%(name)s会议安排") % {"name": community.name})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    host = settings.PORTAL_SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "juwei"
    now = timezone.now()
    for m in meetings:
        event = Event()
        event.add("uid", f"meeting-{m.pk}@{host}")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", m.starts_at.astimezone(dt.UTC))
        event.add("dtend", (m.ends_at or m.starts_at + dt.timedelta(hours=2)).astimezone(dt.UTC))
        event.add("summary", m.title)
        event.add("location", m.place)
        lines = [m.get_body_display(), _("议程：")] + [
            f"{i}. {item}" for i, item in enumerate(m.agenda_items, 1)
        ]
        event.add("description", "\n".join(lines))
        event.add("url", page_url)
        event.add("categories", [m.get_body_display()])
        cal.add_component(event)
    return cal.to_ical()
