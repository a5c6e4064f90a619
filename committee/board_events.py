"""What building-captain nominations do when the board posting that lists them opens or closes.

Registered with ``notices.handoff`` in ``CommitteeConfig.ready()``. The posting lists several
nominations; each is told separately and at most once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from committee.captains import CAPTAIN_FLOW
from committee.models import BuildingCaptain
from core.governed import save_governed
from notices import handoff


@transaction.atomic
def captain_posting_closed(captain: BuildingCaptain, change: handoff.WindowChange) -> None:
    """A withdrawn list voids the posting of its nominations (they may be posted again); a corrected
    list carries them on (objections are filed on the new version)."""
    captain = BuildingCaptain.objects.select_for_update().get(pk=captain.pk)
    if captain.status != BuildingCaptain.Status.POSTED or captain.posting_id != change.posting.pk:
        return  # already decided, or posted again since: nothing to do
    if change.reason == "withdrawn":
        CAPTAIN_FLOW.apply(captain, "withdrawn", actor=None, note=change.posting.title)
        captain.posting_id = None
        captain.posting_starts_on = captain.posting_ends_on = None
        save_governed(captain, actor=None, reason=_("公示已撤回，提名退回待公示"), validate=False)
    elif change.reason == "replaced":
        new = change.posting.superseded_by
        CAPTAIN_FLOW.apply(captain, "carried", actor=None, note=new.title)
        captain.posting_id = new.pk
        save_governed(captain, actor=None, reason=_("公示已更正，随新版本继续公示"), validate=False)


def register() -> None:
    handoff.on_window(BuildingCaptain, closed=captain_posting_closed)
