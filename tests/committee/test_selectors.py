"""Close relatives and the supervision conflict rule."""

import pytest

from committee import models as cm
from committee.selectors import are_close_relatives, close_relative_ids, supervision_conflict
from core.scoping import communities_for_user, community_ids_for_user
from tests import factories as f

pytestmark = pytest.mark.django_db
R = cm.Resident.Relation


def test_registered_kinship_reads_both_directions():
    a, b = f.ResidentFactory(), None
    b = f.ResidentFactory(household=f.HouseholdFactory(community=a.community))
    cm.Kinship.objects.create(person=a, relative=b, kind=cm.Kinship.Kind.SIBLING)
    assert close_relative_ids(a) == {b.pk}
    assert close_relative_ids(b) == {a.pk}
    assert are_close_relatives(a, b) and are_close_relatives(b, a)
    assert not are_close_relatives(a, a)


def test_household_members_are_close_relatives_but_lodgers_are_not():
    head = f.ResidentFactory(relation_to_head=R.HEAD)
    spouse = f.ResidentFactory(household=head.household, relation_to_head=R.SPOUSE)
    child = f.ResidentFactory(household=head.household, relation_to_head=R.CHILD)
    lodger = f.ResidentFactory(household=head.household, relation_to_head=R.NON_RELATIVE)
    assert close_relative_ids(head) == {spouse.pk, child.pk}
    assert head.pk in close_relative_ids(child)
    assert close_relative_ids(lodger) == set()
    assert not are_close_relatives(head, lodger)


def test_unrelated_neighbours_are_not_relatives():
    a = f.ResidentFactory()
    b = f.ResidentFactory(household=f.HouseholdFactory(community=a.community))
    assert not are_close_relatives(a, b)


def test_supervision_conflict_for_member_and_their_sibling():
    seat = f.CommitteeSeatFactory(role=cm.CommitteeSeat.Role.CHAIR)
    member = seat.resident
    sibling = f.ResidentFactory(household=f.HouseholdFactory(community=member.community))
    cm.Kinship.objects.create(person=sibling, relative=member, kind=cm.Kinship.Kind.SIBLING)
    stranger = f.ResidentFactory(household=f.HouseholdFactory(community=member.community))
    assert (
        supervision_conflict(resident=member, term=seat.term)
        == f"{member.name}是本届居委会主任，不能同时担任居务监督委员。"
    )
    msg = supervision_conflict(resident=sibling, term=seat.term)
    assert "近亲属" in msg and member.name in msg
    assert supervision_conflict(resident=stranger, term=seat.term) is None
    # A member who left the committee no longer bars their relatives.
    seat.ended_on = seat.term.starts_on
    seat.save()
    assert supervision_conflict(resident=sibling, term=seat.term) is None


def test_communities_for_user_own_and_street_office():
    a, b = f.CommunityFactory(), f.CommunityFactory()
    c = f.CommunityFactory(street_office=a.street_office)
    chair = f.staff_user(communities=[a])
    street = f.staff_user(role="街道", street_office=a.street_office)
    assert set(communities_for_user(chair)) == {a}
    assert set(community_ids_for_user(street)) == {a.pk, c.pk}
    assert b.pk not in community_ids_for_user(street)
    assert community_ids_for_user(f.UserFactory(is_superuser=True)) is None
