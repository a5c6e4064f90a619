"""The steps of a case (DOMAIN.md, "Hardship and low-income review"), as a ``core.workflow`` table.

application through the group leader → household visit (入户调查) → investigation by the group
leader with local representatives → the applicant checks the result (agrees, or disputes) →
cross-investigation by another group when in doubt → comparison of the two → committee review,
with unannounced visits → assembly scoring (民意测评) → public posting for 7 days → report upward
→ the street office accepts or returns.

Each step is a service in ``assistance.services``; the checks here say in Chinese why a step may
not happen yet, and the admin shows exactly the steps the state allows.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assistance.models import Case, CaseRules
from core.workflow import Transition, Workflow

S = Case.State
CHANGE = "assistance.change_case"
OPEN_STATES = [
    S.APPLIED,
    S.VISITED,
    S.INVESTIGATED,
    S.CHECKED,
    S.DISPUTED,
    S.CROSS_INVESTIGATED,
    S.COMPARED,
    S.REVIEWED,
    S.SCORED,
    S.POSTED,
    S.REPORTED,
]
# Before the posting, the committee can still refuse a case.
REJECTABLE = [s for s in OPEN_STATES if s not in (S.POSTED, S.REPORTED)]


def _has_members(case: Case, step) -> str | None:
    if case.pk and case.members.exists():
        return None
    return gettext("申请尚未申报家庭成员及收入，不能入户调查。")


def _enough_scores(case: Case, step) -> str | None:
    rules = CaseRules.for_community(case.community_id)
    n = case.scores.count()
    if n >= rules.min_scorers:
        return None
    return gettext("民意测评至少需要%(need)d名居民代表评分，目前%(n)d名。") % {
        "need": rules.min_scorers,
        "n": n,
    }


def _window_over(case: Case, step) -> str | None:
    if case.posting_ends_at is None:
        return gettext("该申请没有公示记录，不能上报。")
    if step.at >= case.posting_ends_at:
        return None
    return gettext("公示期至%(end)s，期满后才能上报街道。") % {
        "end": case.posting_ends_at.astimezone().strftime("%Y-%m-%d %H:%M")
    }


def _objections_settled(case: Case, step) -> str | None:
    from notices.models import Objection

    if case.posting_id is None:
        return None
    objections = Objection.objects.filter(posting_id=case.posting_id)
    pending = objections.filter(status=Objection.Status.PENDING).count()
    if pending:
        return gettext("公示期间收到的%(n)d件异议尚未答复，答复后才能上报。") % {"n": pending}
    if objections.filter(upheld=True).exists():
        return gettext("公示期间有异议经核实成立，不能上报；请重新调查或不予认定。")
    return None


CASE_FLOW = Workflow(
    "assistance_case",
    states=S,
    field="state",
    transitions=[
        Transition("apply", _("经居民组长提出申请"), sources=[S.APPLIED], permission=CHANGE),
        Transition(
            "visit",
            _("入户调查"),
            sources=[S.APPLIED],
            target=S.VISITED,
            permission=CHANGE,
            checks=[_has_members],
        ),
        Transition(
            "investigate",
            _("组长会同居民代表调查核实"),
            sources=[S.VISITED],
            target=S.INVESTIGATED,
            permission=CHANGE,
        ),
        Transition(
            "applicant_agree",
            _("申请人确认调查结果"),
            sources=[S.INVESTIGATED],
            target=S.CHECKED,
            permission=CHANGE,
        ),
        Transition(
            "applicant_dispute",
            _("申请人对调查结果有异议"),
            sources=[S.INVESTIGATED],
            target=S.DISPUTED,
            permission=CHANGE,
        ),
        Transition(
            "cross_investigate",
            _("交叉调查（另一小组）"),
            sources=[S.CHECKED, S.DISPUTED],
            target=S.CROSS_INVESTIGATED,
            permission=CHANGE,
        ),
        Transition(
            "compare",
            _("比对两次调查"),
            sources=[S.CROSS_INVESTIGATED],
            target=S.COMPARED,
            permission=CHANGE,
        ),
        Transition(
            "surprise_visit",
            _("记录明察暗访"),
            sources=[S.CHECKED, S.COMPARED, S.REVIEWED],
            permission=CHANGE,
        ),
        Transition(
            "review", _("居委会评议"), sources=[S.CHECKED, S.COMPARED], target=S.REVIEWED, permission=CHANGE
        ),
        Transition("score", _("录入居民代表评分"), sources=[S.REVIEWED], permission=CHANGE),
        Transition(
            "close_scoring",
            _("民意测评结束"),
            sources=[S.REVIEWED],
            target=S.SCORED,
            permission=CHANGE,
            checks=[_enough_scores],
        ),
        Transition(
            "scoring_failed", _("民意测评未通过"), sources=[S.REVIEWED], target=S.REJECTED, permission=CHANGE
        ),
        Transition("post", _("张榜公示"), sources=[S.SCORED], target=S.POSTED, permission=CHANGE),
        # The board's hand-off (actor None): the posting was withdrawn before its window ran out.
        Transition("posting_withdrawn", _("公示撤回，退回待公示"), sources=[S.POSTED], target=S.SCORED),
        Transition("posting_closed", _("公示期满"), sources=[S.POSTED]),
        Transition(
            "report",
            _("上报街道"),
            sources=[S.POSTED],
            target=S.REPORTED,
            permission=CHANGE,
            checks=[_window_over, _objections_settled],
        ),
        Transition(
            "street_accept", _("街道审批通过"), sources=[S.REPORTED], target=S.APPROVED, permission=CHANGE
        ),
        Transition(
            "street_return", _("街道退回"), sources=[S.REPORTED], target=S.RETURNED, permission=CHANGE
        ),
        Transition("reject", _("不予认定"), sources=REJECTABLE, target=S.REJECTED, permission=CHANGE),
        Transition("end", _("停止救助"), sources=[S.APPROVED], target=S.ENDED, permission=CHANGE),
    ],
)
