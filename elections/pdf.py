"""The printable result report (选举结果报告) on the shared PDF toolkit (``core.pdf``): results per
office, the per-station breakdown, and the ledger hash of the posted results with a QR code to the
board's verification page. Names of candidates are public; nothing else personal is printed."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from core import pdf
from core.errors import RuleViolation
from elections.flow import day_text
from elections.models import Candidate, Election
from elections.services.results import compute_results, recall_route_text
from elections.services.women import women_seat_notes

CSS = "templates/elections/pdf/results.css"


def results_ledger_hash(election: Election) -> str:
    """The ledger entry of the posted results: the hash residents can check on the board."""
    from notices.models import LedgerEntry

    entry = (
        LedgerEntry.objects.filter(posting_id=election.results_posting_id, action=LedgerEntry.Action.PUBLISH)
        .order_by("sequence")
        .first()
    )
    return entry.entry_hash if entry else ""


def render_results_pdf(election: Election) -> tuple[bytes, int]:
    if election.results_posted_at is None:
        raise RuleViolation(gettext("选举结果公布后才能打印结果报告。"))
    r = compute_results(election)
    ledger_hash = results_ledger_hash(election)
    community = election.community
    verify = f"{settings.PORTAL_SITE_URL.rstrip('/')}/c/{quote(community.slug)}/verify/"
    offices = dict(Candidate._meta.get_field("office").choices)
    with pdf.in_document_language():
        posted = timezone.localtime(election.results_posted_at).date()
        ctx = {
            "title": gettext("%(election)s结果报告") % {"election": election.title},
            "issuer": gettext("%(name)s居民委员会选举委员会") % {"name": community.name},
            "docline_left": election.title,
            "docline_right": day_text(election.election_day),
            "election": election,
            "results": r,
            "women_notes": women_seat_notes(r),
            "recall_line": recall_route_text(election),
            "offices": [(offices[o], rows, r.remaining.get(o, 0)) for o, rows in r.standings.items()],
            "posted_on": f"{posted.year}年{posted.month}月{posted.day}日",
            "ledger_hash_grouped": pdf.group_hash(ledger_hash),
            **pdf.margin_boxes(
                top_left=gettext("%(name)s · 选举结果报告") % {"name": community.name},
                footer_lines=[
                    gettext("结果公告登记码：") + (pdf.group_hash(ledger_hash) or gettext("演练，未公开")),
                    gettext("扫描右侧二维码或访问 %(url)s 核验") % {"url": verify},
                ],
                qr_data=f"{verify}?{urlencode({'h': ledger_hash})}" if ledger_hash else verify,
            ),
        }
        html = render_to_string("elections/pdf/results.html", ctx)
    return pdf.render_pdf(html, stylesheets=[pdf.stylesheet(CSS)])
