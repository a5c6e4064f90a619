"""The supervision committee (居务监督委员会) reads and objects; the committee answers.

A 监督委员 cannot answer an objection (the role has no ``change_objection``; the service refuses
too), files one from the posting's admin page on any released posting of their community, and the
objection is recorded as theirs; the chair answers it like a resident's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.errors import RoleDenied, RuleViolation, ScopeDenied
from core.roles import role_permissions
from notices import services
from notices.models import Objection
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return f.CommunityFactory(name="幸福社区", slug="xingfu")


@pytest.fixture
def chair(community):
    return f.staff_user(communities=[community], role="主任", full_name="李主任")


@pytest.fixture
def supervisor(community):
    return f.staff_user(communities=[community], role="监督委员", full_name="赵监督")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_roles_grant_filing_to_supervisors_and_answering_to_the_committee():
    perms = {role: {p.codename for p in ps} for role, ps in role_permissions().items()}
    assert "change_objection" not in perms["监督委员"]
    assert "file_objection" in perms["监督委员"]
    assert {"change_objection"} <= perms["主任"] & perms["委员"]
    assert "file_objection" not in perms["主任"] | perms["委员"] | perms["街道"]


def test_supervisor_cannot_answer_an_objection(client, community, chair, supervisor):
    posting = f.released_posting(community=community, objections_open=True, actor=chair)
    objection = services.objection_file(posting, name="李雷", phone="13812345678", body="名单漏了我家")
    client.force_login(supervisor)

    # The objection's page opens read-only: no answer form, and a POST is refused.
    url = reverse("admin:notices_objection_change", args=[objection.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "名单漏了我家" in html and 'name="answer"' not in html and 'name="_save"' not in html
    assert client.post(url, {"answer": "已核实", "upheld": "0"}).status_code == 403

    # The posting's inline offers no answer field either, and its POST is refused.
    change = reverse("admin:notices_posting_change", args=[posting.pk])
    assert "objections-0-answer" not in client.get(change).content.decode()
    response = client.post(
        change,
        {
            "objections-TOTAL_FORMS": "1",
            "objections-INITIAL_FORMS": "1",
            "objections-0-id": objection.pk,
            "objections-0-posting": posting.pk,
            "objections-0-answer": "已核实",
            "objections-0-upheld": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403

    # The service refuses as well (a command or a task acting for the supervisor).
    with pytest.raises(RoleDenied, match="只有居委会成员可以答复异议"):
        services.objection_answer(objection, actor=supervisor, answer="已核实", upheld=False)
    objection.refresh_from_db()
    assert (objection.status, objection.answer, objection.answered_by) == ("pending", "", None)


def test_supervisor_files_an_objection_after_the_window_and_the_chair_answers(
    client, community, chair, supervisor
):
    # A finance posting: no objection window for residents, and its window has already ended.
    start = timezone.now() - dt.timedelta(days=20)
    posting = f.released_posting(
        community=community,
        category="finance",
        title="十月财务收支公开",
        objections_open=False,
        publish_at=start,
        expire_at=start + dt.timedelta(days=7),
        at=start,
        actor=chair,
    )
    client.force_login(supervisor)
    change = reverse("admin:notices_posting_change", args=[posting.pk])
    form_url = reverse("admin:notices_posting_file_objection", args=[posting.pk])
    html = client.get(change).content.decode()
    assert form_url in html and "提出异议" in html

    page = client.get(form_url)
    assert page.status_code == 200
    assert "赵监督" in page.content.decode()
    response = client.post(form_url, {"body": "  "})
    assert response.status_code == 200
    assert not Objection.objects.exists()

    response = client.post(form_url, {"body": "保洁费支出与合同金额不符，请说明。"})
    assert response.status_code == 302 and response.url == change
    objection = Objection.objects.get()
    assert (objection.filed_by, objection.name, objection.phone, objection.status) == (
        supervisor,
        "赵监督",
        "",
        "pending",
    )
    record = objection.history.get()
    assert (record.history_user, record.filed_by_id) == (supervisor, supervisor.pk)
    assert any("已提出异议" in m for m in _messages(client.get(change)))

    # A second click with the same text is not stored twice.
    response = client.post(form_url, {"body": "保洁费支出与合同金额不符，请说明。"})
    assert "您已对该事项提出过相同的异议" in response.content.decode()
    assert Objection.objects.count() == 1

    # The objection admin and its history name the supervisor's account.
    obj_url = reverse("admin:notices_objection_change", args=[objection.pk])
    assert "赵监督" in client.get(obj_url).content.decode()
    history = client.get(reverse("admin:notices_objection_history", args=[objection.pk]))
    assert "赵监督" in history.content.decode()

    # The committee answers it on the posting's page, as for a resident's objection.
    client.force_login(chair)
    html = client.get(change).content.decode()
    assert "objections-0-answer" in html and form_url not in html  # chairs answer, they do not object
    response = client.post(
        change,
        {
            "objections-TOTAL_FORMS": "1",
            "objections-INITIAL_FORMS": "1",
            "objections-0-id": objection.pk,
            "objections-0-posting": posting.pk,
            "objections-0-answer": "已核对合同，差额为追加的消杀费用，见附件。",
            "objections-0-upheld": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.answered_by, objection.filed_by) == ("answered", chair, supervisor)


def test_the_public_board_counts_a_supervisors_objection_but_never_names_them(client, community, supervisor):
    posting = f.released_posting(community=community, title="楼道改造费用公示", objections_open=False)
    services.objection_file_by_supervisor(posting, actor=supervisor, body="报价单未公开。")
    html = client.get(reverse("notices:posting", args=[community.slug, posting.pk])).content.decode()
    assert "已收到异议1件" in html
    assert "赵监督" not in html and "报价单未公开" not in html


def test_supervisor_filing_is_refused_on_drafts_other_communities_and_for_other_roles(
    community, chair, supervisor
):
    draft = f.PostingFactory(community=community)
    with pytest.raises(RuleViolation, match="草稿尚未发布"):
        services.objection_file_by_supervisor(draft, actor=supervisor, body="有问题")
    elsewhere = f.released_posting(community=f.CommunityFactory(name="和谐社区"))
    with pytest.raises(ScopeDenied, match="您无权管理该社区的记录"):
        services.objection_file_by_supervisor(elsewhere, actor=supervisor, body="有问题")
    mine = f.released_posting(community=community)
    with pytest.raises(RoleDenied, match="只有监督委员可以"):
        services.objection_file_by_supervisor(mine, actor=chair, body="有问题")
    with pytest.raises(RuleViolation, match="请填写异议内容"):
        services.objection_file_by_supervisor(mine, actor=supervisor, body=" ")
    assert not Objection.objects.exists()


def test_supervisor_form_is_refused_to_other_roles_and_on_drafts(client, community, chair, supervisor):
    draft = f.PostingFactory(community=community)
    released = f.released_posting(community=community, actor=chair)
    client.force_login(chair)
    assert client.get(reverse("admin:notices_posting_file_objection", args=[released.pk])).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("admin:notices_posting_file_objection", args=[draft.pk])).status_code == 403
    other = f.released_posting(community=f.CommunityFactory(name="和谐社区"))
    assert client.get(reverse("admin:notices_posting_file_objection", args=[other.pk])).status_code == 404


def test_an_objection_without_phone_needs_an_account(community):
    posting = f.released_posting(community=community)
    with pytest.raises(IntegrityError, match="objection_has_contact"):
        f.ObjectionFactory(posting=posting, phone="")
