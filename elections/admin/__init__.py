"""Admin of the elections app. Every write goes through ``elections.services``; the steps an
election offers come from ``elections.flow.ELECTION_FLOW``."""

from core.admin_base import register_community_path
from elections import models as m

# How the models that other admins filter or choose by reach their community.
for _model, _path in [
    (m.VoterRoll, "election__community"),
    (m.PollingStation, "election__community"),
    (m.Candidate, "election__community"),
    (m.CandidateCondition, "election__community"),
    (m.Seat, "election__community"),
    (m.ElectionCommitteeMember, "election__community"),
    (m.CountEntry, "election__community"),
    (m.StationCount, "election__community"),
]:
    register_community_path(_model, _path)

from elections.admin import ballots, candidates, election, roll, tally, voting  # noqa: E402, F401
