"""What the community already holds, loaded once per check in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from committee.models import Building, Household, Resident, ResidentsGroup
from core.models import Community

# ASCII digits only: \d would also read other scripts' digits as a group number.
_GROUP_NUMBER = re.compile(r"^第?([0-9]+)(组|小组|居民小组)?$")


@dataclass(frozen=True, slots=True)
class GroupRef:
    pk: int
    name: str


@dataclass(frozen=True, slots=True)
class BuildingRef:
    pk: int
    group_id: int


@dataclass(frozen=True, slots=True)
class HouseholdRef:
    pk: int
    address: str
    group_id: int


@dataclass(frozen=True, slots=True)
class PersonRef:
    name: str
    household: str  # its number


@dataclass
class Known:
    groups_by_number: dict[int, GroupRef]
    groups_by_name: dict[str, GroupRef]
    buildings: dict[str, BuildingRef]  # by name
    households: dict[str, HouseholdRef]  # by number
    heads: set[int]  # household pks that have a current head
    people: dict[str, PersonRef]  # by ID number

    def group(self, value: str) -> GroupRef | None:
        """A group by its name, or by its number written as 3, 第3组, 3小组."""
        if value in self.groups_by_name:
            return self.groups_by_name[value]
        m = _GROUP_NUMBER.match(value)
        return self.groups_by_number.get(int(m.group(1))) if m else None


def load_known(community: Community) -> Known:
    """Everything the checks need, in five queries whatever the file's size."""
    groups = list(ResidentsGroup.objects.filter(community=community).values_list("pk", "number", "name"))
    buildings = Building.objects.filter(community=community).values_list("pk", "name", "group_id")
    households = Household.objects.filter(community=community).values_list(
        "pk", "number", "address", "group_id"
    )
    heads = Resident.objects.filter(
        community=community,
        relation_to_head=Resident.Relation.HEAD,
        moved_out_on__isnull=True,
        deceased_on__isnull=True,
    ).values_list("household_id", flat=True)
    people = Resident.objects.filter(community=community).values_list(
        "id_number", "name", "household__number"
    )
    return Known(
        groups_by_number={number: GroupRef(pk, name) for pk, number, name in groups},
        groups_by_name={name: GroupRef(pk, name) for pk, _n, name in groups},
        buildings={name: BuildingRef(pk, group_id) for pk, name, group_id in buildings},
        households={
            number: HouseholdRef(pk, address, group_id) for pk, number, address, group_id in households
        },
        heads=set(heads),
        people={number: PersonRef(name, household) for number, name, household in people},
    )
