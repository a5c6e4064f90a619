"""The shapes of an election's results (``elections.services.results.compute_results``): each
name's standing per office, the seats kept for a woman, and the whole result."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from committee.models import Resident
from elections.models import StationCount


@dataclass
class Standing:
    name: str
    office: str
    votes: int
    candidate_id: int | None = None
    sex: str = ""
    elected: bool = False
    reserved: bool = False  # took the seat kept for a woman
    gave_way: bool = False  # elected on votes, not elected because the seat was kept for a woman

    @property
    def woman(self) -> bool:
        return self.sex == Resident.Sex.FEMALE


@dataclass
class Results:
    registered: int
    voted: int
    valid_election: bool
    threshold: Fraction  # a name needs more than (or, in a further round, at least) this many votes
    standings: dict[str, list[Standing]] = field(default_factory=dict)
    remaining: dict[str, int] = field(default_factory=dict)  # office -> seats left empty
    runoff_names: dict[str, list[Standing]] = field(default_factory=dict)
    women_seats: list[WomanSeat] = field(default_factory=list)
    women_left: dict[str, int] = field(default_factory=dict)  # office -> empty seats kept for women
    problems: list[str] = field(default_factory=list)
    stations: list[StationCount] = field(default_factory=list)
    # Ballots without candidates (household ballot on a charter, recall vote).
    yes: int = 0
    no: int = 0
    valid_ballots: int = 0
    passed: bool | None = None

    @property
    def participation(self) -> Fraction:
        return Fraction(self.voted, self.registered) if self.registered else Fraction(0)

    @property
    def approval(self) -> Fraction:
        return Fraction(self.yes, self.valid_ballots) if self.valid_ballots else Fraction(0)

    @property
    def elected(self) -> list[Standing]:
        return [s for rows in self.standings.values() for s in rows if s.elected]


@dataclass
class WomanSeat:
    """One seat kept for a woman: who took it (None: left empty for a further round among women)
    and who gave it up (None: it was an empty seat)."""

    office: str
    woman: Standing | None
    gave_way: Standing | None
    further: bool = False  # kept by an earlier round (the further round's seat says so)
