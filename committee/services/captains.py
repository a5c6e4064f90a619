"""Writes to building captains (楼栋长). Each is a step of ``committee.captains.CAPTAIN_FLOW``: the
flow decides whether the step may happen (with the Chinese reason when not) and logs who took it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import captains as captain_rules
from committee.captains import CAPTAIN_FLOW, CaptainsPostingPlan
from committee.models import (
    Building,
    BuildingCaptain,
    Resident,
)
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User
from core.windows import window_last_day


@transaction.atomic
def captain_nominate(
    *,
    building: Building,
    resident: Resident,
    actor: User | None,
    self_nominated: bool = False,
    nominated_on: dt.date | None = None,
    residence_confirmed: bool = False,
) -> BuildingCaptain:
    """Record a nomination. A nominee the registry places outside the building needs
    ``residence_confirmed`` (see committee/captains.py for why that is not a refusal); the
    confirmation is kept in the history. Competing nominations are allowed:
    :func:`committee.captains.nomination_warnings` says what staff should know."""
    check_scope(actor, building.community_id)
    reason = _("提名楼栋长")
    if resident.is_current and resident.household.community_id == building.community_id:
        problem = captain_rules.residence_problem(building=building, resident=resident)
        if problem and not residence_confirmed:
            raise RuleViolation({"resident": [problem + _("如确需提名，请确认后再保存。")]})
        if problem:
            reason = _("提名楼栋长（非本楼居民，经工作人员确认）")
    captain = BuildingCaptain(
        building=building,
        resident=resident,
        community_id=building.community_id,
        self_nominated=self_nominated,
        nominated_on=nominated_on or timezone.localdate(),
    )
    # Asked before the save (a refused nomination leaves no row), logged after it (the log names the row).
    reasons = CAPTAIN_FLOW.reasons(captain, "nominate", actor=actor)
    if reasons:
        raise RuleViolation(reasons)
    save_governed(captain, actor=actor, reason=reason)
    CAPTAIN_FLOW.apply(captain, "nominate", actor=actor, note=str(reason))
    return captain


@dataclass
class CaptainsPosted:
    posting: object  # notices.models.Posting
    captains: list[BuildingCaptain]
    # Years whose holiday schedule is not loaded: the end date assumed Monday-Friday (warn the user).
    unofficial_years: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _captains_for_posting(pks: list[int], *, lock: bool) -> list[BuildingCaptain]:
    if not pks:
        raise RuleViolation(_("请至少选择一名楼栋长提名。"))
    qs = BuildingCaptain.objects.filter(pk__in=pks).select_related(
        "building", "resident", "resident__household", "resident__household__building", "community"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    rows = list(qs.order_by("pk"))
    if len({c.community_id for c in rows}) != 1:
        raise RuleViolation(_("一次公示只能包含同一社区的提名。"))
    not_open = [c for c in rows if "post" not in CAPTAIN_FLOW.allowed(c)]
    if not_open:
        raise RuleViolation(
            _("以下提名不是“已提名”状态，不能公示：%(list)s")
            % {"list": "、".join(f"{c.building.name}{c.resident.name}" for c in not_open)}
        )
    return rows


def captains_post_plan(
    *, captains: Iterable[BuildingCaptain], actor: User | None, at: dt.datetime | None = None
) -> CaptainsPostingPlan:
    """The exact posting :func:`captains_post` would publish at ``at``, to show before publishing."""
    rows = _captains_for_posting([c.pk for c in captains], lock=False)
    check_scope(actor, rows[0].community_id)
    return captain_rules.plan_posting(rows=rows, at=at or timezone.now())


@transaction.atomic
def captains_post(
    *,
    captains: Iterable[BuildingCaptain],
    actor: User | None,
    at: dt.datetime | None = None,
    expected_fingerprint: str | None = None,
) -> CaptainsPosted:
    """Post nominations on the board for ``rules.captain_posting_working_days`` working days with
    real-name objections open (DOMAIN.md: 楼栋长 posted 5 working days, then confirmed).

    With ``expected_fingerprint`` (from :func:`captains_post_plan`, shown to the user), publish only
    if the posting is still exactly what was shown; otherwise refuse, so nothing unseen goes public.
    """
    from notices.services import publish

    at = at or timezone.now()
    rows = _captains_for_posting([c.pk for c in captains], lock=True)
    community = rows[0].community
    check_scope(actor, community.pk)
    # Two batches posted at once must not both pick the same free title (the ledger takes this
    # lock anyway when the posting is released).
    Community.objects.select_for_update().filter(pk=community.pk).values_list("pk", flat=True).get()
    plan = captain_rules.plan_posting(rows=rows, at=at)
    if expected_fingerprint is not None and plan.fingerprint != expected_fingerprint:
        raise RuleViolation(
            _("公示内容或公示期已发生变化（例如已过零点，或提名有变动），请重新预览后再发布。")
        )
    posting = publish(
        community=community,
        sources=rows,
        category=plan.category,
        title=plan.title,
        body=plan.body,
        working_days=plan.working_days,
        objections_open=True,
        actor=actor,
        at=at,
    )
    start, ends_on = timezone.localdate(at), window_last_day(posting.expire_at)[0]
    for c in plan.captains:
        CAPTAIN_FLOW.apply(c, "post", actor=actor, at=at, note=plan.title)
        c.posting_id = posting.pk
        c.posting_starts_on = start
        c.posting_ends_on = ends_on
        save_governed(c, actor=actor, reason=_("楼栋长人选公示"), validate=False)
    return CaptainsPosted(
        posting=posting,
        captains=plan.captains,
        unofficial_years=plan.unofficial_years,
        warnings=plan.warnings,
    )


@transaction.atomic
def captain_confirm(
    *, captain: BuildingCaptain, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> BuildingCaptain:
    """Confirm after the posting window ended, unless an objection is unanswered or was upheld."""
    at = at or timezone.now()
    captain = (
        BuildingCaptain.objects.select_for_update(of=("self",))
        .select_related("resident", "building")
        .get(pk=captain.pk)
    )
    check_scope(actor, captain.community_id)
    CAPTAIN_FLOW.apply(captain, "confirm", actor=actor, at=at, note=note)
    captain.decided_at = at
    captain.decision_note = note
    save_governed(captain, actor=actor, reason=_("确认楼栋长"), validate=False)
    return captain


@transaction.atomic
def captain_reject(
    *, captain: BuildingCaptain, actor: User | None, note: str, at: dt.datetime | None = None
) -> BuildingCaptain:
    captain = BuildingCaptain.objects.select_for_update().get(pk=captain.pk)
    check_scope(actor, captain.community_id)
    if not note.strip() and "reject" in CAPTAIN_FLOW.allowed(captain, actor=actor, at=at):
        raise RuleViolation({"decision_note": [_("否决须填写理由。")]})
    at = at or timezone.now()
    CAPTAIN_FLOW.apply(captain, "reject", actor=actor, at=at, note=note)
    captain.decided_at = at
    captain.decision_note = note.strip()
    save_governed(captain, actor=actor, reason=_("否决楼栋长提名"), validate=False)
    return captain


@transaction.atomic
def captain_end(
    *, captain: BuildingCaptain, actor: User | None, note: str = "", at: dt.datetime | None = None
):
    captain = BuildingCaptain.objects.select_for_update().get(pk=captain.pk)
    check_scope(actor, captain.community_id)
    CAPTAIN_FLOW.apply(captain, "end", actor=actor, at=at, note=note)
    captain.decision_note = (captain.decision_note + "\n" + note).strip()
    save_governed(captain, actor=actor, reason=_("楼栋长卸任"), validate=False)
    return captain
