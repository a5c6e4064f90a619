"""Registry services: rules, Chinese refusals that write nothing, the actor in the history."""

import datetime as dt

import pytest

from committee import models as cm
from committee import services as s
from core.errors import RuleViolation, ScopeDenied
from tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def household(community):
    return f.HouseholdFactory(community=community)


def test_resident_create_derives_birth_and_sex_and_records_actor(household, chair):
    number = f.make_id_number(birth=D(1985, 6, 1), sex="F")
    r = s.resident_create(
        household=household, name=" 王芳 ", id_number=number.lower(), relation_to_head="head", actor=chair
    )
    assert (r.name, r.sex, r.birth_date, r.community_id) == (
        "王芳",
        "F",
        D(1985, 6, 1),
        household.community_id,
    )
    record = r.history.latest()
    assert record.history_user == chair
    assert record.history_change_reason == "登记居民"


def test_invalid_checksum_is_refused_in_chinese_and_writes_nothing(household, chair):
    good = f.make_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(RuleViolation, match=f"校验码错误：最后一位应为“{good[17]}”") as e:
        s.resident_create(
            household=household, name="张三", id_number=bad, relation_to_head="head", actor=chair
        )
    assert "校验码" in " ".join(e.value.messages)
    assert cm.Resident.objects.count() == 0


def test_same_id_twice_in_a_community_is_refused(household, chair):
    number = f.make_id_number()
    s.resident_create(
        household=household, name="张三", id_number=number, relation_to_head="head", actor=chair
    )
    other = f.HouseholdFactory(community=household.community)
    with pytest.raises(RuleViolation, match="该身份证号码已登记在本社区") as e:
        s.resident_create(
            household=other, name="张三", id_number=number, relation_to_head="head", actor=chair
        )
    assert "已登记在本社区" in " ".join(e.value.messages)
    assert cm.Resident.objects.count() == 1
    # The same person may be registered in another community.
    elsewhere = f.HouseholdFactory()
    assert s.resident_create(
        household=elsewhere, name="张三", id_number=number, relation_to_head="head", actor=None
    )


def test_household_of_another_community_is_refused(household, chair):
    foreign = f.HouseholdFactory()
    with pytest.raises(RuleViolation, match="所选户不属于幸福社区") as e:
        s.resident_create(
            household=foreign,
            community=household.community,
            name="李四",
            id_number=f.make_id_number(),
            relation_to_head="head",
            actor=chair,
        )
    assert "不能跨社区登记" in " ".join(e.value.messages)
    with pytest.raises(ScopeDenied, match="您无权管理该社区的记录"):
        s.resident_create(
            household=foreign, name="李四", id_number=f.make_id_number(), relation_to_head="head", actor=chair
        )
    assert cm.Resident.objects.count() == 0


def test_resident_update_and_move_out_end_offices(household, chair):
    r = f.ResidentFactory(household=household)
    s.resident_update(resident=r, actor=chair, phone="13912345678")
    r.refresh_from_db()
    assert r.phone == "13912345678"
    term = f.CommitteeTermFactory(community=household.community)
    seat = s.seat_add(term=term, resident=r, role="member", actor=chair).seat
    s.resident_move_out(resident=r, on=D(2026, 5, 1), actor=chair)
    r.refresh_from_db()
    seat.refresh_from_db()
    assert r.moved_out_on == D(2026, 5, 1) and seat.ended_on == D(2026, 5, 1)
    assert r.history.latest().history_user == chair
    with pytest.raises(RuleViolation, match=f"{r.name}已于2026-05-01迁出"):
        s.resident_move_out(resident=r, on=D(2026, 6, 1), actor=chair)
    with pytest.raises(RuleViolation, match="不能把居民转入其他社区的户"):
        s.resident_update(resident=r, actor=chair, household=f.HouseholdFactory())


def test_kinship_add_and_duplicate(household, chair):
    a = f.ResidentFactory(household=household)
    b = f.ResidentFactory(household=f.HouseholdFactory(community=household.community))
    s.kinship_add(person=a, relative=b, kind="sibling", actor=chair)
    with pytest.raises(RuleViolation, match="已登记了亲属关系"):
        s.kinship_add(person=b, relative=a, kind="sibling", actor=chair)
    with pytest.raises(RuleViolation, match="不能与本人建立亲属关系"):
        s.kinship_add(person=a, relative=a, kind="sibling", actor=chair)
    assert cm.Kinship.objects.count() == 1


def test_term_end_follows_rules(community, chair):
    term = s.term_create(community=community, number=11, starts_on=D(2026, 3, 1), actor=chair)
    assert term.ends_on == D(2031, 3, 1)
    rules = community.rules
    rules.term_years = 3
    rules.save()
    term2 = s.term_create(community=community, number=12, starts_on=D(2031, 3, 1), actor=chair)
    assert term2.ends_on == D(2034, 3, 1)
    with pytest.raises(RuleViolation, match="任期重叠") as e:
        s.term_create(community=community, number=13, starts_on=D(2030, 1, 1), actor=chair)
    assert "重叠" in " ".join(e.value.messages)


def _residents(community, n, sex="M"):
    return [f.ResidentFactory(household=f.HouseholdFactory(community=community), sex=sex) for _ in range(n)]


def test_seats_max_min_and_woman_warning(community, chair):
    term = s.term_create(community=community, number=1, starts_on=D(2026, 1, 1), actor=chair)
    men = _residents(community, 9)
    first = s.seat_add(term=term, resident=men[0], role="chair", actor=chair)
    assert any("少于规定的最少5名" in w for w in first.warnings)
    assert any("女性" in w for w in first.warnings)
    for m in men[1:4]:
        s.seat_add(term=term, resident=m, role="member", actor=chair)
    woman = _residents(community, 1, sex="F")[0]
    fifth = s.seat_add(term=term, resident=woman, role="vice_chair", actor=chair)
    assert fifth.warnings == []
    for m in men[4:8]:
        s.seat_add(term=term, resident=m, role="member", actor=chair)
    assert cm.CommitteeSeat.objects.filter(term=term).count() == 9
    with pytest.raises(RuleViolation, match="已有9名成员，最多9名") as e:
        s.seat_add(term=term, resident=men[8], role="member", actor=chair)
    assert "最多9名" in " ".join(e.value.messages)
    with pytest.raises(RuleViolation, match="已有9名成员，最多9名") as e:
        s.seat_add(term=term, resident=men[1], role="chair", actor=chair)
    assert cm.CommitteeSeat.objects.filter(term=term).count() == 9


def test_second_chair_refused(community, chair):
    term = s.term_create(community=community, number=1, starts_on=D(2026, 1, 1), actor=chair)
    a, b = _residents(community, 2)
    s.seat_add(term=term, resident=a, role="chair", actor=chair)
    with pytest.raises(RuleViolation, match="已有在任主任") as e:
        s.seat_add(term=term, resident=b, role="chair", actor=chair)
    assert "已有在任主任" in " ".join(e.value.messages)


def test_supervision_candidate_who_is_a_members_sibling_is_refused(community, chair):
    term = s.term_create(community=community, number=1, starts_on=D(2026, 1, 1), actor=chair)
    member, sibling, stranger = _residents(community, 3)
    s.seat_add(term=term, resident=member, role="member", actor=chair)
    s.kinship_add(person=member, relative=sibling, kind="sibling", actor=chair)
    with pytest.raises(RuleViolation, match=f"{sibling.name}是本届居委会委员{member.name}的近亲属") as e:
        s.supervision_member_add(term=term, resident=sibling, actor=chair)
    assert "近亲属" in " ".join(e.value.messages)
    with pytest.raises(RuleViolation, match=f"{member.name}是本届居委会委员，不能同时担任居务监督委员"):
        s.supervision_member_add(term=term, resident=member, actor=chair)
    assert cm.SupervisionMember.objects.count() == 0
    s.supervision_member_add(term=term, resident=stranger, actor=chair)
    # And from the other side: the supervisor's relative cannot take a seat.
    nephew = _residents(community, 1)[0]
    s.kinship_add(person=stranger, relative=nephew, kind="sibling", actor=chair)
    with pytest.raises(RuleViolation, match=f"{nephew.name}是本届居务监督委员{stranger.name}的近亲属"):
        s.seat_add(term=term, resident=nephew, role="member", actor=chair)


def test_representative_must_come_from_own_group(community, chair):
    term = s.term_create(community=community, number=1, starts_on=D(2026, 1, 1), actor=chair)
    r = _residents(community, 1)[0]
    other_group = f.ResidentsGroupFactory(community=community)
    with pytest.raises(RuleViolation, match="须由本人所在居民小组推选"):
        s.representative_add(term=term, group=other_group, resident=r, actor=chair)
    rep = s.representative_add(term=term, group=r.household.group, resident=r, actor=chair)
    assert rep.history.latest().history_user == chair


def test_services_refuse_actor_of_another_community(community):
    outsider = f.staff_user(communities=[f.CommunityFactory()])
    with pytest.raises(ScopeDenied, match="您无权管理该社区的记录"):
        s.term_create(community=community, number=1, starts_on=D(2026, 1, 1), actor=outsider)
    assert cm.CommitteeTerm.objects.count() == 0


def test_captain_nominate(community, chair):
    building = f.BuildingFactory(community=community)
    r = f.ResidentFactory(household=f.HouseholdFactory(community=community, group=building.group))
    c = s.captain_nominate(building=building, resident=r, actor=chair, nominated_on=D(2026, 3, 2))
    assert c.status == cm.BuildingCaptain.Status.NOMINATED and c.community_id == community.pk
    with pytest.raises(RuleViolation, match="已有未办结的提名") as e:
        s.captain_nominate(building=building, resident=r, actor=chair)
    assert "未办结的提名" in " ".join(e.value.messages)
    stranger = f.ResidentFactory()
    with pytest.raises(RuleViolation, match="楼栋长必须是本社区居民"):
        s.captain_nominate(building=building, resident=stranger, actor=chair)
