"""Verification of the record: the chain, the chain against the board, the chain against published heads.

See the package docstring for what is checked; docs/reliability.md for what it guarantees.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Community
from notices.ledger.chain import GENESIS, Action, _entry_hash_of, content_hash, lifecycle_changes
from notices.ledger.lookup import month_label
from notices.models import LedgerEntry, LedgerHead, MonthlyDisclosure, Posting


@dataclass
class Break:
    community_slug: str
    sequence: int | None
    entry_id: int | None
    reason: str
    posting_id: int | None = None

    def __str__(self) -> str:
        if self.sequence is None:
            return _("社区 %(community)s：%(reason)s") % {
                "community": self.community_slug,
                "reason": self.reason,
            }
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


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _action_label(action: str) -> str:
    return str(dict(LedgerEntry.Action.choices).get(action, action))


def _posting_label(posting_id: int, title: str) -> str:
    return _("公开事项 %(id)d（%(title)s）") % {"id": posting_id, "title": title[:30]}


@dataclass
class _Walk:
    """What walking one community's chain learned, for the checks against the board and heads."""

    length: int = 0
    released: set[int] = field(default_factory=set)  # postings with a publish entry
    changes: dict[int, set[str]] = field(default_factory=dict)  # posting -> lifecycle entries
    hashes_at: dict[int, str] = field(default_factory=dict)  # sequence -> hash, for published heads
    hashes_seen: set[str] = field(default_factory=set)  # month-end hashes printed on sheets, found
    problems: list[Break] = field(default_factory=list)  # entries that disagree with their posting
    flagged: set[int] = field(default_factory=set)  # postings named in ``problems`` (once each)


def _link_break(entry: LedgerEntry, expected_seq: int, prev: str, last_time) -> str | None:
    """Why ``entry`` does not continue the chain (None: it does). Past such a break nothing can be trusted."""
    if entry.sequence != expected_seq:
        return _("条目编号不连续：应为第 %(exp)d 条") % {"exp": expected_seq}
    if entry.prev_hash != prev:
        return _("上一条的登记码不符（记录 %(got)s，应为 %(exp)s）") % {
            "got": entry.prev_hash[:16],
            "exp": prev[:16],
        }
    if _entry_hash_of(entry) != entry.entry_hash:
        return _("本条登记码与内容不符（条目编号、公开事项、版本、操作、内容校验码或记录时间被改动）")
    if last_time is not None and entry.recorded_at < last_time:
        return _("记录时间早于前一条")
    return None


def _posting_problem(community: Community, entry: LedgerEntry, walk: _Walk) -> str | None:
    """Why the posting of a well-linked ``entry`` disagrees with it (None: it agrees)."""
    posting = entry.posting
    label = _posting_label(posting.pk, posting.title)
    # Book the entry first: a posting whose content disagrees still has this entry on record, and
    # must not be reported a second time as missing it.
    if entry.action == Action.PUBLISH:
        out_of_order = posting.pk in walk.released
        walk.released.add(posting.pk)
    else:
        done = walk.changes.setdefault(posting.pk, set())
        out_of_order = posting.pk not in walk.released or entry.action in done
        done.add(entry.action)
    if posting.community_id != community.pk:
        return _("公开事项 %(id)d 不属于本社区") % {"id": posting.pk}
    if posting.version != entry.posting_version:
        return _("公开事项 %(id)d 的版本号被改动（记录 %(rec)d，现为 %(now)d）") % {
            "id": posting.pk,
            "rec": entry.posting_version,
            "now": posting.version,
        }
    if posting.state != Posting.State.RELEASED:
        return _("登记簿登记了%(posting)s的“%(action)s”，但它现在是草稿：被改回草稿后从公开栏消失") % {
            "posting": label,
            "action": _action_label(entry.action),
        }
    if content_hash(posting, entry.action) != entry.content_hash:
        return _("公开事项 %(id)d（%(title)s）的内容与登记的校验码不符，登记后被改动") % {
            "id": posting.pk,
            "title": posting.title[:30],
        }
    if out_of_order:
        return _("%(posting)s的“%(action)s”被重复登记，或登记在其发布之前") % {
            "posting": label,
            "action": _action_label(entry.action),
        }
    return None


def _file_problem(posting: Posting) -> str | None:
    """Why an attachment file of ``posting`` is not the one recorded (None: every file is).

    The content hash covers each attachment's SHA-256 as computed at upload; this re-reads the
    files, so a file replaced on disk after release shows too.
    """
    for attachment in posting.attachments.all():
        params = {"id": posting.pk, "name": attachment.name}
        digest = hashlib.sha256()
        try:
            with attachment.file.open("rb") as handle:
                for chunk in iter(lambda handle=handle: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except (OSError, ValueError):
            return _("公开事项 %(id)d 的附件“%(name)s”的文件不见了") % params
        if digest.hexdigest() != attachment.sha256:
            return _("公开事项 %(id)d 的附件“%(name)s”的文件与登记的校验码不符：上传后被替换") % params
    return None


def _walk_chain(
    community: Community,
    result: VerifyResult,
    head_seqs: set[int],
    sheet_hashes: set[str],
    files: bool = False,
) -> tuple[_Walk, Break | None]:
    """Walk the chain in order. A broken link ends the walk (returned); a posting that disagrees
    with its entry is noted in ``walk.problems`` and the walk goes on, so every one is named."""
    entries = (
        LedgerEntry.objects.filter(community=community)
        .select_related("posting")
        .prefetch_related("posting__attachments")
        .order_by("sequence")
    )
    walk = _Walk()
    prev, expected_seq, last_time = GENESIS, 1, None
    for entry in entries.iterator(chunk_size=500):
        result.checked += 1
        reason = _link_break(entry, expected_seq, prev, last_time)
        if reason is not None:
            return walk, Break(community.slug, entry.sequence, entry.pk, reason, entry.posting_id)
        problem = _posting_problem(community, entry, walk)
        if problem is None and files and entry.action == Action.PUBLISH:
            problem = _file_problem(entry.posting)
        if problem is not None and entry.posting_id not in walk.flagged:
            walk.flagged.add(entry.posting_id)
            walk.problems.append(Break(community.slug, entry.sequence, entry.pk, problem, entry.posting_id))
        if entry.sequence in head_seqs:
            walk.hashes_at[entry.sequence] = entry.entry_hash
        if entry.entry_hash in sheet_hashes:
            walk.hashes_seen.add(entry.entry_hash)
        prev, expected_seq, last_time = entry.entry_hash, expected_seq + 1, entry.recorded_at
    walk.length = expected_seq - 1
    return walk, None


def _check_heads(community: Community, walk: _Walk, heads: list[LedgerHead]) -> Break | None:
    """The first published head the chain no longer has (truncated) or has with another hash."""
    for head in sorted(heads, key=lambda h: h.sequence):
        params = {"seq": head.sequence, "when": _local(head.published_at), "n": walk.length}
        if head.sequence > walk.length:
            return Break(
                community.slug,
                head.sequence,
                None,
                _(
                    "已公布的登记簿末条（第 %(seq)d 条，%(when)s 公布）不在登记簿中：登记簿只剩 %(n)d 条，"
                    "最后的记录被删除（截断）"
                )
                % params,
            )
        if walk.hashes_at[head.sequence] != head.entry_hash:
            return Break(
                community.slug,
                head.sequence,
                None,
                _("与已公布的登记簿末条不符（第 %(seq)d 条，%(when)s 公布的登记码为 %(hash)s）：登记簿被改写")
                % dict(params, hash=head.entry_hash[:16]),
            )
    return None


def _check_sheets(community: Community, walk: _Walk, sheets: list[MonthlyDisclosure]) -> list[Break]:
    """Every month-end hash printed on a monthly sheet must still be in the chain."""
    breaks = []
    for sheet in sheets:
        if sheet.ledger_hash not in walk.hashes_seen:
            breaks.append(
                Break(
                    community.slug,
                    None,
                    None,
                    _(
                        "%(month)s居务公开月报（第%(v)d版）所印的月末登记码 %(hash)s 不在登记簿中："
                        "月报印制后登记簿被截断或改写"
                    )
                    % {"month": month_label(sheet.month), "v": sheet.version, "hash": sheet.ledger_hash[:16]},
                )
            )
    return breaks


def _check_board(community: Community, walk: _Walk) -> list[Break]:
    """Every released posting has its release entry, and shows exactly the lifecycle changes on record."""
    breaks = []
    released = (
        Posting.objects.filter(community=community, state=Posting.State.RELEASED)
        .only("pk", "title", "withdrawn_at", "withdrawal_reason", "replaced_at")
        .order_by("pk")
    )
    shown = {Action.WITHDRAW: _("已撤回"), Action.REPLACE: _("已被新版本替换")}
    for posting in released.iterator(chunk_size=2000):
        label = _posting_label(posting.pk, posting.title)

        def broken(reason: str, posting=posting) -> Break:
            return Break(community.slug, None, None, reason, posting.pk)

        if posting.pk not in walk.released:
            breaks.append(
                broken(
                    _("%(posting)s处于发布状态，但登记簿中没有发布记录：未经发布流程出现在公开栏")
                    % {"posting": label}
                )
            )
            continue
        now, on_record = lifecycle_changes(posting), walk.changes.get(posting.pk, set())
        for action in sorted(now - on_record):
            breaks.append(
                broken(
                    _("%(posting)s显示为%(state)s，但登记簿中没有“%(action)s”记录")
                    % {"posting": label, "state": shown[action], "action": _action_label(action)}
                )
            )
        for action in sorted(on_record - now):
            breaks.append(
                broken(
                    _("登记簿登记了%(posting)s的“%(action)s”，但它现在不再显示为%(state)s")
                    % {"posting": label, "state": shown[action], "action": _action_label(action)}
                )
            )
    return breaks


def _verify_community(community: Community, result: VerifyResult, files: bool) -> list[Break]:
    heads = list(LedgerHead.objects.filter(community=community))
    sheets = list(
        MonthlyDisclosure.objects.filter(community=community)
        .exclude(ledger_hash="")
        .only("month", "version", "ledger_hash")
        .order_by("month", "version")
    )
    walk, chain_break = _walk_chain(
        community, result, {h.sequence for h in heads}, {s.ledger_hash for s in sheets}, files
    )
    if chain_break is not None:
        # Past a broken link the rest of the chain cannot be trusted: stop at the first one.
        return walk.problems + [chain_break]
    breaks = list(walk.problems)
    head_break = _check_heads(community, walk, heads)
    if head_break is not None:
        breaks.append(head_break)
    breaks += _check_sheets(community, walk, sheets)
    breaks += _check_board(community, walk)
    return breaks


def verify_chain(community: Community | None = None, *, files: bool = False) -> VerifyResult:
    """Verify every community's record (or one's); ``result.breaks`` says what and where.

    ``files=True`` also re-reads every attachment file (slow on a large archive: a separate run).
    """
    result = VerifyResult()
    communities = [community] if community is not None else list(Community.objects.order_by("slug"))
    for c in communities:
        result.communities += 1
        result.breaks += _verify_community(c, result, files)
    return result
