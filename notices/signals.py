"""Signals of the board, sent by ``notices.tasks.process_window_boundaries`` after its commit.

Source apps listen to learn that a posting of theirs went public or stopped being public (e.g. the
building-captain nominations: after the posting window closes, nominations can be confirmed)::

    from notices.signals import window_closed

    @receiver(window_closed)
    def on_closed(sender, posting, boundary_at, reason, **kwargs):
        if posting.source_type_id == ... and reason == "expired": ...

Keyword arguments: ``posting`` (a :class:`~notices.models.Posting`), ``boundary_at`` (the instant of the
boundary, not the time the task ran: a task run late still reports the true time), and for
``window_closed`` ``reason``: ``"expired"``, ``"withdrawn"`` or ``"replaced"`` (for "replaced" the
new version is ``posting.superseded_by``). Each signal is sent once per posting and boundary
(``WindowEvent`` is unique), but receivers should still be idempotent: a receiver that fails is
logged and not retried.
"""

from django.dispatch import Signal

window_opened = Signal()
window_closed = Signal()
