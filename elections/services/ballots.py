"""Ballot-by-ballot counting (唱票): a station's ballots entered one by one, then summed by one
aggregate query into a count entry that follows the ordinary path (second entry by another person
from the paper tally sheet, comparison, closure record, validation, results)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from elections.models import (
    Ballot,
    BallotCorrection,
    BallotMark,
    Candidate,
    CountEntry,
    Election,
    PollingStation,
    StationCount,
)
from elections.models.tally import Choice
from elections.services.tally import EntryResult, Line, count_enter
from notices import cache as board_cache

S = Election.Status
K = Ballot.Kind


@dataclass(frozen=True)
class WriteIn:
    """A name written in (另选他人) for one office."""

    office: str
    name: str


def _station_open(election: Election, station: PollingStation) -> None:
    if election.status != S.COUNTING:
        raise RuleViolation(_("当前不在计票阶段（%(state)s）。") % {"state": election.get_status_display()})
    if station.election_id != election.root.pk:
        raise RuleViolation(_("该投票站不属于本次选举。"))
    if StationCount.objects.filter(election=election, station=station).exists():
        raise RuleViolation(_("%(station)s的计票结果已形成，不能再录入。") % {"station": station})
    if CountEntry.objects.filter(
        election=election, station=station, from_ballots=True, discarded_at__isnull=True
    ).exists():
        raise RuleViolation(
            _("%(station)s的唱票结果已汇总提交，如需补录请先作废该次录入。") % {"station": station}
        )


def ballots_closed_reason(*, election: Election, station: PollingStation) -> str:
    """Why the station's ballots can no longer be entered or corrected ("" while they can)."""
    try:
        _station_open(election, station)
    except RuleViolation as e:
        return " ".join(e.messages)
    return ""


def _bump_after_commit(community_id: int) -> None:
    # The live tally page is served from the board's page cache: a new ballot starts a new generation.
    transaction.on_commit(lambda: board_cache.bump(community_id))


def _classify(
    election: Election, candidates: list[Candidate], write_ins: list[WriteIn], choice: str
) -> tuple[str, str]:
    """The ballot's kind and, if void, why: more names than seats in an office voids the ballot."""
    if not election.has_candidates:
        if candidates or write_ins:
            raise RuleViolation(_("本次表决的选票只能记赞成或反对。"))
        if not choice:
            return K.BLANK, ""
        if choice not in Choice.values:
            raise RuleViolation(_("表决意见只能是赞成或反对。"))
        return K.VALID, ""
    if choice:
        raise RuleViolation(_("本次选举按候选人计票，不能录入赞成或反对票。"))
    if not candidates and not write_ins:
        return K.BLANK, ""
    seats = {s.office: s.count for s in election.seats.all()}
    per_office = Counter([c.office for c in candidates] + [w.office for w in write_ins])
    for office, marked in sorted(per_office.items()):
        if office not in seats:
            raise RuleViolation(_("本次选举没有该职务的名额。"))
        if marked > seats[office]:
            return K.VOID, _("%(office)s一栏选了%(marked)d人，超过应选%(seats)d人，本张选票无效。") % {
                "office": dict(Candidate._meta.get_field("office").choices)[office],
                "marked": marked,
                "seats": seats[office],
            }
    return K.VALID, ""


def _content(
    election: Election, candidate_ids, write_ins, choice: str, void_reason: str
) -> tuple[str, str, list[Candidate], list[WriteIn]]:
    """What one ballot says, checked: its kind, the void reason, the candidates and write-ins."""
    ids = list(dict.fromkeys(candidate_ids))
    candidates = list(election.candidates.filter(pk__in=ids, status=Candidate.Status.OFFICIAL))
    if len(candidates) != len(ids):
        raise RuleViolation(_("只能录入本次选举正式候选人的票数。"))
    names = [WriteIn(w.office, (w.name or "").strip()[:50]) for w in write_ins if (w.name or "").strip()]
    void_reason = (void_reason or "").strip()[:200]
    if void_reason:
        # The reader called it void (unreadable, marked outside the boxes...): no marks kept.
        return K.VOID, void_reason, candidates, names
    kind, reason = _classify(election, candidates, names, choice)
    return kind, reason, candidates, names


def _mark(ballot: Ballot, candidates: list[Candidate], names: list[WriteIn], choice: str) -> None:
    """The marks of a valid ballot (void and blank ballots carry none)."""
    if ballot.kind != K.VALID:
        return
    common = {"ballot": ballot, "election": ballot.election, "station": ballot.station}
    BallotMark.objects.bulk_create(
        [BallotMark(candidate=c, office=c.office, **common) for c in candidates]
        + [BallotMark(office=w.office, write_in=w.name, **common) for w in names]
        + ([BallotMark(choice=choice, **common)] if not ballot.election.has_candidates else [])
    )


@transaction.atomic
def ballot_enter(
    *,
    election: Election,
    station: PollingStation,
    number: int,
    actor: User,
    candidate_ids: list[int] = (),
    write_ins: list[WriteIn] = (),
    choice: str = "",
    void_reason: str = "",
    at: dt.datetime | None = None,
) -> Ballot:
    """Record one ballot as called out: its marks, or void (with the reason) or blank. A ballot
    number is entered once per station (checked here, and by the database under concurrency)."""
    at = at or timezone.now()
    # Lock the station, not the election: the stations of one election are counted side by side.
    station = PollingStation.objects.select_for_update().get(pk=station.pk)
    election = Election.objects.select_related("parent").get(pk=election.pk)
    check_scope(actor, election.community_id)
    _station_open(election, station)
    if not isinstance(number, int) or not 1 <= number <= 2_147_483_647:
        raise RuleViolation({"number": [_("选票序号须为正整数。")]})
    if Ballot.objects.filter(election=election, station=station, number=number).exists():
        raise RuleViolation(
            _("第%(number)d号选票已在%(station)s录入。") % {"number": number, "station": station}
        )
    kind, reason, candidates, names = _content(election, candidate_ids, write_ins, choice, void_reason)
    ballot = Ballot(
        election=election,
        station=station,
        number=number,
        kind=kind,
        void_reason=reason,
        entered_by=actor,
        at=at,
    )
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError:
        raise RuleViolation(
            _("第%(number)d号选票已在%(station)s录入。") % {"number": number, "station": station}
        ) from None
    _mark(ballot, candidates, names, choice)
    _bump_after_commit(election.community_id)
    return ballot


def ballot_figures(*, election: Election, station: PollingStation) -> dict[str, int]:
    """Ballots returned, valid, void and blank at the station so far (one query)."""
    row = Ballot.objects.filter(election=election, station=station).aggregate(
        returned=Count("pk"),
        valid=Count("pk", filter=Q(kind=K.VALID)),
        void=Count("pk", filter=Q(kind=K.VOID)),
        blank=Count("pk", filter=Q(kind=K.BLANK)),
    )
    return {k: row[k] or 0 for k in ("returned", "valid", "void", "blank")}


def ballot_lines(*, election: Election, station: PollingStation | None = None) -> list[dict]:
    """Votes per (station, office, candidate, write-in, choice): one GROUP BY over the marks."""
    marks = BallotMark.objects.filter(election=election)
    if station is not None:
        marks = marks.filter(station=station)
    return list(
        marks.values("station_id", "office", "candidate_id", "write_in", "choice")
        .annotate(votes=Count("pk"))
        .order_by()
    )


@transaction.atomic
def ballot_count_submit(
    *, election: Election, station: PollingStation, issued: int, actor: User, at: dt.datetime | None = None
) -> EntryResult:
    """Sum the station's ballots into one count entry (the recorder's); the other entry, typed by
    another person from the paper tally sheet, is compared with it as any double entry is."""
    at = at or timezone.now()
    station = PollingStation.objects.select_for_update().get(pk=station.pk)
    election = Election.objects.select_related("parent").get(pk=election.pk)
    check_scope(actor, election.community_id)
    _station_open(election, station)
    figures = ballot_figures(election=election, station=station)
    if not figures["returned"]:
        raise RuleViolation(_("%(station)s还没有录入任何选票。") % {"station": station})
    if not isinstance(issued, int) or issued < 0:
        raise RuleViolation({"issued": [_("发出选票须填写为0或正整数。")]})
    lines = [
        Line(
            office=row["office"],
            votes=row["votes"],
            candidate_id=row["candidate_id"],
            write_in=row["write_in"],
            choice=row["choice"],
        )
        for row in ballot_lines(election=election, station=station)
    ]
    result = count_enter(
        election=election,
        station=station,
        figures={"issued": issued, **figures},
        lines=lines,
        actor=actor,
        at=at,
        from_ballots=True,
    )
    _bump_after_commit(election.community_id)
    return result


def ballot_summary(ballot: Ballot, *, marks=None) -> str:
    """One line that says what a ballot counts for, as kept in its correction record (``marks``:
    the ballot's marks with their candidates' residents, when the caller prefetched them)."""
    if ballot.kind == K.VOID:
        return _("无效票（%(reason)s）") % {"reason": ballot.void_reason}
    if ballot.kind == K.BLANK:
        return _("空白票")
    if marks is None:
        marks = ballot.marks.select_related("candidate__resident")
    marks = sorted(marks, key=lambda m: (m.office, m.candidate_id is None, m.candidate_id or 0, m.pk))
    if not ballot.election.has_candidates:
        return _("有效票：%(marks)s") % {"marks": "、".join(str(Choice(m.choice).label) for m in marks)}
    labels = dict(Candidate._meta.get_field("office").choices)
    per_office: dict[str, list[str]] = {}
    for m in marks:
        name = m.candidate.resident.name if m.candidate_id else _("另选他人%(name)s") % {"name": m.write_in}
        per_office.setdefault(m.office, []).append(name)
    parts = [f"{labels.get(o, o)}：{'、'.join(names)}" for o, names in per_office.items()]
    return _("有效票：%(marks)s") % {"marks": "；".join(parts)}


def _locked_for_correction(ballot: Ballot, actor: User, reason: str) -> tuple[Ballot, str]:
    """The ballot's station and row locked, after the checks every correction shares: the actor
    serves the community, the station's ballots are not yet summed into its count, a reason."""
    station = PollingStation.objects.select_for_update().get(pk=ballot.station_id)
    locked = (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("election__parent", "station")
        .filter(pk=ballot.pk)
        .first()
    )
    if locked is None:
        raise RuleViolation(_("该选票记录已被删除。"))
    check_scope(actor, locked.election.community_id)
    _station_open(locked.election, station)
    reason = (reason or "").strip()[:200]
    if not reason:
        raise RuleViolation({"reason": [_("请写明更正原因。")]})
    return locked, reason


@transaction.atomic
def ballot_correct(
    *,
    ballot: Ballot,
    reason: str,
    actor: User,
    candidate_ids: list[int] = (),
    write_ins: list[WriteIn] = (),
    choice: str = "",
    void_reason: str = "",
    at: dt.datetime | None = None,
) -> BallotCorrection:
    """Replace what one mistyped ballot says (its kind and marks), with the same checks as
    ``ballot_enter`` (more names than seats voids it...). The kind is not passed: it follows from
    the marks and the void reason, exactly as on entry. Refused once the station's ballots are
    summed into its count entry (discard that entry first) or formed into its count; the reason
    and the before/after summaries are kept in a BallotCorrection."""
    at = at or timezone.now()
    ballot, reason = _locked_for_correction(ballot, actor, reason)
    election = ballot.election
    kind, void, candidates, names = _content(election, candidate_ids, write_ins, choice, void_reason)
    before = ballot_summary(ballot)
    ballot.marks.all().delete()
    ballot.kind, ballot.void_reason = kind, void
    ballot.save(update_fields=["kind", "void_reason"])
    _mark(ballot, candidates, names, choice)
    after = ballot_summary(ballot)
    if after == before:
        raise RuleViolation(_("更正后的内容与原录入相同，无需更正。"))
    correction = BallotCorrection(
        ballot=ballot,
        election=election,
        station=ballot.station,
        number=ballot.number,
        action=BallotCorrection.Action.CORRECT,
        before=before[:500],
        after=after[:500],
        reason=reason,
        by=actor,
        at=at,
    )
    save_governed(correction, actor=actor, reason=_("更正唱票录入"))
    _bump_after_commit(election.community_id)
    return correction


@transaction.atomic
def ballot_remove(
    *, ballot: Ballot, reason: str, actor: User, at: dt.datetime | None = None
) -> BallotCorrection:
    """Remove a ballot entered twice by mistake, under the rules of ``ballot_correct``. Its number
    is left free (the next ballot still takes the highest number plus one); the record keeps the
    station, number, what the ballot said and why it went."""
    at = at or timezone.now()
    ballot, reason = _locked_for_correction(ballot, actor, reason)
    correction = BallotCorrection(
        ballot=None,
        election=ballot.election,
        station=ballot.station,
        number=ballot.number,
        action=BallotCorrection.Action.REMOVE,
        before=ballot_summary(ballot)[:500],
        reason=reason,
        by=actor,
        at=at,
    )
    save_governed(correction, actor=actor, reason=_("删除重复录入的选票"))
    ballot.delete()
    _bump_after_commit(ballot.election.community_id)
    return correction
