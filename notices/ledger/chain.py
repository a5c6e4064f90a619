"""The chain itself: canonical content, hashes, appends, and the heads published outside the table."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.models import Community
from notices.models import Attachment, LedgerEntry, LedgerHead, Posting

log = logging.getLogger(__name__)

GENESIS = "0" * 64
MIN_PREFIX = 16


class Action:
    PUBLISH = LedgerEntry.Action.PUBLISH.value
    REPLACE = LedgerEntry.Action.REPLACE.value
    WITHDRAW = LedgerEntry.Action.WITHDRAW.value


# Lifecycle changes: each is its own entry, and a posting shows exactly those on record.
LIFECYCLE_ACTIONS = (Action.REPLACE, Action.WITHDRAW)


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _sha256(data) -> str:
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def canonical_content(
    posting: Posting, action: str = Action.PUBLISH, *, attachments: Iterable[Attachment] | None = None
) -> dict:
    """What an entry vouches for: everything a resident sees of the posting, in a stable form.

    Released postings are immutable (services and ``Posting.save`` refuse changes), so this can be
    recomputed at any later time and must give the same hash. The window (start, end, working
    days), pinning and whether objections are accepted are part of it: each changes what the board
    shows. A ``withdraw`` entry also covers when and why, a ``replace`` entry when the posting stopped
    being the current version. ``attachments`` saves the query when the caller has them already.
    """
    if attachments is None:
        attachments = posting.attachments.all()
    data = {
        "community": posting.community_id,
        "category": posting.category,
        "title": posting.title,
        "body": posting.body,
        "publish_at": _utc(posting.publish_at),
        "expire_at": _utc(posting.expire_at),
        "working_days": posting.working_days,
        "pinned": posting.pinned,
        "objections_open": posting.objections_open,
        "version": posting.version,
        "series": posting.series_id or posting.pk,
        "supersedes": posting.supersedes_id,
        "correction_note": posting.correction_note,
        "attachments": sorted([a.name, a.sha256] for a in attachments),
    }
    if action == Action.WITHDRAW:
        data["withdrawn_at"] = _utc(posting.withdrawn_at)
        data["withdrawal_reason"] = posting.withdrawal_reason
    elif action == Action.REPLACE:
        data["replaced_at"] = _utc(posting.replaced_at)
    return data


def content_hash(
    posting: Posting, action: str = Action.PUBLISH, *, attachments: Iterable[Attachment] | None = None
) -> str:
    """The posting's 内容校验码 (``publish``), or the hash a lifecycle entry records."""
    return _sha256(canonical_content(posting, action, attachments=attachments))


def lifecycle_changes(posting: Posting) -> set[str]:
    """The lifecycle changes ``posting`` shows now; each must have its entry in the chain."""
    changes = set()
    if posting.withdrawn_at is not None or posting.withdrawal_reason:
        changes.add(Action.WITHDRAW)
    if posting.replaced_at is not None:
        changes.add(Action.REPLACE)
    return changes


def entry_hash(
    *,
    sequence: int,
    posting_id: int,
    version: int,
    action: str,
    content_hash: str,
    prev_hash: str,
    recorded_at,
) -> str:
    return _sha256([sequence, posting_id, version, action, content_hash, prev_hash, _utc(recorded_at)])


def _entry_hash_of(entry: LedgerEntry) -> str:
    return entry_hash(
        sequence=entry.sequence,
        posting_id=entry.posting_id,
        version=entry.posting_version,
        action=entry.action,
        content_hash=entry.content_hash,
        prev_hash=entry.prev_hash,
        recorded_at=entry.recorded_at,
    )


@transaction.atomic
def append(*, posting: Posting, action: str = Action.PUBLISH, at: dt.datetime | None = None) -> LedgerEntry:
    """Append one entry for ``posting`` to its community's chain (call inside the change's transaction)."""
    if action not in LedgerEntry.Action.values:
        raise ValueError(f"unknown ledger action {action!r}")
    at = at or timezone.now()
    # The community row is the chain's lock: concurrent appends in one community queue here.
    Community.objects.select_for_update().filter(pk=posting.community_id).values_list("pk", flat=True).get()
    last = LedgerEntry.objects.filter(community_id=posting.community_id).order_by("-sequence").first()
    sequence = (last.sequence + 1) if last else 1
    prev = last.entry_hash if last else GENESIS
    # A clock that stepped back must not make the chain's times go backwards.
    recorded_at = max(at, last.recorded_at) if last else at
    chash = content_hash(posting, action)
    entry = LedgerEntry(
        community_id=posting.community_id,
        sequence=sequence,
        posting=posting,
        posting_version=posting.version,
        action=action,
        content_hash=chash,
        prev_hash=prev,
        recorded_at=recorded_at,
    )
    entry.entry_hash = _entry_hash_of(entry)
    entry.save(force_insert=True)
    return entry


# --- Published heads -------------------------------------------------------------------------------


def publish_heads(*, at: dt.datetime | None = None) -> int:
    """Record each community's current chain head in :class:`LedgerHead` when it is new.

    Idempotent (the beat task may run twice or late): a head is recorded once per sequence number
    (unique constraint), and never one below a head already published (a chain shorter than its
    published head was truncated: that is for ``verify_ledger`` to report, not to paper over).
    Returns how many heads were recorded.
    """
    at = at or timezone.now()
    last = LedgerEntry.objects.filter(community=OuterRef("pk")).order_by("-sequence")
    published = LedgerHead.objects.filter(community=OuterRef("pk")).order_by("-sequence")
    rows = (
        Community.objects.annotate(
            head_seq=Subquery(last.values("sequence")[:1]),
            head_hash=Subquery(last.values("entry_hash")[:1]),
            head_at=Subquery(last.values("recorded_at")[:1]),
            published_seq=Subquery(published.values("sequence")[:1]),
        )
        .filter(head_seq__isnull=False)
        .order_by("pk")
        .values_list("pk", "slug", "head_seq", "head_hash", "head_at", "published_seq")
    )
    recorded = 0
    for pk, slug, seq, head_hash_, head_at, published_seq in rows:
        if published_seq is not None and seq <= published_seq:
            if seq < published_seq:
                log.error(
                    "ledger of %s ends at #%s, below its published head #%s: run verify_ledger",
                    slug,
                    seq,
                    published_seq,
                )
            continue
        try:
            with transaction.atomic():
                LedgerHead.objects.create(
                    community_id=pk, sequence=seq, entry_hash=head_hash_, recorded_at=head_at, published_at=at
                )
        except IntegrityError:
            continue  # a concurrent run recorded it
        recorded += 1
    return recorded


def latest_published_head(community: Community) -> LedgerHead | None:
    return LedgerHead.objects.filter(community=community).order_by("-sequence").first()
