from affairs.models.admission import AdmittedTask
from affairs.models.appraisal import Appraisal, AppraisalReport, AppraisalScore
from affairs.models.consultations import Consultation, ConsultationResponse
from affairs.models.conventions import Convention, ConventionVersion
from affairs.models.implementation import ImplementationTask, TaskUpdate
from affairs.models.meetings import Body, Meeting, MeetingMember
from affairs.models.motions import Motion, Vote

__all__ = [
    "AdmittedTask",
    "Appraisal",
    "AppraisalReport",
    "AppraisalScore",
    "Convention",
    "ConventionVersion",
    "Body",
    "Consultation",
    "ConsultationResponse",
    "ImplementationTask",
    "Meeting",
    "MeetingMember",
    "Motion",
    "TaskUpdate",
    "Vote",
]
