"""Tables of the affairs app (居务), one module per concept."""

from affairs.models.admission import AdmittedTask
from affairs.models.appraisal import Appraisal, AppraisalReport, AppraisalScore
from affairs.models.consultations import Consultation, ConsultationResponse
from affairs.models.conventions import Convention, ConventionVersion
from affairs.models.finance import FinanceEntry, FinanceStatement
from affairs.models.implementation import ImplementationTask, TaskUpdate
from affairs.models.meetings import Body, Meeting, MeetingMember
from affairs.models.motions import Motion, Vote
from affairs.models.opinions import Opinion, OpinionRoute

__all__ = [
    "AdmittedTask",
    "Appraisal",
    "AppraisalReport",
    "AppraisalScore",
    "Body",
    "Consultation",
    "ConsultationResponse",
    "Convention",
    "ConventionVersion",
    "FinanceEntry",
    "FinanceStatement",
    "ImplementationTask",
    "Meeting",
    "MeetingMember",
    "Motion",
    "Opinion",
    "OpinionRoute",
    "TaskUpdate",
    "Vote",
]
