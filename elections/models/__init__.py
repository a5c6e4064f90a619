"""Tables of the elections app, one module per concept (election, roll, candidates, voting, tally)."""

from elections.models.ballots import Ballot, BallotCorrection, BallotMark
from elections.models.candidates import (
    Candidate,
    CandidateCondition,
    RecallRepresentativeSignature,
    RecallSignature,
    Signature,
    Vetting,
)
from elections.models.election import Election, ElectionCommitteeMember, Seat
from elections.models.roll import RollChange, Voter, VoterRoll
from elections.models.tally import CandidateVotes, CountEntry, CountLine, StationCount
from elections.models.voting import CheckIn, PollingStation, Proxy, StationStaff

__all__ = [
    "Ballot",
    "BallotCorrection",
    "BallotMark",
    "Candidate",
    "CandidateCondition",
    "CandidateVotes",
    "CheckIn",
    "CountEntry",
    "CountLine",
    "Election",
    "ElectionCommitteeMember",
    "PollingStation",
    "Proxy",
    "RecallRepresentativeSignature",
    "RecallSignature",
    "RollChange",
    "Seat",
    "Signature",
    "StationCount",
    "StationStaff",
    "Vetting",
    "Voter",
    "VoterRoll",
]
