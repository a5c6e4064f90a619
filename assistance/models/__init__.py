"""Models of the hardship review (困难帮扶): programmes and standards, cases, step records."""

from assistance.models.cases import Case, CaseAsset, CaseMember
from assistance.models.programmes import CaseRules, Programme, ProgrammeStandard
from assistance.models.records import (
    CaseFlag,
    CaseView,
    Investigation,
    Score,
    SurpriseVisit,
    Visit,
    VisitPhoto,
)

__all__ = [
    "Case",
    "CaseAsset",
    "CaseFlag",
    "CaseMember",
    "CaseRules",
    "CaseView",
    "Investigation",
    "Programme",
    "ProgrammeStandard",
    "Score",
    "SurpriseVisit",
    "Visit",
    "VisitPhoto",
]
