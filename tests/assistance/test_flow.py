"""The story of a case, as DOMAIN.md tells it, from the application to the street office's answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assistance import services as s
from assistance.flow import CASE_FLOW
from assistance.models import Case, CaseFlag
from core.errors import RuleViolation
from notices.models import Posting
from tests.assistance.world import build

pytestmark = pytest.mark.django_db
S = Case.State


@pytest.fixture
def world():
    return build()


def _close_window(at, capture):
    from notices.tasks import process_window_boundaries

    with capture(execute=True):
        process_window_boundaries(at=at)


def test_a_case_from_application_to_acceptance_upward(world, django_capture_on_commit_callbacks):
    start = timezone.now() - dt.timedelta(days=30)
    case = world.apply(at=start, applied_on=timezone.localdate(start))
    assert case.state == S.APPLIED and case.members.count() == 3 and case.step_due_on is not None
    world.visit(case, at=start + dt.timedelta(days=1))
    world.investigate(case, at=start + dt.timedelta(days=2))
    s.case_applicant_response(case=case, agrees=True, actor=world.officer, at=start + dt.timedelta(days=3))
    s.case_surprise_visit(
        case=case, findings="傍晚走访，情况与调查一致。", actor=world.chair, at=start + dt.timedelta(days=4)
    )
    s.case_review(
        case=case,
        note="同意提交民意测评。",
        monthly_amount="600",
        actor=world.chair,
        at=start + dt.timedelta(days=4),
    )
    for rep in [*world.reps[0], world.reps[1][0]]:
        s.case_score(
            case=case, representative=rep, score=80, actor=world.officer, at=start + dt.timedelta(days=5)
        )
    s.case_close_scoring(case=case, actor=world.officer, at=start + dt.timedelta(days=5))
    case.refresh_from_db()
    assert case.state == S.SCORED and "平均80.0分" in case.score_result and "通过" in case.score_result

    posted_at = start + dt.timedelta(days=6)
    posting = s.cases_post(cases=[case], actor=world.officer, at=posted_at)
    case.refresh_from_db()
    assert case.state == S.POSTED and case.posting_id == posting.pk
    assert posting.category == "hardship" and posting.expire_at == posted_at + dt.timedelta(days=7)
    # The public table: masked name, size, programme, amount; never the ID, address or incomes.
    assert "张*明" in posting.body and "张三明" not in posting.body and "600.00" in posting.body
    assert case.applicant.id_number not in posting.body and case.household.address not in posting.body
    assert "800" not in posting.body  # the declared income stays off the board

    with pytest.raises(RuleViolation, match="期满后才能上报街道"):
        s.case_report(case=case, actor=world.officer, at=posted_at + dt.timedelta(days=2))
    _close_window(posted_at + dt.timedelta(days=7, minutes=1), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.posting_closed_at == posting.expire_at
    s.case_report(case=case, actor=world.officer, at=posted_at + dt.timedelta(days=8))
    s.case_street_decision(
        case=case, accepted=True, actor=world.officer, at=posted_at + dt.timedelta(days=10)
    )
    case.refresh_from_db()
    assert case.state == S.APPROVED and case.certified_until is not None and case.step_due_on is None
    steps = [e.transition for e in CASE_FLOW.log(case).order_by("at", "pk")]
    assert steps == [
        "apply",
        "visit",
        "investigate",
        "applicant_agree",
        "surprise_visit",
        "review",
        "score",
        "score",
        "score",
        "close_scoring",
        "post",
        "posting_closed",
        "report",
        "street_accept",
    ]
    visit = CASE_FLOW.log(case).get(transition="visit")
    assert visit.actor == world.officer and "王专管" in visit.note and "照片1张" in visit.note
    assert not CaseFlag.objects.filter(case=case).exists()


def test_a_dispute_leads_to_a_cross_investigation_by_another_group(world):
    case = world.apply()
    world.visit(case)
    world.investigate(case, income="900")
    with pytest.raises(RuleViolation, match="须写明理由"):
        s.case_applicant_response(case=case, agrees=False, note=" ", actor=world.officer)
    s.case_applicant_response(case=case, agrees=False, note="孩子的助学金不应算作收入。", actor=world.officer)
    case.refresh_from_db()
    assert case.state == S.DISPUTED
    with pytest.raises(RuleViolation, match="另一居民小组"):
        world.investigate(case, group=0, cross=True)
    with pytest.raises(RuleViolation, match="不能办理“居委会评议”"):
        s.case_review(case=case, note="同意", actor=world.chair)
    world.investigate(case, income="600", group=1, cross=True)
    s.case_compare(case=case, actor=world.officer)
    case.refresh_from_db()
    assert case.state == S.COMPARED
    assert (
        "900.00" in case.comparison_note
        and "600.00" in case.comparison_note
        and "超出容差" in case.comparison_note
    )
    flags = dict(CaseFlag.objects.filter(case=case).values_list("code", "message"))
    assert "相差33.3%" in flags[CaseFlag.Code.INVESTIGATIONS_DIFFER]
    s.case_review(case=case, note="以交叉调查为准。", actor=world.chair)
    assert Case.objects.get(pk=case.pk).state == S.REVIEWED


def test_a_case_returned_by_the_street_office(world, django_capture_on_commit_callbacks):
    start = timezone.now() - dt.timedelta(days=20)
    case = world.apply(at=start)
    world.to_scored(case, at=start)
    s.cases_post(cases=[case], actor=world.officer, at=start)
    _close_window(start + dt.timedelta(days=8), django_capture_on_commit_callbacks)
    s.case_report(case=case, actor=world.officer, at=start + dt.timedelta(days=9))
    with pytest.raises(RuleViolation, match="街道退回须写明理由"):
        s.case_street_decision(case=case, accepted=False, note="", actor=world.officer)
    s.case_street_decision(case=case, accepted=False, note="家庭有营运车辆未申报。", actor=world.officer)
    case.refresh_from_db()
    assert case.state == S.RETURNED and case.street_note == "家庭有营运车辆未申报。"
    entry = CASE_FLOW.log(case).get(transition="street_return")
    assert entry.note == "家庭有营运车辆未申报。" and entry.actor == world.officer


def test_a_withdrawn_posting_sends_the_case_back_to_be_posted_again(
    world, django_capture_on_commit_callbacks
):
    from notices import services as notices_services

    case = world.apply()
    world.to_scored(case)
    now = timezone.now()
    posting = s.cases_post(cases=[case], actor=world.officer, at=now)
    notices_services.posting_withdraw(
        posting, actor=world.chair, reason="金额有误", at=now + dt.timedelta(hours=1)
    )
    _close_window(now + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.state == S.SCORED and case.posting_id is None
    assert Posting.objects.filter(pk=posting.pk, withdrawn_at__isnull=False).exists()


def test_failing_the_scoring_rejects_the_case(world):
    case = world.apply()
    world.visit(case)
    world.investigate(case)
    s.case_applicant_response(case=case, agrees=True, actor=world.officer)
    s.case_review(case=case, note="提交测评", actor=world.chair)
    for rep in [*world.reps[0], *world.reps[1]]:
        s.case_score(case=case, representative=rep, score=40, actor=world.officer)
    s.case_close_scoring(case=case, actor=world.officer)
    case.refresh_from_db()
    assert case.state == S.REJECTED and "未通过" in case.score_result
