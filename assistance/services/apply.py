"""The application (申请): through the household's group leader, with declared members, incomes and
assets. Everything is checked before anything is written, and written in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.flow import CASE_FLOW
from assistance.models import Case, CaseAsset, CaseMember, CaseRules, Programme
from assistance.services.common import money
from committee.models import Household, Resident
from core import roles
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User


def _refuse_members(household: Household, members: list[dict]) -> None:
    if not members:
        raise RuleViolation(_("请至少申报一名家庭成员。"))
    seen = set()
    for m in members:
        resident: Resident = m["resident"]
        if resident.household_id != household.pk or not resident.is_current:
            raise RuleViolation(
                _("%(name)s不是申请户%(number)s的在册成员，不能作为家庭成员申报。")
                % {"name": resident.name, "number": household.number}
            )
        if resident.pk in seen:
            raise RuleViolation(_("%(name)s重复申报。") % {"name": resident.name})
        seen.add(resident.pk)


@transaction.atomic
def case_apply(
    *,
    household: Household,
    programme: Programme,
    applicant: Resident,
    via_leader: Resident,
    officer: User,
    reason: str,
    members: Iterable[dict],
    assets: Iterable[dict] = (),
    monthly_amount=0,
    applied_on: dt.date | None = None,
    kind: str = Case.Kind.NEW,
    renews: Case | None = None,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Case:
    """Register an application (DOMAIN.md: the household applies through its group leader).

    ``members``: dicts with ``resident``, ``monthly_income`` (yuan, never negative) and optional
    ``income_source``; ``assets``: dicts with ``kind``, ``value`` and ``description``.
    """
    at = at or timezone.now()
    check_scope(actor, household.community_id)
    members = [dict(m) for m in members]
    assets = [dict(a) for a in assets]
    if programme.community_id != household.community_id:
        raise RuleViolation(_("所选救助项目不属于申请户所在社区。"))
    if not (reason or "").strip():
        raise RuleViolation(_("请填写申请理由。"))
    if applicant.household_id != household.pk or not applicant.is_current:
        raise RuleViolation(_("申请人须是申请户的在册成员。"))
    group = household.group
    if group.leader_id is None or via_leader.pk != group.leader_id:
        raise RuleViolation(
            _("申请须经申请户所在%(group)s的组长提出，%(name)s不是该组组长。")
            % {"group": group.name, "name": via_leader.name}
        )
    if not officer.groups.filter(name=roles.CASE_OFFICER).exists() and not officer.is_superuser:
        raise RuleViolation(_("%(name)s不是专管员，不能负责救助申请。") % {"name": officer})
    _refuse_members(household, members)
    for m in members:
        m["monthly_income"] = money(
            m.get("monthly_income"), label=_("%(name)s的月收入") % {"name": m["resident"].name}
        )
    for a in assets:
        a["value"] = money(a.get("value"), label=_("资产估值"))
    amount = money(monthly_amount, label=_("拟救助金额"))
    case = Case(
        community_id=household.community_id,
        household=household,
        programme=programme,
        applicant=applicant,
        via_leader=via_leader,
        officer=officer,
        reason=reason.strip(),
        monthly_amount=amount,
        applied_on=applied_on or timezone.localdate(at),
        kind=kind,
        renews=renews,
        step_due_on=timezone.localdate(at)
        + dt.timedelta(days=CaseRules.for_community(household.community_id).step_days),
    )
    reasons = CASE_FLOW.reasons(case, "apply", actor=actor, at=at)
    if reasons:
        raise RuleViolation(reasons)
    save_governed(case, actor=actor, reason=_("登记救助申请"))
    for m in members:
        save_governed(
            CaseMember(
                case=case,
                resident=m["resident"],
                monthly_income=m["monthly_income"],
                income_source=(m.get("income_source") or "").strip(),
            ),
            actor=actor,
            reason=_("申报家庭成员"),
        )
    for a in assets:
        save_governed(
            CaseAsset(
                case=case, kind=a["kind"], value=a["value"], description=(a.get("description") or "").strip()
            ),
            actor=actor,
            reason=_("申报家庭资产"),
        )
    CASE_FLOW.apply(
        case,
        "apply",
        actor=actor,
        at=at,
        note=_("经%(leader)s提出申请：%(reason)s") % {"leader": via_leader.name, "reason": case.reason},
    )
    from assistance.checks import refresh_flags

    refresh_flags([case.pk], at=at)
    return case
