"""Conventions (公约): versions adopted by a resolution or a household ballot, posted while in force.

DOMAIN.md: a household-representative ballot on a charter passes if yes > 1/2 of valid votes
(``CommunityRules.household_ballot_pass_share``). A new version replaces the posting of the one in
force (a new version of the same posting series); a repeal withdraws it with the reason.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext as _

from affairs.models.conventions import Convention, ConventionVersion
from affairs.models.motions import Motion
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from notices.models import Category
from notices.services import posting_new_version, posting_withdraw, publish

V = ConventionVersion.State
PASSED = (Motion.State.RESOLUTION_POSTED, Motion.State.IMPLEMENTING, Motion.State.RESULT_POSTED)


@transaction.atomic
def convention_save(*, convention: Convention, actor: User | None) -> Convention:
    check_scope(actor, convention.community_id)
    convention.title = (convention.title or "").strip()
    save_governed(convention, actor=actor, reason=_("登记公约"))
    return convention


@transaction.atomic
def convention_version_create(
    *,
    convention: Convention,
    text: str,
    actor: User | None,
    motion: Motion | None = None,
    ballot_yes: int | None = None,
    ballot_valid: int | None = None,
) -> ConventionVersion:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    check_scope(actor, convention.community_id)
    last = convention.versions.aggregate(n=Max("number"))["n"] or 0
    version = ConventionVersion(
        convention=convention,
        number=last + 1,
        text=(text or "").strip(),
        motion=motion,
        ballot_yes=ballot_yes,
        ballot_valid=ballot_valid,
    )
    save_governed(version, actor=actor, reason=_("起草公约版本"))
    return version


def _adoption(version: ConventionVersion) -> str:
    """How the version was adopted, in words for the posting; refuses when it was not."""
    community = version.convention.community
    if version.motion_id is not None:
        motion = version.motion
        if motion.community_id != community.pk:
            raise RuleViolation(_("通过该版本的决议不属于本社区。"))
        if motion.state not in PASSED:
            raise RuleViolation(
                _("议题“%(title)s”尚未表决通过并公开（当前状态：%(state)s）。")
                % {"title": motion.title, "state": motion.get_state_display()}
            )
        return _("经%(date)s%(meeting)s表决通过（赞成%(yes)d票，实到%(present)d人）。") % {
            "date": f"{timezone.localtime(motion.vote_closed_at):%Y年%m月%d日}",
            "meeting": motion.meeting.title,
            "yes": motion.yes_count,
            "present": motion.present_count,
        }
    if version.ballot_yes is None or not version.ballot_valid:
        raise RuleViolation(_("请选择通过该版本的决议，或填写户代表票决的同意户数和有效票数。"))
    share = community.rules.fraction("household_ballot_pass_share")
    if not version.ballot_yes > version.ballot_valid * share:
        raise RuleViolation(
            _("户代表票决同意%(yes)d户，未超过有效票%(valid)d的%(share)s，公约未获通过。")
            % {
                "yes": version.ballot_yes,
                "valid": version.ballot_valid,
                "share": f"{share.numerator}/{share.denominator}",
            }
        )
    return _("经户代表票决通过（有效票%(valid)d，同意%(yes)d户）。") % {
        "valid": version.ballot_valid,
        "yes": version.ballot_yes,
    }


@transaction.atomic
def convention_adopt(
    *, version: ConventionVersion, actor: User | None, at: dt.datetime | None = None
) -> ConventionVersion:
    """Put a version in force and post it; the version it replaces is superseded (its posting too)."""
    at = at or timezone.now()
    version = (
        ConventionVersion.objects.select_for_update()
        .select_related("convention__community")
        .get(pk=version.pk)
    )
    check_scope(actor, version.convention.community_id)
    if version.state != V.DRAFT:
        raise RuleViolation(_("该版本已%(state)s，不能再次通过。") % {"state": version.get_state_display()})
    how = _adoption(version)
    previous = (
        ConventionVersion.objects.select_for_update()
        .filter(convention=version.convention, state=V.IN_FORCE)
        .first()
    )
    title = _("%(title)s（第%(n)d版）") % {"title": version.convention.title, "n": version.number}
    body = str(format_html("<p>{}</p>", how)) + linebreaks(version.text)
    if previous is not None:
        previous.state, previous.ended_on = V.SUPERSEDED, timezone.localdate(at)
        save_governed(previous, actor=actor, reason=_("被新版本取代"))
    if previous is not None and previous.posting_id and previous.posting.withdrawn_at is None:
        posting = posting_new_version(
            previous.posting,
            actor=actor,
            correction_note=_("公约修订为第%(n)d版") % {"n": version.number},
            at=at,
            title=title,
            body=body,
            expire_at=None,
        )
    else:
        posting = publish(
            community=version.convention.community,
            category=Category.CONVENTION,
            title=title,
            body=body,
            sources=[version],
            actor=actor,
            at=at,
        )
    version.state, version.in_force_from, version.posting = V.IN_FORCE, timezone.localdate(at), posting
    save_governed(version, actor=actor, reason=_("公约施行并公开"))
    return version


@transaction.atomic
def convention_repeal(
    *, version: ConventionVersion, reason: str, actor: User | None, at: dt.datetime | None = None
) -> ConventionVersion:
    at = at or timezone.now()
    version = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    check_scope(actor, version.convention.community_id)
    if version.state != V.IN_FORCE:
        raise RuleViolation(_("只有施行中的公约才能废止。"))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("请填写废止理由。"))
    if version.posting_id:
        posting_withdraw(version.posting, actor=actor, reason=reason[:200], at=at)
    version.state, version.ended_on = V.REPEALED, timezone.localdate(at)
    save_governed(version, actor=actor, reason=_("公约废止：%(reason)s") % {"reason": reason})
    return version
