"""Writes of the hardship review: every step of ``assistance.flow.CASE_FLOW`` is one service here."""

from assistance.services.apply import case_apply
from assistance.services.decide import (
    case_close_scoring,
    case_end,
    case_reject,
    case_report,
    case_review,
    case_score,
    case_street_decision,
    case_surprise_visit,
    scoring_result,
)
from assistance.services.investigate import (
    case_applicant_response,
    case_compare,
    case_cross_investigate,
    case_investigate,
    case_visit,
)
from assistance.services.posting import case_window_closed, cases_post, public_rows, public_table_html

__all__ = [
    "case_applicant_response",
    "case_apply",
    "case_close_scoring",
    "case_compare",
    "case_cross_investigate",
    "case_end",
    "case_investigate",
    "case_reject",
    "case_report",
    "case_review",
    "case_score",
    "case_street_decision",
    "case_surprise_visit",
    "case_visit",
    "case_window_closed",
    "cases_post",
    "public_rows",
    "public_table_html",
    "scoring_result",
]
