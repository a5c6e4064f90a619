"""The voter roll: built from the registry for election day, corrected with reasons, posted on the
board with real-name objections, frozen when the objection window closes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from elections.flow import day_text
from elections.models import Election, RollChange, Voter, VoterRoll
from elections.services.common import lock, step
from elections.services.election import election_open_nominations

_HEAD_FIRST = {Resident.Relation.HEAD: 0}


def _adult_born_by(election_day: dt.date) -> dt.date:
    """Born on or before this day: 18 or older on election day (29 February → 28 February)."""
    try:
        return election_day.replace(year=election_day.year - 18)
    except ValueError:
        return election_day.replace(year=election_day.year - 18, day=28)


def eligible_residents(election: Election):
    """DOMAIN.md: 18 or older on election day, registered here (living here or not), not deceased
    nor moved out. Residents registered elsewhere are added one by one when they apply."""
    qs = Resident.objects.filter(
        community_id=election.community_id,
        birth_date__lte=_adult_born_by(election.election_day),
        moved_out_on__isnull=True,
        deceased_on__isnull=True,
        residence__in=[Resident.Residence.REGISTERED, Resident.Residence.REGISTERED_AWAY],
    )
    if election.group_id:
        qs = qs.filter(household__group_id=election.group_id)
    return qs


def _voter_row(roll: VoterRoll, r: dict, per_household: bool, *, added: bool = False) -> Voter:
    return Voter(
        roll=roll,
        resident_id=r["pk"],
        household_id=r["household_id"],
        group_id=r["household__group_id"],
        name=r["name"],
        id_last4=r["id_number"][-4:],
        per_household=per_household,
        added=added,
    )


_FIELDS = ("pk", "household_id", "household__group_id", "name", "id_number", "relation_to_head", "birth_date")


@transaction.atomic
def roll_build(*, election: Election, actor: User | None, at: dt.datetime | None = None) -> VoterRoll:
    """(Re)build the roll from the registry while the election is in draft. Household ballots take
    one entry per household: the head if eligible, otherwise the eldest eligible member."""
    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.parent_id:
        raise RuleViolation(_("另行选举沿用原选举的选民名单。"))
    if election.status != Election.Status.DRAFT:
        raise RuleViolation(_("选民名单已公布，不能重新生成；如需更正请逐条增加或除名并写明原因。"))
    roll, _created = VoterRoll.objects.get_or_create(election=election, defaults={"built_at": at})
    roll.built_at = at
    roll.save(update_fields=["built_at"])
    roll.voters.all().delete()
    roll.changes.all().delete()
    rows = list(eligible_residents(election).values(*_FIELDS).order_by("household_id", "birth_date", "pk"))
    if election.per_household:
        by_household: dict[int, list[dict]] = defaultdict(list)
        for r in rows:
            by_household[r["household_id"]].append(r)
        rows = [
            min(members, key=lambda r: (_HEAD_FIRST.get(r["relation_to_head"], 1), r["birth_date"], r["pk"]))
            for members in by_household.values()
        ]
    Voter.objects.bulk_create([_voter_row(roll, r, election.per_household) for r in rows], batch_size=5000)
    return roll


def _editable_roll(election: Election) -> VoterRoll:
    roll = VoterRoll.objects.select_for_update().filter(election=election).first()
    if roll is None:
        raise RuleViolation(_("尚未生成选民名单。"))
    if election.status not in (Election.Status.DRAFT, Election.Status.ROLL_POSTED):
        raise RuleViolation(_("选民名单已定稿，不能再修改。"))
    return roll


@transaction.atomic
def roll_add(
    *, election: Election, resident: Resident, reason: str, actor: User | None, at: dt.datetime | None = None
) -> Voter:
    """Add a voter with a reason (a resident registered elsewhere who applied, an objection upheld)."""
    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    roll = _editable_roll(election)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation({"reason": [_("请写明增加的原因。")]})
    if resident.community_id != election.community_id:
        raise RuleViolation(_("只能登记本社区的居民。"))
    if not resident.is_current:
        raise RuleViolation(_("%(name)s已迁出或去世，不能登记为选民。") % {"name": resident.name})
    if resident.birth_date > _adult_born_by(election.election_day):
        raise RuleViolation(
            _("%(name)s在选举日（%(day)s）未满18周岁，不能登记为选民。")
            % {"name": resident.name, "day": day_text(election.election_day)}
        )
    existing = Voter.objects.filter(roll=roll, resident=resident).first()
    if existing is not None and existing.removed_at is None:
        raise RuleViolation(_("%(name)s已在选民名单上。") % {"name": resident.name})
    if existing is not None:
        existing.removed_at, existing.removed_reason, existing.added = None, "", True
        voter = existing
    else:
        r = Resident.objects.filter(pk=resident.pk).values(*_FIELDS).get()
        voter = _voter_row(roll, r, election.per_household, added=True)
    save_governed(voter, actor=actor, reason=reason)
    save_governed(
        RollChange(roll=roll, resident=resident, kind=RollChange.Kind.ADD, reason=reason, actor=actor, at=at),
        actor=actor,
        reason=reason,
    )
    return voter


@transaction.atomic
def roll_remove(*, voter: Voter, reason: str, actor: User | None, at: dt.datetime | None = None) -> Voter:
    at = at or timezone.now()
    election = lock(voter.roll.election)
    check_scope(actor, election.community_id)
    roll = _editable_roll(election)
    voter = Voter.objects.select_for_update().get(pk=voter.pk, roll=roll)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation({"reason": [_("请写明除名的原因。")]})
    if voter.removed_at is not None:
        raise RuleViolation(_("%(name)s已从选民名单除名。") % {"name": voter.name})
    voter.removed_at, voter.removed_reason = at, reason[:200]
    save_governed(voter, actor=actor, reason=reason)
    save_governed(
        RollChange(
            roll=roll,
            resident_id=voter.resident_id,
            kind=RollChange.Kind.REMOVE,
            reason=reason,
            actor=actor,
            at=at,
        ),
        actor=actor,
        reason=reason,
    )
    return voter


def roll_posting_body(election: Election, roll: VoterRoll, *, ends_at: dt.datetime) -> str:
    """Names by residents' group, never an ID number or phone (the board refuses those anyway)."""
    from core.windows import objections_until

    groups: dict[str, list[str]] = defaultdict(list)
    for name, group in (
        roll.voters.filter(removed_at__isnull=True)
        .order_by("group__number", "household__number", "pk")
        .values_list("name", "group__name")
    ):
        groups[group or _("未分组")].append(name)
    total = sum(len(v) for v in groups.values())
    unit = _("户代表") if election.per_household else _("选民")
    lines = [
        _("根据居民登记，%(election)s的%(unit)s名单共%(n)d人，现予公布。选举日为%(day)s。")
        % {"election": election.title, "unit": unit, "n": total, "day": day_text(election.election_day)},
        _("如对名单有异议（漏登、错登），请在%(until)s前实名提出，选举委员会将在%(days)d日内答复。")
        % {"until": objections_until(ends_at), "days": election.community.rules.roll_objection_answer_days},
        "",
    ]
    for group, names in groups.items():
        lines.append(
            _("%(group)s（%(n)d人）：%(names)s")
            % {"group": group, "n": len(names), "names": "、".join(names)}
        )
    return "\n".join(lines)


@transaction.atomic
def election_post_roll(
    *, election: Election, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> VoterRoll:
    """DOMAIN.md: the roll is posted at least 20 days before election day; objections within 5 days.

    The posting cites the roll, so the board's hand-off freezes it when the window closes
    (``elections.board_events``)."""
    from notices.models import Category
    from notices.services import publish

    at = at or timezone.now()
    election = lock(election)
    step(election, "post_roll", actor=actor, at=at, note=note)
    roll = VoterRoll.objects.select_for_update().get(election=election)
    ends_at = at + dt.timedelta(days=election.community.rules.roll_objection_days)
    if not election.rehearsal:
        posting = publish(
            community=election.community,
            category=Category.ELECTION,
            title=_("%(election)s选民名单公示") % {"election": election.title},
            body=roll_posting_body(election, roll, ends_at=ends_at),
            expire_at=ends_at,
            objections_open=True,
            sources=[roll],
            actor=actor,
            at=at,
        )
        roll.posting_id = posting.pk
    roll.posted_at, roll.objections_close_at = at, ends_at
    save_governed(roll, actor=actor, reason=_("公布选民名单"))
    return roll


@transaction.atomic
def roll_freeze(*, roll: VoterRoll, at: dt.datetime, actor: User | None = None) -> VoterRoll:
    """The objection window closed: the roll is final; the election moves on to nominations when
    every objection has been answered (otherwise the desk shows them, and staff move it on)."""
    from elections.flow import ELECTION_FLOW

    election = lock(roll.election)
    roll = VoterRoll.objects.select_for_update().get(pk=roll.pk)
    if roll.frozen_at is None:
        roll.frozen_at = at
        save_governed(roll, actor=actor, reason=_("选民名单异议期结束，名单定稿"))
    if election.status == Election.Status.ROLL_POSTED and not ELECTION_FLOW.reasons(
        election, "open_nominations", actor=actor, at=at
    ):
        election_open_nominations(election=election, actor=actor, at=at, note=_("异议期结束，自动进入提名"))
    return roll


def roll_lookup(*, election: Election, name: str, last4: str) -> Voter | None:
    """The public lookup: exact name and the last 4 ID characters; nothing else is revealed."""
    name, last4 = (name or "").strip(), (last4 or "").strip().upper()
    if not name or len(last4) != 4:
        return None
    return (
        Voter.objects.filter(roll__election=election.root, name=name, id_last4=last4, removed_at__isnull=True)
        .select_related("station")
        .first()
    )


def objection_answer_due(filed_at: dt.datetime, election: Election) -> dt.datetime:
    """DOMAIN.md: each objection to the roll is answered within 3 days."""
    return filed_at + dt.timedelta(days=election.community.rules.roll_objection_answer_days)
