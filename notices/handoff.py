"""Hand-off from the board to the apps whose items it publishes.

A posting cites its items (``PostingSource``): the nominations of a captain list, an election's
voter roll, each hardship case of a batch. When the posting's window opens or closes
(``notices.tasks.process_window_boundaries`` records a ``WindowEvent``), every item is told, through
the handler its app registered in ``AppConfig.ready()``::

    from notices import handoff

    def roll_window_closed(roll, change):      # change: a WindowChange
        if change.reason == "expired":
            election_freeze_roll(election=roll.election, at=change.boundary_at)

    handoff.on_window(VoterRoll, closed=roll_window_closed)

The board imports no app: it only knows the registered model classes. Each (event, item) pair is
delivered once (``Delivery`` is unique): a handler runs in its own transaction with the delivery row
locked, and the row is marked done in the same transaction, so a handler that fails leaves the row
pending, is retried with backoff (``deliver_window_event``) and swept up again by
``redeliver_window_events`` if the worker died. Handlers must still be idempotent in spirit (a retry
after a crash between commit and acknowledgement sees the delivery already done and is skipped).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from notices.models import Delivery, Posting, PostingSource, WindowEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WindowChange:
    kind: str  # WindowEvent.Kind: "opened" or "closed"
    boundary_at: dt.datetime  # the boundary's true instant, not when the task ran
    reason: str  # "opened", or for a close: "expired", "withdrawn" or "replaced"
    posting: Posting


Handler = Callable[[models.Model, WindowChange], None]
_handlers: dict[tuple[str, str], dict[str, Handler]] = {}


def on_window(
    model: type[models.Model], *, opened: Handler | None = None, closed: Handler | None = None
) -> None:
    """Register what ``model``'s items do when a posting citing them opens or closes."""
    key = (model._meta.app_label, model._meta.model_name)
    entry = _handlers.setdefault(key, {})
    if opened is not None:
        entry[WindowEvent.Kind.OPENED] = opened
    if closed is not None:
        entry[WindowEvent.Kind.CLOSED] = closed


def cite(posting: Posting, items: Iterable[models.Model]) -> list[PostingSource]:
    """Record that ``posting`` publishes ``items`` (idempotent)."""
    out = []
    for item in items:
        ct = ContentType.objects.get_for_model(item, for_concrete_model=True)
        source, _created = PostingSource.objects.get_or_create(
            posting=posting, source_type=ct, source_id=item.pk
        )
        out.append(source)
    return out


def items_of(posting: Posting, model: type[models.Model]) -> models.QuerySet:
    """The items of ``model`` that ``posting`` publishes."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    ids = PostingSource.objects.filter(posting=posting, source_type=ct).values("source_id")
    return model._default_manager.filter(pk__in=ids)


def postings_citing(item: models.Model) -> models.QuerySet[Posting]:
    """Every posting (every version) that publishes ``item``."""
    ct = ContentType.objects.get_for_model(item, for_concrete_model=True)
    return Posting.objects.filter(sources__source_type=ct, sources__source_id=item.pk)


def close_reason(posting: Posting) -> tuple[dt.datetime, str]:
    """When and why a released posting stopped being public (the earliest of its ends)."""
    ends = [
        (posting.expire_at, "expired"),
        (posting.withdrawn_at, "withdrawn"),
        (posting.replaced_at, "replaced"),
    ]
    return min(((t, r) for t, r in ends if t is not None), key=lambda pair: pair[0])


def _change(event: WindowEvent) -> WindowChange:
    posting = event.posting
    reason = "opened" if event.kind == WindowEvent.Kind.OPENED else close_reason(posting)[1]
    return WindowChange(kind=event.kind, boundary_at=event.boundary_at, reason=reason, posting=posting)


def deliver(event_id: int, *, at: dt.datetime | None = None) -> dict:
    """Hand event ``event_id`` to every item of its posting; returns counts. Raises the first
    handler error after trying every item (so one bad item does not hold the others back)."""
    at = at or timezone.now()
    event = WindowEvent.objects.select_related("posting__community").get(pk=event_id)
    change = _change(event)
    done = skipped = 0
    first_error: Exception | None = None
    for source in PostingSource.objects.filter(posting=event.posting).select_related("source_type"):
        handler = _handlers.get((source.source_type.app_label, source.source_type.model), {}).get(event.kind)
        Delivery.objects.get_or_create(event=event, source=source)
        try:
            with transaction.atomic():
                delivery = Delivery.objects.select_for_update().get(event=event, source=source)
                if delivery.status == Delivery.Status.DONE:
                    skipped += 1
                    continue
                if handler is not None:
                    item = source.source_type.get_object_for_this_type(pk=source.source_id)
                    handler(item, change)
                delivery.status = Delivery.Status.DONE
                delivery.attempts += 1
                delivery.delivered_at = at
                delivery.last_error = ""
                delivery.save()
                done += 1
        except Exception as e:  # noqa: BLE001 - recorded on the delivery, re-raised for the retry
            logger.exception("window event %s: handing to %s failed", event_id, source)
            Delivery.objects.filter(event=event, source=source).update(
                status=Delivery.Status.FAILED, attempts=models.F("attempts") + 1, last_error=repr(e)[:2000]
            )
            first_error = first_error or e
    if first_error is not None:
        raise first_error
    return {"delivered": done, "already": skipped}


def undelivered_events(*, older_than: dt.datetime) -> models.QuerySet[WindowEvent]:
    """Events recorded before ``older_than`` with an item not yet handed its change."""

    def count(qs, group: str) -> models.Subquery:
        return models.Subquery(
            qs.order_by().values(group).annotate(n=models.Count("pk")).values("n")[:1],
            output_field=models.IntegerField(),
        )

    n_sources = count(PostingSource.objects.filter(posting=models.OuterRef("posting")), "posting")
    n_done = count(Delivery.objects.filter(event=models.OuterRef("pk"), status=Delivery.Status.DONE), "event")
    return (
        WindowEvent.objects.filter(recorded_at__lt=older_than)
        .annotate(n_sources=Coalesce(n_sources, 0), n_done=Coalesce(n_done, 0))
        .filter(n_sources__gt=models.F("n_done"))
        .order_by("recorded_at", "pk")
    )
