from affairs.models.implementation import ImplementationTask, TaskUpdate
from affairs.models.meetings import Body, Meeting, MeetingMember
from affairs.models.motions import Motion, Vote

__all__ = [
    "Body",
    "ImplementationTask",
    "Meeting",
    "MeetingMember",
    "Motion",
    "TaskUpdate",
    "Vote",
]
