"""The staff interface as a chair uses it: pages render, bad input gets a Chinese message and
writes nothing, lists do not grow queries with rows."""

import pytest
from django.contrib import admin
from django.urls import reverse

from committee import models as cm
from core import models as core_models
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(community):
    return f.HouseholdFactory(community=community)


def _inline_mgmt(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def test_every_committee_page_renders_for_a_chair(chair_client, community, household):
    r = f.ResidentFactory(household=household)
    term = f.CommitteeTermFactory(community=community)
    f.CommitteeSeatFactory(term=term, resident=r)
    for model, _a in admin.site._registry.items():
        if model._meta.app_label != "committee":
            continue
        info = f"admin:committee_{model._meta.model_name}"
        assert chair_client.get(reverse(f"{info}_changelist")).status_code == 200, model
        obj = (
            model._default_manager.filter(
                **({"pk": community.pk} if model is core_models.Community else {})
            ).first()
            if model is not core_models.StreetOffice
            else community.street_office
        )
        if obj is not None:
            assert chair_client.get(reverse(f"{info}_change", args=[obj.pk])).status_code == 200, model
            assert chair_client.get(reverse(f"{info}_history", args=[obj.pk])).status_code == 200, model


def test_inlines_render(chair_client, community, household):
    r = f.ResidentFactory(household=household, name="赵敏")
    html = chair_client.get(reverse("admin:committee_household_change", args=[household.pk])).content.decode()
    assert "赵敏" in html and "residents-TOTAL_FORMS" in html
    term = f.CommitteeTermFactory(community=community)
    f.CommitteeSeatFactory(term=term, resident=r)
    html = chair_client.get(reverse("admin:committee_committeeterm_change", args=[term.pk])).content.decode()
    for prefix in ("seats", "representatives", "supervisors"):
        assert f"{prefix}-TOTAL_FORMS" in html
    html = chair_client.get(reverse("admin:committee_resident_change", args=[r.pk])).content.decode()
    assert "kin_out-TOTAL_FORMS" in html
    html = chair_client.get(reverse("admin:core_community_change", args=[community.pk])).content.decode()
    assert "居委会任期（年）" in html  # rules inline


def _resident_post(household, **overrides):
    data = {
        "household": household.pk,
        "name": "张三",
        "id_number": f.make_id_number(),
        "relation_to_head": "head",
        "residence": "registered",
        **_inline_mgmt("kin_out"),
    }
    data.update(overrides)
    return data


def test_add_resident_through_admin_records_the_user(client, community, household):
    user = f.staff_user(communities=[community], role="主任")
    client.force_login(user)
    response = client.post(reverse("admin:committee_resident_add"), _resident_post(household))
    assert response.status_code == 302, response.content.decode()[:2000]
    r = cm.Resident.objects.get()
    assert r.community == community
    assert r.history.latest().history_user == user


def test_bad_checksum_in_admin(chair_client, household):
    good = f.make_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = chair_client.post(
        reverse("admin:committee_resident_add"), _resident_post(household, id_number=bad)
    )
    assert response.status_code == 200
    assert "校验码错误" in response.content.decode()
    assert not cm.Resident.objects.exists()


def test_duplicate_id_in_community_in_admin(chair_client, household):
    existing = f.ResidentFactory(household=household, name="李娜")
    response = chair_client.post(
        reverse("admin:committee_resident_add"), _resident_post(household, id_number=existing.id_number)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已登记在本社区" in html and "李娜" in html
    assert cm.Resident.objects.count() == 1


def test_household_inline_with_one_bad_resident_saves_nothing(chair_client, household):
    good = f.make_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    data = {
        "community": household.community_id,
        "number": household.number,
        "address": "新地址",
        "group": household.group_id,
        **_inline_mgmt("residents", total=2),
        "residents-0-name": "甲",
        "residents-0-id_number": f.make_id_number(),
        "residents-0-relation_to_head": "head",
        "residents-0-residence": "registered",
        "residents-1-name": "乙",
        "residents-1-id_number": bad,
        "residents-1-relation_to_head": "spouse",
        "residents-1-residence": "registered",
    }
    response = chair_client.post(reverse("admin:committee_household_change", args=[household.pk]), data)
    assert response.status_code == 200
    assert "校验码错误" in response.content.decode()
    household.refresh_from_db()
    assert household.address != "新地址"
    assert not cm.Resident.objects.exists()


def test_supervision_sibling_refused_in_admin(chair_client, community):
    term = f.CommitteeTermFactory(community=community)
    member = f.CommitteeSeatFactory(term=term).resident
    sibling = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    cm.Kinship.objects.create(person=sibling, relative=member, kind=cm.Kinship.Kind.SIBLING)
    response = chair_client.post(
        reverse("admin:committee_supervisionmember_add"),
        {"term": term.pk, "resident": sibling.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "近亲属" in response.content.decode()
    assert not cm.SupervisionMember.objects.exists()


def test_seat_beyond_max_refused_in_admin(chair_client, community):
    term = f.CommitteeTermFactory(community=community)
    rules = community.rules
    rules.seats_min, rules.seats_max = 1, 2
    rules.save()
    f.CommitteeSeatFactory(term=term)
    f.CommitteeSeatFactory(term=term)
    third = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    response = chair_client.post(
        reverse("admin:committee_committeeseat_add"),
        {"term": term.pk, "resident": third.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "最多2名" in response.content.decode()
    assert cm.CommitteeSeat.objects.count() == 2


def test_term_inline_seat_and_conflicting_supervisor_in_one_submit_saves_nothing(chair_client, community):
    term = f.CommitteeTermFactory(community=community)
    a = f.ResidentFactory(household=f.HouseholdFactory(community=community))
    b = f.ResidentFactory(household=a.household, relation_to_head=cm.Resident.Relation.SPOUSE)
    data = {
        "community": community.pk,
        "number": term.number,
        "starts_on": "2024-01-01",
        "ends_on": "2029-01-01",
        **_inline_mgmt("seats", total=1),
        "seats-0-role": "member",
        "seats-0-resident": a.pk,
        **_inline_mgmt("representatives"),
        **_inline_mgmt("supervisors", total=1),
        "supervisors-0-role": "member",
        "supervisors-0-resident": b.pk,
    }
    response = chair_client.post(
        reverse("admin:committee_committeeterm_change", args=[term.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert "近亲属" in response.content.decode()
    assert not cm.CommitteeSeat.objects.exists()
    assert not cm.SupervisionMember.objects.exists()


def test_resident_changelist_queries_do_not_grow_with_rows(
    chair_client, community, django_assert_max_num_queries
):
    group = f.ResidentsGroupFactory(community=community)
    for _i in range(30):
        hh = f.HouseholdFactory(community=community, group=group)
        f.ResidentFactory(household=hh)
        f.ResidentFactory(household=hh, relation_to_head=cm.Resident.Relation.SPOUSE, sex="F")
    url = reverse("admin:committee_resident_changelist")
    chair_client.get(url)  # warm the content-type cache
    with django_assert_max_num_queries(10):
        response = chair_client.get(url, {"q": "张", "household__group__id__exact": group.pk})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = chair_client.get(url)
    assert len(response.context["cl"].result_list) == 50


def test_move_out_action_calls_the_service(chair_client, household):
    r = f.ResidentFactory(household=household)
    response = chair_client.post(
        reverse("admin:committee_resident_changelist"),
        {"action": "move_out_today", "_selected_action": [r.pk]},
        follow=True,
    )
    assert "已为1名居民办理迁出" in response.content.decode()
    r.refresh_from_db()
    assert r.moved_out_on is not None
    assert r.history.latest().history_change_reason == "迁出"


def test_only_the_chair_reaches_accounts_and_only_superusers_enter_national_days(client, community):
    for role in ("委员", "专管员", "居民组长", "监督委员"):
        client.force_login(f.staff_user(communities=[community], role=role))
        assert client.get(reverse("admin:core_user_changelist")).status_code == 403, role
        assert client.get(reverse("admin:core_officialday_add")).status_code == 403, role
    client.force_login(f.staff_user(communities=[community], role="主任"))
    assert client.get(reverse("admin:core_user_changelist")).status_code == 200
    html = client.get(reverse("admin:core_officialday_add")).content.decode()
    assert '<option value="">' not in html.split('name="community"')[1].split("</select>")[0]


def test_superuser_account_form_has_the_profile_and_powers(client, community):
    client.force_login(f.UserFactory(is_superuser=True))
    u = f.staff_user(communities=[community])
    html = client.get(reverse("admin:core_user_change", args=[u.pk])).content.decode()
    for name in ("role_names", "communities", "street_office", "is_superuser", "title"):
        assert f'name="{name}"' in html, name
    assert client.get(reverse("admin:core_officialday_add")).status_code == 200


def test_id_number_born_in_the_future_is_refused_in_the_resident_form(chair_client, household):
    import datetime as dt

    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    number = f.make_id_number(birth=tomorrow)
    response = chair_client.post(
        reverse("admin:committee_resident_add"), _resident_post(household, id_number=number)
    )
    assert response.status_code == 200
    assert f"出生日期{tomorrow.isoformat()}晚于今天" in response.content.decode()
    assert not cm.Resident.objects.exists()


def test_rules_fractions_take_ascii_digits_only(community):
    from django.core.exceptions import ValidationError

    rules = community.rules
    rules.assembly_quorum = "\u0662/3"  # an Arabic-Indic 2: int() reads it, \d matched it
    with pytest.raises(ValidationError, match="请填写分数"):
        rules.full_clean()
    rules.assembly_quorum = "2/3"
    rules.full_clean()
