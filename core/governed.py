"""The one way every app saves a governed record, and the scope check of services."""

from __future__ import annotations

import functools

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BaseConstraint
from django.utils.translation import gettext as _

from core.dates import out_of_range_fields
from core.errors import RuleViolation, ScopeDenied
from core.models import User
from core.scoping import community_ids_for_user


@functools.cache
def _constraints() -> dict[str, BaseConstraint]:
    """Every constraint of every model, by name (names are unique across the project)."""
    return {c.name: c for model in apps.get_models() for c in model._meta.constraints}


def integrity_message(error: IntegrityError) -> str:
    """The message declared on the database constraint that refused a write (``Meta.constraints``,
    ``violation_error_message``), so a race that slips past ``clean()`` still reads well."""
    cause = getattr(error, "__cause__", None)
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    constraints = _constraints()
    constraint = constraints.get(name)
    if constraint is None:  # SQLite names the constraint only in the message text
        text = str(error)
        found = [c for n, c in constraints.items() if n in text]
        constraint = max(found, key=lambda c: len(c.name)) if found else None
    if (
        constraint is not None
        and constraint.violation_error_message != constraint.default_violation_error_message
    ):
        return str(constraint.get_violation_error_message())
    return _("保存失败：数据与已有记录冲突，请检查后重试。")


def save_governed(obj, *, actor: User | None, reason: str, validate: bool = True, exclude=None) -> None:
    """full_clean, save in a savepoint, constraint errors as RuleViolation, actor in the history.

    The one way every app's services save a governed record. Every date and datetime field is
    checked against the portal's range (1900-2100, ``core.dates``) before ``clean()`` computes
    anything from it, and again after (``clean()`` may fill in a date, e.g. a term's end).
    """
    if validate:
        _refuse_dates_out_of_range(obj)
        try:
            obj.full_clean(exclude=exclude)
        except RuleViolation:
            raise
        except ValidationError as e:
            raise RuleViolation(e.message_dict if hasattr(e, "error_dict") else e.messages) from e
        _refuse_dates_out_of_range(obj)
    obj._history_user = actor
    obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as e:
        raise RuleViolation(integrity_message(e)) from e


def _refuse_dates_out_of_range(obj) -> None:
    errors = out_of_range_fields(obj)
    if errors:
        raise RuleViolation(errors)


def check_scope(actor: User | None, community_id: int | None) -> None:
    """Refuse an actor who does not serve ``community_id`` (system jobs pass ``actor=None``)."""
    if actor is None or community_id is None:
        return
    ids = community_ids_for_user(actor)
    if ids is not None and community_id not in ids:
        raise ScopeDenied(_("您无权管理该社区的记录。"))
