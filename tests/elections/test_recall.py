"""A recall (罢免) petition by either route (DOMAIN.md: one fifth of the voters or one third of the
representatives sign): each route at its exact edge, the representatives' signatures checked against
the current representatives and recorded once each, the route named in the posted results, and the
signatures typed in the admin from the paper sheets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import RuleViolation
from elections import services as es
from elections.models import Election, RecallRepresentativeSignature, RecallSignature
from notices.models import Posting
from tests import factories as f
from tests.elections.test_e2e_election import close_station
from tests.elections.util import local, to_nominations, voters_of

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)
REP_NAMES = ["代表甲", "代表乙", "代表丙", "代表丁", "代表戊", "代表己"]


@pytest.fixture
def recall(community, chair):
    """A recall vote in nominations: 9 residents + the clerk on the roll (10 voters: 1/5 is exactly 2)."""
    election, residents = f.election_with_roll(
        community, voters=9, election_day=DAY, actor=chair, kind=Election.Kind.RECALL
    )
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    Election.objects.filter(pk=election.pk).update(recall_member=residents[0])
    election.refresh_from_db()
    return election


@pytest.fixture
def reps(community):
    """Six current representatives of the community (1/3 is exactly 2), plus a former one (ended
    yesterday), one of the previous term, and one of another community."""
    today = timezone.localdate()
    term = f.CommitteeTermFactory(
        community=community, starts_on=today - dt.timedelta(days=400), ends_on=today + dt.timedelta(days=1000)
    )
    old = f.CommitteeTermFactory(
        community=community, starts_on=today - dt.timedelta(days=2000), ends_on=term.starts_on
    )
    group = f.ResidentsGroupFactory(community=community)

    def rep(name, *, on=term, **kwargs):
        household = f.HouseholdFactory(community=community, group=group)
        return f.RepresentativeFactory(
            term=on, group=group, resident=f.ResidentFactory(household=household, name=name), **kwargs
        )

    current = [rep(n) for n in REP_NAMES]
    former = rep("前代表", ended_on=today - dt.timedelta(days=1))
    previous = rep("上届代表", on=old)
    elsewhere = f.RepresentativeFactory(resident__name="外社区代表")
    return current, former, previous, elsewhere


def vote_and_post(election, chair, *, yes, no):
    """Open the recall vote, let ``yes + no`` voters vote and post the results."""
    typist = f.staff_user(communities=[election.community], role="委员")
    supervisor = f.staff_user(communities=[election.community], role="监督委员")
    station = es.station_create(election=election, number=1, name="中心会场", kind="central", actor=chair)
    es.election_open_voting(election=election, actor=chair, at=local(2027, 6, 20, 8))
    election.refresh_from_db()
    for v in voters_of(election)[: yes + no]:
        es.check_in(election=election, voter=v, station=station, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    figures = {"issued": yes + no, "returned": yes + no, "valid": yes + no, "void": 0, "blank": 0}
    lines = [es.Line(office="", votes=yes, choice="yes"), es.Line(office="", votes=no, choice="no")]
    es.count_enter(election=election, station=station, figures=figures, lines=lines, actor=chair)
    count = es.count_enter(
        election=election, station=station, figures=figures, lines=lines, actor=typist
    ).count
    close_station(count, chair, supervisor)
    return es.election_post_results(election=election, actor=chair)


def test_the_representatives_route_passes_at_exactly_one_third(recall, reps, chair):
    current, *_others = reps
    assert es.recall_representative_sign(election=recall, residents=[current[0].resident], actor=chair) == 1
    # One fewer than one third of six: refused, the message giving both routes' figures.
    with pytest.raises(RuleViolation) as e:
        es.election_ready_ballot(election=recall, actor=chair)
    assert e.value.messages == [
        "罢免须有选民1/5以上联名（10名选民，至少2人），现有0人签名；"
        "或有居民代表1/3以上联名（现任居民代表6名，至少2人），现有1人签名。"
    ]
    recall.refresh_from_db()
    assert recall.status == Election.Status.NOMINATIONS and recall.recall_route == ""
    # Exactly one third (2 of 6) passes; the route is recorded.
    assert es.recall_representative_sign(election=recall, residents=[current[1].resident], actor=chair) == 2
    es.election_ready_ballot(election=recall, actor=chair)
    recall.refresh_from_db()
    assert recall.status == Election.Status.CANDIDATES_POSTED
    assert recall.recall_route == Election.RecallRoute.REPRESENTATIVES
    # The posted results and the report name the route.
    r = vote_and_post(recall, chair, yes=5, no=1)
    assert r.passed is True
    body = Posting.objects.get(pk=Election.objects.get(pk=recall.pk).results_posting_id).body
    assert f"被罢免人为{recall.recall_member.name}，罢免要求经居民代表联名（达到法定比例）提出" in body


def test_the_representatives_share_is_a_community_rule(recall, reps, chair):
    current, *_others = reps
    rules = recall.community.rules
    rules.recall_representative_share = "1/2"
    rules.save()
    es.recall_representative_sign(election=recall, residents=[c.resident for c in current[:2]], actor=chair)
    with pytest.raises(RuleViolation, match=r"居民代表1/2以上联名（现任居民代表6名，至少3人），现有2人签名"):
        es.election_ready_ballot(election=recall, actor=chair)
    es.recall_representative_sign(election=recall, residents=[current[2].resident], actor=chair)
    es.election_ready_ballot(election=recall, actor=chair)


def test_the_voters_route_passes_at_exactly_one_fifth(recall, reps, chair):
    current, *_others = reps
    voters = voters_of(recall)
    es.recall_sign(election=recall, signers=voters[:1], actor=chair)
    es.recall_representative_sign(election=recall, residents=[current[0].resident], actor=chair)
    with pytest.raises(RuleViolation, match=r"至少2人），现有1人签名；或有居民代表.*现有1人签名"):
        es.election_ready_ballot(election=recall, actor=chair)
    es.recall_sign(election=recall, signers=voters[:2], actor=chair)
    es.election_ready_ballot(election=recall, actor=chair)
    recall.refresh_from_db()
    assert recall.recall_route == Election.RecallRoute.VOTERS
    vote_and_post(recall, chair, yes=6, no=0)
    body = Posting.objects.get(pk=Election.objects.get(pk=recall.pk).results_posting_id).body
    assert "罢免要求经选民联名（达到法定比例）提出" in body


def test_a_representative_who_leaves_office_no_longer_counts(recall, reps, chair):
    current, *_others = reps
    es.recall_representative_sign(election=recall, residents=[c.resident for c in current[:2]], actor=chair)
    current[1].ended_on = timezone.localdate()
    current[1].save()
    # Now 5 current representatives (need 2) and 1 of the signatures still counts.
    with pytest.raises(RuleViolation, match=r"现任居民代表5名，至少2人），现有1人签名"):
        es.election_ready_ballot(election=recall, actor=chair)


@pytest.mark.parametrize("which", ["former", "previous", "elsewhere", "not_a_representative"])
def test_only_a_current_representative_of_the_community_may_sign(recall, reps, chair, which):
    current, former, previous, elsewhere = reps
    outsider = {
        "former": former.resident,
        "previous": previous.resident,
        "elsewhere": elsewhere.resident,
        "not_a_representative": recall.recall_member,
    }[which]
    with pytest.raises(RuleViolation) as e:
        es.recall_representative_sign(election=recall, residents=[current[0].resident, outsider], actor=chair)
    assert e.value.messages == [f"{outsider.name}不是本社区现任居民代表，不能以居民代表身份联名罢免。"]
    assert not RecallRepresentativeSignature.objects.exists()


def test_a_representative_signs_once(recall, reps, chair):
    current, *_others = reps
    es.recall_representative_sign(election=recall, residents=[current[0].resident], actor=chair)
    with pytest.raises(RuleViolation) as e:
        es.recall_representative_sign(
            election=recall, residents=[current[1].resident, current[0].resident], actor=chair
        )
    assert e.value.messages == [
        f"{current[0].resident.name}已在本次罢免联名上签名，同一居民代表只能签名一次。"
    ]
    assert RecallRepresentativeSignature.objects.count() == 1
    # The database holds the rule too, with its own message.
    twice = RecallRepresentativeSignature(
        election=recall, representative=current[0], signed_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="同一居民代表对同一罢免只能签名一次。"):
        twice.validate_constraints()


def test_representatives_sign_only_a_recall_before_its_vote(community, recall, reps, chair):
    current, *_others = reps
    committee, _r = f.election_with_roll(community, voters=2, actor=chair)
    with pytest.raises(RuleViolation, match="只有罢免表决才有联名签名"):
        es.recall_representative_sign(election=committee, residents=[current[0].resident], actor=chair)
    es.recall_representative_sign(election=recall, residents=[c.resident for c in current[:2]], actor=chair)
    es.election_ready_ballot(election=recall, actor=chair)
    with pytest.raises(RuleViolation, match="罢免表决已开始，不能再签名"):
        es.recall_representative_sign(election=recall, residents=[current[2].resident], actor=chair)
    assert RecallRepresentativeSignature.objects.count() == 2


def _line(resident):
    return f"{resident.name} {resident.id_number[-4:]}"


def test_staff_type_both_routes_signatures_in_the_admin(chair_client, recall, reps, chair):
    current, former, *_others = reps
    change_url = reverse("admin:elections_election_change", args=[recall.pk])
    url = reverse("admin:elections_election_recall", args=[recall.pk])
    page = chair_client.get(change_url).content.decode()
    assert url in page and "录入罢免联名签名" in page
    assert "居民代表联名：0人签名，须至少2人（现任居民代表6名的1/3）" in page
    assert "选民联名：0人签名，须至少2人（选民10名的1/5）" in chair_client.get(url).content.decode()
    voters = voters_of(recall)
    # A former representative on the sheet: the page says so and nothing is written, not even the
    # voters' lines typed with it.
    page = chair_client.post(
        url,
        {
            "voters": _line(voters[1].resident),
            "representatives": f"{_line(current[0].resident)}\n{_line(former.resident)}",
        },
        follow=True,
    ).content.decode()
    assert f"{former.resident.name}不是本社区现任居民代表，不能以居民代表身份联名罢免。" in page
    assert not RecallSignature.objects.exists() and not RecallRepresentativeSignature.objects.exists()
    # A line that names nobody here.
    page = chair_client.post(url, {"representatives": "查无此人 0000"}, follow=True).content.decode()
    assert "以下签名人不是本社区居民或无法唯一确定" in page and "查无此人 0000" in page
    # The sheets typed right: one voter, two representatives (exactly one third).
    response = chair_client.post(
        url,
        {
            "voters": _line(voters[1].resident),
            "representatives": "\n".join(_line(c.resident) for c in current[:2]),
        },
    )
    assert response.status_code == 302 and response["Location"] == change_url
    assert RecallSignature.objects.filter(election=recall).count() == 1
    assert sorted(
        RecallRepresentativeSignature.objects.filter(election=recall).values_list(
            "representative__resident__name", flat=True
        )
    ) == sorted(c.resident.name for c in current[:2])
    page = chair_client.get(change_url).content.decode()
    assert "居民代表联名：2人签名，须至少2人" in page
    # A second sheet with the same representative is refused on the page.
    page = chair_client.post(
        url, {"representatives": _line(current[0].resident)}, follow=True
    ).content.decode()
    assert "同一居民代表只能签名一次" in page
    assert RecallRepresentativeSignature.objects.count() == 2
    # The step the petition opens, through the admin.
    chair_client.post(reverse("admin:elections_election_step", args=[recall.pk, "ready_ballot"]))
    recall.refresh_from_db()
    assert recall.status == Election.Status.CANDIDATES_POSTED
    assert recall.recall_route == Election.RecallRoute.REPRESENTATIVES
    # Once the vote is readied the page no longer takes signatures.
    assert "罢免表决已开始，不能再签名" in chair_client.get(url).content.decode()
    chair_client.post(url, {"representatives": _line(current[2].resident)})
    assert RecallRepresentativeSignature.objects.count() == 2


def test_the_recall_page_is_only_for_recalls(chair_client, community, chair):
    election, _r = f.election_with_roll(community, actor=chair)
    assert chair_client.get(reverse("admin:elections_election_recall", args=[election.pk])).status_code == 404


def test_the_members_written_answer_is_recorded_in_the_admin_and_shown_to_voters(
    client, chair_client, community, recall, chair
):
    """DOMAIN.md: the member may answer in writing. Before: the service existed, nothing called it."""
    change_url = reverse("admin:elections_election_change", args=[recall.pk])
    url = reverse("admin:elections_election_recall_answer", args=[recall.pk])
    page = chair_client.get(change_url).content.decode()
    assert "被罢免人书面申辩" in page and "尚未提交" in page and url in page
    # Empty, or with a mobile number that would go public: a form message, nothing saved.
    assert "请填写书面申辩内容" in chair_client.post(url, {"answer": "  "}).content.decode()
    page = chair_client.post(url, {"answer": "我的电话13812345678，欢迎来问。"}).content.decode()
    assert "书面申辩将公开，不能含有" in page and "欢迎来问" in page
    recall.refresh_from_db()
    assert recall.recall_answer == ""
    answer = "本人任职期间按时值班，账目均已公开，请居民明察。"
    assert chair_client.post(url, {"answer": answer}).status_code == 302
    recall.refresh_from_db()
    assert recall.recall_answer == answer
    assert recall.history.latest().history_change_reason == "记录被罢免人书面申辩"
    board = client.get(reverse("elections:index", args=[community.slug])).content.decode()
    assert recall.recall_member.name in board and answer in board


def test_the_answer_is_refused_once_voting_opened_and_for_other_kinds(community, recall, chair):
    Election.objects.filter(pk=recall.pk).update(status=Election.Status.VOTING)
    recall.refresh_from_db()
    with pytest.raises(RuleViolation, match="书面申辩须在投票开始前记录"):
        es.recall_answer_record(election=recall, answer="申辩", actor=chair)
    other, _residents = f.election_with_roll(community, election_day=DAY, actor=chair)
    with pytest.raises(RuleViolation, match="只有罢免表决才有被罢免人书面申辩"):
        es.recall_answer_record(election=other, answer="申辩", actor=chair)
