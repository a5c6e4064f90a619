"""Reads of the elections' public pages: the candidate conditions of elections taking nominations,
and an applicant's own candidacy (name + last 4 ID characters → status and vetting checklist)."""

from __future__ import annotations

from dataclasses import dataclass, field

from elections.models import Candidate, CandidateCondition, Election, Vetting

S = Election.Status
# Conditions are shown on the public index while nominations and vetting are open.
CONDITIONS_STATES = (S.NOMINATIONS, S.VETTING)
# The candidacy lookup answers from nominations on (an applicant can check their nomination).
CANDIDACY_STATES = (
    S.NOMINATIONS,
    S.VETTING,
    S.CANDIDATES_POSTED,
    S.VOTING,
    S.COUNTING,
    S.RESULTS_POSTED,
    S.CLOSED,
)
# The index links the lookup while its answer matters most: vetting and the official list.
CANDIDACY_LINK_STATES = (S.VETTING, S.CANDIDATES_POSTED)


def conditions_by_election(elections: list[Election]) -> dict[int, list[CandidateCondition]]:
    """The published conditions of those ``elections`` taking nominations or vetting (one query)."""
    pks = [e.pk for e in elections if e.status in CONDITIONS_STATES and e.has_candidates]
    out: dict[int, list[CandidateCondition]] = {}
    for c in CandidateCondition.objects.filter(election_id__in=pks).order_by("election_id", "number"):
        out.setdefault(c.election_id, []).append(c)
    return out


@dataclass
class CheckItem:
    number: int
    text: str
    passed: bool
    grounds: str = ""


@dataclass
class Candidacy:
    """What the applicant is told: their status, office and each condition's outcome; no ID number,
    no officer, nobody else."""

    status: str
    status_label: str
    office_label: str
    checklist: list[CheckItem] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.status == Candidate.Status.NOMINATED


def candidacy_lookup(*, election: Election, name: str, last4: str) -> Candidacy | None:
    """Exact name and the last 4 ID characters of the nominee; None when no nomination matches."""
    name, last4 = (name or "").strip(), (last4 or "").strip().upper()
    if not name or len(last4) != 4:
        return None
    candidate = (
        Candidate.objects.filter(election=election, resident__name=name, resident__id_number__endswith=last4)
        .order_by("pk")
        .first()
    )
    if candidate is None:
        return None
    checklist = [
        # Grounds are shown for a failed condition only: they are the reason the applicant is owed.
        CheckItem(
            number=v.condition.number,
            text=v.condition.text,
            passed=v.passed,
            grounds="" if v.passed else v.grounds,
        )
        for v in Vetting.objects.filter(candidate=candidate)
        .select_related("condition")
        .order_by("condition__number")
    ]
    return Candidacy(
        status=candidate.status,
        status_label=candidate.get_status_display(),
        office_label=candidate.get_office_display(),
        checklist=checklist,
    )
