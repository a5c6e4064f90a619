"""Writes of the elections app (services; STYLE.md #1). Import from here."""

from elections.services.ballots import (
    WriteIn,
    ballot_correct,
    ballot_count_submit,
    ballot_enter,
    ballot_remove,
)
from elections.services.candidates import (
    candidate_nominate,
    candidate_vet,
    condition_add,
    election_post_candidates,
    qa_meeting_record,
)
from elections.services.election import (
    committee_member_add,
    committee_member_step_down,
    election_close,
    election_close_voting,
    election_create,
    election_open_nominations,
    election_open_voting,
    election_ready_ballot,
    election_start_vetting,
    rehearsal_discard,
    seat_set,
)
from elections.services.recall import recall_answer_record, recall_representative_sign, recall_sign
from elections.services.results import compute_results, election_post_results, runoff_create
from elections.services.roll import (
    election_post_roll,
    roll_add,
    roll_build,
    roll_freeze,
    roll_remove,
)
from elections.services.tally import (
    Line,
    closure_record,
    closure_validate,
    count_enter,
    count_entry_discard,
)
from elections.services.voting import check_in, proxy_authorize, staff_assign, station_create

__all__ = [
    "WriteIn",
    "ballot_correct",
    "ballot_count_submit",
    "ballot_enter",
    "ballot_remove",
    "Line",
    "closure_record",
    "closure_validate",
    "compute_results",
    "count_enter",
    "count_entry_discard",
    "election_post_results",
    "runoff_create",
    "candidate_nominate",
    "candidate_vet",
    "condition_add",
    "election_post_candidates",
    "qa_meeting_record",
    "check_in",
    "committee_member_add",
    "committee_member_step_down",
    "election_close",
    "election_close_voting",
    "election_create",
    "election_open_nominations",
    "election_open_voting",
    "election_post_roll",
    "election_ready_ballot",
    "election_start_vetting",
    "proxy_authorize",
    "recall_answer_record",
    "recall_representative_sign",
    "recall_sign",
    "rehearsal_discard",
    "roll_add",
    "roll_build",
    "roll_freeze",
    "roll_remove",
    "seat_set",
    "staff_assign",
    "station_create",
]
