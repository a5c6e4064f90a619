"""The resident's pages: file an opinion without login, track it by code (no contact shown), rate
it; wrong codes; the monthly figures page; the captain's report reaching the right desk."""

import pytest
from django.urls import reverse

from affairs.models.opinions import Opinion, OpinionRoute
from affairs.services import opinions as svc
from committee.models import BuildingCaptain
from core import desk
from tests.factories import BuildingCaptainFactory, BuildingFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_url(community):
    return reverse("affairs:opinion_new", kwargs={"slug": community.slug})


def track_url(o):
    return reverse("affairs:opinion_track", kwargs={"slug": o.community.slug, "code": o.code})


def test_form_lists_the_eight_must_report_kinds(client, community):
    html = client.get(new_url(community)).content.decode()
    for label in [
        "公共设施损坏",
        "楼道环境脏乱",
        "新增怀孕",
        "外来人员流入",
        "居民住院",
        "房屋出租",
        "安全隐患",
        "不稳定因素",
    ]:
        assert label in html
    assert "投诉与异议须填写姓名和电话" in html


def test_file_anonymously_get_a_code_and_track_it(client, community, chair, officer):
    response = client.post(new_url(community), {"category": "facility", "body": "3号楼路灯不亮已经一周"})
    assert response.status_code == 302
    o = Opinion.objects.get()
    assert response["Location"] == track_url(o) + "?new=1"
    page = client.get(response["Location"]).content.decode()
    assert o.code in page and "待受理" in page and "请记下或截图保存查询码" in page
    svc.opinion_assign(opinion=o, owner=officer, actor=chair)
    svc.opinion_answer(opinion=o, answer="已联系物业修复路灯", actor=officer)
    page = client.get(track_url(o)).content.decode()
    assert "已答复" in page and "已联系物业修复路灯" in page and "满意吗" in page
    response = client.post(
        reverse("affairs:opinion_rate", args=[community.slug, o.code]), {"rating": "satisfied"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in page and "您的评价：" in page
    assert Opinion.objects.get().rating == "satisfied"


def test_tracking_page_never_shows_the_contact(client, community):
    o = svc.opinion_file(
        community=community, category="objection", body="车位分配有误", name="王建国", phone="13812345678"
    )
    response = client.get(track_url(o))
    html = response.content.decode()
    assert "王建国" not in html and "13812345678" not in html and "5678" not in html
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"


def test_objection_without_contact_gets_field_messages_and_nothing_is_saved(client, community):
    response = client.post(new_url(community), {"category": "objection", "body": "车位分配有误"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "投诉与异议须留下姓名" in html and "投诉与异议须留下联系电话" in html
    assert not Opinion.objects.exists()


def test_same_text_twice_returns_the_first_code(client, community):
    data = {"category": "suggestion", "body": "建议增加几张长椅"}
    client.post(new_url(community), data)
    response = client.post(new_url(community), data)
    assert Opinion.objects.count() == 1 and response["Location"].endswith("?again=1")
    assert "此前已经收到" in client.get(response["Location"]).content.decode()


def test_unknown_or_malformed_code_says_so(client, community):
    response = client.get(reverse("affairs:opinion_track", args=[community.slug, "YJ-2345-6789"]))
    assert response.status_code == 404 and "没有找到这个查询码" in response.content.decode()
    response = client.get(reverse("affairs:opinion_lookup", args=[community.slug]) + "?code=abc")
    assert response.status_code == 404 and "查询码格式不正确" in response.content.decode()


def test_lookup_accepts_a_code_as_typed(client, community):
    o = svc.opinion_file(community=community, category="inquiry", body="居住证明怎么办理")
    typed = o.code.lower().replace("-", " ")
    response = client.get(reverse("affairs:opinion_lookup", args=[community.slug]) + f"?code={typed}")
    assert response.status_code == 302 and response["Location"] == track_url(o)


def test_flooding_the_lookup_is_refused(client, community, settings):
    url = reverse("affairs:opinion_lookup", args=[community.slug]) + "?code=YJ-2345-6789"
    for _i in range(20):
        client.get(url)
    assert client.get(url).status_code == 429


def test_rating_before_the_answer_is_refused(client, community):
    o = svc.opinion_file(community=community, category="inquiry", body="居住证明怎么办理")
    response = client.post(reverse("affairs:opinion_rate", args=[community.slug, o.code]), {"rating": "fair"})
    assert response.status_code == 400 and "不能办理“居民评价”" in response.content.decode()


def test_figures_page(client, community, chair, officer):
    o = svc.opinion_file(community=community, category="hazard", body="车库私拉电线充电")
    svc.opinion_assign(opinion=o, owner=officer, actor=chair)
    svc.opinion_answer(opinion=o, answer="已拆除私拉电线", actor=officer)
    svc.opinion_close(opinion=o, resolved=True, actor=officer)
    html = client.get(reverse("affairs:opinion_figures", args=[community.slug])).content.decode()
    assert "居民意见办理情况" in html and "100.00%" in html


@pytest.fixture
def captain(community, officer):
    building = BuildingFactory(community=community, name="3号楼")
    c = BuildingCaptainFactory(building=building)
    BuildingCaptain.objects.filter(pk=c.pk).update(status=BuildingCaptain.Status.CONFIRMED)
    user = UserFactory(username="captain3")
    c.resident.staff_user = user
    c.resident.save()
    OpinionRoute.objects.create(community=community, category="hazard", assignee=officer)
    return user, building


def test_captain_reports_and_it_reaches_the_routed_officers_desk(client, community, captain, officer):
    user, building = captain
    url = reverse("affairs:captain_report", args=[community.slug])
    assert client.get(url).status_code == 302  # login first
    client.force_login(user)
    html = client.get(url).content.decode()
    assert "3号楼" in html and "安全隐患" in html and "意见建议" not in html  # only the eight kinds
    response = client.post(url, {"building": building.pk, "category": "hazard", "body": "楼顶水箱盖板脱落"})
    assert response.status_code == 302
    o = Opinion.objects.get()
    assert (o.source, o.reporter, o.owner, o.building, o.urgent) == ("captain", user, officer, building, True)
    todos = desk.todos_for(officer)
    mine = [t for t in todos if str(t.label) == "分派给我的居民意见和报告"]
    assert mine and mine[0].count == 1


def test_a_resident_who_is_not_a_captain_is_refused(client, community):
    client.force_login(UserFactory(username="plain"))
    response = client.get(reverse("affairs:captain_report", args=[community.slug]))
    assert response.status_code == 403 and "不是本社区在任的楼栋长" in response.content.decode()


def test_tracking_page_says_when_the_committee_is_late(client, community):
    o = svc.opinion_file(community=community, category="inquiry", body="居住证明怎么办理")
    Opinion.objects.filter(pk=o.pk).update(ack_due="2020-01-01", answer_due="2020-01-02")
    assert "已超过办理期限" in client.get(track_url(o)).content.decode()
