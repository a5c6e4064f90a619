"""What the live public tally page shows (唱票进度): per station, ballots called so far and whether its
count is formed; per candidate, running totals. Formed station counts are used where they exist,
the ballot-by-ballot records elsewhere. No personal data: official candidates' names are public
(posted on the board), write-in names are shown only as one 另选他人 total."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from elections.models import (
    Ballot,
    BallotMark,
    Candidate,
    CandidateVotes,
    Election,
    PollingStation,
    StationCount,
)
from elections.models.tally import Choice


@dataclass
class StationRow:
    number: int
    name: str
    ballots: int = 0
    formed: bool = False
    box_void: bool = False
    validated: bool = False


@dataclass
class TotalRow:
    label: str
    office: str
    votes: int = 0


@dataclass
class LiveTally:
    stations: list[StationRow]
    offices: list[tuple[str, list[TotalRow]]] = field(default_factory=list)
    ballots: int = 0

    @property
    def formed(self) -> int:
        return sum(1 for s in self.stations if s.formed)


def _key(row: dict) -> tuple:
    return (row["office"], row["candidate_id"] or 0, bool(row.get("is_write_in")), row["choice"])


def live_tally(election: Election) -> LiveTally:
    """Six small queries whatever the number of ballots (the GROUP BYs run in the database)."""
    root = election.root
    stations = {
        s.pk: StationRow(number=s.number, name=s.name)
        for s in PollingStation.objects.filter(election=root).order_by("number")
    }
    for row in (
        Ballot.objects.filter(election=election).values("station_id").annotate(n=Count("pk")).order_by()
    ):
        if row["station_id"] in stations:
            stations[row["station_id"]].ballots = row["n"]
    formed = set()
    for c in StationCount.objects.filter(election=election):
        row = stations.get(c.station_id)
        if row:
            row.formed, row.box_void, row.validated = True, c.box_void, c.validated
        formed.add(c.station_id)
    votes: dict[tuple, int] = {}
    write_in = Q(candidate__isnull=True, choice="")
    for row in (
        CandidateVotes.objects.filter(count__election=election, count__box_void=False)
        .values("office", "candidate_id", "choice")
        .annotate(is_write_in=Count("pk", filter=write_in), n=Sum("votes"))
        .order_by()
    ):
        key = _key(row)
        votes[key] = votes.get(key, 0) + row["n"]
    for row in (
        BallotMark.objects.filter(election=election)
        .exclude(station_id__in=formed)
        .values("office", "candidate_id", "choice")
        .annotate(is_write_in=Count("pk", filter=write_in), n=Count("pk"))
        .order_by()
    ):
        key = _key(row)
        votes[key] = votes.get(key, 0) + row["n"]
    tally = LiveTally(stations=list(stations.values()), ballots=sum(s.ballots for s in stations.values()))
    office_labels = dict(Candidate._meta.get_field("office").choices)
    if not election.has_candidates:
        rows = [
            TotalRow(str(label), "", votes.get(("", 0, False, value), 0)) for value, label in Choice.choices
        ]
        tally.offices = [("", rows)]
        return tally
    by_office: dict[str, list[TotalRow]] = {}
    candidates = (
        election.candidates.filter(status=Candidate.Status.OFFICIAL)
        .select_related("resident")
        .order_by("office", "pk")
    )
    for c in candidates:
        by_office.setdefault(c.office, []).append(
            TotalRow(c.resident.name, c.office, votes.get((c.office, c.pk, False, ""), 0))
        )
    for (office, _cid, is_write_in, _choice), n in votes.items():
        if is_write_in:
            rows = by_office.setdefault(office, [])
            other = next((r for r in rows if r.label == "" and r.office == office), None)
            if other is None:
                rows.append(TotalRow("", office, n))
            else:
                other.votes += n
    for rows in by_office.values():
        rows.sort(key=lambda r: (r.label == "", -r.votes))
    tally.offices = [(str(office_labels.get(o, o)), rows) for o, rows in by_office.items()]
    return tally
