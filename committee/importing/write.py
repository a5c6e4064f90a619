"""Writing a checked file: households and residents in bulk, with history rows and one audit entry."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from committee.importing.check import import_plan
from committee.importing.records import ImportPlan, ImportRefused, ImportResult
from committee.models import Household, Resident
from core.errors import RuleViolation
from core.governed import check_scope, integrity_message
from core.models import Community, User

BATCH = 2000


@transaction.atomic
def residents_import(
    *, community: Community, data: bytes, file_name: str, actor: User | None, at: dt.datetime | None = None
) -> ImportResult:
    """Import every row of the file, or nothing (raises :class:`ImportRefused` listing bad rows).

    The file is checked again here, under a lock on the community so two imports into one
    community run one after the other; the preview is never trusted.
    """
    check_scope(actor, community.pk)
    at = at or timezone.now()
    community = Community.objects.select_for_update().get(pk=community.pk)
    plan = import_plan(community=community, data=data, file_name=file_name, at=at)
    if not plan.ok:
        raise ImportRefused(plan)
    history = {
        "batch_size": BATCH,
        "default_user": actor,
        "default_change_reason": _("导入文件“%(file)s”") % {"file": file_name},
        "default_date": at,
    }
    try:
        with transaction.atomic():
            households = _create_households(plan, history)
            residents = _create_residents(plan, households, history)
    except IntegrityError as e:  # a resident registered by hand between check and write
        raise RuleViolation(integrity_message(e)) from e
    entry = _audit(plan, actor=actor, at=at, households=len(households), residents=residents)
    return ImportResult(households_created=len(households), residents_created=residents, log_entry=entry)


def _create_households(plan: ImportPlan, history: dict) -> dict[str, int]:
    """The file's new households; returns their numbers' primary keys."""
    households: dict[str, Household] = {}
    for row in plan.rows:
        if row.new_household and row.household not in households:
            households[row.household] = Household(
                community=plan.community,
                number=row.household,
                address=row.address,
                group_id=row.group_id,
                building_id=row.building_id,
            )
    created = bulk_create_with_history(list(households.values()), Household, **history)
    return {h.number: h.pk for h in created}


def _create_residents(plan: ImportPlan, new_households: dict[str, int], history: dict) -> int:
    household_ids = dict(new_households)
    joining = {r.household for r in plan.rows if not r.new_household}
    if joining:
        household_ids.update(
            Household.objects.filter(community=plan.community, number__in=joining).values_list("number", "pk")
        )
    residents = [
        Resident(
            community=plan.community,
            household_id=household_ids[row.household],
            name=row.name,
            id_number=row.id_number,
            sex=row.sex,
            birth_date=row.birth_date,
            phone=row.phone,
            relation_to_head=row.relation,
            residence=row.residence,
            moved_in_on=row.moved_in_on,
            notes=row.notes,
        )
        for row in plan.rows
    ]
    bulk_create_with_history(residents, Resident, **history)
    return len(residents)


def _audit(
    plan: ImportPlan, *, actor: User | None, at: dt.datetime, households: int, residents: int
) -> LogEntry:
    """One admin log entry: who imported which file (by its hash), when, and what it created."""
    message = _("导入文件“%(file)s”（SHA-256 %(hash)s）：新建%(households)d户，新增%(residents)d名居民。") % {
        "file": plan.file_name,
        "hash": plan.sha256[:16],
        "households": households,
        "residents": residents,
    }
    return LogEntry.objects.create(
        user_id=actor.pk if actor is not None else _system_user().pk,
        content_type=ContentType.objects.get_for_model(Community),
        object_id=str(plan.community.pk),
        object_repr=str(plan.community)[:200],
        action_flag=ADDITION,
        change_message=message,
        action_time=at,
    )


def _system_user() -> User:
    """LogEntry needs a user; imports run by a system job are recorded under this account."""
    user, _created = User.objects.get_or_create(
        username="system", defaults={"full_name": "系统", "is_active": False}
    )
    return user
