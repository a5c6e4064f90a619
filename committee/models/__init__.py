"""The committee registry: residents' groups, buildings, households, residents and the bodies that
govern them, in modules by concept (places, people, offices, captains); every name is importable
from ``committee.models`` as before.

Rules that must always hold are database constraints; rules about one row and the rows it points to
are checked in ``clean()`` (which every service calls through ``core.governed.save_governed``);
rules that read other rows, where a race is possible, are checked under a row lock in
``committee.services``.
"""

from committee.models.captains import BuildingCaptain
from committee.models.offices import CommitteeSeat, CommitteeTerm, Representative, SupervisionMember
from committee.models.people import Kinship, Resident
from committee.models.places import Building, Household, ResidentsGroup

__all__ = [
    "Building",
    "BuildingCaptain",
    "CommitteeSeat",
    "CommitteeTerm",
    "Household",
    "Kinship",
    "Representative",
    "Resident",
    "ResidentsGroup",
    "SupervisionMember",
]
