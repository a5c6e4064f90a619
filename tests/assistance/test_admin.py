"""The case officer's flow in the admin, the privacy rule per role, and the log of views."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from assistance.models import Case, CaseView
from core.models import TransitionLog
from tests import factories as f
from tests.assistance.world import build, photo

pytestmark = pytest.mark.django_db
S = Case.State


@pytest.fixture
def world():
    return build()


def _step(client, case, step, data):
    return client.post(reverse("admin:assistance_case_step", args=[case.pk, step]), data)


def test_the_case_officer_takes_each_step_on_the_cases_page(client, world):
    case = world.apply()
    client.force_login(world.officer)
    change = reverse("admin:assistance_case_change", args=[case.pk])
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    # Only the steps the state allows: the visit (and a refusal), not the investigation yet.
    assert reverse("admin:assistance_case_step", args=[case.pk, "visit"]) in html
    assert reverse("admin:assistance_case_step", args=[case.pk, "investigate"]) not in html
    response = _step(
        client,
        case,
        "visit",
        {"visitors": [world.officer.pk], "visited_on": "2026-11-20", "findings": "看过", "photo_1": photo()},
    )
    assert response.status_code == 200 and "至少两名工作人员" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == S.APPLIED
    response = _step(
        client,
        case,
        "visit",
        {
            "visitors": [world.officer.pk, world.colleague.pk],
            "visited_on": "2026-11-20",
            "findings": "家中困难",
            "photo_1": photo(),
        },
    )
    assert response.status_code == 302 and response.url == change
    response = _step(
        client,
        case,
        "investigate",
        {
            "group": world.groups[0].pk,
            "leader": world.leaders[0].pk,
            "representatives": [r.pk for r in world.reps[0]],
            "investigated_on": "2026-11-21",
            "household_size": 3,
            "monthly_income": "-5",
            "assets_value": "0",
            "findings": "属实",
        },
    )
    assert "不能为负数" in response.content.decode()
    # A step out of order: the page says why and offers no form.
    page = client.get(reverse("admin:assistance_case_step", args=[case.pk, "review"]))
    assert "当前状态为“已入户调查”，不能办理“居委会评议”" in page.content.decode()
    assert 'id="step-form"' not in page.content.decode()
    assert TransitionLog.objects.filter(
        workflow="assistance_case", transition="visit", actor=world.officer
    ).exists()


def test_posting_a_batch_from_the_list(client, world):
    a, b = world.to_scored(world.apply()), world.apply()
    client.force_login(world.officer)
    url = reverse("admin:assistance_case_changelist")
    response = client.post(url, {"action": "post_selected", ACTION_CHECKBOX_NAME: [a.pk, b.pk]}, follow=True)
    assert "尚未通过居委会评议和民意测评，不能公示" in response.content.decode()
    response = client.post(url, {"action": "post_selected", ACTION_CHECKBOX_NAME: [a.pk]}, follow=True)
    assert "已发布“救助对象公示" in response.content.decode()
    assert Case.objects.get(pk=a.pk).state == S.POSTED


ROLES_THAT_SEE = {"主任": True, "监督委员": True, "街道": True, "委员": False, "居民组长": False}


@pytest.mark.parametrize(("role", "sees"), ROLES_THAT_SEE.items())
def test_who_sees_a_case(client, world, role, sees):
    case = world.apply()
    if role == "街道":
        user = f.staff_user(role=role, street_office=world.community.street_office)
    else:
        user = f.staff_user(communities=[world.community], role=role)
    client.force_login(user)
    listing = client.get(reverse("admin:assistance_case_changelist"))
    page = client.get(reverse("admin:assistance_case_change", args=[case.pk]))
    if sees:
        assert listing.status_code == 200 and case in listing.context["cl"].result_list
        assert page.status_code == 200
        assert CaseView.objects.filter(case=case, user=user).count() == 1
    else:
        assert listing.status_code == 403 and page.status_code == 403
        assert not CaseView.objects.filter(user=user).exists()


def test_a_case_officer_sees_only_their_own_cases(client, world):
    mine = world.apply()
    other_officer = f.staff_user(communities=[world.community], role="专管员")
    client.force_login(other_officer)
    listing = client.get(reverse("admin:assistance_case_changelist"))
    assert listing.status_code == 200 and mine not in listing.context["cl"].result_list
    response = client.get(reverse("admin:assistance_case_change", args=[mine.pk]))
    assert response.status_code == 302  # "does not exist" for them
    client.force_login(world.officer)
    assert mine in client.get(reverse("admin:assistance_case_changelist")).context["cl"].result_list


def test_every_view_is_logged_and_the_supervisor_reads_the_log(client, world):
    case = world.apply()
    client.force_login(world.chair)
    client.get(reverse("admin:assistance_case_change", args=[case.pk]))
    client.get(reverse("admin:assistance_case_change", args=[case.pk]))
    supervisor = f.staff_user(communities=[world.community], role="监督委员")
    client.force_login(supervisor)
    log = client.get(reverse("admin:assistance_caseview_changelist"))
    assert log.status_code == 200
    rows = list(log.context["cl"].result_list)
    assert [r.user for r in rows] == [world.chair, world.chair]


def test_a_street_office_user_sees_the_flags_of_all_its_communities(client, world):
    other = build(
        f.CommunityFactory(street_office=world.community.street_office, name="和谐社区", slug="hexie")
    )
    a = world.apply(incomes=("0",), size=1)
    b = other.apply(incomes=("0",), size=1)
    for w, case in ((world, a), (other, b)):
        w.visit(case)
        w.investigate(case, income="5000", size=1)
    street = f.staff_user(role="街道", street_office=world.community.street_office)
    client.force_login(street)
    response = client.get(reverse("admin:assistance_caseflag_changelist"))
    assert response.status_code == 200
    assert {flag.case_id for flag in response.context["cl"].result_list} == {a.pk, b.pk}
    chair = client.force_login(world.chair) or world.chair
    response = client.get(reverse("admin:assistance_caseflag_changelist"))
    assert {flag.case_id for flag in response.context["cl"].result_list} == {a.pk}
    assert chair


def test_the_figures_page_counts_per_month_and_step(client, world, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from assistance import services as s
    from assistance.figures import figures
    from notices.tasks import process_window_boundaries

    start = timezone.now() - dt.timedelta(days=20)
    returned, refused = world.apply(at=start, applied_on=timezone.localdate(start)), world.apply()
    world.to_scored(returned, at=start)
    s.cases_post(cases=[returned], actor=world.officer, at=start)
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=start + dt.timedelta(days=8))
    s.case_report(case=returned, actor=world.officer, at=start + dt.timedelta(days=8))
    s.case_street_decision(
        case=returned, accepted=False, note="材料不全", actor=world.officer, at=start + dt.timedelta(days=9)
    )
    s.case_reject(case=refused, note="收入超过标准", actor=world.officer)
    data = figures(cases=Case.objects.all(), year=timezone.localdate().year)
    assert (data.total.applications, data.total.returned, data.total.rejected, data.total.approved) == (
        2,
        1,
        1,
        0,
    )
    assert data.total.returned_share == "100.0%"
    visit = next(x for x in data.step_days if x[0] == "入户调查")
    assert visit[2] == 1
    client.force_login(world.chair)
    page = client.get(reverse("admin:assistance_case_figures"), {"year": "abc"})
    assert page.status_code == 200 and "各环节平均用时" in page.content.decode()
    member = f.staff_user(communities=[world.community], role="委员")
    client.force_login(member)
    assert client.get(reverse("admin:assistance_case_figures")).status_code == 403


def _add_form(world, household, people, **overrides):
    data = {
        "household": household.pk,
        "programme": world.dibao.pk,
        "applicant": people[0].pk,
        "via_leader": world.leaders[0].pk,
        "officer": world.officer.pk,
        "applied_on": "2026-11-20",
        "reason": "失业",
        "monthly_amount": "500",
        "members-TOTAL_FORMS": str(len(people)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "assets-TOTAL_FORMS": "0",
        "assets-INITIAL_FORMS": "0",
        "assets-MIN_NUM_FORMS": "0",
        "assets-MAX_NUM_FORMS": "1000",
    }
    for i, p in enumerate(people):
        data[f"members-{i}-resident"] = p.pk
        data[f"members-{i}-monthly_income"] = "300"
        data[f"members-{i}-income_source"] = "零工"
    data.update(overrides)
    return data


def test_the_application_is_registered_from_the_admin_through_the_service(client, world):
    household, people = world.household()
    client.force_login(world.officer)
    url = reverse("admin:assistance_case_add")
    assert client.get(url).status_code == 200
    response = client.post(url, _add_form(world, household, people))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(household=household)
    assert case.members.count() == 3 and case.state == S.APPLIED
    assert TransitionLog.objects.filter(
        workflow="assistance_case", transition="apply", object_id=case.pk
    ).exists()


def test_a_negative_income_typed_in_the_admin_is_refused_with_nothing_written(client, world):
    household, people = world.household()
    client.force_login(world.officer)
    response = client.post(
        reverse("admin:assistance_case_add"),
        _add_form(world, household, people, **{"members-1-monthly_income": "-100"}),
        follow=True,
    )
    assert response.status_code == 200
    assert "不能为负数" in response.content.decode() or "大于或等于0" in response.content.decode()
    assert not Case.objects.filter(household=household).exists()


def test_after_the_window_the_names_leave_the_public_site(client, world):
    import datetime as dt

    from django.utils import timezone

    from assistance import services as s

    case = world.to_scored(world.apply())
    start = timezone.now() - dt.timedelta(days=10)
    posting = s.cases_post(cases=[case], actor=world.officer, at=start)
    url = f"/c/{world.community.slug}/notices/{posting.pk}/"
    assert client.get(url).status_code == 404  # 10 days later: the 7-day window is over
    archive = client.get(f"/c/{world.community.slug}/").content.decode()
    assert "张*明" not in archive
