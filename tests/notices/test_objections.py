"""A resident objects from the board: the phone as they write it, a real name and text, one objection
stored once, a reference to look it up later, and a rate limit nobody can turn against them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from notices import objections, services
from notices.models import Objection
from tests.factories import CommunityFactory, staff_user
from tests.notices.board_helpers import NOW, posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def open_posting(community):
    return posting(community, title="低保评议结果公示", objections_open=True)


def detail_url(p) -> str:
    return reverse("notices:posting", kwargs={"slug": p.community.slug, "pk": p.pk})


def lookup_url(community, ref: str = "") -> str:
    url = reverse("notices:objection_lookup", kwargs={"slug": community.slug})
    return f"{url}?ref={ref}" if ref else url


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("typed", ["138 1234 5678", "138-1234-5678", "+86 13812345678", "+86 138 1234 5678"])
def test_phone_written_as_residents_write_it_is_accepted(client, clock, open_posting, typed):
    response = client.post(detail_url(open_posting), {"name": "王芳", "phone": typed, "body": "名单有误"})
    assert response.status_code == 302
    assert Objection.objects.get(posting=open_posting).phone == "13812345678"


@pytest.mark.parametrize(
    ("name", "body", "field", "message"),
    [
        ("王", "名单中张某家庭收入不实", "name", "至少2个字"),
        ("a", "名单中张某家庭收入不实", "name", "至少2个字"),
        ("王芳1", "名单中张某家庭收入不实", "name", "只能包含文字"),
        ("王芳", "x", "body", "至少4个字"),
        ("王芳", "！！？？。。", "body", "至少4个字"),
    ],
)
def test_implausible_name_or_empty_text_is_refused(client, clock, open_posting, name, body, field, message):
    response = client.post(detail_url(open_posting), {"name": name, "phone": "13812345678", "body": body})
    assert response.status_code == 400
    page = text(response)
    assert message in page and "提交未成功" in page
    assert not Objection.objects.exists()


def test_names_with_middle_dot_and_latin_names_are_accepted():
    for name in ("买买提·艾力", "Anna Li", "欧阳娜娜"):
        assert objections.clean_fields(name=name, phone="13812345678", body="名单有误")[3] == {}


def test_same_objection_twice_is_stored_once_and_shows_the_first_reference(client, clock, open_posting):
    data = {"name": "王芳", "phone": "13812345678", "body": "名单中张某家庭\n收入不实"}
    first = client.post(detail_url(open_posting), data)
    objection = Objection.objects.get()
    # Sent again, with the phone written differently and the text re-spaced: the same objection.
    again = client.post(
        detail_url(open_posting), {**data, "phone": "138 1234 5678", "body": " 名单中张某家庭 收入不实 "}
    )
    assert Objection.objects.count() == 1
    assert first["Location"].endswith(f"/{objection.reference}/")
    assert again["Location"].endswith(f"/{objection.reference}/?again=1")
    page = text(client.get(again["Location"]))
    assert "您已提交过这条异议" in page and objection.reference in page
    # A different text is a different objection.
    client.post(detail_url(open_posting), {**data, "body": "另一件事：李某不在本社区居住"})
    assert Objection.objects.count() == 2


def test_service_returns_the_stored_objection_for_a_duplicate(open_posting):
    at = NOW
    one = services.objection_file(open_posting, name="王芳", phone="13812345678", body="名单有误", at=at)
    two = services.objection_file(open_posting, name="王芳", phone="+86 13812345678", body="名单有误", at=at)
    assert (one.duplicate, two.duplicate, two.pk) == (False, True, one.pk)
    assert re.fullmatch(r"25-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", one.reference)


def test_references_are_random_and_unique(open_posting):
    refs = {objections.new_reference(NOW) for _i in range(200)}
    assert len(refs) == 200
    assert all(objections.REFERENCE_RE.match(r) for r in refs)


def test_reference_typed_loosely_is_understood():
    assert objections.normalize_reference(" 26k7qm 4xpt ") == "26-K7QM-4XPT"
    assert objections.normalize_reference("２６－Ｋ７ＱＭ－４ＸＰＴ") == "26-K7QM-4XPT"
    assert objections.normalize_reference("26-K7QM-4XP") is None
    assert objections.normalize_reference("26-K7QM-4XP0") is None  # 0 is never used


def test_lookup_shows_status_and_answer_with_the_residents_data_masked(
    client, clock, community, open_posting
):
    client.post(
        detail_url(open_posting),
        {"name": "王小芳", "phone": "13812345678", "body": "张某身份证110101199003071234，收入不实"},
    )
    objection = Objection.objects.get()
    page = text(client.get(lookup_url(community, objection.reference.lower().replace("-", " "))))
    assert "待答复" in page and open_posting.title in page
    assert "王*芳" in page and "138****5678" in page
    for secret in ("王小芳", "13812345678", "110101199003071234"):
        assert secret not in page
    services.objection_answer(
        objection, actor=staff_user(communities=[community]), answer="已入户核实，收入属实。", upheld=False
    )
    response = client.get(lookup_url(community, objection.reference))
    page = text(response)
    assert "已答复" in page and "已入户核实，收入属实。" in page and "异议不成立" in page
    assert "no-store" in response["Cache-Control"]


def test_lookup_of_another_communitys_reference_finds_nothing(client, clock, open_posting):
    client.post(detail_url(open_posting), {"name": "王芳", "phone": "13812345678", "body": "名单有误"})
    ref = Objection.objects.get().reference
    other = CommunityFactory(slug="anle")
    assert "没有找到这个编号" in text(client.get(lookup_url(other, ref)))
    assert "编号格式不正确" in text(client.get(lookup_url(other, "abc")))


def test_guessing_references_is_cut_off(client, clock, community):
    from notices.views_objections import LOOKUP_MISSES_PER_HOUR

    for i in range(LOOKUP_MISSES_PER_HOUR):
        assert client.get(lookup_url(community, f"25-AAAA-{i:04d}".replace("0", "2"))).status_code == 200
    refused = client.get(lookup_url(community, "25-BBBB-CCCC"))
    assert refused.status_code == 429 and "查询过于频繁" in text(refused)


def test_invalid_posts_with_someones_phone_do_not_lock_them_out(client, clock, open_posting):
    """Five rubbish posts carrying a resident's number used to lock that resident out for an hour."""
    from notices.views import OBJECTIONS_PER_HOUR

    for _i in range(OBJECTIONS_PER_HOUR + 3):
        bad = client.post(detail_url(open_posting), {"name": "x", "phone": "13812345678", "body": "x"})
        assert bad.status_code == 400
    own = client.post(detail_url(open_posting), {"name": "王芳", "phone": "13812345678", "body": "名单有误"})
    assert own.status_code == 302
    assert Objection.objects.filter(phone="13812345678").count() == 1


def test_accepted_objections_count_per_phone_for_an_hour(client, clock, open_posting):
    from notices.views import OBJECTIONS_PER_HOUR

    for i in range(OBJECTIONS_PER_HOUR):
        body = f"第{i + 1}处错误：金额不符"
        assert (
            client.post(
                detail_url(open_posting), {"name": "王芳", "phone": "13812345678", "body": body}
            ).status_code
            == 302
        )
    # The same objection again still shows its reference rather than "too often".
    again = client.post(
        detail_url(open_posting), {"name": "王芳", "phone": "13812345678", "body": "第1处错误：金额不符"}
    )
    assert again.status_code == 302 and again["Location"].endswith("?again=1")
    over = client.post(
        detail_url(open_posting), {"name": "王芳", "phone": "138-1234-5678", "body": "还有一处错误"}
    )
    assert over.status_code == 429
    clock.move_to(NOW + dt.timedelta(hours=1, seconds=1))
    later = client.post(
        detail_url(open_posting), {"name": "王芳", "phone": "13812345678", "body": "还有一处错误"}
    )
    assert later.status_code == 302


def test_confirmation_of_an_unknown_reference_is_404(client, clock, open_posting):
    url = reverse(
        "notices:objection_filed",
        kwargs={"slug": open_posting.community.slug, "pk": open_posting.pk, "reference": "25-AAAA-BBBB"},
    )
    assert client.get(url).status_code == 404


def test_staff_find_an_objection_by_the_reference_a_resident_quotes(client, clock, open_posting):
    client.post(detail_url(open_posting), {"name": "王芳", "phone": "13812345678", "body": "名单有误"})
    objection = Objection.objects.get()
    client.force_login(staff_user(communities=[open_posting.community], role="主任"))
    found = client.get(reverse("admin:notices_objection_changelist"), {"q": objection.reference})
    assert found.status_code == 200 and found.context["cl"].result_count == 1
    page = client.get(reverse("admin:notices_objection_change", args=[objection.pk])).content.decode()
    assert objection.reference in page


def test_behind_the_proxy_each_resident_has_their_own_limit(client, clock, community, settings):
    """Before: the limit keyed on REMOTE_ADDR, the proxy's address, so one flood locked out the city."""
    from notices.views_objections import LOOKUP_MISSES_PER_HOUR

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    flood = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for i in range(LOOKUP_MISSES_PER_HOUR):
        client.get(lookup_url(community, f"25-AAAA-{i:04d}".replace("0", "2")), **flood)
    assert client.get(lookup_url(community, "25-BBBB-CCCC"), **flood).status_code == 429
    neighbour = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert client.get(lookup_url(community, "25-BBBB-CCCC"), **neighbour).status_code == 200
    # A client cannot dodge the limit by writing its own entry before the proxy's.
    spoofed = {**proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
    assert client.get(lookup_url(community, "25-BBBB-CCCC"), **spoofed).status_code == 429


def test_without_a_proxy_a_forwarded_header_changes_nothing(client, clock, community):
    from notices.views_objections import LOOKUP_MISSES_PER_HOUR

    for i in range(LOOKUP_MISSES_PER_HOUR):
        client.get(
            lookup_url(community, f"25-AAAA-{i:04d}".replace("0", "2")), HTTP_X_FORWARDED_FOR=f"9.9.9.{i}"
        )
    assert (
        client.get(lookup_url(community, "25-BBBB-CCCC"), HTTP_X_FORWARDED_FOR="8.8.8.8").status_code == 429
    )
