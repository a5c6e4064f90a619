"""Personal data per role: every staff screen that shows a resident's ID number or phone,
or an objector's phone, shows it as ``core.privacy.personal_data_view`` decides.

主任, 专管员 and 街道 see full values; 委员 full phones and masked ID numbers; 居民组长 and
监督委员 masked values. Roles that may edit but see masked values still register and correct
residents: the stored value never reaches their browser, a value typed replaces it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from committee.models import Resident
from core import privacy
from core.idnumbers import mask_id, mask_phone
from tests import factories as f
from tests.notices.board_helpers import objection, posting

pytestmark = pytest.mark.django_db

# role -> (full ID numbers, full phones)
EXPECTED = {
    "主任": (True, True),
    "专管员": (True, True),
    "街道": (True, True),
    "委员": (False, True),
    "居民组长": (False, False),
    "监督委员": (False, False),
    "superuser": (True, True),
}
OBJECTOR_PHONE = "13798765432"
OLD_OBJECTOR_PHONE = "13798765400"


@pytest.fixture
def world():
    community = f.CommunityFactory(name="幸福社区")
    household = f.HouseholdFactory(community=community, number="H00077")
    resident = f.ResidentFactory(household=household, name="赵敏", phone="13812340001")
    # A past version with other values, so the history pages list a change of both fields.
    old_id, old_phone = resident.id_number, resident.phone
    resident.id_number, resident.phone = f.make_id_number(), "13812340002"
    resident.save()
    p = posting(community, title="低保评议结果公示", objections_open=True)
    o = objection(p, name="王芳", phone=OLD_OBJECTOR_PHONE)
    o.phone = OBJECTOR_PHONE  # corrected: the history lists the change
    o.save()
    return {
        "community": community,
        "household": household,
        "resident": resident,
        "old": (old_id, old_phone),
        "posting": p,
        "objection": o,
    }


def login(client, role: str, community):
    if role == "superuser":
        user = f.UserFactory(is_superuser=True)
    elif role == "街道":
        user = f.staff_user(role=role, street_office=community.street_office)
    else:
        user = f.staff_user(role=role, communities=[community])
    client.force_login(user)
    return user


def screens(w) -> dict[str, str]:
    r, o, p = w["resident"], w["objection"], w["posting"]
    history_id = r.history.order_by("history_date").first().history_id
    objection_history_id = o.history.order_by("history_date").first().history_id
    return {
        "resident list": reverse("admin:committee_resident_changelist"),
        "resident search by ID": reverse("admin:committee_resident_changelist") + f"?q={r.id_number}",
        "resident search by phone": reverse("admin:committee_resident_changelist") + f"?q={r.phone}",
        "resident page": reverse("admin:committee_resident_change", args=[r.pk]),
        "resident history": reverse("admin:committee_resident_history", args=[r.pk]),
        "resident past version": reverse("admin:committee_resident_simple_history", args=[r.pk, history_id]),
        "household page (inline)": reverse("admin:committee_household_change", args=[w["household"].pk]),
        "household search": reverse("admin:committee_household_changelist") + "?q=赵敏",
        "resident autocomplete": reverse("admin:autocomplete")
        + f"?app_label=committee&model_name=kinship&field_name=relative&term={r.id_number}",
        "objection list": reverse("admin:notices_objection_changelist"),
        "objection page": reverse("admin:notices_objection_change", args=[o.pk]),
        "objection history": reverse("admin:notices_objection_history", args=[o.pk]),
        "objection past version": reverse(
            "admin:notices_objection_simple_history", args=[o.pk, objection_history_id]
        ),
        "posting page (objection inline)": reverse("admin:notices_posting_change", args=[p.pk]),
    }


# Which values each screen shows (to a role allowed to see them): the rest must never appear.
SHOWN = {
    "resident page": {"id", "phone"},
    "household page (inline)": {"id", "phone"},
    "resident history": {"id", "phone", "old id", "old phone"},  # the change old -> new
    "resident past version": {"old id", "old phone"},
    "objection page": {"objector phone"},
    "objection history": {"objector phone", "old objector phone"},
    "objection past version": {"old objector phone"},
    "posting page (objection inline)": {"objector phone"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_on_each_screen(client, world, role):
    login(client, role, world["community"])
    full_id, full_phone = EXPECTED[role]
    r = world["resident"]
    old_id, old_phone = world["old"]
    values = {
        "id": (r.id_number, full_id, mask_id),
        "old id": (old_id, full_id, mask_id),
        "phone": (r.phone, full_phone, mask_phone),
        "old phone": (old_phone, full_phone, mask_phone),
        "objector phone": (OBJECTOR_PHONE, full_phone, mask_phone),
        "old objector phone": (OLD_OBJECTOR_PHONE, full_phone, mask_phone),
    }
    for screen, url in screens(world).items():
        response = client.get(url)
        assert response.status_code == 200, (role, screen)
        page = response.content.decode()
        if "search" in screen:
            # What the user typed is echoed back (search box, links keeping the query): not a leak.
            term = url.partition("?q=")[2]
            for echo in (f"q={term}", f"q%3D{term}", f'value="{term}"'):
                page = page.replace(echo, "")
            assert mask_id(r.id_number) in page or screen == "household search", (role, screen, "not found")
        if screen == "resident list":
            assert mask_id(r.id_number) in page  # lists are masked for everyone
        for name, (value, full, mask) in values.items():
            shown = name in SHOWN.get(screen, set())
            if shown and full:
                assert value in page, (role, screen, name, "full value missing")
            else:
                assert value not in page, (role, screen, name, "full value shown")
            if shown and not full:
                assert mask(value) in page, (role, screen, name, "masked value missing")


def test_policy_table_and_its_edges(world):
    community, other = world["community"], f.CommunityFactory()
    for role, (full_id, full_phone) in EXPECTED.items():
        if role == "superuser":
            user = f.UserFactory(is_superuser=True)
        else:
            user = f.staff_user(role=role, communities=[community])
        view = privacy.personal_data_view(user, community_id=community.pk)
        assert (view.full_id, view.full_phone) == (full_id, full_phone), role
        if role != "superuser":
            # Another community's data: masked, whatever the role.
            assert privacy.personal_data_view(user, community_id=other.pk) == privacy.MASKED, role
    # Several roles: the union.
    both = f.staff_user(role="居民组长", communities=[community])
    both.groups.add(Group.objects.get(name="委员"))
    assert privacy.personal_data_view(both, community_id=community.pk) == privacy.PersonalDataView(
        full_id=False, full_phone=True
    )
    inactive = f.staff_user(role="主任", communities=[community], is_active=False)
    assert privacy.personal_data_view(inactive, community_id=community.pk) == privacy.MASKED


def test_case_officer_hook_for_the_assistance_app(world):
    officer = f.staff_user(role="专管员", communities=[world["community"]])
    mine, theirs = world["resident"], f.ResidentFactory(household=world["household"])
    privacy.register_case_check(lambda user, subject: subject == mine)
    try:
        assert privacy.personal_data_view(officer, subject=mine) == privacy.FULL
        assert privacy.personal_data_view(officer, subject=theirs) == privacy.MASKED
    finally:
        privacy.register_case_check(None)
    assert privacy.personal_data_view(officer, subject=theirs) == privacy.FULL


# --- roles that edit but see masked values -------------------------------------------------------


def _resident_post(resident, **overrides):
    data = {
        "household": resident.household_id,
        "name": resident.name,
        "id_number": "",
        "relation_to_head": resident.relation_to_head,
        "phone": "",
        "residence": resident.residence,
        "kin_out-TOTAL_FORMS": "0",
        "kin_out-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["居民组长", "委员"])
def test_masked_editor_saves_without_touching_the_numbers(client, world, role):
    login(client, role, world["community"])
    r = world["resident"]
    before = (r.id_number, r.phone)
    url = reverse("admin:committee_resident_change", args=[r.pk])
    page = client.get(url).content.decode()
    assert f'placeholder="{mask_id(r.id_number)}"' in page and "如需更正，请输入完整的新号码" in page
    # 委员 see the phone in full, so it is an ordinary field: the form sends it back as it is.
    phone = r.phone if EXPECTED[role][1] else ""
    response = client.post(url, _resident_post(r, name="赵敏敏", phone=phone))
    assert response.status_code == 302, response.content.decode()[:3000]
    r.refresh_from_db()
    assert (r.name, r.id_number, r.phone) == ("赵敏敏", *before)


def test_group_leader_corrects_the_id_number_and_phone(client, world):
    user = login(client, "居民组长", world["community"])
    r = world["resident"]
    url = reverse("admin:committee_resident_change", args=[r.pk])
    bad = client.post(url, _resident_post(r, id_number="110101199003071235"))
    assert bad.status_code == 200 and "校验码错误" in bad.content.decode()
    assert r.id_number not in bad.content.decode()
    new_id = f.make_id_number(birth=dt.date(1985, 6, 1), sex="F")
    response = client.post(url, _resident_post(r, id_number=new_id, phone="13900001111"))
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.id_number, r.phone, r.birth_date, r.sex) == (new_id, "13900001111", dt.date(1985, 6, 1), "F")
    assert r.history.first().history_user == user


def test_group_leader_registers_and_corrects_in_the_household_inline(client, world):
    login(client, "居民组长", world["community"])
    h, r = world["household"], world["resident"]
    before = r.id_number
    url = reverse("admin:committee_household_change", args=[h.pk])
    page = client.get(url).content.decode()
    assert before not in page and mask_id(before) in page
    new_id = f.make_id_number()
    data = {
        "community": h.community_id,
        "number": h.number,
        "address": h.address,
        "group": h.group_id,
        "building": "",
        "residents-TOTAL_FORMS": "2",
        "residents-INITIAL_FORMS": "1",
        "residents-0-id": r.pk,
        "residents-0-household": h.pk,
        "residents-0-name": r.name,
        "residents-0-id_number": "",  # unchanged
        "residents-0-relation_to_head": r.relation_to_head,
        "residents-0-phone": "",
        "residents-0-residence": r.residence,
        "residents-1-household": h.pk,
        "residents-1-name": "钱多多",
        "residents-1-id_number": new_id,  # a new resident, typed in full
        "residents-1-relation_to_head": "spouse",
        "residents-1-phone": "13911112222",
        "residents-1-residence": "registered",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    r.refresh_from_db()
    assert r.id_number == before
    added = Resident.objects.get(name="钱多多")
    assert (added.id_number, added.phone) == (new_id, "13911112222")


def test_supervisor_reads_masked_values_and_cannot_change_them(client, world):
    login(client, "监督委员", world["community"])
    r = world["resident"]
    url = reverse("admin:committee_resident_change", args=[r.pk])
    assert client.post(url, _resident_post(r, id_number=f.make_id_number())).status_code == 403
    page = client.get(url).content.decode()
    assert 'name="id_number"' not in page and mask_id(r.id_number) in page
