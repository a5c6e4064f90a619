"""What every step service shares: lock the case, apply the step, save, re-run the cross-checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.checks import refresh_flags
from assistance.flow import CASE_FLOW
from assistance.models import Case, CaseRules
from core.errors import RuleViolation
from core.governed import check_scope, save_governed


def money(value, *, label: str) -> Decimal:
    """``value`` as a non-negative amount in yuan, or a Chinese refusal naming ``label``."""
    try:
        amount = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RuleViolation(_("%(label)s不是有效的金额。") % {"label": label}) from None
    if not amount.is_finite():
        raise RuleViolation(_("%(label)s不是有效的金额。") % {"label": label})
    if amount < 0:
        raise RuleViolation(_("%(label)s不能为负数。") % {"label": label})
    return amount


def lock(case: Case, actor) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("household", "programme", "community")
        .get(pk=case.pk)
    )
    check_scope(actor, locked.community_id)
    return locked


def reasons_or_raise(case: Case, step: str, *, actor, at: dt.datetime) -> None:
    """Check a step before anything is written (so a refused step leaves nothing half-written)."""
    reasons = CASE_FLOW.reasons(case, step, actor=actor, at=at)
    if reasons:
        raise RuleViolation(reasons)


def take_step(case: Case, step: str, *, actor, at: dt.datetime, note: str, reason: str) -> Case:
    """Apply ``step`` (logged with who, when and the findings), set the next deadline, save, and
    re-run the cross-checks so the case officer sees them at once."""
    CASE_FLOW.apply(case, step, actor=actor, at=at, note=note)
    if case.state in (Case.State.APPROVED, Case.State.RETURNED, Case.State.REJECTED, Case.State.ENDED):
        case.step_due_on = None
        case.decided_at = case.decided_at or at
    elif CASE_FLOW.transition(step).target is not None:
        days = CaseRules.for_community(case.community_id).step_days
        case.step_due_on = timezone.localdate(at) + dt.timedelta(days=days)
    save_governed(case, actor=actor, reason=reason, validate=False)
    refresh_flags([case.pk], at=at)
    return case


def required_text(value: str | None, *, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise RuleViolation(message)
    return text
