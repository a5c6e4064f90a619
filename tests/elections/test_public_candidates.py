"""Candidate conditions posted as a checklist when nominations open, shown on the public elections
page; and the nominee's own vetting result looked up by name + last 4 ID characters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import RuleViolation
from elections import services as es
from elections.flow import ELECTION_FLOW
from elections.models import Election
from notices.models import Posting
from tests import factories as f
from tests.elections.util import local, to_nominations

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)
CONDITIONS = ["拥护宪法，遵纪守法", "在本社区居住满一年"]
NO_CONDITIONS = "尚未填写候选人条件：提名开始时须公布候选人条件。"


def _election(community, chair, **kwargs):
    election, residents = f.election_with_roll(
        community, voters=6, election_day=DAY, actor=chair, signatures_required=3, **kwargs
    )
    for text in CONDITIONS:
        es.condition_add(election=election, text=text, actor=chair)
    return election, residents


def _conditions_posting(election):
    return Posting.objects.filter(community=election.community, title__endswith="候选人条件及提名办法")


# --- the conditions posted when nominations open ------------------------------------------------------


def test_conditions_are_posted_as_a_numbered_checklist_when_nominations_open(community, chair):
    election, residents = _election(community, chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    assert election.status == Election.Status.NOMINATIONS
    (posting,) = _conditions_posting(election)
    assert posting.title == f"{election.title}候选人条件及提名办法"
    body = posting.body
    # Numbered, in order, each a checkbox line.
    assert "☐ 1. 拥护宪法，遵纪守法" in body and "☐ 2. 在本社区居住满一年" in body
    assert body.index("☐ 1.") < body.index("☐ 2.")
    # Both ways to nominate, with this election's number of signatures; the list's due date.
    assert "须有本次选举选民名单上的3名以上选民联名签名" in body and "自荐" in body
    assert "委员1名" in body and "6月15日前公布" in body and "6月20日" in body
    # No personal data: no voter's or committee member's name, no ID digits.
    for r in residents:
        assert r.name not in body and r.id_number[-6:] not in body
    # On the board until the end of election day; it publishes the conditions.
    assert posting.expire_at == dt.datetime(2027, 6, 21, tzinfo=timezone.get_default_timezone())
    assert posting.publish_at == election.roll.objections_close_at
    from notices.handoff import postings_citing

    for condition in election.conditions.all():
        assert posting in postings_citing(condition)


def test_staff_opening_nominations_later_posts_the_conditions_too(community, chair):
    election, _r = f.election_with_roll(community, election_day=DAY, actor=chair)
    roll = es.election_post_roll(election=election, actor=chair, at=local(2027, 5, 10, 9))
    es.roll_freeze(roll=roll, at=roll.objections_close_at)
    election.refresh_from_db()
    # No conditions: the hand-off freezes the roll but the election waits; staff are told why.
    assert election.status == Election.Status.ROLL_POSTED
    assert ELECTION_FLOW.reasons(election, "open_nominations", actor=chair) == [NO_CONDITIONS]
    with pytest.raises(RuleViolation, match=NO_CONDITIONS):
        es.election_open_nominations(election=election, actor=chair, at=local(2027, 5, 16, 9))
    election.refresh_from_db()
    assert election.status == Election.Status.ROLL_POSTED and not _conditions_posting(election).exists()
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    es.election_open_nominations(election=election, actor=chair, at=local(2027, 5, 16, 9))
    election.refresh_from_db()
    assert election.status == Election.Status.NOMINATIONS
    (posting,) = _conditions_posting(election)
    assert "☐ 1. 遵纪守法" in posting.body and posting.publish_at == local(2027, 5, 16, 9)


def test_the_admin_step_refuses_without_conditions(chair_client, community, chair):
    from django.urls import reverse

    election, _r = f.election_with_roll(community, actor=chair)
    roll = es.election_post_roll(election=election, actor=chair, at=timezone.now() - dt.timedelta(days=6))
    es.roll_freeze(roll=roll, at=roll.objections_close_at)
    url = reverse("admin:elections_election_step", args=[election.pk, "open_nominations"])
    assert NO_CONDITIONS in chair_client.get(url).content.decode()
    chair_client.post(url, {"note": ""})
    election.refresh_from_db()
    assert election.status == Election.Status.ROLL_POSTED


def test_no_conditions_posting_for_a_rehearsal_or_a_vote_without_candidates(community, chair):
    rehearsal, _r = _election(community, chair, rehearsal=True, title="演练选举")
    to_nominations(rehearsal, chair, posted_at=local(2027, 5, 10, 9))
    assert rehearsal.status == Election.Status.NOMINATIONS
    ballot, _r = f.election_with_roll(
        community, election_day=DAY, actor=chair, kind="household_ballot", title="户代表票决"
    )
    to_nominations(ballot, chair, posted_at=local(2027, 5, 10, 9))
    # A household ballot has no candidates: no conditions needed, none posted.
    assert ballot.status == Election.Status.NOMINATIONS
    assert not Posting.objects.filter(title__contains="候选人条件").exists()


def test_index_shows_the_conditions_while_nominations_and_vetting_are_open(client, community, chair):
    election, residents = _election(community, chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    text = client.get(f"/c/{community.slug}/elections/").content.decode()
    assert "1. 拥护宪法，遵纪守法" in text and "2. 在本社区居住满一年" in text
    assert "3名以上选民联名提名，或本人自荐" in text
    # The lookup is linked once there is something to look up (vetting on).
    assert f"/elections/{election.pk}/candidacy/" not in text
    es.candidate_nominate(election=election, resident=residents[0], office="member", kind="self", actor=chair)
    es.election_start_vetting(election=election, actor=chair, at=local(2027, 5, 25, 9))
    text = client.get(f"/c/{community.slug}/elections/").content.decode()
    assert "1. 拥护宪法，遵纪守法" in text and f"/elections/{election.pk}/candidacy/" in text
    assert residents[0].name not in text  # the index names no nominee


def test_index_queries_do_not_grow_with_elections(client, community, chair, django_assert_max_num_queries):
    for i in range(3):
        election, _r = _election(community, chair, title=f"第{i}届选举")
        to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    with django_assert_max_num_queries(8):
        assert client.get(f"/c/{community.slug}/elections/").status_code == 200


# --- the nominee's own result -------------------------------------------------------------------------


@pytest.fixture
def vetting(community, chair):
    """Vetting under way: A passed every condition, B failed the second, C not vetted yet."""
    election, residents = _election(community, chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    a, b, c = (
        es.candidate_nominate(election=election, resident=r, office="member", kind="self", actor=chair)
        for r in residents[:3]
    )
    es.election_start_vetting(election=election, actor=chair, at=local(2027, 5, 25, 9))
    c1, c2 = election.conditions.all()
    es.candidate_vet(candidate=a, results={c1.pk: (True, "经核实"), c2.pk: (True, "")}, actor=chair)
    es.candidate_vet(
        candidate=b, results={c1.pk: (True, ""), c2.pk: (False, "2026年9月迁入，居住不满一年")}, actor=chair
    )
    election.refresh_from_db()
    return election, residents[:3], (a, b, c)


def _url(election):
    return f"/c/{election.community.slug}/elections/{election.pk}/candidacy/"


def _ask(client, election, resident, last4=None):
    page = client.post(_url(election), {"name": resident.name, "last4": last4 or resident.id_number[-4:]})
    return page, page.content.decode()


def test_a_rejected_nominee_sees_each_condition_and_the_grounds(client, vetting, chair):
    election, (ra, rb, rc), _c = vetting
    page, text = _ask(client, election, rb, last4=rb.id_number[-4:].lower())
    assert page.status_code == 200 and "审查未通过" in text
    assert "✓" in text and "✗" in text
    assert "1. 拥护宪法，遵纪守法" in text and "2. 在本社区居住满一年" in text
    assert "依据：2026年9月迁入，居住不满一年" in text
    # Only what the nominee typed: no full ID number, no other nominee, no officer.
    assert rb.id_number not in text and rb.id_number[:-4] not in text
    assert ra.name not in text and rc.name not in text
    assert chair.username not in text and (not chair.get_full_name() or chair.get_full_name() not in text)
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    assert page["X-Robots-Tag"] == "noindex"


def test_a_qualified_nominee_sees_every_condition_passed_without_the_officers_notes(client, vetting):
    election, (ra, _rb, _rc), _c = vetting
    _page, text = _ask(client, election, ra)
    assert "审查通过" in text and "✗" not in text and text.count("✓") == 2
    assert "经核实" not in text  # notes on a passed condition are the officer's, not a reason


def test_a_nominee_not_yet_vetted_is_told_it_is_pending(client, vetting):
    election, (_ra, _rb, rc), _c = vetting
    _page, text = _ask(client, election, rc)
    assert "已提名" in text and "资格审查尚未完成" in text and "✓" not in text


def test_an_official_candidate_is_told_so(client, vetting, chair):
    election, (ra, rb, rc), (_a, _b, c) = vetting
    c1, c2 = election.conditions.all()
    es.candidate_vet(candidate=c, results={c1.pk: (True, ""), c2.pk: (True, "")}, actor=chair)
    es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 10, 9))
    _page, text = _ask(client, election, ra)
    assert "正式候选人" in text and "您已列入正式候选人名单" in text
    _page, text = _ask(client, election, rb)
    assert "审查未通过" in text and "依据：2026年9月迁入" in text
    # Still linked from the index while the official list is up.
    assert _url(election) in client.get(f"/c/{election.community.slug}/elections/").content.decode()


def test_not_found_wrong_last4_and_incomplete(client, vetting):
    election, (ra, _rb, _rc), _c = vetting
    others = f.election_with_roll(election.community, title="另一选举")[1]
    wrong = "0000" if ra.id_number[-4:] != "0000" else "1111"
    for name, last4 in [(ra.name, wrong), (others[0].name, others[0].id_number[-4:]), ("无名氏", "1234")]:
        page = client.post(_url(election), {"name": name, "last4": last4})
        text = page.content.decode()
        assert page.status_code == 200 and "未查到提名记录" in text and "✓" not in text
    text = client.post(_url(election), {"name": ra.name, "last4": "12"}).content.decode()
    assert "请填写姓名和身份证号码最后四位" in text
    assert client.get(_url(election)).status_code == 200


def test_guessing_is_throttled_together_with_the_roll_lookup(client, vetting):
    election, (ra, _rb, _rc), _c = vetting
    roll_url = f"/c/{election.community.slug}/elections/{election.pk}/roll/"
    for i in range(20):
        client.post(roll_url if i % 2 else _url(election), {"name": "某某", "last4": "1234"})
    page, text = _ask(client, election, ra)
    assert page.status_code == 429 and "查询过于频繁" in text and "审查通过" not in text


def test_no_lookup_before_nominations_nor_for_rehearsals_or_other_communities(client, community, chair):
    draft, _r = _election(community, chair)
    assert client.get(_url(draft)).status_code == 404
    rehearsal, _r = _election(community, chair, rehearsal=True, title="演练")
    to_nominations(rehearsal, chair, posted_at=local(2027, 5, 10, 9))
    assert client.get(_url(rehearsal)).status_code == 404
    ballot, _r = f.election_with_roll(community, election_day=DAY, kind="household_ballot", title="票决")
    to_nominations(ballot, None, posted_at=local(2027, 5, 10, 9))
    assert client.get(_url(ballot)).status_code == 404
    other = f.CommunityFactory(slug="other")
    assert client.get(f"/c/{other.slug}/elections/{draft.pk}/candidacy/").status_code == 404


def test_a_condition_added_during_nominations_corrects_the_posted_checklist(community, chair):
    election, _r = _election(community, chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    (first,) = _conditions_posting(election)
    added = es.condition_add(election=election, text="身体健康，能够胜任工作", actor=chair)
    current = _conditions_posting(election).get(replaced_at__isnull=True)
    assert current.supersedes_id == first.pk and current.version == first.version + 1
    assert "☐ 3. 身体健康，能够胜任工作" in current.body and "☐ 1. 拥护宪法，遵纪守法" in current.body
    assert "增加候选人条件：身体健康" in current.correction_note
    from notices.handoff import postings_citing

    assert list(postings_citing(added)) == [current]
    # Once vetting has begun the list is closed.
    es.candidate_nominate(election=election, resident=_r[0], office="member", kind="self", actor=chair)
    es.election_start_vetting(election=election, actor=chair, at=local(2027, 5, 25, 9))
    with pytest.raises(RuleViolation, match="资格审查开始后不能再增加候选人条件"):
        es.condition_add(election=election, text="又一条", actor=chair)


def test_a_condition_holding_personal_data_is_refused_before_it_reaches_the_board(community, chair):
    election, _r = f.election_with_roll(community, election_day=DAY, actor=chair)
    with pytest.raises(RuleViolation, match="候选人条件将在公开栏公布，不能含有身份证号码或手机号码"):
        es.condition_add(election=election, text="详询13912345678", actor=chair)
    assert not election.conditions.exists()


def test_the_lookup_runs_in_a_fixed_number_of_queries(client, vetting, django_assert_max_num_queries):
    election, (_ra, rb, _rc), _c = vetting
    with django_assert_max_num_queries(6):
        _page, text = _ask(client, election, rb)
    assert "依据：2026年9月迁入" in text
