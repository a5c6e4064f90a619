"""Household visit, investigation, the applicant's check, cross-investigation and comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.checks import difference_percent, investigator_conflicts
from assistance.models import Case, CaseRules, Investigation, Visit, VisitPhoto
from assistance.services.common import lock, money, reasons_or_raise, required_text, take_step
from committee.models import Representative, Resident, ResidentsGroup
from core.errors import RuleViolation
from core.governed import save_governed
from core.models import User
from notices.attachments import check_upload


@transaction.atomic
def case_visit(
    *,
    case: Case,
    visitors: Iterable[User],
    photos: Iterable,
    findings: str,
    visited_on: dt.date | None = None,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Visit:
    """入户调查 by at least two people, with at least one photo."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "visit", actor=actor, at=at)
    visitors = list({u.pk: u for u in visitors}.values())
    photos = [p for p in photos if p]
    if len(visitors) < 2:
        raise RuleViolation(_("入户调查须由至少两名工作人员进行。"))
    if not photos:
        raise RuleViolation(_("入户调查须上传至少一张照片。"))
    for photo in photos:  # judged by content, not by the name it arrived with
        if check_upload(photo).content_type == "application/pdf":
            raise RuleViolation(
                _("“%(name)s”是PDF文件；入户调查请上传照片（JPG、PNG或WebP）。") % {"name": photo.name}
            )
    findings = required_text(findings, message=_("请填写入户调查情况。"))
    visit = Visit(
        case=case, visited_on=visited_on or timezone.localdate(at), findings=findings, recorded_at=at
    )
    save_governed(visit, actor=actor, reason=_("入户调查"))
    visit.visitors.set(visitors)
    for photo in photos:
        save_governed(VisitPhoto(visit=visit, image=photo), actor=actor, reason=_("入户调查照片"))
    names = "、".join(str(u) for u in visitors)
    take_step(
        case,
        "visit",
        actor=actor,
        at=at,
        note=_("调查人员：%(names)s；照片%(n)d张；%(findings)s")
        % {"names": names, "n": len(photos), "findings": findings},
        reason=_("入户调查"),
    )
    return visit


def _investigators(case: Case, group: ResidentsGroup, leader: Resident, representatives: list[Resident], at):
    if group.community_id != case.community_id:
        raise RuleViolation(_("调查小组不属于本社区。"))
    if group.leader_id is None or leader.pk != group.leader_id:
        raise RuleViolation(_("%(name)s不是%(group)s的组长。") % {"name": leader.name, "group": group.name})
    if not representatives:
        raise RuleViolation(_("调查须有本组居民代表参加。"))
    day = timezone.localdate(at)
    current = set(
        Representative.objects.filter(
            group=group,
            resident__in=representatives,
            term__starts_on__lte=day,
            term__ends_on__gt=day,
            ended_on__isnull=True,
        ).values_list("resident_id", flat=True)
    )
    outside = [r.name for r in representatives if r.pk not in current]
    if outside:
        raise RuleViolation(
            _("%(names)s不是%(group)s的现任居民代表。") % {"names": "、".join(outside), "group": group.name}
        )


@transaction.atomic
def _investigate(
    *,
    case: Case,
    step: str,
    kind: str,
    group: ResidentsGroup,
    leader: Resident,
    representatives: Iterable[Resident],
    household_size: int,
    monthly_income,
    assets_value=0,
    findings: str,
    investigated_on: dt.date | None,
    actor,
    at,
) -> Investigation:
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, step, actor=actor, at=at)
    representatives = list({r.pk: r for r in representatives}.values())
    _investigators(case, group, leader, representatives, at)
    conflicts = investigator_conflicts(
        case=case,
        people=[leader, *representatives],
        group_id=group.pk,
        cross=kind == Investigation.Kind.CROSS,
    )
    if conflicts:
        raise RuleViolation(conflicts)
    try:
        size = int(household_size)
    except (TypeError, ValueError):
        raise RuleViolation(_("家庭人口须为正整数。")) from None
    if size < 1:
        raise RuleViolation(_("家庭人口至少为1人。"))
    inv = Investigation(
        case=case,
        kind=kind,
        group=group,
        leader=leader,
        investigated_on=investigated_on or timezone.localdate(at),
        household_size=size,
        monthly_income=money(monthly_income, label=_("核实家庭月收入")),
        assets_value=money(assets_value, label=_("核实家庭资产")),
        findings=required_text(findings, message=_("请填写调查结论。")),
        recorded_at=at,
    )
    save_governed(inv, actor=actor, reason=str(inv.get_kind_display()))
    inv.representatives.set(representatives)
    take_step(
        case,
        step,
        actor=actor,
        at=at,
        note=_(
            "%(group)s组长%(leader)s及居民代表%(reps)s：家庭%(size)d人，月收入%(income)s元，人均%(pc)s元；%(findings)s"
        )
        % {
            "group": group.name,
            "leader": leader.name,
            "reps": "、".join(r.name for r in representatives),
            "size": size,
            "income": inv.monthly_income,
            "pc": inv.per_capita,
            "findings": inv.findings,
        },
        reason=str(inv.get_kind_display()),
    )
    return inv


def case_investigate(*, case: Case, actor, at=None, investigated_on=None, **fields) -> Investigation:
    """调查核实 by the group leader with local representatives, none related to the household."""
    return _investigate(
        case=case,
        step="investigate",
        kind=Investigation.Kind.FIRST,
        actor=actor,
        at=at,
        investigated_on=investigated_on,
        **fields,
    )


def case_cross_investigate(*, case: Case, actor, at=None, investigated_on=None, **fields) -> Investigation:
    """交叉调查 by another group's leader and representatives (DOMAIN.md: when in doubt)."""
    return _investigate(
        case=case,
        step="cross_investigate",
        kind=Investigation.Kind.CROSS,
        actor=actor,
        at=at,
        investigated_on=investigated_on,
        **fields,
    )


@transaction.atomic
def case_applicant_response(
    *, case: Case, agrees: bool, note: str = "", actor: User | None, at: dt.datetime | None = None
) -> Case:
    """The applicant checks the investigation's result: agrees, or disputes with reasons."""
    at = at or timezone.now()
    case = lock(case, actor)
    step = "applicant_agree" if agrees else "applicant_dispute"
    reasons_or_raise(case, step, actor=actor, at=at)
    if agrees:
        text = (note or "").strip() or _("申请人对调查结果无异议。")
    else:
        text = required_text(note, message=_("申请人有异议时须写明理由。"))
    case.applicant_response = text
    return take_step(case, step, actor=actor, at=at, note=text, reason=str(_("申请人确认调查结果")))


@transaction.atomic
def case_compare(*, case: Case, note: str = "", actor: User | None, at: dt.datetime | None = None) -> Case:
    """Compare the two investigations; the difference against the tolerance is written down."""
    at = at or timezone.now()
    case = lock(case, actor)
    reasons_or_raise(case, "compare", actor=actor, at=at)
    invs = {i.kind: i for i in case.investigations.all()}
    first, cross = invs.get(Investigation.Kind.FIRST), invs.get(Investigation.Kind.CROSS)
    if first is None or cross is None:
        raise RuleViolation(_("比对须有本组调查和交叉调查两次记录。"))
    tolerance = CaseRules.for_community(case.community_id).tolerance_percent
    diff = difference_percent(first.monthly_income, cross.monthly_income)
    summary = _(
        "本组调查：%(s1)d人，月收入%(i1)s元，人均%(p1)s元；交叉调查：%(s2)d人，月收入%(i2)s元，人均%(p2)s元；"
        "收入相差%(d)s%%（容差%(t)s%%）%(verdict)s。"
    ) % {
        "s1": first.household_size,
        "i1": first.monthly_income,
        "p1": first.per_capita,
        "s2": cross.household_size,
        "i2": cross.monthly_income,
        "p2": cross.per_capita,
        "d": diff,
        "t": tolerance,
        "verdict": _("，超出容差，请居委会重点评议") if diff > tolerance else _("，在容差以内"),
    }
    extra = (note or "").strip()
    case.comparison_note = summary + (("\n" + extra) if extra else "")
    return take_step(case, "compare", actor=actor, at=at, note=case.comparison_note, reason=_("比对两次调查"))
