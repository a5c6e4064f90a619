"""The resident changelist search: each kind of term finds what staff expect, on an index, in scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee.models import ResidentsGroup
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


def test_superuser_searches_every_community(client, world):
    client.force_login(staff_user(communities=[], is_superuser=True))
    assert names(client.get(URL, {"q": "张伟"})) == ["张伟", "张伟"]
