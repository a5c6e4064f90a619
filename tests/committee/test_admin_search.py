"""The resident changelist search: each kind of term finds what staff expect, on an index, in scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee.models import ResidentsGroup
from core.idnumbers import id_check_char, mask_id
from tests.factories import CommunityFactory, HouseholdFactory, ResidentFactory, staff_user

pytestmark = pytest.mark.django_db

URL = reverse("admin:committee_resident_changelist")


@pytest.fixture
def world():
    mine, other = CommunityFactory(), CommunityFactory()
    g = ResidentsGroup.objects.create(community=mine, number=1, name="第一居民小组")
    g2 = ResidentsGroup.objects.create(community=other, number=1, name="第一居民小组")
    h1 = HouseholdFactory(community=mine, group=g, number="0100123", address="幸福里3号楼2单元501室")
    h2 = HouseholdFactory(community=mine, group=g, number="0100456", address="幸福里5号楼1单元101室")
    far = HouseholdFactory(community=other, group=g2, number="0100123", address="幸福里3号楼2单元501室")
    people = {
        "zhang": ResidentFactory(household=h1, name="张伟", phone="13900001111"),
        "wang": ResidentFactory(household=h2, name="王芳", phone="13900002222"),
        "smith": ResidentFactory(household=h2, name="John Smith", phone=""),
        "far": ResidentFactory(household=far, name="张伟", phone="13900001111"),
    }
    return mine, people


def names(response) -> list[str]:
    return sorted(r.name for r in response.context["cl"].result_list)


@pytest.mark.parametrize(
    "term, expected",
    [
        ("张伟", ["张伟"]),
        ("王", ["王芳"]),
        ("3号楼", ["张伟"]),  # part of an address
        ("5号楼 王", ["王芳"]),  # words are ANDed
        ("0100456", ["John Smith", "王芳"]),  # household number
        ("456", ["John Smith", "王芳"]),  # part of one
        ("13900001111", ["张伟"]),  # phone
        ("smith", ["John Smith"]),  # Latin letters: case-insensitive
        ("李", []),
    ],
)
def test_search_terms(client, world, term, expected, django_assert_max_num_queries):
    community, _people = world
    client.force_login(staff_user(communities=[community]))
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": term})
    assert response.status_code == 200
    assert names(response) == expected  # never the namesake of the other community


def test_search_by_id_number_uses_the_exact_number(client, world):
    community, people = world
    client.force_login(staff_user(communities=[community]))
    zhang = people["zhang"]
    assert names(client.get(URL, {"q": zhang.id_number.lower()})) == ["张伟"]
    assert names(client.get(URL, {"q": people["far"].id_number})) == []  # other community's person


def _id_ending_in_x() -> str:
    """A valid ID number whose check character is X (about one in eleven are)."""
    for order in range(1, 1000):
        first17 = f"110101198805{order % 28 + 1:02d}{order:03d}"[:17]
        if id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError("no ID ending in X")


@pytest.fixture
def masked_world(world):
    community, people = world
    zhang = people["zhang"]
    xman = ResidentFactory(household=zhang.household, name="孙小美", id_number=_id_ending_in_x(), phone="")
    landline = ResidentFactory(household=zhang.household, name="钱多多", phone="010-62345678")
    return community, {**people, "x": xman, "landline": landline}


def test_search_by_what_the_masked_list_shows(client, masked_world, django_assert_max_num_queries):
    """The list shows 110101********1234: the last four, or the masked form itself, find the person."""
    community, people = masked_world
    client.force_login(staff_user(communities=[community]))
    zhang, xman = people["zhang"], people["x"]
    for term in [zhang.id_number[-4:], mask_id(zhang.id_number)]:
        with django_assert_max_num_queries(10):
            response = client.get(URL, {"q": term})
        assert zhang.name in names(response), term
        assert people["far"].pk not in [r.pk for r in response.context["cl"].result_list]
    # What the changelist shows is what staff type back.
    listed = client.get(URL).content.decode()
    assert mask_id(xman.id_number) in listed
    for term in [xman.id_number[-4:], xman.id_number[-4:].lower(), mask_id(xman.id_number).lower()]:
        assert names(client.get(URL, {"q": term})) == ["孙小美"], term
    # A masked form whose visible part does not fit finds nobody.
    wrong = "999999********" + zhang.id_number[-4:]
    assert names(client.get(URL, {"q": wrong})) == []


@pytest.mark.parametrize(
    "term, expected",
    [
        ("139 0000 1111", ["张伟"]),
        ("139-0000-1111", ["张伟"]),
        ("+86 139 0000 1111", ["张伟"]),
        ("+8613900001111", ["张伟"]),
        ("(010) 6234 5678", ["钱多多"]),  # a landline, stored with its dash
        ("01062345678", ["钱多多"]),
        ("010-62345678", ["钱多多"]),
    ],
)
def test_search_by_phone_as_people_write_it(
    client, masked_world, term, expected, django_assert_max_num_queries
):
    community, _people = masked_world
    client.force_login(staff_user(communities=[community]))
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": term})
    assert names(response) == expected


def test_superuser_searches_every_community(client, world):
    client.force_login(staff_user(communities=[], is_superuser=True))
    assert names(client.get(URL, {"q": "张伟"})) == ["张伟", "张伟"]


# --- Household changelist: the 人数 column counts people, whatever the search joins ----------------

HOUSEHOLDS = reverse("admin:committee_household_changelist")


def test_household_search_by_resident_name_keeps_the_member_count(client, django_assert_max_num_queries):
    community = CommunityFactory()
    group = ResidentsGroup.objects.create(community=community, number=1, name="第一居民小组")
    home = HouseholdFactory(community=community, group=group, number="0200001", address="和平里1号楼101室")
    for name in ["张伟", "张丽", "张强", "王芳", "李娜"]:
        ResidentFactory(household=home, name=name)
    gone = ResidentFactory(household=home, name="张老")
    gone.moved_out_on = gone.created_at.date()
    gone.save()
    client.force_login(staff_user(communities=[community]))
    # "张" matches four of the household's residents: a join on residents used to count 6 × 4 = 24.
    with django_assert_max_num_queries(10):
        response = client.get(HOUSEHOLDS, {"q": "张"})
    rows = list(response.context["cl"].result_list)
    assert [h.number for h in rows] == ["0200001"]  # the household once, not once per match
    assert response.context["cl"].model_admin.member_count(rows[0]) == 5  # in the register now
    # The column sorts by the same figure.
    response = client.get(HOUSEHOLDS, {"q": "张", "o": "6"})
    assert response.status_code == 200
    assert '<td class="field-member_count">5</td>' in response.content.decode()
