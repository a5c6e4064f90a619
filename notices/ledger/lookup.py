"""Lookups for the public verify page and the monthly sheet."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from core.dates import month_label
from core.models import Community
from notices.ledger.chain import MIN_PREFIX
from notices.models import LedgerEntry, MonthlyDisclosure

_HEX = re.compile(r"^[0-9a-f]+$")
# What a hash copied from paper, a PDF or a phone picks up around and inside it: a label before a
# colon ("月末登记码："), spaces and line breaks, dashes of every width, an ellipsis.
_LABEL = re.compile(r"^[^0-9A-Za-z]*[:：]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−﹣－:：.…·_\u200b-\u200d\ufeff]")


def normalize_hash(text: str) -> str | None:
    """A pasted hash, with labels, spaces, line breaks, dashes and case forgiven; None when it cannot
    be one of ours. Full-width characters typed with a Chinese input method count as their ASCII."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    value = _SEPARATORS.sub("", _LABEL.sub("", value)).lower()
    if not (MIN_PREFIX <= len(value) <= 64) or not _HEX.match(value):
        return None
    return value


def _hash_q(name: str, value: str) -> Q:
    return Q(**{name: value}) if len(value) == 64 else Q(**{f"{name}__startswith": value})


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
    return (
        qs.filter(_hash_q("entry_hash", value)).first() or qs.filter(_hash_q("content_hash", value)).first()
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


@dataclass
class Answer:
    """What the verify page says about a pasted hash.

    ``sheets``: the monthly sheets that print it as their month-end hash (several when nothing was
    recorded for a while); ``entry``: the chain entry it is (or whose content hash it is, then
    ``is_content`` is True); ``history``: every entry of that entry's posting, for its current state.
    """

    value: str
    sheets: list[MonthlyDisclosure] = field(default_factory=list)
    entry: LedgerEntry | None = None
    is_content: bool = False
    history: list[LedgerEntry] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.entry is not None

    @property
    def sheet_months(self) -> list[dt.date]:
        return sorted({s.month for s in self.sheets})

    @property
    def sheet_months_label(self) -> str:
        return _("、").join(month_label(m) for m in self.sheet_months)

    @property
    def change(self) -> LedgerEntry | None:
        """The posting's latest withdrawal or replacement on record (None: still as released)."""
        changes = [e for e in self.history if e.action != LedgerEntry.Action.PUBLISH]
        return changes[-1] if changes else None


def answer(community: Community, text: str) -> Answer | None:
    """Look ``text`` up for the verify page (None: not shaped like a hash). At most four queries.

    A month-end hash printed on a monthly sheet is first of all that sheet's: the entry it points to
    is merely the last posting of the month, which is not what the resident holding the sheet asks.
    """
    value = normalize_hash(text)
    if value is None:
        return None
    result = Answer(value=value)
    result.sheets = list(
        MonthlyDisclosure.objects.filter(_hash_q("ledger_hash", value), community=community, is_final=True)
        .only("community_id", "month", "version", "ledger_hash", "generated_at")
        .order_by("month", "version")
    )
    entries = LedgerEntry.objects.filter(community=community).select_related("posting").order_by("sequence")
    if result.sheets:
        result.entry = entries.filter(entry_hash=result.sheets[0].ledger_hash).first()
    else:
        result.entry = entries.filter(_hash_q("entry_hash", value)).first()
        if result.entry is None:
            result.entry = entries.filter(_hash_q("content_hash", value)).first()
            result.is_content = result.entry is not None
    if result.entry is not None and not result.sheets:
        result.history = list(
            LedgerEntry.objects.filter(posting_id=result.entry.posting_id).order_by("sequence")
        )
    return result
