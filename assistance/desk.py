"""The case officer's work on the staff work desk (core.desk): flagged cases first, then overdue
steps, postings ready to report, recertifications; reading roles follow the flags."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Exists, F, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.flow import OPEN_STATES
from assistance.models import Case, CaseFlag
from assistance.privacy import may_read_cases, visible_cases
from core import desk, roles


def _url(**params) -> str:
    return f"{reverse('admin:assistance_case_changelist')}?{urlencode(params)}"


@desk.provider
def cases_to_handle(user, communities, at):
    if not may_read_cases(user):
        return []
    cases = visible_cases(user, Case.objects.filter(community__in=communities))
    open_cases = cases.filter(state__in=OPEN_STATES)
    today = timezone.localdate(at)
    if not user.is_superuser and roles.CASE_OFFICER in roles.user_roles(user):
        return _own_cases(open_cases, today)
    flagged = open_cases.filter(Exists(CaseFlag.objects.filter(case=OuterRef("pk"))))
    acting = user.is_superuser or user.has_perm("assistance.change_case")
    todos = []
    n = flagged.count()
    if n:
        todos.append(
            desk.Todo(
                _("有自动核查提示的在办救助申请"),
                n,
                _url(flags="any", open="yes"),
                desk.Level.TODAY if acting else desk.Level.FOLLOW,
                flagged.aggregate(d=Min("step_due_on"))["d"],
                _("逐条核实提示的原因（近亲属申请单独登记）"),
                group="assistance",
            )
        )
    if not acting:
        return todos
    overdue = open_cases.filter(step_due_on__lt=today)
    if n := overdue.count():
        todos.append(
            desk.Todo(
                _("超过办理期限的救助申请"),
                n,
                _url(open="yes"),
                desk.Level.OVERDUE,
                overdue.aggregate(d=Min("step_due_on"))["d"],
                _("按列表中的环节和期限办理"),
                group="assistance",
            )
        )
    ripe = open_cases.filter(state=Case.State.POSTED, posting_ends_at__lte=at)
    if n := ripe.count():
        todos.append(
            desk.Todo(
                _("公示期满、待上报街道的救助申请"),
                n,
                _url(state__exact=Case.State.POSTED),
                desk.Level.TODAY,
                None,
                _("异议均已答复即可上报"),
                group="assistance",
            )
        )
    recert = open_cases.filter(kind=Case.Kind.RECERTIFICATION)
    if n := recert.count():
        todos.append(
            desk.Todo(
                _("待复核的救助对象"),
                n,
                _url(kind__exact=Case.Kind.RECERTIFICATION, open="yes"),
                desk.Level.TODAY,
                recert.aggregate(d=Min("step_due_on"))["d"],
                _("按期入户调查，核实家庭收入"),
                group="assistance",
            )
        )
    rest = open_cases.exclude(pk__in=flagged.values("pk")).exclude(step_due_on__lt=today)
    if n := rest.count():
        todos.append(
            desk.Todo(
                _("在办救助申请"),
                n,
                _url(open="yes"),
                desk.Level.OPEN,
                rest.aggregate(d=Min("step_due_on"))["d"],
                _("列表按核查提示和办理期限排序"),
                group="assistance",
            )
        )
    return todos


# A case officer's desk lists each of their cases (this many, then a link to the rest).
EACH = 12


def _own_cases(open_cases, today) -> list:
    """Each open case of the officer: its step and deadline, flagged cases first (one query)."""
    first_flag = CaseFlag.objects.filter(case=OuterRef("pk")).order_by("code").values("message")[:1]
    rows = list(
        open_cases.annotate(_flag=Subquery(first_flag))
        .select_related("household", "programme")
        .order_by(F("_flag").asc(nulls_last=True), F("step_due_on").asc(nulls_last=True), "pk")[: EACH + 1]
    )
    todos = []
    for case in rows[:EACH]:
        overdue = case.step_due_on is not None and case.step_due_on < today
        level = desk.Level.OVERDUE if overdue else desk.Level.TODAY if case._flag else desk.Level.OPEN
        todos.append(
            desk.Todo(
                _("%(case)s：%(state)s") % {"case": case, "state": case.get_state_display()},
                1,
                reverse("admin:assistance_case_change", args=[case.pk]),
                level,
                case.step_due_on,
                case._flag or _("按期办理下一环节"),
                group="assistance",
            )
        )
    if len(rows) > EACH:
        todos.append(
            desk.Todo(
                _("其余在办救助申请"),
                open_cases.count() - EACH,
                _url(open="yes"),
                desk.Level.OPEN,
                None,
                _("列表按核查提示和办理期限排序"),
                group="assistance",
            )
        )
    return todos
