"""Celery tasks of the board (thin: they call services by primary key and are idempotent).

Visibility never depends on a task: a posting is public exactly inside its window, computed at read
time. Tasks only do side effects at window boundaries and reminders, and each is safe to run twice
or late. Schedules live in ``manage.py setup_periodic_tasks``.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

# The monthly disclosure sheet's tasks live in its package; Celery's autodiscovery imports only
# notices.tasks, so importing them here is what registers them with the worker (names notices.tasks.*).
from notices.disclosure.tasks import generate_monthly_disclosures, run_disclosure_job  # noqa: F401

logger = logging.getLogger(__name__)
BOUNDARY_BATCH = 500


def _at(value) -> dt.datetime:
    if value is None:
        return timezone.now()
    if isinstance(value, str):  # JSON on the wire
        return parse_datetime(value)
    return value


def _record(posting, kind: str, boundary_at: dt.datetime, at: dt.datetime):
    """Record the boundary once; None when another run recorded it first."""
    from notices.models import WindowEvent

    try:
        with transaction.atomic():
            return WindowEvent.objects.create(
                posting=posting, kind=kind, boundary_at=boundary_at, recorded_at=at
            )
    except IntegrityError:
        return None


def _hand_off_on_commit(event) -> None:
    transaction.on_commit(lambda pk=event.pk: deliver_window_event.delay(pk), robust=True)


@shared_task(name="notices.tasks.process_window_boundaries")
def process_window_boundaries(at=None) -> dict:
    """Record each window that opened or closed and hand it to the items the posting cites.

    Idempotent: a boundary is recorded once (``WindowEvent`` is unique per posting and kind), so the
    task may run twice, concurrently or a day late; ``boundary_at`` is the boundary's true instant.
    Visibility never depends on this task.
    """
    from notices.handoff import close_reason
    from notices.models import Posting, WindowEvent

    at = _at(at)
    released = Posting.objects.filter(state=Posting.State.RELEASED).select_related("community")
    # A posting withdrawn or replaced before its window opened never went public: no events.
    never_opened = Q(withdrawn_at__lte=F("publish_at")) | Q(replaced_at__lte=F("publish_at"))
    to_open = (
        released.filter(publish_at__lte=at)
        .exclude(never_opened)
        .exclude(window_events__kind=WindowEvent.Kind.OPENED)
        .order_by("publish_at", "pk")[:BOUNDARY_BATCH]
    )
    opened = closed = 0
    for posting in to_open:
        event = _record(posting, WindowEvent.Kind.OPENED, posting.publish_at, at)
        if event is not None:
            opened += 1
            _hand_off_on_commit(event)
    ended = Q(expire_at__lte=at) | Q(withdrawn_at__lte=at) | Q(replaced_at__lte=at)
    to_close = (
        released.filter(ended)
        .exclude(never_opened)
        .exclude(window_events__kind=WindowEvent.Kind.CLOSED)
        .order_by("publish_at", "pk")[:BOUNDARY_BATCH]
    )
    for posting in to_close:
        boundary_at, _reason = close_reason(posting)
        event = _record(posting, WindowEvent.Kind.CLOSED, boundary_at, at)
        if event is not None:
            closed += 1
            _hand_off_on_commit(event)
    return {"opened": opened, "closed": closed}


@shared_task(
    name="notices.tasks.deliver_window_event",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def deliver_window_event(event_id: int) -> dict:
    """Hand one window event to every item its posting cites (notices.handoff); retried on failure,
    each item at most once."""
    from notices.handoff import deliver

    return deliver(event_id)


REDELIVER_AFTER = dt.timedelta(minutes=15)


@shared_task(name="notices.tasks.redeliver_window_events")
def redeliver_window_events(at=None) -> dict:
    """Sweep: queue again every event an item has not taken yet (a worker died, retries ran out).

    Events younger than ``REDELIVER_AFTER`` are left to their own retries.
    """
    from notices.handoff import undelivered_events

    at = _at(at)
    ids = list(
        undelivered_events(older_than=at - REDELIVER_AFTER).values_list("pk", flat=True)[:BOUNDARY_BATCH]
    )
    for pk in ids:
        deliver_window_event.delay(pk)
    return {"queued": len(ids)}


@shared_task(name="notices.tasks.remind_pending_objections")
def remind_pending_objections(at=None, days: int | None = None) -> dict:
    """Email each community's staff about objections unanswered for ``days`` days or more.

    Idempotent per day: ``ObjectionReminder`` is unique per community and local date.
    """
    from core.models import Community, User
    from notices.models import Objection, ObjectionReminder

    at = _at(at)
    days = settings.PORTAL_OBJECTION_REMINDER_DAYS if days is None else days
    today = timezone.localdate(at)
    cutoff = at - dt.timedelta(days=days)
    counts = dict(
        Objection.objects.filter(status=Objection.Status.PENDING, filed_at__lte=cutoff)
        .values_list("posting__community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    sent = 0
    for community in Community.objects.filter(pk__in=counts.keys()).order_by("pk"):
        recipients = sorted(
            set(
                User.objects.filter(is_active=True, staff_profile__communities=community)
                .exclude(email="")
                .values_list("email", flat=True)
            )
        )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ObjectionReminder.objects.create(
                        community=community,
                        sent_on=today,
                        objections=counts[community.pk],
                        recipients=len(recipients),
                        sent_at=at,
                    )
            except IntegrityError:
                continue  # already reminded today
            if recipients:
                with translation.override(settings.LANGUAGE_CODE):
                    subject = _("【%(community)s】有%(n)d条异议超过%(days)d天未答复") % {
                        "community": community.name,
                        "n": counts[community.pk],
                        "days": days,
                    }
                    body = _(
                        "%(community)s公开栏有%(n)d条居民异议已超过%(days)d天未答复。"
                        "请登录管理后台（%(url)s/admin/notices/objection/?status__exact=pending）及时答复。"
                    ) % {
                        "community": community.name,
                        "n": counts[community.pk],
                        "days": days,
                        "url": settings.PORTAL_SITE_URL.rstrip("/"),
                    }
                # Inside the block: if sending fails, the reminder row rolls back and tomorrow's
                # (or a retried) run tries again.
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
            sent += 1
    return {"communities": sent}


@shared_task(name="notices.tasks.publish_ledger_heads")
def publish_ledger_heads(at=None) -> dict:
    """Publish each community's new ledger head outside the ledger table (``LedgerHead``).

    Idempotent: a head is recorded once per sequence number. Verification then detects a chain
    truncated below, or rewritten under, any head published here.
    """
    from notices import ledger

    return {"published": ledger.publish_heads(at=_at(at))}
