"""What a voter roll does when the board posting that publishes it closes (``notices.handoff``):
expired → the roll is frozen and the election moves on; withdrawn → the election goes back to
draft; corrected → the roll follows the new version."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.governed import save_governed
from elections.models import Election, VoterRoll
from elections.services.common import lock, step
from elections.services.roll import roll_freeze
from notices import handoff


@transaction.atomic
def roll_posting_closed(roll: VoterRoll, change: handoff.WindowChange) -> None:
    roll = VoterRoll.objects.select_for_update().select_related("election").get(pk=roll.pk)
    if roll.posting_id != change.posting.pk:
        return  # posted again since, or already handled
    if change.reason == "expired":
        roll_freeze(roll=roll, at=change.boundary_at)
    elif change.reason == "withdrawn":
        election = lock(roll.election)
        if election.status == Election.Status.ROLL_POSTED:
            step(election, "roll_withdrawn", actor=None, at=change.boundary_at, note=change.posting.title)
        roll.posting_id = None
        roll.posted_at = roll.objections_close_at = None
        save_governed(roll, actor=None, reason=_("选民名单公示已撤回"), validate=False)
    elif change.reason == "replaced":
        new = change.posting.superseded_by
        roll.posting_id = new.pk
        if new.expire_at:
            roll.objections_close_at = new.expire_at
        save_governed(roll, actor=None, reason=_("选民名单公示已更正，随新版本继续公示"), validate=False)


def register() -> None:
    handoff.on_window(VoterRoll, closed=roll_posting_closed)
