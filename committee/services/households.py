"""Writes to the registry of residents' groups, buildings, households, residents and their kinship
(STYLE.md #1, #4, #9, #12). The admin saves through these too (``committee.admin.registry``)."""

import datetime as dt

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from committee.captains import CAPTAIN_FLOW
from committee.models import (
    Building,
    BuildingCaptain,
    CommitteeSeat,
    CommitteeTerm,
    Household,
    Kinship,
    Representative,
    Resident,
    ResidentsGroup,
    SupervisionMember,
)
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User


def _apply(obj, changes: dict, editable: set[str], *, actor: User | None, reason: str):
    """Set the editable ``changes`` on a locked row and save it governed (an unknown field is a bug
    of the caller, not a user error)."""
    unknown = set(changes) - editable
    if unknown:
        raise TypeError(f"{type(obj).__name__}: not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)
    save_governed(obj, actor=actor, reason=reason)
    return obj


@transaction.atomic
def residents_group_create(
    *, community: Community, number: int, name: str, actor: User | None, leader: Resident | None = None
) -> ResidentsGroup:
    check_scope(actor, community.pk)
    group = ResidentsGroup(community=community, number=number, name=name.strip(), leader=leader)
    save_governed(group, actor=actor, reason=_("新建居民小组"))
    return group


@transaction.atomic
def residents_group_update(*, group: ResidentsGroup, actor: User | None, **changes) -> ResidentsGroup:
    """Rename, renumber or change the leader (who must live in the community: ``clean()``)."""
    group = ResidentsGroup.objects.select_for_update().get(pk=group.pk)
    check_scope(actor, group.community_id)
    if "community" in changes and changes["community"].pk != group.community_id:
        raise RuleViolation({"community": [_("居民小组不能转到其他社区。")]})
    changes.pop("community", None)
    return _apply(group, changes, {"number", "name", "leader"}, actor=actor, reason=_("修改居民小组"))


@transaction.atomic
def building_create(
    *,
    community: Community,
    group: ResidentsGroup,
    name: str,
    actor: User | None,
    floors: int | None = None,
) -> Building:
    check_scope(actor, community.pk)
    building = Building(community=community, group=group, name=name.strip(), floors=floors)
    save_governed(building, actor=actor, reason=_("登记楼栋"))
    return building


@transaction.atomic
def building_update(*, building: Building, actor: User | None, **changes) -> Building:
    building = Building.objects.select_for_update().get(pk=building.pk)
    check_scope(actor, building.community_id)
    if "community" in changes and changes["community"].pk != building.community_id:
        raise RuleViolation({"community": [_("楼栋不能转到其他社区。")]})
    changes.pop("community", None)
    return _apply(building, changes, {"group", "name", "floors"}, actor=actor, reason=_("修改楼栋"))


@transaction.atomic
def household_create(
    *,
    community: Community,
    number: str,
    address: str,
    group: ResidentsGroup,
    building: Building | None = None,
    actor: User | None,
) -> Household:
    check_scope(actor, community.pk)
    household = Household(
        community=community, number=number.strip(), address=address.strip(), group=group, building=building
    )
    save_governed(household, actor=actor, reason=_("登记户"))
    return household


@transaction.atomic
def household_update(*, household: Household, actor: User | None, **changes) -> Household:
    """Change a household's number, address, group or building. A household never changes community:
    its residents were registered there (one person once per community, DOMAIN.md)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_scope(actor, household.community_id)
    if "community" in changes and changes["community"].pk != household.community_id:
        raise RuleViolation({"community": [_("户不能转到其他社区；请在新社区重新登记。")]})
    changes.pop("community", None)
    for name in ("number", "address"):
        if name in changes:
            changes[name] = changes[name].strip()
    return _apply(
        household, changes, {"number", "address", "group", "building"}, actor=actor, reason=_("修改户信息")
    )


@transaction.atomic
def resident_create(
    *,
    household: Household,
    name: str,
    id_number: str,
    relation_to_head: str,
    actor: User | None,
    community: Community | None = None,
    phone: str = "",
    residence: str = Resident.Residence.REGISTERED,
    moved_in_on: dt.date | None = None,
    moved_out_on: dt.date | None = None,
    deceased_on: dt.date | None = None,
    notes: str = "",
) -> Resident:
    """Register a resident in a household. ``community``, if given, must be the household's: a
    household of another community is refused (one person once per community, DOMAIN.md)."""
    if community is not None and household.community_id != community.pk:
        raise RuleViolation(
            {"household": [_("所选户不属于%(community)s，不能跨社区登记。") % {"community": community.name}]}
        )
    check_scope(actor, household.community_id)
    resident = Resident(
        household=household,
        community_id=household.community_id,
        name=name.strip(),
        id_number=id_number,
        relation_to_head=relation_to_head,
        phone=phone.strip(),
        residence=residence,
        moved_in_on=moved_in_on,
        moved_out_on=moved_out_on,
        deceased_on=deceased_on,
        notes=notes,
    )
    save_governed(resident, actor=actor, reason=_("登记居民"))
    return resident


_RESIDENT_EDITABLE = {
    "name",
    "id_number",
    "phone",
    "relation_to_head",
    "residence",
    "moved_in_on",
    "moved_out_on",
    "deceased_on",
    "notes",
    "household",
}


@transaction.atomic
def resident_update(*, resident: Resident, actor: User | None, **changes) -> Resident:
    """Change a resident's registration. Moving to a household of another community is refused.

    A move-out or death date entered here ends the resident's open offices that day, the same as
    :func:`resident_move_out` (the admin's form has both dates)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_scope(actor, resident.community_id)
    household = changes.get("household")
    if household is not None and household.community_id != resident.community_id:
        raise RuleViolation({"household": [_("不能把居民转入其他社区的户；请在新社区重新登记。")]})
    was_current = resident.is_current
    _apply(resident, changes, _RESIDENT_EDITABLE, actor=actor, reason=_("修改居民信息"))
    if was_current and not resident.is_current:
        left_on = min(d for d in (resident.moved_out_on, resident.deceased_on) if d is not None)
        reason = _("随迁出离任") if resident.moved_out_on else _("随去世离任")
        _end_offices(resident, on=left_on, actor=actor, reason=reason)
    return resident


@transaction.atomic
def resident_move_out(*, resident: Resident, on: dt.date, actor: User | None, note: str = "") -> Resident:
    """Record a move out; the resident's open offices in the community end the same day."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_scope(actor, resident.community_id)
    if resident.moved_out_on is not None:
        raise RuleViolation(
            _("%(name)s已于%(date)s迁出。") % {"name": resident.name, "date": resident.moved_out_on}
        )
    resident.moved_out_on = on
    if note:
        resident.notes = (resident.notes + "\n" + note).strip()
    save_governed(resident, actor=actor, reason=_("迁出"))
    _end_offices(resident, on=on, actor=actor, reason=_("随迁出离任"))
    return resident


def _end_offices(resident: Resident, *, on: dt.date, actor: User | None, reason: str) -> None:
    """A resident who leaves the community leaves every office in it the same day (DOMAIN.md)."""
    for model in (CommitteeSeat, Representative, SupervisionMember):
        for office in model.objects.filter(resident=resident, ended_on__isnull=True):
            office.ended_on = on
            save_governed(office, actor=actor, reason=reason, validate=False)
    for captain in BuildingCaptain.objects.filter(
        resident=resident, status__in=[BuildingCaptain.Status.CONFIRMED, BuildingCaptain.Status.NOMINATED]
    ):
        step = "end" if captain.status == BuildingCaptain.Status.CONFIRMED else "reject"
        CAPTAIN_FLOW.apply(captain, step, actor=actor, note=str(reason))
        captain.decision_note = (captain.decision_note + "\n" + str(reason)).strip()
        save_governed(captain, actor=actor, reason=reason, validate=False)


def _lock_pair(*residents: Resident) -> None:
    """Kinship rules read the tie in both directions: lock both residents in a fixed order, so two
    staff entering the same tie from either side queue instead of both passing the check."""
    list(Resident.objects.select_for_update().filter(pk__in=[r.pk for r in residents]).order_by("pk"))


@transaction.atomic
def kinship_add(*, person: Resident, relative: Resident, kind: str, actor: User | None) -> Kinship:
    """Record a family tie (stored once, read both ways: ``Kinship.clean`` refuses the reverse twin)."""
    check_scope(actor, person.community_id)
    _lock_pair(person, relative)
    kinship = Kinship(person=person, relative=relative, kind=kind, community_id=person.community_id)
    save_governed(kinship, actor=actor, reason=_("登记亲属关系"))
    return kinship


@transaction.atomic
def kinship_update(*, kinship: Kinship, actor: User | None, **changes) -> Kinship:
    kinship = Kinship.objects.select_for_update().get(pk=kinship.pk)
    check_scope(actor, kinship.community_id)
    person = changes.get("person", kinship.person)
    check_scope(actor, person.community_id)
    _lock_pair(person, changes.get("relative", kinship.relative))
    if "person" in changes:
        kinship.community_id = person.community_id
    return _apply(kinship, changes, {"person", "kind", "relative"}, actor=actor, reason=_("修改亲属关系"))


@transaction.atomic
def kinship_remove(*, kinship: Kinship, actor: User | None) -> None:
    kinship = Kinship.objects.select_for_update().get(pk=kinship.pk)
    check_scope(actor, kinship.community_id)
    kinship._history_user = actor
    kinship._change_reason = _("删除亲属关系")
    kinship.delete()


@transaction.atomic
def registry_record_delete(
    *, record: ResidentsGroup | Building | Household | Resident | CommitteeTerm, actor: User | None
) -> None:
    """Delete a record entered by mistake. A record others still point to is refused by the
    database (``PROTECT``) with a plain reason; a resident who leaves is moved out, not deleted."""
    model = type(record)
    record = model.objects.select_for_update().get(pk=record.pk)
    check_scope(actor, record.community_id)
    record._history_user = actor
    record._change_reason = _("删除")
    try:
        with transaction.atomic():
            record.delete()
    except ProtectedError as e:
        raise RuleViolation(
            _("“%(record)s”仍有关联的记录（如居民、楼栋或任职），不能删除。") % {"record": record}
        ) from e
