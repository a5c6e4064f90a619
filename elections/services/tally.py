"""The count of each station: two independent entries by two different staff, compared figure by
figure; when they agree the station's definitive count (closure record) is made, reconciled against
the station's check-ins, and validated by the election committee and the supervision committee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import roles
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from elections.models import (
    Candidate,
    CandidateVotes,
    CheckIn,
    CountEntry,
    CountLine,
    Election,
    PollingStation,
    StationCount,
)
from elections.models.tally import FIGURES, Choice
from elections.services.common import lock
from notices import cache as board_cache

S = Election.Status


def figure_label(name: str) -> str:
    return str(CountEntry._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class Line:
    """Votes for a candidate (``candidate_id``) or a write-in name in one office."""

    office: str
    votes: int
    candidate_id: int | None = None
    write_in: str = ""
    choice: str = ""  # "yes"/"no" on a ballot without candidates


def _check_entry(
    election: Election, station: PollingStation, figures: dict[str, int], lines: list[Line]
) -> None:
    """The count form's own arithmetic (abacus-style named checks): errors block the entry."""
    errors = []
    for name in FIGURES:
        value = figures.get(name)
        if value is None or not isinstance(value, int) or value < 0:
            errors.append(_("%(figure)s须填写为0或正整数。") % {"figure": figure_label(name)})
    for line in lines:
        if line.votes < 0:
            errors.append(_("票数不能为负数。"))
            break
    if errors:
        raise RuleViolation(errors)
    if not election.has_candidates:
        return _check_ballot_entry(figures, lines)
    if any(line.choice for line in lines):
        raise RuleViolation(_("本次选举按候选人计票，不能录入赞成或反对票。"))
    parts = figures["valid"] + figures["void"] + figures["blank"]
    if parts != figures["returned"]:
        errors.append(
            _(
                "有效票%(valid)d+无效票%(void)d+空白票%(blank)d=%(sum)d，与收回选票%(returned)d相差%(diff)d，请核对纸质记录。"
            )
            % {**figures, "sum": parts, "diff": abs(parts - figures["returned"])}
        )
    seats = {s.office: s.count for s in election.seats.all()}
    offices = {line.office for line in lines}
    for office in offices:
        total = sum(line.votes for line in lines if line.office == office)
        limit = figures["valid"] * seats.get(office, 0)
        if total > limit:
            errors.append(
                _("%(office)s得票合计%(total)d，超过有效票%(valid)d×应选%(seats)d=%(limit)d。")
                % {
                    "office": dict(Candidate._meta.get_field("office").choices)[office],
                    "total": total,
                    "valid": figures["valid"],
                    "seats": seats.get(office, 0),
                    "limit": limit,
                }
            )
    official = set(election.candidates.filter(status=Candidate.Status.OFFICIAL).values_list("pk", flat=True))
    strangers = {line.candidate_id for line in lines if line.candidate_id} - official
    if strangers:
        errors.append(_("只能录入本次选举正式候选人的票数。"))
    if errors:
        raise RuleViolation(errors)


def _check_ballot_entry(figures: dict[str, int], lines: list[Line]) -> None:
    """A yes/no ballot: valid = yes + no, returned = valid + void + blank."""
    errors = []
    if any(not line.choice for line in lines):
        errors.append(_("本次表决只能录入赞成票和反对票。"))
    parts = figures["valid"] + figures["void"] + figures["blank"]
    if parts != figures["returned"]:
        errors.append(
            _(
                "有效票%(valid)d+无效票%(void)d+空白票%(blank)d=%(sum)d，与收回选票%(returned)d相差%(diff)d，请核对纸质记录。"
            )
            % {**figures, "sum": parts, "diff": abs(parts - figures["returned"])}
        )
    answered = sum(line.votes for line in lines)
    if not errors and answered != figures["valid"]:
        errors.append(
            _("赞成票与反对票合计%(answered)d，与有效票%(valid)d相差%(diff)d。")
            % {"answered": answered, "valid": figures["valid"], "diff": abs(answered - figures["valid"])}
        )
    if errors:
        raise RuleViolation(errors)


def _line_key(line) -> tuple:
    return (line.office, line.candidate_id or 0, (line.write_in or "").strip(), line.choice or "")


def _differences(station: PollingStation, first: CountEntry, second: CountEntry) -> list[str]:
    """Each differing figure, named, with both values: "第3站 张三 票数：第一次 412，第二次 421"."""
    out = []
    for name in FIGURES:
        a, b = getattr(first, name), getattr(second, name)
        if a != b:
            out.append(
                _("第%(n)d站 %(what)s：第一次 %(a)d，第二次 %(b)d")
                % {"n": station.number, "what": figure_label(name), "a": a, "b": b}
            )
    names = {
        c.pk: c.resident.name
        for c in Candidate.objects.filter(election=first.election).select_related("resident")
    }
    lines_a = {_line_key(x): x.votes for x in first.lines.all()}
    lines_b = {_line_key(x): x.votes for x in second.lines.all()}
    for key in sorted(set(lines_a) | set(lines_b)):
        a, b = lines_a.get(key, 0), lines_b.get(key, 0)
        if a != b:
            if key[3]:
                who = str(Choice(key[3]).label)
            else:
                who = names.get(key[1]) if key[1] else _("另选他人“%(name)s”") % {"name": key[2]}
            out.append(
                _("第%(n)d站 %(who)s 票数：第一次 %(a)d，第二次 %(b)d")
                % {"n": station.number, "who": who, "a": a, "b": b}
            )
    return out


@dataclass
class EntryResult:
    entry: CountEntry
    differences: list[str]
    count: StationCount | None


def _live(election: Election, station: PollingStation):
    return CountEntry.objects.filter(election=election, station=station, discarded_at__isnull=True)


@transaction.atomic
def count_enter(
    *,
    election: Election,
    station: PollingStation,
    figures: dict[str, int],
    lines: list[Line],
    actor: User,
    at: dt.datetime | None = None,
    from_ballots: bool = False,
) -> EntryResult:
    """One typist's entry of the station's paper count. The first entry waits for a second by
    another person; the second is compared with the first: equal → the definitive count; different
    → every differing figure named, and nothing definitive until resolved (discard one entry)."""
    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.status != S.COUNTING:
        raise RuleViolation(_("当前不在计票阶段（%(state)s）。") % {"state": election.get_status_display()})
    if station.election_id != election.root.pk:
        raise RuleViolation(_("该投票站不属于本次选举。"))
    if StationCount.objects.filter(election=election, station=station).exists():
        raise RuleViolation(_("%(station)s的计票结果已形成，不能再录入。") % {"station": station})
    _check_entry(election, station, figures, lines)
    live = list(_live(election, station).order_by("round"))
    if any(e.entered_by_id == actor.pk for e in live):
        raise RuleViolation(_("第二次录入须由另一名工作人员完成。"))
    if len(live) >= 2:
        raise RuleViolation(_("本站两次录入不一致，请先作废其中一次再重新录入。"))
    entry = CountEntry(
        election=election,
        station=station,
        round=len(live) + 1,
        entered_by=actor,
        at=at,
        from_ballots=from_ballots,
        **figures,
    )
    save_governed(entry, actor=actor, reason=_("计票录入"))
    CountLine.objects.bulk_create(
        [
            CountLine(
                entry=entry,
                candidate_id=x.candidate_id,
                office=x.office,
                write_in=(x.write_in or "").strip()[:50],
                choice=x.choice,
                votes=x.votes,
            )
            for x in lines
            if x.votes or x.candidate_id or x.choice
        ]
    )
    if entry.round == 1:
        return EntryResult(entry, [], None)
    differences = _differences(station, live[0], entry)
    if differences:
        return EntryResult(entry, differences, None)
    # The live tally page (served from the board's page cache) shows formed station counts.
    transaction.on_commit(lambda: board_cache.bump(election.community_id))
    return EntryResult(entry, [], _make_definitive(election, station, entry, at=at, actor=actor))


def _make_definitive(election, station, entry: CountEntry, *, at, actor) -> StationCount:
    checkins = CheckIn.objects.filter(election=election, station=station).count()
    count = StationCount(
        election=election,
        station=station,
        checkins=checkins,
        at=at,
        **{f: getattr(entry, f) for f in FIGURES},
    )
    if count.returned > count.issued:
        # DOMAIN.md: ballots returned above ballots issued void the station's vote.
        count.box_void = True
        count.void_reason = _("收回选票%(returned)d张，多于发出选票%(issued)d张，本站投票无效。") % {
            "returned": count.returned,
            "issued": count.issued,
        }
    save_governed(count, actor=actor, reason=_("两次录入一致，形成计票结果"))
    CandidateVotes.objects.bulk_create(
        [
            CandidateVotes(
                count=count,
                candidate_id=x.candidate_id,
                office=x.office,
                write_in=x.write_in,
                choice=x.choice,
                votes=x.votes,
            )
            for x in entry.lines.all()
        ]
    )
    return count


def entries_differences(*, election: Election, station: PollingStation) -> list[str]:
    live = list(_live(election, station).order_by("round"))
    return _differences(station, live[0], live[1]) if len(live) == 2 else []


@transaction.atomic
def count_entry_discard(
    *, entry: CountEntry, reason: str, actor: User, at: dt.datetime | None = None
) -> CountEntry:
    """Resolve a mismatch: the coordinator discards one entry (kept on record) and it is typed again."""
    at = at or timezone.now()
    entry = CountEntry.objects.select_for_update().select_related("election", "station").get(pk=entry.pk)
    election = lock(entry.election)
    check_scope(actor, election.community_id)
    if StationCount.objects.filter(election=election, station=entry.station).exists():
        raise RuleViolation(_("计票结果已形成，不能作废录入。"))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation({"discard_reason": [_("请写明作废原因。")]})
    if entry.discarded_at is not None:
        return entry
    entry.discarded_at, entry.discarded_by, entry.discard_reason = at, actor, reason[:200]
    save_governed(entry, actor=actor, reason=reason)
    # The remaining entry becomes the first, so the next one is compared with it.
    CountEntry.objects.filter(
        election=election, station=entry.station, discarded_at__isnull=True, round=2
    ).update(round=1)
    return entry


def reconciliation(count: StationCount) -> str | None:
    """Ballots issued against the station's check-ins: the difference, named, or None."""
    if count.issued == count.checkins:
        return None
    return _("%(station)s发出选票%(issued)d张，登记投票%(checkins)d人，相差%(diff)d。") % {
        "station": count.station,
        "issued": count.issued,
        "checkins": count.checkins,
        "diff": abs(count.issued - count.checkins),
    }


@transaction.atomic
def closure_record(*, count: StationCount, scan=None, difference_note: str = "", actor: User) -> StationCount:
    """Attach the photo or scan of the signed paper record, and the note a difference needs."""
    count = StationCount.objects.select_for_update().select_related("election", "station").get(pk=count.pk)
    check_scope(actor, count.election.community_id)
    if count.committee_validated_at or count.supervision_validated_at:
        raise RuleViolation(_("计票结果已确认，不能再修改。"))
    if scan is not None:
        count.scan = scan
    note = (difference_note or "").strip()
    if note:
        count.difference_note = note[:300]
    save_governed(count, actor=actor, reason=_("上传计票报告单"))
    return count


@transaction.atomic
def closure_validate(*, count: StationCount, actor: User, at: dt.datetime | None = None) -> StationCount:
    """Validation by the election committee (committee staff) or the supervision committee (a
    supervisor), each once; a supervisor validates as the supervision committee."""
    at = at or timezone.now()
    count = StationCount.objects.select_for_update().select_related("election", "station").get(pk=count.pk)
    check_scope(actor, count.election.community_id)
    if not count.box_void and not count.scan:
        raise RuleViolation(_("请先上传签字的计票报告单照片或扫描件。"))
    problem = reconciliation(count)
    if problem and not count.difference_note:
        raise RuleViolation(_("%(problem)s请先填写差异说明。") % {"problem": problem})
    supervisor = roles.SUPERVISOR in roles.user_roles(actor)
    if supervisor:
        if count.supervision_validated_at:
            raise RuleViolation(_("监督委员会已确认该站计票结果。"))
        count.supervision_validated_at, count.supervision_validated_by = at, actor
        reason = _("监督委员会确认计票结果")
    elif actor.is_superuser or actor.has_perm("elections.change_election"):
        if count.committee_validated_at:
            raise RuleViolation(_("选举委员会已确认该站计票结果。"))
        count.committee_validated_at, count.committee_validated_by = at, actor
        reason = _("选举委员会确认计票结果")
    else:
        raise RuleViolation(_("只有选举委员会或监督委员会可以确认计票结果。"))
    save_governed(count, actor=actor, reason=reason)
    return count
