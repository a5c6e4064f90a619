"""Writes to the committee registry (STYLE.md #1, #4, #9, #12), by concept: households and residents,
the committee's offices, building captains.

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
    household_create,
    kinship_add,
    resident_create,
    resident_move_out,
    resident_update,
)
from committee.services.offices import (
    SeatAdded,
    lock_term,
    representative_add,
    seat_add,
    seat_check,
    seat_supervision_check,
    seat_warnings,
    supervision_check,
    supervision_member_add,
    term_create,
)

__all__ = [
    "CaptainsPosted",
    "SeatAdded",
    "captain_confirm",
    "captain_end",
    "captain_nominate",
    "captain_reject",
    "captains_post",
    "captains_post_plan",
    "household_create",
    "kinship_add",
    "lock_term",
    "representative_add",
    "resident_create",
    "resident_move_out",
    "resident_update",
    "seat_add",
    "seat_check",
    "seat_supervision_check",
    "seat_warnings",
    "supervision_check",
    "supervision_member_add",
    "term_create",
]
