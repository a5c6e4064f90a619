"""Reads of the hardship review."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from assistance.models import Case, CaseFlag


def staff_relative_register(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The separate register (DOMAIN.md): cases whose household holds a close relative of a
    committee member or staff member (or the person themselves), as the cross-checks found."""
    flagged = CaseFlag.objects.filter(case=OuterRef("pk"), code=CaseFlag.Code.STAFF_RELATIVE)
    return cases.filter(Exists(flagged))


def flagged_first(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with flags first, then by deadline (the work desk's order)."""
    return cases.annotate(_flagged=Exists(CaseFlag.objects.filter(case=OuterRef("pk")))).order_by(
        "-_flagged", "step_due_on", "pk"
    )
