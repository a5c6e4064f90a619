"""The tamper-evident record of the board (公开登记簿): a per-community SHA-256 hash chain.

Every state change of what the board shows appends one :class:`~notices.models.LedgerEntry`: the
release of a posting (``publish``; a new version is the release of its own posting), the replacement
of the old version by it (``replace``) and a withdrawal (``withdraw``)::

    content_hash = sha256(canonical JSON of the posting as published, plus the lifecycle change)
    entry_hash   = sha256(canonical JSON of [sequence, posting id, version, action,
                                            content_hash, prev_hash, recorded_at])

The content covers every field that changes what a resident sees (:func:`canonical_content`).
``prev_hash`` of the first entry of a community is :data:`GENESIS`.

:func:`verify_chain` (``manage.py verify_ledger``, the admin's 核对登记簿是否被改动) checks, per community:

1. the chain itself: consecutive sequence numbers, each entry linked to the previous one, each entry's
   hash, times that never go back;
2. the chain against the postings: every entry's content hash recomputed from the posting as it is
   now; every released posting has its release entry; the lifecycle changes a posting shows
   (withdrawn, replaced) are exactly those on record; no entry belongs to a draft;
3. the chain against heads published outside the ledger table: every head in
   :class:`~notices.models.LedgerHead` (kept by the ``publish_ledger_heads`` beat task) and every
   month-end hash printed on a monthly sheet must still be in the chain, with the same hash, so
   deleting the last entries (truncation) or rewriting the chain consistently shows.

In PostgreSQL triggers refuse UPDATE and DELETE on the ledger and heads tables (migrations ``0002``
and ``0005``), so tampering needs someone who can disable triggers, and even then the checks above
show it. What such an attacker can still do is described in docs/reliability.md.

Appends lock the community row (``SELECT … FOR UPDATE``), so two concurrent releases in one
community get consecutive sequence numbers instead of forking the chain; the unique constraint
``(community, sequence)`` backs that up.
"""

from notices.ledger.chain import (
    GENESIS,
    LIFECYCLE_ACTIONS,
    MIN_PREFIX,
    Action,
    _entry_hash_of,
    append,
    canonical_content,
    content_hash,
    entry_hash,
    latest_published_head,
    lifecycle_changes,
    publish_heads,
)
from notices.ledger.lookup import Answer, answer, head, head_hash, lookup, month_label, normalize_hash
from notices.ledger.verify import Break, VerifyResult, verify_chain

__all__ = [
    "GENESIS",
    "LIFECYCLE_ACTIONS",
    "MIN_PREFIX",
    "Action",
    "Answer",
    "Break",
    "VerifyResult",
    "_entry_hash_of",
    "answer",
    "append",
    "canonical_content",
    "content_hash",
    "entry_hash",
    "head",
    "head_hash",
    "latest_published_head",
    "lifecycle_changes",
    "lookup",
    "month_label",
    "normalize_hash",
    "publish_heads",
    "verify_chain",
]
