"""The election's frame and its voter roll: built from the registry, posted with objections, frozen
by the board's hand-off, looked up in public."""

from __future__ import annotations

import datetime as dt

import pytest

from committee.models import Resident
from core.errors import RuleViolation
from elections import services as es
from elections.flow import ELECTION_FLOW
from elections.models import Election, RollChange, Voter
from notices import services as ns
from notices.models import Objection, Posting
from tests import factories as f
from tests.elections.util import local

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)


def _resident(community, group, *, birth, **kwargs):
    household = kwargs.pop("household", None) or f.HouseholdFactory(community=community, group=group)
    return f.ResidentFactory(household=household, id_number=f.make_id_number(birth=birth), **kwargs)


def test_roll_takes_adults_on_election_day_registered_here_and_current(community, chair):
    group = f.ResidentsGroupFactory(community=community)
    exactly_18 = _resident(community, group, birth=dt.date(2009, 6, 20))
    one_day_short = _resident(community, group, birth=dt.date(2009, 6, 21))
    away = _resident(
        community, group, birth=dt.date(1980, 1, 1), residence=Resident.Residence.REGISTERED_AWAY
    )
    outsider = _resident(
        community, group, birth=dt.date(1980, 1, 1), residence=Resident.Residence.LIVING_UNREGISTERED
    )
    moved = _resident(community, group, birth=dt.date(1970, 1, 1), moved_out_on=dt.date(2026, 1, 1))
    dead = _resident(community, group, birth=dt.date(1940, 1, 1), deceased_on=dt.date(2026, 1, 1))
    election = es.election_create(
        community=community, title="第十二届居委会选举", election_day=DAY, actor=chair
    )
    roll = es.roll_build(election=election, actor=chair)
    on_roll = set(roll.voters.values_list("resident_id", flat=True))
    assert on_roll == {exactly_18.pk, away.pk}
    assert one_day_short.pk not in on_roll and moved.pk not in on_roll and dead.pk not in on_roll
    # A resident registered elsewhere who applied is added, with the reason recorded.
    es.roll_add(election=election, resident=outsider, reason="户籍在外，本人申请参加选举", actor=chair)
    with pytest.raises(RuleViolation, match="未满18周岁"):
        es.roll_add(election=election, resident=one_day_short, reason="申请", actor=chair)
    with pytest.raises(RuleViolation, match="已迁出或去世"):
        es.roll_add(election=election, resident=moved, reason="申请", actor=chair)
    with pytest.raises(RuleViolation, match="已在选民名单上"):
        es.roll_add(election=election, resident=away, reason="重复", actor=chair)
    voter = Voter.objects.get(roll=roll, resident=away)
    with pytest.raises(RuleViolation, match="请写明除名的原因"):
        es.roll_remove(voter=voter, reason="  ", actor=chair)
    es.roll_remove(voter=voter, reason="本人已在户籍地登记参选", actor=chair)
    assert list(RollChange.objects.order_by("pk").values_list("kind", "reason")) == [
        ("add", "户籍在外，本人申请参加选举"),
        ("remove", "本人已在户籍地登记参选"),
    ]


def test_household_ballot_roll_has_one_entry_per_household(community, chair):
    group = f.ResidentsGroupFactory(community=community)
    home = f.HouseholdFactory(community=community, group=group)
    head = _resident(community, group, birth=dt.date(1960, 1, 1), household=home)
    _resident(
        community, group, birth=dt.date(1990, 1, 1), household=home, relation_to_head=Resident.Relation.CHILD
    )
    other = f.HouseholdFactory(community=community, group=group)
    elder = _resident(
        community,
        group,
        birth=dt.date(1950, 1, 1),
        household=other,
        relation_to_head=Resident.Relation.PARENT,
    )
    _resident(
        community, group, birth=dt.date(1985, 1, 1), household=other, relation_to_head=Resident.Relation.CHILD
    )
    election = es.election_create(
        community=community,
        title="居民公约户代表票决",
        election_day=DAY,
        kind=Election.Kind.HOUSEHOLD_BALLOT,
        actor=chair,
    )
    roll = es.roll_build(election=election, actor=chair)
    assert set(roll.voters.values_list("resident_id", flat=True)) == {head.pk, elder.pk}


def test_post_roll_checks_the_rules_and_says_what_is_missing(community, chair):
    election = es.election_create(community=community, title="选举", election_day=DAY, actor=chair)
    at = local(2027, 5, 1, 9)
    reasons = ELECTION_FLOW.reasons(election, "post_roll", actor=chair, at=at)
    assert reasons == ["尚未组成选举委员会。", "尚未填写各职务的应选人数。", "尚未生成选民名单。"]
    with pytest.raises(RuleViolation, match="尚未组成选举委员会"):
        es.election_post_roll(election=election, actor=chair, at=at)
    election.refresh_from_db()
    assert election.status == Election.Status.DRAFT


def test_roll_posted_later_than_20_days_before_election_day_is_refused(community, chair):
    election, _residents = f.election_with_roll(community, election_day=DAY, actor=chair)
    at_edge = local(2027, 5, 31, 23)  # 20 days before: still in time
    assert ELECTION_FLOW.reasons(election, "post_roll", actor=chair, at=at_edge) == []
    late = local(2027, 6, 1, 8)
    with pytest.raises(RuleViolation, match="选民名单须于选举日前20日（5月31日前）公布"):
        es.election_post_roll(election=election, actor=chair, at=late)


def test_posted_roll_takes_objections_and_is_frozen_by_the_boards_hand_off(
    community, chair, django_capture_on_commit_callbacks
):
    from notices.tasks import process_window_boundaries

    election, residents = f.election_with_roll(community, election_day=DAY, actor=chair)
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    at = local(2027, 5, 10, 9)
    roll = es.election_post_roll(election=election, actor=chair, at=at)
    posting = Posting.objects.get(pk=roll.posting_id)
    assert posting.objections_open and posting.expire_at == at + dt.timedelta(days=5)
    assert residents[0].name in posting.body and residents[0].id_number not in posting.body
    objection = ns.objection_file(
        posting, name="王五", phone="13800001234", body="漏登了我母亲", at=at + dt.timedelta(days=1)
    )
    with pytest.raises(RuleViolation, match="公示期已于"):
        ns.objection_file(
            posting, name="赵六", phone="13800001235", body="晚了", at=at + dt.timedelta(days=6)
        )
    # The window closes with an objection unanswered: the roll is frozen, the election waits.
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=at + dt.timedelta(days=5, minutes=1))
    roll.refresh_from_db()
    election.refresh_from_db()
    assert roll.frozen_at == posting.expire_at
    assert election.status == Election.Status.ROLL_POSTED
    assert ELECTION_FLOW.reasons(election, "open_nominations", actor=chair) == ["选民名单有1件异议尚未答复。"]
    ns.objection_answer(
        objection, actor=chair, answer="经核实已补登", upheld=True, at=at + dt.timedelta(days=2)
    )
    es.election_open_nominations(election=election, actor=chair, at=at + dt.timedelta(days=6))
    election.refresh_from_db()
    assert election.status == Election.Status.NOMINATIONS
    with pytest.raises(RuleViolation, match="已定稿"):
        es.roll_remove(voter=roll.voters.first(), reason="晚了", actor=chair)


def test_window_closing_with_everything_answered_moves_the_election_on(
    community, chair, django_capture_on_commit_callbacks
):
    from notices.tasks import process_window_boundaries

    election, _r = f.election_with_roll(community, election_day=DAY, actor=chair)
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    at = local(2027, 5, 10, 9)
    es.election_post_roll(election=election, actor=chair, at=at)
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=at + dt.timedelta(days=5, minutes=1))
    election.refresh_from_db()
    assert election.status == Election.Status.NOMINATIONS
    entry = ELECTION_FLOW.log(election).get(transition="open_nominations")
    assert entry.actor is None and entry.source_state == "roll_posted"


def test_withdrawn_roll_posting_sends_the_election_back_to_draft(
    community, chair, django_capture_on_commit_callbacks
):
    from notices.tasks import process_window_boundaries

    election, _r = f.election_with_roll(community, election_day=DAY, actor=chair)
    at = local(2027, 5, 10, 9)
    roll = es.election_post_roll(election=election, actor=chair, at=at)
    ns.posting_withdraw(
        Posting.objects.get(pk=roll.posting_id), actor=chair, reason="名单有误", at=at + dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=at + dt.timedelta(hours=1))
    election.refresh_from_db()
    roll.refresh_from_db()
    assert election.status == Election.Status.DRAFT and roll.posting_id is None


def test_overdue_objection_answers_are_on_the_desk(community, chair):
    from core import desk

    election, _r = f.election_with_roll(community, election_day=DAY, actor=chair)
    at = local(2027, 5, 10, 9)
    roll = es.election_post_roll(election=election, actor=chair, at=at)
    posting = Posting.objects.get(pk=roll.posting_id)
    ns.objection_file(posting, name="王五", phone="13800001234", body="漏登了我的父亲", at=at)
    todos = desk.todos_for(chair, at=at + dt.timedelta(days=3, hours=1))
    overdue = [t for t in todos if t.label == "选民名单异议超期未答复"]
    assert overdue and overdue[0].count == 1 and overdue[0].level == desk.Level.OVERDUE
    assert not [
        t for t in desk.todos_for(chair, at=at + dt.timedelta(days=2)) if t.label == "选民名单异议超期未答复"
    ]
    assert Objection.objects.count() == 1


def test_desk_shows_each_elections_next_step_and_deadline(community, chair):
    from core import desk

    election, _r = f.election_with_roll(community, election_day=DAY, actor=chair, title="第十二届选举")
    todos = [t for t in desk.todos_for(chair, at=local(2027, 5, 1)) if t.group == "elections"]
    assert [(t.label, t.due, t.hint) for t in todos] == [
        ("第十二届选举：公布选民名单", dt.date(2027, 5, 31), "选民名单须于5月31日前公布")
    ]
    late = [t for t in desk.todos_for(chair, at=local(2027, 6, 2)) if t.group == "elections"]
    assert late[0].level == desk.Level.OVERDUE
