"""Release refuses ID numbers and private mobile numbers, which must never reach the
public board: in the title, the body and attachment names; through ``publish()`` as other apps call it,
through corrections and through the admin. Ordinary numbers are not refused."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import RuleViolation
from notices import services
from notices.models import Attachment, LedgerEntry, Posting
from tests import factories as f

pytestmark = pytest.mark.django_db

SH = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SH)
ISSUE_EXAMPLE = "身份证号110101199011220235，联系电话17601235465"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def community():
    return f.CommunityFactory(name="幸福社区", phone="010-66778899")


def _publish(community, **kwargs):
    """What another app (elections, assistance, ...) does to put something on the board."""
    kwargs.setdefault("category", "affairs")
    kwargs.setdefault("title", "关于加装电梯的意见征集")
    kwargs.setdefault("body", "<p>请各户于月底前反馈。</p>")
    return services.publish(community=community, at=AT, expire_at=AT + dt.timedelta(days=7), **kwargs)


def test_the_issues_example_is_refused_through_publish_and_nothing_is_written(community):
    with pytest.raises(
        RuleViolation, match="正文含有身份证号码“110101199011220235”、手机号码“17601235465”"
    ) as exc:
        _publish(community, body=ISSUE_EXAMPLE)
    assert "不能发布" in exc.value.messages[0] and "公开联系电话" in exc.value.messages[0]
    assert Posting.objects.count() == 0 and LedgerEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("where", "title", "body", "found"),
    [
        ("标题", "张三明 110101199011220235 的申请", "<p>见附件。</p>", "身份证号码“110101199011220235”"),
        ("标题", "联系电话 17601235465", "", "手机号码“17601235465”"),
        ("正文", "通知", "<p>身份证：11010119901122023X</p>", "身份证号码“11010119901122023X”"),
        ("正文", "通知", "<p>身份证 110101 19901122 0235</p>", "身份证号码“110101 19901122 0235”"),
        (
            "正文",
            "通知",
            "<p>身份证１１０１０１１９９０１１２２０２３５</p>",
            "身份证号码“１１０１０１１９９０１１２２０２３５”",
        ),
        ("正文", "通知", "<p>老身份证110101901122023</p>", "身份证号码“110101901122023”"),
        ("正文", "通知", "<p>电话：138 1234 5678</p>", "手机号码“138 1234 5678”"),
        ("正文", "通知", "<p>电话：138-1234-5678</p>", "手机号码“138-1234-5678”"),
        ("正文", "通知", "<p>电话：+86 13812345678</p>", "手机号码“+86 13812345678”"),
        ("正文", "通知", "<p>电话：１３８１２３４５６７８</p>", "手机号码“１３８１２３４５６７８”"),
        (
            "正文",
            "通知",
            "<table><tr><td>张*明</td><td>1381<b>234</b>5678</td></tr></table>",
            "手机号码“13812345678”",
        ),
        ("正文", "通知", '<p><a href="tel:13812345678">联系人</a></p>', "手机号码“13812345678”"),
    ],
)
def test_every_way_of_writing_them_is_refused(community, where, title, body, found):
    with pytest.raises(RuleViolation, match=re.escape(f"{where}含有{found}")):
        _publish(community, title=title, body=body)
    assert Posting.objects.count() == 0


def test_ordinary_numbers_are_published(community):
    body = (
        "<table><tr><th>项目</th><th>金额（元）</th></tr>"
        "<tr><td>绿化养护</td><td>56,000.00</td></tr><tr><td>合计</td><td>1,256,000.00</td></tr></table>"
        "<p>2025年3月3日（2025-03-03）起公示，户号H00012、3-2-1101，共 5 人 700.00 元。</p>"
        "<p>居委会电话 010-66778899，或 66778899；邮编100010；工作时间 8:30-17:00。</p>"
        "<p>统一社会信用代码 12110101MB1234567X，账号 0200 0012 3456。</p>"
    )
    p = _publish(community, category="finance", title="2025年2月财务收支公开（第12期）", body=body)
    assert p.is_released and LedgerEntry.objects.filter(posting=p).exists()


def test_declared_public_contact_numbers_are_allowed(community):
    rules = community.rules
    rules.public_phones = "13912345678\n+86 137 0000 1111"
    rules.full_clean()
    rules.save()
    p = _publish(community, body="<p>值班手机：139-1234-5678，137 0000 1111。</p>")
    assert p.is_released
    with pytest.raises(RuleViolation, match="手机号码“13812345678”"):
        _publish(community, body="<p>值班手机：13912345678，或联系王师傅13812345678。</p>")


def test_a_mobile_committee_phone_is_public_already(community):
    community.phone = "13700001111"
    community.save()
    assert _publish(community, body="<p>咨询请致电 137 0000 1111。</p>").is_released


def test_bad_declared_number_gets_a_chinese_message(community):
    from django.core.exceptions import ValidationError

    rules = community.rules
    rules.public_phones = "13912345678，12345"
    with pytest.raises(ValidationError, match="以下号码格式不正确：12345"):
        rules.full_clean()


def test_attachment_name_is_refused_at_release(community):
    chair = f.staff_user(communities=[community])
    draft = services.posting_create_draft(
        community=community, category="hardship", title="低保公示", actor=chair
    )
    upload = io.BytesIO(PDF)
    services.attachment_add(draft, file=upload, name="李建国110101199011220235.pdf", actor=chair)
    with pytest.raises(RuleViolation, match="附件“李建国110101199011220235.pdf”含有身份证号码"):
        services.posting_release(draft, actor=chair)
    draft.refresh_from_db()
    assert not draft.is_released and Attachment.objects.filter(posting=draft).count() == 1


def test_a_correction_is_scanned_too(community):
    p = _publish(community)
    with pytest.raises(RuleViolation, match="正文含有手机号码“17601235465”"):
        services.posting_new_version(
            p,
            actor=None,
            correction_note="补充联系人",
            body="<p>联系人：17601235465</p>",
            at=AT + dt.timedelta(hours=1),
        )
    p.refresh_from_db()
    assert p.replaced_at is None and Posting.objects.count() == 1


# --- the admin ---------------------------------------------------------------------------------------


def test_admin_says_so_on_save_on_the_release_page_and_on_release(client, community):
    chair = f.staff_user(communities=[community])
    client.force_login(chair)
    start = timezone.localtime(timezone.now() + dt.timedelta(hours=1))
    data = {
        "community": community.pk,
        "category": "notice",
        "title": "关于清理楼道杂物的通知",
        "body": ISSUE_EXAMPLE,
        "working_days": "3",
        "publish_at_0": start.strftime("%Y-%m-%d"),
        "publish_at_1": start.strftime("%H:%M:%S"),
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    saved = client.post(reverse("admin:notices_posting_add"), data, follow=True)
    assert any("发布前请修改：正文含有身份证号码" in str(m) for m in saved.context["messages"])
    draft = Posting.objects.get()
    url = reverse("admin:notices_posting_release", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "正文含有身份证号码“110101199011220235”、手机号码“17601235465”" in page
    assert "确认发布" not in page
    response = client.post(url, follow=True)
    assert any("不能发布：正文含有身份证号码" in str(m) for m in response.context["messages"])
    draft.refresh_from_db()
    assert not draft.is_released and not LedgerEntry.objects.exists()


def test_public_phones_are_edited_in_the_community_page(client, community):
    client.force_login(f.staff_user(communities=[community]))
    page = client.get(reverse("admin:core_community_change", args=[community.pk])).content.decode()
    assert "公开联系电话" in page and 'name="_rules-0-public_phones"' in page
