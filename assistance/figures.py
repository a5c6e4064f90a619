"""Figures of the hardship review per month and year: applications, approved, rejected, returned
by the street office (the accuracy the seeds boast of), and the average days each step took."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from assistance.flow import CASE_FLOW
from assistance.models import Case
from core.models import TransitionLog

APPROVED = {"street_accept"}
REJECTED = {"reject", "scoring_failed"}
RETURNED = {"street_return"}
# Steps that only record something without moving the case are not "a step" for the averages.
TIMED = {name for name, t in CASE_FLOW.transitions.items() if t.target is not None}


@dataclass
class Row:
    label: str
    applications: int = 0
    approved: int = 0
    rejected: int = 0
    returned: int = 0

    @property
    def returned_share(self) -> str:
        reported = self.approved + self.returned
        return f"{self.returned * 100 / reported:.1f}%" if reported else "-"


@dataclass
class Figures:
    year: int
    months: list[Row]
    total: Row
    step_days: list[tuple[str, float, int]] = field(default_factory=list)  # label, average days, count


def figures(*, cases: QuerySet[Case], year: int) -> Figures:
    """The year's figures for ``cases`` (already narrowed to what the user may read): four queries."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    months = [Row(f"{year}-{m:02d}") for m in range(1, 13)]
    total = Row(str(year))
    for applied in cases.filter(applied_on__year=year).values_list("applied_on", flat=True):
        months[applied.month - 1].applications += 1
        total.applications += 1
    ct = ContentType.objects.get_for_model(Case)
    logs = TransitionLog.objects.filter(
        content_type=ct, workflow=CASE_FLOW.name, object_id__in=cases.values("pk"), at__lt=end
    ).order_by("object_id", "at", "pk")
    previous: dict[int, dt.datetime] = {}
    durations: dict[str, list[float]] = defaultdict(list)
    for object_id, name, at in logs.values_list("object_id", "transition", "at"):
        if name not in TIMED and name != "apply":
            continue
        before = previous.get(object_id)
        previous[object_id] = at
        if at < start:
            continue
        month = timezone.localtime(at).month - 1
        for names, attr in ((APPROVED, "approved"), (REJECTED, "rejected"), (RETURNED, "returned")):
            if name in names:
                setattr(months[month], attr, getattr(months[month], attr) + 1)
                setattr(total, attr, getattr(total, attr) + 1)
        if before is not None and name in TIMED:
            durations[name].append((at - before).total_seconds() / 86400)
    steps = [
        (str(t.label), round(sum(durations[n]) / len(durations[n]), 1), len(durations[n]))
        for n, t in CASE_FLOW.transitions.items()
        if durations.get(n)
    ]
    return Figures(year=year, months=months, total=total, step_days=steps)
