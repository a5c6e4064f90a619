"""Helpers shared by the election services: locking an election and applying one workflow step."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from elections.flow import ELECTION_FLOW
from elections.models import Election


def lock(election: Election) -> Election:
    """The election's row, locked for the rest of the transaction (STYLE.md #12)."""
    return (
        Election.objects.select_for_update(of=("self",))
        .select_related("community", "parent")
        .get(pk=election.pk)
    )


def step(
    election: Election, name: str, *, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> Election:
    """Apply workflow step ``name`` to a locked election and save it (raises RuleViolation)."""
    at = at or timezone.now()
    check_scope(actor, election.community_id)
    ELECTION_FLOW.apply(election, name, actor=actor, at=at, note=note)
    save_governed(election, actor=actor, reason=str(ELECTION_FLOW.transition(name).label), validate=False)
    return election


def refuse_personal_data(text: str, *, election: Election, field: str, message: str) -> None:
    """Text the board or a public page will show: refuse an ID or mobile number in it, naming what
    was found (``message`` takes ``%(what)s``), before anything is saved."""
    from core.privacy import community_public_phones, find_personal_data

    findings = find_personal_data(text, public_phones=community_public_phones(election.community))
    if findings:
        what = "、".join(f"{f.label}“{f.text}”" for f in findings)
        raise RuleViolation({field: [message % {"what": what}]})
