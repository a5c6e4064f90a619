"""Quarterly appraisal (述职测评) at the representative assembly: each committee member reports and
answers questions; each representative present scores each member once (0-100); the averages and
grades are posted on the board. Individual scores are never posted (民主测评 is a secret score)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from affairs.models.appraisal import Appraisal, AppraisalReport, AppraisalScore
from affairs.models.meetings import Body, Meeting, MeetingMember
from committee.models import CommitteeSeat
from core.errors import RuleViolation
from core.governed import check_scope, integrity_message, save_governed
from core.models import Community, User
from notices.models import Category
from notices.services import publish


def grades(community: Community) -> list[tuple[int, str]]:
    """Grades of the evaluation, best first: (lowest average, label); the lines are the community's
    rules (default 90 / 75 / 60)."""
    rules = community.rules
    return [
        (rules.appraisal_excellent, gettext_lazy("优秀")),
        (rules.appraisal_competent, gettext_lazy("称职")),
        (rules.appraisal_basic, gettext_lazy("基本称职")),
        (0, gettext_lazy("不称职")),
    ]


@transaction.atomic
def appraisal_create(
    *, community: Community, year: int, quarter: int, meeting: Meeting, actor: User | None
) -> Appraisal:
    check_scope(actor, community.pk)
    if meeting.community_id != community.pk or meeting.body != Body.ASSEMBLY:
        raise RuleViolation(_("述职测评须在本社区的居民代表会议上进行。"))
    if meeting.term_id is None:
        raise RuleViolation(_("该会议没有对应的居委会届次。"))
    appraisal = Appraisal(community=community, year=year, quarter=quarter, meeting=meeting)
    save_governed(appraisal, actor=actor, reason=_("安排述职测评"))
    seats = CommitteeSeat.objects.filter(term_id=meeting.term_id, ended_on__isnull=True).order_by(
        "role", "pk"
    )
    AppraisalReport.objects.bulk_create(AppraisalReport(appraisal=appraisal, seat=s) for s in seats)
    return appraisal


@transaction.atomic
def scores_record(
    *, appraisal: Appraisal, member: MeetingMember, scores: dict[int, int], actor: User | None
) -> int:
    """One representative's scores of the members (all or none)."""
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    check_scope(actor, appraisal.community_id)
    if appraisal.posting_id is not None:
        raise RuleViolation(_("测评结果已公开，不能再打分。"))
    if member.meeting_id != appraisal.meeting_id:
        raise RuleViolation(_("%(name)s不是测评会议的成员，不能参加测评。") % {"name": member.resident.name})
    if not member.counts_present:
        raise RuleViolation(_("%(name)s未签到出席，不能参加测评。") % {"name": member.resident.name})
    reports = {r.pk: r for r in appraisal.reports.all()}
    for report_id, score in scores.items():
        if report_id not in reports:
            raise RuleViolation(_("测评对象不属于本次测评。"))
        if score is None or not 0 <= int(score) <= 100:
            raise RuleViolation(_("分数须在0至100之间。"))
        try:
            with transaction.atomic():
                AppraisalScore.objects.create(report=reports[report_id], member=member, score=int(score))
        except IntegrityError as e:
            raise RuleViolation(integrity_message(e)) from e
    return len(scores)


@dataclass(frozen=True)
class Result:
    name: str
    role: str
    count: int
    average: Decimal | None
    grade: str


def results(appraisal: Appraisal) -> list[Result]:
    rows = (
        appraisal.reports.select_related("seat__resident")
        .annotate(n=Count("scores"), avg=Avg("scores__score"))
        .order_by("seat__role", "seat_id")
    )
    scale = grades(appraisal.community)
    out = []
    for r in rows:
        average = Decimal(str(r.avg)).quantize(Decimal("0.1"), ROUND_HALF_UP) if r.avg is not None else None
        grade = next(label for low, label in scale if average >= low) if average is not None else "-"
        out.append(
            Result(
                r.seat.resident.name,
                r.seat.get_role_display(),
                r.n,
                average,
                _(grade) if grade != "-" else grade,
            )
        )
    return out


@transaction.atomic
def appraisal_publish(*, appraisal: Appraisal, actor: User | None, at: dt.datetime | None = None):
    at = at or timezone.now()
    appraisal = (
        Appraisal.objects.select_for_update().select_related("community", "meeting").get(pk=appraisal.pk)
    )
    check_scope(actor, appraisal.community_id)
    if appraisal.posting_id is not None:
        raise RuleViolation(_("测评结果已公开。"))
    missing = [
        r.seat.resident.name
        for r in appraisal.reports.select_related("seat__resident")
        if not r.report.strip()
    ]
    if missing:
        raise RuleViolation(_("以下成员尚未录入述职报告：%(names)s。") % {"names": "、".join(missing)})
    rows = results(appraisal)
    if not rows or any(r.count == 0 for r in rows):
        raise RuleViolation(_("尚有成员未获测评打分，不能公开结果。"))
    body = format_html(
        "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("%(date)s，%(meeting)s听取居委会成员述职并进行质询和民主测评，结果如下（百分制，取平均分）。")
        % {
            "date": f"{timezone.localtime(appraisal.meeting.starts_at):%Y年%m月%d日}",
            "meeting": appraisal.meeting.title,
        },
        _("姓名"),
        _("职务"),
        _("参评人数"),
        _("平均分"),
        _("等次"),
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r.name, r.role, r.count, r.average, r.grade) for r in rows),
        ),
    )
    appraisal.posting = publish(
        community=appraisal.community,
        category=Category.AFFAIRS,
        title=_("%(year)d年第%(q)d季度居委会成员述职测评结果")
        % {"year": appraisal.year, "q": appraisal.quarter},
        body=str(body),
        sources=[appraisal],
        actor=actor,
        at=at,
    )
    save_governed(appraisal, actor=actor, reason=_("公开测评结果"))
    return appraisal
