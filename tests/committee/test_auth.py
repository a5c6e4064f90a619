"""Login only through allauth; TOTP required by a setting for roles that see personal data."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_admin_login_redirects_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # An anonymous visit to the admin ends on the same login page.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_login_page_is_a_chinese_staff_login_without_signup(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "工作人员登录" in html and 'name="password"' in html
    assert "signup" not in html
    # Accounts are created by the committee: self-service sign-up is closed.
    assert "注册关闭" in client.get("/accounts/signup/", follow=True).content.decode()


def test_login_works_and_bad_password_says_so_in_chinese(client):
    c = f.CommunityFactory()
    user = f.staff_user(communities=[c], role="委员", username="wangfang")
    response = client.post(reverse("account_login"), {"login": "wangfang", "password": "wrong-one"})
    assert response.status_code == 200
    assert "不正确" in response.content.decode()
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": "wangfang", "password": "pass-12345"}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.fixture
def chair(db):
    return f.staff_user(communities=[f.CommunityFactory()], role="主任")


def test_mfa_off_lets_chair_in(client, settings, chair):
    settings.PORTAL_MFA_REQUIRED = False
    client.force_login(chair)
    assert client.get("/admin/").status_code == 200


def test_mfa_on_requires_totp_enrolment_for_chair(client, settings, chair):
    settings.PORTAL_MFA_REQUIRED = True
    client.force_login(chair)
    response = client.get("/admin/committee/resident/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    # The enrolment page itself is reachable (no redirect loop) and in Chinese.
    page = client.get(response.url, follow=True)
    assert page.status_code == 200
    TOTP.activate(chair, generate_totp_secret())
    assert client.get("/admin/committee/resident/").status_code == 200


def test_mfa_on_does_not_bind_roles_without_personal_data(client, settings):
    settings.PORTAL_MFA_REQUIRED = True
    street = f.staff_user(role="街道", street_office=f.StreetOfficeFactory())
    client.force_login(street)
    assert client.get("/admin/").status_code == 200


def test_enrolled_user_logs_in_with_a_totp_code(client, settings, chair):
    settings.PORTAL_MFA_REQUIRED = True
    secret = generate_totp_secret()
    TOTP.activate(chair, secret)
    response = client.post(reverse("account_login"), {"login": chair.username, "password": "pass-12345"})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == chair.pk
    assert Authenticator.objects.filter(user=chair, type=Authenticator.Type.TOTP).count() == 1
