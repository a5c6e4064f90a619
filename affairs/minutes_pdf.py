"""The minutes of a meeting as a PDF on the shared toolkit (core.pdf): arrangements, agenda,
attendance (legal proof of presence: who signed in when, who by proxy), quorum, the minutes, and
each vote with its tally and named record. Rejected motions are printed with their reason."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from affairs.models.meetings import Meeting
from affairs.services.meetings import quorum
from affairs.services.motion_postings import named_record
from core import pdf

MINUTES_CSS = Path("templates") / "affairs" / "meetings" / "pdf" / "minutes.css"


def public_meetings_url(slug: str) -> str:
    return f"{settings.PORTAL_SITE_URL.rstrip('/')}/c/{quote(slug)}/meetings/"


def minutes_context(meeting: Meeting) -> dict:
    members = list(meeting.members.select_related("resident", "proxy_holder__resident").order_by("pk"))
    motions = []
    for motion in meeting.motions.filter(vote_closed_at__isnull=False).order_by("vote_opened_at", "pk"):
        motions.append({"motion": motion, "record": named_record(motion)})
    community = meeting.community
    issuer = gettext("%(name)s居民委员会") % {"name": community.name}
    when = timezone.localtime(meeting.starts_at)
    return {
        "title": gettext("会议纪要"),
        "issuer": issuer,
        "docline_left": meeting.get_body_display(),
        "docline_right": f"{when:%Y-%m-%d}",
        "meeting": meeting,
        "starts": when,
        "ends": timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
        "members": members,
        "minutes_lines": [line.strip() for line in meeting.minutes.splitlines() if line.strip()],
        "quorum": quorum(meeting),
        "motions": motions,
        "draft": meeting.closed_at is None,
        "posted_on": f"{timezone.localtime(meeting.closed_at or timezone.now()):%Y年%m月%d日}",
        **pdf.margin_boxes(
            top_left=f"{community.name} · {meeting.title}",
            footer_lines=[
                gettext("会议记录定稿于%(at)s")
                % {"at": f"{timezone.localtime(meeting.closed_at):%Y-%m-%d %H:%M}"}
                if meeting.closed_at
                else gettext("会议记录尚未定稿（草稿）")
            ],
            qr_data=public_meetings_url(community.slug),
        ),
    }


def render_minutes(meeting: Meeting) -> tuple[bytes, int]:
    with pdf.in_document_language():
        html = render_to_string("affairs/meetings/pdf/minutes.html", minutes_context(meeting))
        return pdf.render_pdf(html, stylesheets=[pdf.stylesheet(MINUTES_CSS)])
