"""Writes to the registry of households, residents and their kinship (STYLE.md #1, #4, #9, #12)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from committee.captains import CAPTAIN_FLOW
from committee.models import (
    Building,
    BuildingCaptain,
    CommitteeSeat,
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
    """Change a resident's registration. Moving to a household of another community is refused."""
    unknown = set(changes) - _RESIDENT_EDITABLE
    if unknown:
        raise TypeError(f"resident_update: not editable: {sorted(unknown)}")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_scope(actor, resident.community_id)
    household = changes.get("household")
    if household is not None and household.community_id != resident.community_id:
        raise RuleViolation({"household": [_("不能把居民转入其他社区的户；请在新社区重新登记。")]})
    for name, value in changes.items():
        setattr(resident, name, value)
    save_governed(resident, actor=actor, reason=_("修改居民信息"))
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
    reason = _("随迁出离任")
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
    return resident


@transaction.atomic
def kinship_add(*, person: Resident, relative: Resident, kind: str, actor: User | None) -> Kinship:
    check_scope(actor, person.community_id)
    kinship = Kinship(person=person, relative=relative, kind=kind, community_id=person.community_id)
    save_governed(kinship, actor=actor, reason=_("登记亲属关系"))
    return kinship
