"""Bad input and conflicts: a clear Chinese message, nothing half-written."""

from __future__ import annotations

import pytest

from assistance import services as s
from assistance.checks import cross_check
from assistance.models import Case, CaseFlag, CaseMember, Investigation, Score
from committee import models as cm
from core.errors import RuleViolation
from core.models import TransitionLog
from notices.models import Posting
from tests import factories as f
from tests.assistance.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def _nothing_written():
    assert not Case.objects.exists() and not CaseMember.objects.exists()
    assert not TransitionLog.objects.filter(workflow="assistance_case").exists()


def test_negative_income_is_refused_and_nothing_is_written(world):
    with pytest.raises(RuleViolation, match="月收入不能为负数"):
        world.apply(incomes=("800", "-1", "0"))
    _nothing_written()


def test_a_member_not_in_the_household_is_refused(world):
    household, people = world.household()
    stranger = f.ResidentFactory(household=f.HouseholdFactory(community=world.community), name="路人甲")
    with pytest.raises(RuleViolation, match="路人甲不是申请户.*的在册成员"):
        s.case_apply(
            household=household,
            programme=world.dibao,
            applicant=people[0],
            via_leader=world.leaders[0],
            officer=world.officer,
            reason="困难",
            members=[
                {"resident": people[0], "monthly_income": 0},
                {"resident": stranger, "monthly_income": 0},
            ],
            actor=world.officer,
        )
    _nothing_written()


def test_an_application_not_through_the_households_group_leader_is_refused(world):
    household, people = world.household(group=0)
    with pytest.raises(RuleViolation, match="须经申请户所在第1居民小组的组长提出"):
        s.case_apply(
            household=household,
            programme=world.dibao,
            applicant=people[0],
            via_leader=world.leaders[1],
            officer=world.officer,
            reason="困难",
            members=[{"resident": people[0], "monthly_income": 0}],
            actor=world.officer,
        )
    _nothing_written()


def test_a_visit_needs_two_people_and_a_photo(world):
    case = world.apply()
    with pytest.raises(RuleViolation, match="至少两名工作人员"):
        s.case_visit(
            case=case, visitors=[world.officer], photos=[object()], findings="看过", actor=world.officer
        )
    with pytest.raises(RuleViolation, match="至少一张照片"):
        s.case_visit(
            case=case,
            visitors=[world.officer, world.colleague],
            photos=[],
            findings="看过",
            actor=world.officer,
        )
    assert Case.objects.get(pk=case.pk).state == Case.State.APPLIED


def test_an_investigator_related_to_the_household_is_refused(world):
    case = world.apply()
    world.visit(case)
    # The group's representative is the applicant's brother (registered kinship).
    rep = world.reps[0][0]
    cm.Kinship.objects.create(
        community=world.community, person=rep, relative=case.applicant, kind=cm.Kinship.Kind.SIBLING
    )
    with pytest.raises(RuleViolation, match=f"{rep.name}是申请户成员的近亲属，应当回避"):
        world.investigate(case)
    assert not Investigation.objects.exists()
    assert Case.objects.get(pk=case.pk).state == Case.State.VISITED


def test_a_step_out_of_order_says_which_state_the_case_is_in(world):
    case = world.apply()
    with pytest.raises(RuleViolation, match="当前状态为“已申请”，不能办理“组长会同居民代表调查核实”"):
        world.investigate(case)
    assert not Investigation.objects.exists()


def test_scoring_by_a_non_representative_is_refused(world):
    case = world.apply()
    world.visit(case)
    world.investigate(case)
    s.case_applicant_response(case=case, agrees=True, actor=world.officer)
    s.case_review(case=case, note="提交测评", actor=world.chair)
    with pytest.raises(RuleViolation, match="组长1号不是本社区现任居民代表"):
        s.case_score(case=case, representative=world.leaders[0], score=90, actor=world.officer)
    with pytest.raises(RuleViolation, match="分数须为0至100"):
        s.case_score(case=case, representative=world.reps[0][0], score=101, actor=world.officer)
    with pytest.raises(RuleViolation, match="至少需要3名居民代表评分"):
        s.case_close_scoring(case=case, actor=world.officer)
    assert not Score.objects.exists()


def test_posting_before_review_is_refused(world):
    case = world.apply()
    world.visit(case)
    with pytest.raises(RuleViolation, match="尚未通过居委会评议和民意测评，不能公示"):
        s.cases_post(cases=[case], actor=world.officer)
    assert not Posting.objects.exists()
    assert Case.objects.get(pk=case.pk).state == Case.State.VISITED


def test_a_relative_of_a_committee_member_is_flagged_into_the_separate_register(world):
    from assistance.selectors import staff_relative_register

    case = world.apply()
    # The applicant's wife is the sister of a sitting committee member.
    member = f.ResidentFactory(
        household=f.HouseholdFactory(community=world.community, group=world.groups[1]), name="钱委员"
    )
    f.CommitteeSeatFactory(term=world.term, resident=member)
    wife = case.household.residents.get(relation_to_head="spouse")
    cm.Kinship.objects.create(
        community=world.community, person=member, relative=wife, kind=cm.Kinship.Kind.SIBLING
    )
    world.visit(case)
    flag = CaseFlag.objects.get(case=case, code=CaseFlag.Code.STAFF_RELATIVE)
    assert (
        flag.message
        == f"申请户成员{wife.name}是居委会成员或工作人员钱委员的近亲属，按规定单独登记、重点审核。"
    )
    assert list(staff_relative_register(Case.objects.all())) == [case]
    other = world.apply()
    assert other not in staff_relative_register(Case.objects.all())


def test_same_person_in_two_open_cases_and_a_household_already_receiving(world):
    a = world.apply()
    # Someone of household A is also registered (by mistake) in household B, which applies too.
    person = a.household.residents.get(relation_to_head="child")
    b_household, b_people = world.household()
    s.case_apply(
        household=b_household,
        programme=world.dibao,
        applicant=b_people[0],
        via_leader=world.leaders[0],
        officer=world.officer,
        reason="困难",
        members=[{"resident": p, "monthly_income": 0} for p in b_people],
        actor=world.officer,
    )
    twin = f.ResidentFactory(
        household=f.HouseholdFactory(community=f.CommunityFactory()),
        id_number=person.id_number,
        name=person.name,
    )
    codes = {(x.case_id, x.code) for x in cross_check([a.pk])}
    assert (a.pk, CaseFlag.Code.TWO_HOUSEHOLDS) in codes
    assert twin.pk
    Case.objects.filter(pk=a.pk).update(state=Case.State.APPROVED)
    c = s.case_apply(
        household=a.household,
        programme=world.dibao.__class__.objects.create(community=world.community, kind="temporary"),
        applicant=a.applicant,
        via_leader=world.leaders[0],
        officer=world.officer,
        reason="临时困难",
        members=[{"resident": a.applicant, "monthly_income": 0}],
        actor=world.officer,
    )
    messages = dict(CaseFlag.objects.filter(case=c).values_list("code", "message"))
    assert messages[CaseFlag.Code.ALREADY_RECEIVING] == "该户已在享受最低生活保障（低保）。"


def test_per_capita_income_is_computed_from_the_investigation_not_the_declaration(world):
    case = world.apply(incomes=("0", "0", "0"))
    world.visit(case)
    world.investigate(case, income="3300", size=3)  # 1,100 a head against the current 1,000
    flag = CaseFlag.objects.get(case=case, code=CaseFlag.Code.OVER_STANDARD)
    assert flag.message == "经调查人均月收入1100.00元，高于现行标准1000.00元。"


def test_a_member_who_moved_out_flags_the_case(world):
    import datetime as dt

    case = world.apply()
    child = case.household.residents.get(relation_to_head="child")
    child.moved_out_on = dt.date(2026, 6, 1)
    child.save()
    findings = cross_check([case.pk])
    assert any(
        x.code == CaseFlag.Code.REGISTRY_CHANGED and "已于2026-06-01迁出" in x.message for x in findings
    )


def test_the_set_based_relative_check_agrees_with_close_relative_ids(world):
    """The bulk check mirrors committee.selectors.close_relative_ids (kinship either way, family of
    the same household), so the register holds exactly the households that function names."""
    from committee.selectors import close_relative_ids

    member = f.ResidentFactory(
        household=f.HouseholdFactory(community=world.community, group=world.groups[1]), name="孙委员"
    )
    f.CommitteeSeatFactory(term=world.term, resident=member)
    # Her mother lives with her; her brother lives in another household; a neighbour is no kin.
    mother = f.ResidentFactory(
        household=member.household, relation_to_head=cm.Resident.Relation.PARENT, name="孙母"
    )
    brother_home, brother_people = world.household()
    cm.Kinship.objects.create(
        community=world.community, person=brother_people[0], relative=member, kind=cm.Kinship.Kind.SIBLING
    )
    stranger_home, _people = world.household()
    kin = close_relative_ids(member) | {member.pk}
    assert mother.pk in kin and brother_people[0].pk in kin
    cases = {}
    for home in (member.household, brother_home, stranger_home):
        people = [r for r in home.residents.all()]
        cases[home.pk] = s.case_apply(
            household=home,
            programme=world.dibao,
            applicant=people[0],
            via_leader=home.group.leader,
            officer=world.officer,
            reason="困难",
            members=[{"resident": r, "monthly_income": 0} for r in people],
            actor=world.officer,
        )
    flagged = {
        x.case_id
        for x in cross_check([c.pk for c in cases.values()])
        if x.code == CaseFlag.Code.STAFF_RELATIVE
    }
    expected = {
        c.pk
        for h, c in cases.items()
        if set(cm.Resident.objects.filter(household_id=h).values_list("pk", flat=True)) & kin
    }
    assert flagged == expected == {cases[member.household_id].pk, cases[brother_home.pk].pk}
