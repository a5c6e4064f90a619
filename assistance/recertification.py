"""Recertification (复核): beneficiaries are re-checked periodically (default yearly, the
community's ``hardship_recheck_months``). A recertification case is a new case of kind 复核 that
renews the approved one and goes through the same steps."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.flow import OPEN_STATES
from assistance.models import Case
from core.errors import RuleViolation

logger = logging.getLogger(__name__)
# Opened this many days before the certification runs out, so the review can finish in time.
LEAD_DAYS = 30


def due_for_recertification(*, at: dt.datetime | None = None):
    day = timezone.localdate(at or timezone.now())
    return Case.objects.filter(
        state=Case.State.APPROVED, certified_until__lte=day + dt.timedelta(days=LEAD_DAYS)
    ).exclude(renewals__state__in=OPEN_STATES)


def open_recertifications(*, at: dt.datetime | None = None) -> dict:
    """Open a recertification case for every beneficiary due (idempotent: a case already renewed by
    an open recertification is skipped; the unique open-case constraint backs this up)."""
    from assistance.services import case_apply

    at = at or timezone.now()
    opened, skipped = 0, []
    for case in due_for_recertification(at=at).select_related(
        "household__group", "applicant", "officer", "programme"
    ):
        members = [
            {"resident": m.resident, "monthly_income": m.monthly_income, "income_source": m.income_source}
            for m in case.members.select_related("resident")
            if m.resident.is_current and m.resident.household_id == case.household_id
        ]
        applicant = (
            case.applicant if case.applicant.is_current else (members[0]["resident"] if members else None)
        )
        leader = case.household.group.leader
        try:
            if applicant is None or leader is None:
                raise RuleViolation(_("申请户无在册成员或所在小组无组长。"))
            with transaction.atomic():
                case_apply(
                    household=case.household,
                    programme=case.programme,
                    applicant=applicant,
                    via_leader=leader,
                    officer=case.officer,
                    reason=_("定期复核（原认定有效期至%(day)s）") % {"day": case.certified_until},
                    members=members,
                    monthly_amount=case.monthly_amount,
                    kind=Case.Kind.RECERTIFICATION,
                    renews=case,
                    actor=None,
                    at=at,
                )
        except RuleViolation as e:
            skipped.append(case.pk)
            logger.warning("recertification of case %s not opened: %s", case.pk, "；".join(e.messages))
            continue
        opened += 1
    return {"opened": opened, "skipped": skipped}
