"""What the app plugs into the layers below at start-up: the board's window hand-off."""

from __future__ import annotations


def register() -> None:
    from assistance.models import Case
    from assistance.services.posting import case_window_closed
    from notices import handoff

    handoff.on_window(Case, closed=case_window_closed)
