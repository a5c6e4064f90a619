"""The 主任 manages their own community's staff: create, set roles, reset, deactivate.

Scoped like everything else: no superuser, no 街道, no other community, no role above their own;
a supervisor's account is left to superusers once created; every change is in AccountEvent.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from committee import accounts
from core.errors import RoleDenied, RuleViolation, ScopeDenied
from core.models import AccountEvent, StaffProfile, User
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Xingfu-2026-ok!"


@pytest.fixture
def home():
    return f.CommunityFactory(name="幸福社区", slug="xingfu")


@pytest.fixture
def other():
    return f.CommunityFactory(name="和谐社区", slug="hexie")


@pytest.fixture
def chair(home):
    return f.staff_user(communities=[home], role="主任", full_name="李主任", username="lizhuren")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _add(client, **overrides):
    data = {
        "username": "wangwei",
        "full_name": "王伟",
        "phone": "13912345678",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role_names": ["委员"],
        "title": "委员",
        "resident": "",
    }
    data.update(overrides)
    return client.post(reverse("admin:core_user_add"), data)


def _login(username: str, password: str) -> Client:
    c = Client()
    response = c.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return c


def test_chair_creates_a_member_who_logs_in_to_the_admin_with_that_scope(chair_client, chair, home, other):
    mine = f.released_posting(community=home, title="幸福社区停水通知")
    theirs = f.released_posting(community=other, title="和谐社区停水通知")
    page = chair_client.get(reverse("admin:core_user_add")).content.decode()
    assert 'value="委员"' in page and 'value="街道"' not in page
    assert 'name="is_superuser"' not in page and 'name="street_office"' not in page
    assert "幸福社区" in page and "和谐社区" not in page

    response = _add(chair_client, communities=[home.pk])
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="wangwei")
    assert (user.full_name, user.is_staff, user.is_superuser, user.is_active) == ("王伟", True, False, True)
    assert [g.name for g in user.groups.all()] == ["委员"]
    assert list(user.staff_profile.communities.all()) == [home]
    event = AccountEvent.objects.get(user=user)
    assert (event.action, event.actor) == ("create", chair)
    assert "委员" in event.detail and "幸福社区" in event.detail and PASSWORD not in event.detail
    assert user.staff_profile.history.first().history_user == chair

    member = _login("wangwei", PASSWORD)
    assert member.get(reverse("admin:index")).status_code == 200
    listed = member.get(reverse("admin:notices_posting_changelist")).content.decode()
    assert mine.title in listed and theirs.title not in listed
    # A 委员 manages no accounts.
    assert member.get(reverse("admin:core_user_changelist")).status_code == 403


def test_chair_cannot_create_a_superuser_a_street_account_or_one_of_another_community(
    chair_client, chair, home, other
):
    response = _add(chair_client, username="jiedao2", role_names=["街道"], communities=[home.pk])
    assert "您不能授予“街道”角色" in response.content.decode()
    response = _add(chair_client, username="hexie1", communities=[other.pk])
    assert "不属于您负责的社区" in response.content.decode()
    # is_superuser is not a field of the chair's form: posting it changes nothing.
    response = _add(chair_client, username="boss", communities=[home.pk], is_superuser="on")
    assert response.status_code == 302
    assert not User.objects.get(username="boss").is_superuser
    assert not User.objects.filter(username__in=["jiedao2", "hexie1"]).exists()

    # The service refuses the same, whatever calls it.
    base = {"actor": chair, "password": PASSWORD, "full_name": "某人", "communities": [home]}
    with pytest.raises(RoleDenied, match="只有系统管理员可以设立系统管理员账号"):
        accounts.staff_account_create(username="su", role_names=["委员"], is_superuser=True, **base)
    with pytest.raises(RoleDenied, match="您不能授予以下角色：街道"):
        accounts.staff_account_create(username="jd", role_names=["街道"], **base)
    with pytest.raises(RoleDenied, match="街道工作人员的账号只能由系统管理员设立"):
        accounts.staff_account_create(
            username="jd2", role_names=["委员"], street_office=home.street_office, **base
        )
    with pytest.raises(ScopeDenied, match="和谐社区不在其中"):
        accounts.staff_account_create(
            username="hx",
            role_names=["委员"],
            actor=chair,
            password=PASSWORD,
            full_name="某人",
            communities=[other],
        )
    with pytest.raises(RuleViolation, match="监督委员不能同时担任委员"):
        accounts.staff_account_create(username="both", role_names=["委员", "监督委员"], **base)
    with pytest.raises(RuleViolation, match="请至少选择一个角色"):
        accounts.staff_account_create(username="none", role_names=[], **base)
    member = f.staff_user(communities=[home], role="委员")
    with pytest.raises(RoleDenied, match="只有主任可以管理工作人员账号"):
        accounts.staff_account_create(username="x", role_names=["委员"], **{**base, "actor": member})
    assert not User.objects.filter(username__in=["su", "jd", "jd2", "hx", "both", "none", "x"]).exists()


def test_a_refused_grant_keeps_what_was_typed(chair_client, home):
    response = _add(chair_client, role_names=["委员", "监督委员"], communities=[home.pk])
    assert response.status_code == 200
    html = response.content.decode()
    assert "监督委员不能同时担任委员" in html and 'value="王伟"' in html
    assert not User.objects.filter(username="wangwei").exists()


def test_chair_resets_a_password_and_deactivates_an_account(chair_client, chair, home):
    member = f.staff_user(communities=[home], role="委员", username="zhangsan", full_name="张三")
    change = reverse("admin:core_user_change", args=[member.pk])
    password_url = reverse("admin:auth_user_password_change", args=[member.pk])
    assert password_url in chair_client.get(change).content.decode()

    response = chair_client.post(password_url, {"password1": "123", "password2": "123"})
    assert response.status_code == 200  # too short and too common: Django's validators, in Chinese
    response = chair_client.post(password_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.url == change
    assert AccountEvent.objects.filter(user=member, action="password", actor=chair).exists()
    _login("zhangsan", PASSWORD)

    response = chair_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [member.pk]},
        follow=True,
    )
    assert any("已停用1个账号" in m for m in _messages(response))
    member.refresh_from_db()
    assert not member.is_active
    assert AccountEvent.objects.filter(user=member, action="deactivate", actor=chair).exists()
    refused = Client()
    response = refused.post(reverse("account_login"), {"login": "zhangsan", "password": PASSWORD})
    assert response.url == reverse("account_inactive")
    assert refused.get(reverse("admin:index")).status_code == 302  # not logged in

    response = chair_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "activate_selected", "_selected_action": [member.pk]},
        follow=True,
    )
    assert any("已恢复启用1个账号" in m for m in _messages(response))
    member.refresh_from_db()
    assert member.is_active
    # The account's page lists its changes.
    html = chair_client.get(change).content.decode()
    assert "重置密码" in html and "停用账号" in html and "恢复启用" in html


def test_chair_changes_roles_through_the_form(chair_client, chair, home):
    member = f.staff_user(communities=[home], role="委员", username="zhangsan", full_name="张三")
    change = reverse("admin:core_user_change", args=[member.pk])
    response = chair_client.post(
        change,
        {
            "full_name": "张珊",
            "phone": "",
            "email": "zs@example.org",
            "is_active": "on",
            "role_names": ["委员", "专管员"],
            "communities": [home.pk],
            "title": "",
            "resident": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.full_name == "张珊"
    assert {g.name for g in member.groups.all()} == {"委员", "专管员"}
    event = AccountEvent.objects.get(user=member, action="change")
    assert "专管员" in event.detail and "张珊" in event.detail and event.actor == chair


def test_accounts_a_chair_may_not_manage(chair_client, chair, home, other):
    supervisor = f.staff_user(communities=[home], role="监督委员", username="jiandu", full_name="赵监督")
    shared = f.staff_user(communities=[home, other], role="委员", username="shared")
    elsewhere = f.staff_user(communities=[other], role="委员", username="elsewhere")
    street = f.staff_user(role="街道", street_office=home.street_office, username="jiedao")
    boss = f.UserFactory(is_superuser=True, username="boss")

    listed = {
        u.username for u in chair_client.get(reverse("admin:core_user_changelist")).context["cl"].result_list
    }
    assert listed == {"lizhuren", "jiandu"}

    # The supervisor's account is read-only to the chair: no save, no password reset, no deactivation.
    html = chair_client.get(reverse("admin:core_user_change", args=[supervisor.pk])).content.decode()
    assert "赵监督" in html and 'name="_save"' not in html
    assert (
        chair_client.get(reverse("admin:auth_user_password_change", args=[supervisor.pk])).status_code == 403
    )
    response = chair_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [supervisor.pk]},
        follow=True,
    )
    assert any("赵监督：监督委员的账号由系统管理员管理" in m for m in _messages(response))
    supervisor.refresh_from_db()
    assert supervisor.is_active
    with pytest.raises(RoleDenied, match="被监督的居委会不能"):
        accounts.staff_password_reset(supervisor, actor=chair, password=PASSWORD)

    for user in (shared, elsewhere, street, boss):
        assert chair_client.get(reverse("admin:core_user_change", args=[user.pk])).status_code == 302
        with pytest.raises((RoleDenied, ScopeDenied), match="只能由系统管理员管理"):
            accounts.staff_account_set_active(user, actor=chair, active=False)
        user.refresh_from_db()
        assert user.is_active

    # Their own account: name and phone yes; roles, communities and active state no.
    html = chair_client.get(reverse("admin:core_user_change", args=[chair.pk])).content.decode()
    assert "不能修改自己的角色" in html
    with pytest.raises(RuleViolation, match="不能修改自己的角色"):
        accounts.staff_account_set_active(chair, actor=chair, active=False)
    with pytest.raises(RuleViolation, match="不能修改自己的角色"):
        accounts.staff_account_update(chair, actor=chair, role_names=["委员"])
    accounts.staff_account_update(chair, actor=chair, phone="13700001111")
    chair.refresh_from_db()
    assert chair.phone == "13700001111" and {g.name for g in chair.groups.all()} == {"主任"}


def test_superuser_manages_any_account(home):
    boss = f.UserFactory(is_superuser=True)
    user = accounts.staff_account_create(
        actor=boss,
        username="jiedao",
        password=PASSWORD,
        full_name="街道干部",
        role_names=["街道"],
        street_office=home.street_office,
    )
    assert StaffProfile.objects.get(user=user).street_office == home.street_office
    supervisor = f.staff_user(communities=[home], role="监督委员")
    accounts.staff_account_set_active(supervisor, actor=boss, active=False)
    supervisor.refresh_from_db()
    assert not supervisor.is_active


def test_the_role_table_gives_accounts_and_the_calendar_to_the_chair_only():
    from core.roles import role_permissions

    perms = {role: {p.codename for p in ps} for role, ps in role_permissions().items()}
    chair_may = {
        "add_user",
        "change_user",
        "view_user",
        "view_accountevent",
        "add_officialday",
        "change_officialday",
    }
    assert chair_may <= perms["主任"]
    assert "delete_user" not in perms["主任"] and "change_accountevent" not in perms["主任"]
    for role in ("委员", "专管员", "居民组长", "监督委员", "街道"):
        assert not {p for p in perms[role] if p.endswith(("_user", "_accountevent"))}, role
        assert "view_officialday" in perms[role] and "add_officialday" not in perms[role], role
