"""One write path: every registry admin saves through ``committee.services``.

For each admin, an add and a change through the admin test client: a valid save leaves a history row
naming the user and the service's reason (which only the service writes); a refused one shows the
Chinese reason on the form again, with what was typed, and writes nothing.
"""

import pytest
from django.urls import reverse

from committee import models as cm
from tests import factories as f

pytestmark = pytest.mark.django_db


def _mgmt(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def _url(model, view, *args):
    return reverse(f"admin:committee_{model._meta.model_name}_{view}", args=args)


def _saved_by(obj, user, reason):
    latest = type(obj).history.filter(id=obj.pk).latest()
    assert latest.history_user == user
    assert latest.history_change_reason == reason


@pytest.fixture
def household(community):
    return f.HouseholdFactory(community=community)


# -- residents' groups, buildings ---------------------------------------------------------------


def test_group_add_and_change_go_through_the_service(chair_client, chair, community):
    r = chair_client.post(
        _url(cm.ResidentsGroup, "add"), {"community": community.pk, "number": 7, "name": "七组"}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    group = cm.ResidentsGroup.objects.get(number=7)
    _saved_by(group, chair, "新建居民小组")
    r = chair_client.post(
        _url(cm.ResidentsGroup, "change", group.pk),
        {"community": community.pk, "number": 7, "name": "第七组"},
    )
    assert r.status_code == 302
    group.refresh_from_db()
    assert group.name == "第七组"
    _saved_by(group, chair, "修改居民小组")


def test_group_with_a_leader_of_another_community_is_refused_on_the_form(chair_client, community):
    group = f.ResidentsGroupFactory(community=community)
    stranger = f.ResidentFactory()
    r = chair_client.post(
        _url(cm.ResidentsGroup, "change", group.pk),
        {"community": community.pk, "number": group.number, "name": group.name, "leader": stranger.pk},
    )
    assert r.status_code == 200
    group.refresh_from_db()
    assert group.leader_id is None


def test_building_add_and_change_go_through_the_service(chair_client, chair, community):
    group = f.ResidentsGroupFactory(community=community)
    r = chair_client.post(
        _url(cm.Building, "add"), {"community": community.pk, "group": group.pk, "name": "9号楼", "floors": 6}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    building = cm.Building.objects.get(name="9号楼")
    _saved_by(building, chair, "登记楼栋")
    r = chair_client.post(
        _url(cm.Building, "change", building.pk),
        {"community": community.pk, "group": group.pk, "name": "9号楼", "floors": 7},
    )
    assert r.status_code == 302
    building.refresh_from_db()
    assert building.floors == 7
    _saved_by(building, chair, "修改楼栋")


# -- households and their residents -------------------------------------------------------------


def _household_post(community, group, **overrides):
    return {
        "community": community.pk,
        "number": "H-900",
        "address": "幸福路9号",
        "group": group.pk,
        **_mgmt("residents"),
        **overrides,
    }


def test_household_add_with_a_resident_row_goes_through_the_services(chair_client, chair, community):
    group = f.ResidentsGroupFactory(community=community)
    data = _household_post(
        community,
        group,
        **_mgmt("residents", total=1),
        **{
            "residents-0-name": "钱学",
            "residents-0-id_number": f.make_id_number(),
            "residents-0-relation_to_head": "head",
            "residents-0-residence": "registered",
        },
    )
    r = chair_client.post(_url(cm.Household, "add"), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    household = cm.Household.objects.get(number="H-900")
    _saved_by(household, chair, "登记户")
    _saved_by(household.residents.get(), chair, "登记居民")


def test_household_change_through_the_service_and_a_duplicate_number_is_refused(
    chair_client, chair, community, household
):
    other = f.HouseholdFactory(community=community)
    url = _url(cm.Household, "change", household.pk)
    data = _household_post(community, household.group, number=household.number, address="新地址1号")
    assert chair_client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.address == "新地址1号"
    _saved_by(household, chair, "修改户信息")

    r = chair_client.post(url, {**data, "number": other.number, "address": "新地址2号"})
    assert r.status_code == 200
    assert "本社区已有相同户号的户" in r.content.decode()
    household.refresh_from_db()
    assert household.address == "新地址1号"


def test_household_cannot_move_to_another_community(chair_client, chair, community, household):
    other = f.CommunityFactory(street_office=community.street_office)
    chair.staff_profile.communities.add(other)
    group = f.ResidentsGroupFactory(community=other)
    r = chair_client.post(
        _url(cm.Household, "change", household.pk),
        _household_post(other, group, number=household.number),
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "户不能转到其他社区" in html or "不属于该户所在社区" in html
    household.refresh_from_db()
    assert household.community_id == community.pk


# -- residents and their kinship ------------------------------------------------------------------


def _resident_post(household, **overrides):
    return {
        "household": household.pk,
        "name": "孙丽",
        "id_number": f.make_id_number(),
        "relation_to_head": "head",
        "residence": "registered",
        **_mgmt("kin_out"),
        **overrides,
    }


def test_resident_add_and_change_go_through_the_service(chair_client, chair, household):
    r = chair_client.post(_url(cm.Resident, "add"), _resident_post(household))
    assert r.status_code == 302, r.content.decode()[:3000]
    resident = cm.Resident.objects.get()
    _saved_by(resident, chair, "登记居民")
    data = _resident_post(household, id_number=resident.id_number, phone="13800138000")
    r = chair_client.post(_url(cm.Resident, "change", resident.pk), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    resident.refresh_from_db()
    assert resident.phone == "13800138000"
    _saved_by(resident, chair, "修改居民信息")


def test_resident_moved_to_a_household_of_another_community_is_refused(chair_client, chair, household):
    resident = f.ResidentFactory(household=household)
    elsewhere = f.HouseholdFactory()
    data = _resident_post(elsewhere, id_number=resident.id_number, name=resident.name)
    r = chair_client.post(_url(cm.Resident, "change", resident.pk), data)
    assert r.status_code == 200
    resident.refresh_from_db()
    assert resident.household_id == household.pk


def test_kinship_rows_of_the_resident_form_go_through_the_service(chair_client, chair, household):
    person = f.ResidentFactory(household=household)
    relative = f.ResidentFactory(household=f.HouseholdFactory(community=household.community))
    data = _resident_post(
        household,
        id_number=person.id_number,
        name=person.name,
        relation_to_head=person.relation_to_head,
        **_mgmt("kin_out", total=1),
        **{"kin_out-0-kind": "sibling", "kin_out-0-relative": relative.pk, "kin_out-0-person": person.pk},
    )
    r = chair_client.post(_url(cm.Resident, "change", person.pk), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    _saved_by(cm.Kinship.objects.get(), chair, "登记亲属关系")


def test_kinship_admin_add_change_and_the_reverse_twin_refused(chair_client, chair, household):
    a = f.ResidentFactory(household=household)
    b = f.ResidentFactory(household=f.HouseholdFactory(community=household.community))
    r = chair_client.post(_url(cm.Kinship, "add"), {"person": a.pk, "relative": b.pk, "kind": "sibling"})
    assert r.status_code == 302, r.content.decode()[:3000]
    tie = cm.Kinship.objects.get()
    _saved_by(tie, chair, "登记亲属关系")
    r = chair_client.post(
        _url(cm.Kinship, "change", tie.pk), {"person": a.pk, "relative": b.pk, "kind": "spouse"}
    )
    assert r.status_code == 302
    tie.refresh_from_db()
    assert tie.kind == "spouse"
    _saved_by(tie, chair, "修改亲属关系")

    r = chair_client.post(_url(cm.Kinship, "add"), {"person": b.pk, "relative": a.pk, "kind": "spouse"})
    assert r.status_code == 200
    assert "已登记了亲属关系" in r.content.decode()
    assert cm.Kinship.objects.count() == 1


def test_kinship_delete_goes_through_the_service(chair_client, chair, household):
    tie = cm.Kinship.objects.create(
        person=f.ResidentFactory(household=household),
        relative=f.ResidentFactory(household=household),
        kind="sibling",
    )
    r = chair_client.post(_url(cm.Kinship, "delete", tie.pk), {"post": "yes"})
    assert r.status_code == 302
    assert not cm.Kinship.objects.exists()
    gone = cm.Kinship.history.filter(id=tie.pk, history_type="-").get()
    assert gone.history_user == chair and gone.history_change_reason == "删除亲属关系"


def test_delete_of_a_household_with_residents_is_refused_with_a_message(chair_client, household):
    f.ResidentFactory(household=household)
    r = chair_client.post(_url(cm.Household, "delete", household.pk), {"post": "yes"}, follow=True)
    assert r.status_code == 200
    assert cm.Household.objects.filter(pk=household.pk).exists()


# -- terms, seats, representatives, supervision members ----------------------------------------


def _term_post(community, **overrides):
    return {
        "community": community.pk,
        "number": 9,
        "starts_on": "2021-01-01",
        "ends_on": "2026-01-01",
        **_mgmt("seats"),
        **_mgmt("representatives"),
        **_mgmt("supervisors"),
        **overrides,
    }


def test_term_add_and_change_go_through_the_service(chair_client, chair, community):
    r = chair_client.post(_url(cm.CommitteeTerm, "add"), _term_post(community, ends_on=""))
    assert r.status_code == 302, r.content.decode()[:3000]
    term = cm.CommitteeTerm.objects.get(number=9)
    assert term.ends_on.year == 2021 + community.rules.term_years
    _saved_by(term, chair, "新建届次")
    r = chair_client.post(_url(cm.CommitteeTerm, "change", term.pk), _term_post(community, number=10))
    assert r.status_code == 302, r.content.decode()[:3000]
    term.refresh_from_db()
    assert term.number == 10
    _saved_by(term, chair, "修改届次")


def test_overlapping_term_is_refused_on_the_form_and_writes_nothing(chair_client, community):
    f.CommitteeTermFactory(community=community, starts_on="2021-01-01", ends_on="2026-01-01")
    r = chair_client.post(_url(cm.CommitteeTerm, "add"), _term_post(community, starts_on="2023-01-01"))
    assert r.status_code == 200
    assert "任期重叠" in r.content.decode()
    assert cm.CommitteeTerm.objects.count() == 1


def test_term_seat_rows_go_through_the_service_and_the_max_counts_rows_of_one_submit(
    chair_client, chair, community
):
    term = f.CommitteeTermFactory(community=community)
    rules = community.rules
    rules.seats_min, rules.seats_max = 1, 2
    rules.save()
    people = [f.ResidentFactory(household=f.HouseholdFactory(community=community)) for _ in range(3)]
    rows = {}
    for i, person in enumerate(people):
        rows |= {f"seats-{i}-role": "member", f"seats-{i}-resident": person.pk}
    data = _term_post(
        community,
        number=term.number,
        starts_on=f"{term.starts_on:%Y-%m-%d}",
        ends_on=f"{term.ends_on:%Y-%m-%d}",
        **_mgmt("seats", total=3),
        **rows,
    )
    url = _url(cm.CommitteeTerm, "change", term.pk)
    r = chair_client.post(url, data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "最多2名" in html
    assert people[2].name in html  # the refused row is named
    assert not cm.CommitteeSeat.objects.exists()

    data["seats-TOTAL_FORMS"] = "2"
    r = chair_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    for seat in cm.CommitteeSeat.objects.all():
        _saved_by(seat, chair, "增加居委会成员")


def test_seat_admin_add_and_change_through_the_service(chair_client, chair, community):
    term = f.CommitteeTermFactory(community=community)
    person = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    r = chair_client.post(
        _url(cm.CommitteeSeat, "add"), {"term": term.pk, "resident": person.pk, "role": "member"}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    seat = cm.CommitteeSeat.objects.get()
    assert seat.starts_on == term.starts_on  # the service's default
    _saved_by(seat, chair, "增加居委会成员")
    r = chair_client.post(
        _url(cm.CommitteeSeat, "change", seat.pk),
        {"term": term.pk, "resident": person.pk, "role": "chair", "starts_on": f"{term.starts_on:%Y-%m-%d}"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    seat.refresh_from_db()
    assert seat.role == "chair"
    _saved_by(seat, chair, "修改居委会成员")


def test_seat_change_to_a_supervisors_sibling_is_refused(chair_client, community):
    term = f.CommitteeTermFactory(community=community)
    seat = f.CommitteeSeatFactory(term=term)
    supervisor = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    sibling = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    cm.Kinship.objects.create(person=sibling, relative=supervisor, kind=cm.Kinship.Kind.SIBLING)
    cm.SupervisionMember.objects.create(term=term, resident=supervisor)
    r = chair_client.post(
        _url(cm.CommitteeSeat, "change", seat.pk),
        {"term": term.pk, "resident": sibling.pk, "role": seat.role},
    )
    assert r.status_code == 200
    assert "近亲属" in r.content.decode()
    seat.refresh_from_db()
    assert seat.resident_id != sibling.pk


def test_representative_admin_add_and_change_through_the_service(chair_client, chair, community):
    term = f.CommitteeTermFactory(community=community)
    person = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    group = person.household.group
    r = chair_client.post(
        _url(cm.Representative, "add"), {"term": term.pk, "group": group.pk, "resident": person.pk}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    rep = cm.Representative.objects.get()
    _saved_by(rep, chair, "增加居民代表")
    r = chair_client.post(
        _url(cm.Representative, "change", rep.pk),
        {"term": term.pk, "group": group.pk, "resident": person.pk, "elected_on": "2024-03-01"},
    )
    assert r.status_code == 302
    _saved_by(rep, chair, "修改居民代表")


def test_representative_of_another_group_is_refused(chair_client, community):
    term = f.CommitteeTermFactory(community=community)
    person = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    other_group = f.ResidentsGroupFactory(community=community)
    r = chair_client.post(
        _url(cm.Representative, "add"), {"term": term.pk, "group": other_group.pk, "resident": person.pk}
    )
    assert r.status_code == 200
    assert "本人所在居民小组" in r.content.decode()
    assert not cm.Representative.objects.exists()


def test_supervision_member_admin_add_and_change_through_the_service(chair_client, chair, community):
    term = f.CommitteeTermFactory(community=community)
    person = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    r = chair_client.post(
        _url(cm.SupervisionMember, "add"), {"term": term.pk, "resident": person.pk, "role": "member"}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    member = cm.SupervisionMember.objects.get()
    _saved_by(member, chair, "增加居务监督委员")
    r = chair_client.post(
        _url(cm.SupervisionMember, "change", member.pk),
        {"term": term.pk, "resident": person.pk, "role": "chair"},
    )
    assert r.status_code == 302
    member.refresh_from_db()
    assert member.role == "chair"
    _saved_by(member, chair, "修改居务监督委员")


def test_supervision_change_to_a_committee_member_is_refused(chair_client, community):
    term = f.CommitteeTermFactory(community=community)
    seated = f.CommitteeSeatFactory(term=term).resident
    member = cm.SupervisionMember.objects.create(
        term=term, resident=f.ResidentFactory(household=f.HouseholdFactory(community=community))
    )
    r = chair_client.post(
        _url(cm.SupervisionMember, "change", member.pk),
        {"term": term.pk, "resident": seated.pk, "role": "member"},
    )
    assert r.status_code == 200
    assert "不能同时担任居务监督委员" in r.content.decode()
    member.refresh_from_db()
    assert member.resident_id != seated.pk


def test_office_delete_goes_through_the_service(chair_client, chair, community):
    seat = f.CommitteeSeatFactory(term=f.CommitteeTermFactory(community=community))
    r = chair_client.post(_url(cm.CommitteeSeat, "delete", seat.pk), {"post": "yes"})
    assert r.status_code == 302
    gone = cm.CommitteeSeat.history.filter(id=seat.pk, history_type="-").get()
    assert gone.history_user == chair and gone.history_change_reason == "删除任职记录"


def test_move_out_date_typed_in_the_resident_form_ends_the_residents_offices(chair_client, chair, household):
    term = f.CommitteeTermFactory(community=household.community)
    seat = f.CommitteeSeatFactory(term=term, resident=f.ResidentFactory(household=household))
    resident = seat.resident
    data = _resident_post(
        household,
        id_number=resident.id_number,
        name=resident.name,
        relation_to_head=resident.relation_to_head,
        moved_out_on="2026-11-30",
    )
    r = chair_client.post(_url(cm.Resident, "change", resident.pk), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    seat.refresh_from_db()
    assert str(seat.ended_on) == "2026-11-30"
    _saved_by(seat, chair, "随迁出离任")


def test_one_submit_may_end_a_supervisor_and_seat_their_sibling(chair_client, chair, community):
    """Rows are saved deletions first, then changes, then additions, across the inlines: the seat
    row comes first on the page but is judged after the supervisor's end date is saved."""
    term = f.CommitteeTermFactory(community=community)
    supervisor = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    sibling = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    cm.Kinship.objects.create(person=sibling, relative=supervisor, kind=cm.Kinship.Kind.SIBLING)
    member = cm.SupervisionMember.objects.create(term=term, resident=supervisor, role="member")
    data = _term_post(
        community,
        number=term.number,
        starts_on=f"{term.starts_on:%Y-%m-%d}",
        ends_on=f"{term.ends_on:%Y-%m-%d}",
        **_mgmt("seats", total=1),
        **{"seats-0-role": "member", "seats-0-resident": sibling.pk},
        **_mgmt("supervisors", total=1, initial=1),
        **{
            "supervisors-0-id": member.pk,
            "supervisors-0-term": term.pk,
            "supervisors-0-role": "member",
            "supervisors-0-resident": supervisor.pk,
            "supervisors-0-ended_on": f"{term.starts_on:%Y-%m-%d}",
        },
    )
    r = chair_client.post(_url(cm.CommitteeTerm, "change", term.pk), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    member.refresh_from_db()
    assert member.ended_on == term.starts_on
    _saved_by(member, chair, "修改居务监督委员")
    _saved_by(cm.CommitteeSeat.objects.get(resident=sibling), chair, "增加居委会成员")
