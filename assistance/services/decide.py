"""Committee review with unannounced visits, assembly scoring, refusal, report upward and the street
office's answer, and ending a benefit."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import Case, CaseRules, Score, SurpriseVisit
from assistance.services.common import lock, money, reasons_or_raise, required_text, take_step
from committee.models import Representative, Resident
from core.errors import RuleViolation
from core.governed import save_governed
from core.models import User


@transaction.atomic
def case_surprise_visit(
    *,
    case: Case,
    findings: str,
    visited_on: dt.date | None = None,
    actor: User | None,
    at: dt.datetime | None = None,
) -> SurpriseVisit:
    """明察暗访, recorded during the committee's review."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "surprise_visit", actor=actor, at=at)
    if actor is None:
        raise RuleViolation(_("明察暗访须记录走访人。"))
    visit = SurpriseVisit(
        case=case,
        visited_on=visited_on or timezone.localdate(at),
        by=actor,
        findings=required_text(findings, message=_("请填写明察暗访情况。")),
    )
    save_governed(visit, actor=actor, reason=_("明察暗访"))
    take_step(case, "surprise_visit", actor=actor, at=at, note=visit.findings, reason=_("明察暗访"))
    return visit


@transaction.atomic
def case_review(
    *, case: Case, note: str, monthly_amount=None, actor: User | None, at: dt.datetime | None = None
) -> Case:
    """居委会评议: the committee agrees to put the case to the assembly (and sets the amount)."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "review", actor=actor, at=at)
    case.review_note = required_text(note, message=_("请填写居委会评议意见。"))
    if monthly_amount not in (None, ""):
        case.monthly_amount = money(monthly_amount, label=_("拟救助金额"))
    return take_step(case, "review", actor=actor, at=at, note=case.review_note, reason=_("居委会评议"))


def _is_representative(case: Case, resident: Resident, day: dt.date) -> bool:
    return Representative.objects.filter(
        resident=resident,
        term__community_id=case.community_id,
        term__starts_on__lte=day,
        term__ends_on__gt=day,
        ended_on__isnull=True,
    ).exists()


@transaction.atomic
def case_score(
    *, case: Case, representative: Resident, score, actor: User | None, at: dt.datetime | None = None
) -> Score:
    """One representative's score (民意测评, 0-100); only current representatives of the community."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "score", actor=actor, at=at)
    if not _is_representative(case, representative, timezone.localdate(at)):
        raise RuleViolation(
            _("%(name)s不是本社区现任居民代表，不能参加民意测评。") % {"name": representative.name}
        )
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise RuleViolation(_("分数须为0至100之间的整数。")) from None
    if not 0 <= value <= 100:
        raise RuleViolation(_("分数须为0至100之间的整数。"))
    row = Score(case=case, representative=representative, score=value, recorded_at=at)
    save_governed(row, actor=actor, reason=_("民意测评评分"))
    take_step(
        case,
        "score",
        actor=actor,
        at=at,
        note=_("%(name)s评%(score)d分") % {"name": representative.name, "score": value},
        reason=_("民意测评评分"),
    )
    return row


def scoring_result(case: Case) -> tuple[bool, str]:
    """Whether the scores pass under the community's rule, and the result as announced."""
    rules = CaseRules.for_community(case.community_id)
    values = list(case.scores.values_list("score", flat=True))
    if not values:
        return False, _("无评分")
    if rules.scoring_rule == CaseRules.ScoringRule.SHARE:
        share = (Decimal(sum(1 for v in values if v >= 60)) * 100 / len(values)).quantize(Decimal("0.1"))
        passed = share >= rules.pass_mark
        text = _("%(n)d名代表评分，及格票占%(share)s%%，及格线%(mark)s%%") % {
            "n": len(values),
            "share": share,
            "mark": rules.pass_mark,
        }
    else:
        average = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))
        passed = average >= rules.pass_mark
        text = _("%(n)d名代表评分，平均%(avg)s分，及格线%(mark)s分") % {
            "n": len(values),
            "avg": average,
            "mark": rules.pass_mark,
        }
    return passed, text + ("，" + (_("通过") if passed else _("未通过")))


@transaction.atomic
def case_close_scoring(*, case: Case, actor: User | None, at: dt.datetime | None = None) -> Case:
    """End the scoring; the result is announced on the spot (DOMAIN.md) and decides the case."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "close_scoring", actor=actor, at=at)
    passed, text = scoring_result(case)
    case.score_result = text
    return take_step(
        case,
        "close_scoring" if passed else "scoring_failed",
        actor=actor,
        at=at,
        note=text,
        reason=_("民意测评"),
    )


@transaction.atomic
def case_reject(*, case: Case, note: str, actor: User | None, at: dt.datetime | None = None) -> Case:
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "reject", actor=actor, at=at)
    text = required_text(note, message=_("不予认定须写明理由。"))
    return take_step(case, "reject", actor=actor, at=at, note=text, reason=_("不予认定"))


@transaction.atomic
def case_report(*, case: Case, note: str = "", actor: User | None, at: dt.datetime | None = None) -> Case:
    """Report upward after the 7-day posting, with every objection answered and none upheld."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "report", actor=actor, at=at)
    text = (note or "").strip() or _("公示期满无异议，上报街道审批。")
    return take_step(case, "report", actor=actor, at=at, note=text, reason=_("上报街道"))


@transaction.atomic
def case_street_decision(
    *, case: Case, accepted: bool, note: str = "", actor: User | None, at: dt.datetime | None = None
) -> Case:
    """The street office's answer, as received: accepted, or returned with its reason."""
    at = at or timezone.now()
    case = lock(case, actor)
    step = "street_accept" if accepted else "street_return"
    reasons_or_raise(case, step, actor=actor, at=at)
    if accepted:
        text = (note or "").strip() or _("街道审批通过。")
        months = case.community.rules.hardship_recheck_months
        case.certified_until = _add_months(timezone.localdate(at), months)
    else:
        text = required_text(note, message=_("街道退回须写明理由。"))
    case.street_note = text
    return take_step(case, step, actor=actor, at=at, note=text, reason=str(_("街道审批")))


@transaction.atomic
def case_end(*, case: Case, note: str, actor: User | None, at: dt.datetime | None = None) -> Case:
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "end", actor=actor, at=at)
    text = required_text(note, message=_("停止救助须写明理由。"))
    return take_step(case, "end", actor=actor, at=at, note=text, reason=_("停止救助"))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
