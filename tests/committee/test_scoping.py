"""The scoping rule across every registered admin: two communities, two staff users.

The checks iterate ``admin.site._registry``, so an admin added later by any app is covered (or
fails here until it is scoped or deliberately listed as superuser-only).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse

from committee import models as cm
from core import models as core_models
from core.admin_base import CommunityScopedAdmin, SuperuserOnlyAdmin
from core.admin_scope import community_id_of, community_path_for
from tests import factories as f

PORTAL_APPS = {"committee", "elections", "affairs", "assistance", "notices"}
# Deliberately not community-scoped: records above any one community. Each admin must also refuse
# non-superusers outright (checked below). None today: accounts and holiday days are scoped too.
SUPERUSER_ONLY: set[type] = set()

pytestmark = pytest.mark.django_db


def _portal_admins():
    return [(m, a) for m, a in admin.site._registry.items() if m._meta.app_label in PORTAL_APPS]


def test_every_portal_admin_is_scoped_or_superuser_only():
    admins = _portal_admins()
    assert len(admins) >= 12
    for model, model_admin in admins:
        if model in SUPERUSER_ONLY:
            assert isinstance(model_admin, SuperuserOnlyAdmin), model
        else:
            assert isinstance(model_admin, CommunityScopedAdmin), f"{model.__name__} admin is not scoped"
            assert model_admin.get_community_path(), model


def test_superuser_only_admins_refuse_staff(client):
    c = f.CommunityFactory()
    user = f.staff_user(communities=[c], role="主任")
    client.force_login(user)
    for model in SUPERUSER_ONLY:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 403, model


# --- Two communities, one object of every scoped model in each --------------------------------------------


def _world(community: core_models.Community) -> dict[type, object]:
    """One object of every committee model in ``community``, built with factories."""
    group = f.ResidentsGroupFactory(community=community)
    building = f.BuildingFactory(community=community, group=group)
    household = f.HouseholdFactory(community=community, group=group, building=building)
    head = f.ResidentFactory(household=household)
    spouse = f.ResidentFactory(household=household, relation_to_head=cm.Resident.Relation.SPOUSE, sex="F")
    other = f.ResidentFactory(household=f.HouseholdFactory(community=community, group=group))
    kin = cm.Kinship.objects.create(person=head, relative=spouse, kind=cm.Kinship.Kind.SPOUSE)
    term = f.CommitteeTermFactory(community=community)
    seat = f.CommitteeSeatFactory(term=term, resident=head)
    rep = cm.Representative.objects.create(term=term, group=group, resident=spouse)
    sup = cm.SupervisionMember.objects.create(term=term, resident=other)
    captain = cm.BuildingCaptain.objects.create(
        community=community, building=building, resident=spouse, nominated_on="2026-03-02"
    )
    from django.utils import timezone

    from notices import models as nm

    posting = nm.Posting.objects.create(community=community, title="楼栋长公示", publish_at=timezone.now())
    objection = nm.Objection.objects.create(
        posting=posting, name="王五", phone="13800000000", body="有异议", filed_at=timezone.now()
    )
    staff = f.staff_user(communities=[community], role="委员", full_name=f"{community.name}委员")
    event = core_models.AccountEvent.objects.create(user=staff, action="create", at=timezone.now())
    day = core_models.OfficialDay.objects.create(community=community, date="2027-10-08", is_working_day=False)
    return {
        core_models.User: staff,
        core_models.AccountEvent: event,
        core_models.OfficialDay: day,
        nm.Posting: posting,
        nm.Objection: objection,
        core_models.Community: community,
        core_models.StreetOffice: community.street_office,
        cm.ResidentsGroup: group,
        cm.Building: building,
        cm.Household: household,
        cm.Resident: head,
        cm.Kinship: kin,
        cm.CommitteeTerm: term,
        cm.CommitteeSeat: seat,
        cm.Representative: rep,
        cm.SupervisionMember: sup,
        cm.BuildingCaptain: captain,
    }


@pytest.fixture
def two_worlds():
    a = f.CommunityFactory(name="幸福社区", slug="xingfu")
    b = f.CommunityFactory(name="和谐社区", slug="hexie")
    world_a, world_b = _world(a), _world(b)
    user_a = f.staff_user(communities=[a], role="主任")
    user_b = f.staff_user(communities=[b], role="主任")
    return world_a, world_b, user_a, user_b


def test_worlds_cover_every_scoped_committee_admin(two_worlds):
    world_a, _b, _ua, _ub = two_worlds
    scoped = {m for m, a in _portal_admins() if m._meta.app_label == "committee" and m not in SUPERUSER_ONLY}
    assert scoped <= set(world_a), scoped - set(world_a)


def _objects_for(model, world):
    if model in world:
        return world[model]
    return None


def test_changelists_never_show_another_communitys_objects(client, two_worlds):
    world_a, world_b, user_a, _user_b = two_worlds
    client.force_login(user_a)
    checked = 0
    for model, _model_admin in _portal_admins():
        if model in SUPERUSER_ONLY:
            continue
        obj_a, obj_b = _objects_for(model, world_a), _objects_for(model, world_b)
        if obj_a is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, (model, response.status_code)
        shown = {o.pk for o in response.context["cl"].result_list}
        assert obj_a.pk in shown, model
        assert obj_b.pk not in shown, f"{model.__name__}: B's object listed to A"
        checked += 1
    assert checked >= 12


def test_change_urls_of_another_communitys_objects_are_refused(client, two_worlds):
    world_a, world_b, user_a, _user_b = two_worlds
    client.force_login(user_a)
    checked = 0
    for model, _model_admin in _portal_admins():
        obj_b = _objects_for(model, world_b)
        if obj_b is None or model in SUPERUSER_ONLY:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        for view in ("change", "delete", "history"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[quote(obj_b.pk)])
            response = client.get(url)
            # Django redirects to the index with "…不存在" for a missing object; history answers 404.
            assert response.status_code in (302, 403, 404), (model, view, response.status_code)
            if response.status_code == 302:
                assert response.url == reverse("admin:index"), (model, view)
        # A POST to the change URL must not change anything either.
        before = model._default_manager.filter(pk=obj_b.pk).values().first()
        client.post(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj_b.pk]), {})
        assert model._default_manager.filter(pk=obj_b.pk).values().first() == before
        # Own objects open normally, so the refusal above is the scope, not a broken page.
        own = client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[world_a[model].pk]))
        assert own.status_code == 200, (model, own.status_code)
        checked += 1
    assert checked >= 12


def test_search_and_autocomplete_stay_in_scope(client, two_worlds):
    world_a, world_b, user_a, _ = two_worlds
    client.force_login(user_a)
    b_resident = world_b[cm.Resident]
    response = client.get(reverse("admin:committee_resident_changelist"), {"q": b_resident.id_number})
    assert list(response.context["cl"].result_list) == []
    # Autocomplete for the household field of the resident form: only A's households.
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "committee", "model_name": "resident", "field_name": "household", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert world_a[cm.Household].pk in ids
    assert world_b[cm.Household].pk not in ids
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "committee",
            "model_name": "kinship",
            "field_name": "relative",
            "term": b_resident.name,
        },
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert b_resident.pk not in ids


def test_foreign_key_choices_are_narrowed_for_every_scoped_admin(rf, two_worlds):
    """Generic: every FK/M2M form field of every scoped admin offers no object of community B."""
    world_a, world_b, user_a, _ = two_worlds
    request = rf.get("/admin/")
    request.user = user_a
    b_ids = {world_b[core_models.Community].pk}
    checked = 0
    for model, model_admin in _portal_admins():
        if model in SUPERUSER_ONLY:
            continue
        form_class = model_admin.get_form(request, None)
        for name, field in form_class.base_fields.items():
            qs = getattr(field, "queryset", None)
            if qs is None:
                continue
            path = community_path_for(qs.model)
            if path is None or path == "staff_profile__communities":
                continue
            for obj in qs:
                cid = community_id_of(obj, path) if "communities" not in path else None
                assert cid not in b_ids, f"{model.__name__}.{name} offers B's {obj!r}"
            checked += 1
    assert checked >= 10


def test_list_filters_offer_only_own_communities(client, two_worlds):
    world_a, world_b, _ua, _ub = two_worlds
    c3 = f.CommunityFactory(name="第三社区")
    user = f.staff_user(communities=[world_a[core_models.Community], c3], role="委员")
    client.force_login(user)
    response = client.get(reverse("admin:committee_household_changelist"))
    html = response.content.decode()
    assert "第三社区" in html and "幸福社区" in html
    assert "和谐社区" not in html
    # The group filter lists A's and C's groups, not B's.
    assert world_a[cm.ResidentsGroup].name in html
    assert world_b[cm.ResidentsGroup].name not in html


def test_post_naming_another_communitys_household_is_refused_with_chinese_error(client, two_worlds):
    world_a, world_b, user_a, _ = two_worlds
    client.force_login(user_a)
    before = cm.Resident.objects.count()
    response = client.post(
        reverse("admin:committee_resident_add"),
        {
            "household": world_b[cm.Household].pk,
            "name": "越界",
            "id_number": f.make_id_number(),
            "relation_to_head": "head",
            "residence": "registered",
            "kin_out-TOTAL_FORMS": "0",
            "kin_out-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "不属于您负责的社区" in response.content.decode()
    assert cm.Resident.objects.count() == before


def test_street_user_reads_but_cannot_change(client, two_worlds):
    world_a, world_b, _ua, _ub = two_worlds
    street = world_a[core_models.Community].street_office
    user = f.staff_user(role="街道", street_office=street)
    client.force_login(user)
    resident = world_a[cm.Resident]
    url = reverse("admin:committee_resident_change", args=[resident.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html  # read-only form, no save button
    response = client.post(url, {"name": "改名"})
    assert response.status_code == 403
    resident.refresh_from_db()
    assert resident.name != "改名"
    assert client.get(reverse("admin:committee_resident_add")).status_code == 403
    # Community B belongs to another street office: invisible.
    response = client.get(reverse("admin:committee_resident_changelist"))
    shown = {o.pk for o in response.context["cl"].result_list}
    assert resident.pk in shown and world_b[cm.Resident].pk not in shown


def test_superuser_sees_both(client, two_worlds):
    world_a, world_b, _ua, _ub = two_worlds
    su = f.UserFactory(is_superuser=True)
    client.force_login(su)
    response = client.get(reverse("admin:committee_resident_changelist"))
    shown = {o.pk for o in response.context["cl"].result_list}
    assert {world_a[cm.Resident].pk, world_b[cm.Resident].pk} <= shown


def test_history_of_deleted_objects_follows_the_scope(client, two_worlds):
    world_a, world_b, user_a, _ = two_worlds
    kin_a, kin_b = world_a[cm.Kinship], world_b[cm.Kinship]
    ids = (kin_a.pk, kin_b.pk)
    cm.Kinship.objects.filter(pk__in=ids).delete()
    client.force_login(user_a)
    assert client.get(reverse("admin:committee_kinship_history", args=[ids[0]])).status_code == 200
    assert client.get(reverse("admin:committee_kinship_history", args=[ids[1]])).status_code == 404
