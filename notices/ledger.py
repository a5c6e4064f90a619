"""The tamper-evident record of the board (公开记录链): a per-community SHA-256 hash chain.

Every release, withdrawal and new version appends one :class:`~notices.models.LedgerEntry`::

    content_hash = sha256(canonical JSON of what was published)
    entry_hash   = sha256(canonical JSON of [sequence, posting id, version, action,
                                            content_hash, prev_hash, recorded_at])

``prev_hash`` of the first entry of a community is :data:`GENESIS`. Changing a posting's published
content, an entry, or deleting/reordering entries breaks the chain at the first affected entry,
which :func:`verify_chain` (and ``manage.py verify_ledger``) names. In PostgreSQL a trigger refuses
UPDATE and DELETE on the table (migration ``0002``), so tampering needs someone who can disable
triggers, and even then the chain shows it.

Appends lock the community row (``SELECT … FOR UPDATE``), so two concurrent releases in one
community get consecutive sequence numbers instead of forking the chain; the unique constraint
``(community, sequence)`` backs that up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Community
from notices.models import LedgerEntry, Posting

GENESIS = "0" * 64
MIN_PREFIX = 16


class Action:
    PUBLISH = "publish"
    WITHDRAW = "withdraw"


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _sha256(data) -> str:
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def canonical_content(posting: Posting, action: str = Action.PUBLISH) -> dict:
    """What an entry vouches for: everything a resident saw, in a stable form.

    Released postings are immutable (services and ``Posting.save`` refuse changes), so this can be
    recomputed at any later time and must give the same hash. A withdrawal entry also covers when
    and why the posting was withdrawn.
    """
    data = {
        "community": posting.community.slug,
        "category": posting.category,
        "title": posting.title,
        "body": posting.body,
        "publish_at": _utc(posting.publish_at),
        "expire_at": _utc(posting.expire_at),
        "version": posting.version,
        "series": posting.series_id or posting.pk,
        "attachments": sorted(posting.attachments.values_list("sha256", flat=True)),
    }
    if action == Action.WITHDRAW:
        data["withdrawn_at"] = _utc(posting.withdrawn_at)
        data["withdrawal_reason"] = posting.withdrawal_reason
    return data


def content_hash(posting: Posting, action: str = Action.PUBLISH) -> str:
    return _sha256(canonical_content(posting, action))


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
    """Append one entry for ``posting`` to its community's chain (call inside the release's transaction)."""
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


# --- Verification ----------------------------------------------------------------------------------


@dataclass
class Break:
    community_slug: str
    sequence: int
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        return _("社区 %(community)s 第 %(seq)d 条：%(reason)s") % {
            "community": self.community_slug,
            "seq": self.sequence,
            "reason": self.reason,
        }


@dataclass
class VerifyResult:
    checked: int = 0
    communities: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_broken(self) -> Break | None:
        return self.breaks[0] if self.breaks else None


def _verify_community(community: Community, result: VerifyResult) -> Break | None:
    entries = (
        LedgerEntry.objects.filter(community=community)
        .select_related("posting__community")
        .prefetch_related("posting__attachments")
        .order_by("sequence")
    )
    prev = GENESIS
    expected_seq = 1
    last_time = None
    for entry in entries.iterator(chunk_size=500):
        result.checked += 1

        def broken(reason: str, entry=entry) -> Break:
            return Break(community.slug, entry.sequence, entry.pk, reason)

        if entry.sequence != expected_seq:
            return broken(_("序号不连续：应为 %(exp)d") % {"exp": expected_seq})
        if entry.prev_hash != prev:
            return broken(
                _("前一条哈希不符（记录 %(got)s，应为 %(exp)s）")
                % {"got": entry.prev_hash[:16], "exp": prev[:16]}
            )
        if _entry_hash_of(entry) != entry.entry_hash:
            return broken(_("本条哈希与内容不符（序号、公开事项、版本、操作、内容哈希或记录时间被改动）"))
        posting = entry.posting
        if posting.community_id != community.pk:
            return broken(_("公开事项 %(id)d 不属于本社区") % {"id": posting.pk})
        if posting.version != entry.posting_version:
            return broken(
                _("公开事项 %(id)d 的版本号被改动（记录 %(rec)d，现为 %(now)d）")
                % {"id": posting.pk, "rec": entry.posting_version, "now": posting.version}
            )
        if content_hash(posting, entry.action) != entry.content_hash:
            return broken(
                _("公开事项 %(id)d（%(title)s）的内容与记录的哈希不符，发布后被改动")
                % {"id": posting.pk, "title": posting.title[:30]}
            )
        if last_time is not None and entry.recorded_at < last_time:
            return broken(_("记录时间早于前一条"))
        prev, expected_seq, last_time = entry.entry_hash, expected_seq + 1, entry.recorded_at
    return None


def verify_chain(community: Community | None = None) -> VerifyResult:
    """Recompute every chain (or one community's); ``result.first_broken`` names the first break."""
    result = VerifyResult()
    communities = [community] if community is not None else list(Community.objects.order_by("slug"))
    for c in communities:
        result.communities += 1
        found = _verify_community(c, result)
        if found is not None:
            result.breaks.append(found)
    return result


# --- Lookups for the public verify page and the monthly sheet ------------------------------------

_HEX = re.compile(r"^[0-9a-f]+$")


def normalize_hash(text: str) -> str | None:
    """A pasted hash, with spaces/dashes/case forgiven; None when it cannot be one of ours."""
    value = re.sub(r"[\s\-:：]", "", text or "").lower()
    if not (MIN_PREFIX <= len(value) <= 64) or not _HEX.match(value):
        return None
    return value


def lookup(community: Community, hash_prefix_or_hash: str) -> LedgerEntry | None:
    """The entry of ``community`` whose entry hash (or content hash) is, or starts with, the text.

    A full 64-hex hash or a prefix of at least 16 hex characters (what a paper sheet prints).
    """
    value = normalize_hash(hash_prefix_or_hash)
    if value is None:
        return None
    qs = (
        LedgerEntry.objects.filter(community=community)
        .select_related("posting", "community")
        .order_by("sequence")
    )
    if len(value) == 64:
        return qs.filter(entry_hash=value).first() or qs.filter(content_hash=value).first()
    return (
        qs.filter(entry_hash__startswith=value).first() or qs.filter(content_hash__startswith=value).first()
    )


def head(community: Community, at: dt.datetime | None = None) -> LedgerEntry | None:
    """The last entry recorded at or before ``at`` (None: nothing recorded yet)."""
    qs = LedgerEntry.objects.filter(community=community)
    if at is not None:
        qs = qs.filter(recorded_at__lte=at)
    return qs.order_by("-sequence").first()


def head_hash(community: Community, at: dt.datetime | None = None) -> str | None:
    """Hash of the chain's head at ``at`` (the monthly sheet prints the month-end head)."""
    entry = head(community, at)
    return entry.entry_hash if entry else None
