"""Writes to the committee registry (STYLE.md #1, #4, #9, #12), by concept: households and residents,
the committee's offices, building captains. The admin saves through them as well (one write path).

Every service is keyword-only and atomic, calls ``full_clean()``, translates a database constraint
into a :class:`~core.errors.RuleViolation` with a Chinese message, records the acting user in the
history (simple-history), and, when an ``actor`` is given, refuses records of communities the actor
does not serve. ``actor=None`` is for system jobs (imports, the demo seed).
"""

from committee.services.captains import (
    CaptainsPosted,
    captain_confirm,
    captain_end,
    captain_nominate,
    captain_reject,
    captains_post,
    captains_post_plan,
)
from committee.services.households import (
    building_create,
    building_update,
    household_create,
    household_update,
    kinship_add,
    kinship_remove,
    kinship_update,
    registry_record_delete,
    resident_create,
    resident_move_out,
    resident_update,
    residents_group_create,
    residents_group_update,
)
from committee.services.offices import (
    SeatAdded,
    lock_term,
    office_remove,
    representative_add,
    representative_update,
    seat_add,
    seat_check,
    seat_supervision_check,
    seat_update,
    seat_warnings,
    supervision_check,
    supervision_member_add,
    supervision_member_update,
    term_create,
    term_update,
)

__all__ = [
    "CaptainsPosted",
    "SeatAdded",
    "building_create",
    "building_update",
    "captain_confirm",
    "captain_end",
    "captain_nominate",
    "captain_reject",
    "captains_post",
    "captains_post_plan",
    "household_create",
    "household_update",
    "kinship_add",
    "kinship_remove",
    "kinship_update",
    "lock_term",
    "office_remove",
    "registry_record_delete",
    "representative_add",
    "representative_update",
    "resident_create",
    "resident_move_out",
    "resident_update",
    "residents_group_create",
    "residents_group_update",
    "seat_add",
    "seat_check",
    "seat_supervision_check",
    "seat_update",
    "seat_warnings",
    "supervision_check",
    "supervision_member_add",
    "supervision_member_update",
    "term_create",
    "term_update",
]
