"""After its window: an expired posting stays readable in the archive, marked 公示期满,
so last month's finance can still be read online; a hardship posting's names leave the public site
(detail page, attachments, archive links, search, feed); withdrawn postings and replaced versions
keep their content off the public site. Cached pages change at the boundary itself."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from notices.models import Attachment, Category
from tests.notices.board_helpers import NOW, aware, new_version, objection, posting

pytestmark = pytest.mark.django_db

FINANCE_BODY = (
    "<table><tr><th>项目</th><th>金额（元）</th></tr>"
    "<tr><td>绿化养护</td><td>56,000.00</td></tr><tr><td>合计</td><td>78,500.00</td></tr></table>"
)
HARDSHIP_BODY = (
    "<table><tr><th>申请人</th><th>家庭人口</th><th>月补助</th></tr>"
    "<tr><td>黎*霞</td><td>5</td><td>700.00</td></tr><tr><td>欧**明</td><td>3</td><td>1,200.00</td></tr></table>"
)
MONTH = "2025-02"


@pytest.fixture
def expired(community):
    """Postings of February, all past their window on NOW (12 March)."""
    feb = aware(2025, 2, 5, 9, 0)
    finance = posting(
        community,
        title="2025年1月财务收支公开",
        category=Category.FINANCE,
        body=FINANCE_BODY,
        publish_at=feb,
        days=10,
    )
    hardship = posting(
        community,
        title="2025年第一季度低保评议结果公示",
        category=Category.HARDSHIP,
        body=HARDSHIP_BODY,
        publish_at=feb,
        days=7,
        objections_open=True,
    )
    objection(hardship)
    withdrawn = posting(
        community,
        title="误发的通知",
        body="<p>不应公开的内容</p>",
        publish_at=feb,
        days=10,
        withdrawal_reason="误发",
    )
    withdrawn.withdrawn_at = feb + dt.timedelta(days=1)
    withdrawn.save()
    first = posting(community, title="楼道清理通知", body="<p>第一版内容</p>", publish_at=feb, days=10)
    second = new_version(first, at=feb + dt.timedelta(days=1), body="<p>更正后的内容</p>")
    for p, name in ((finance, "财务明细.pdf"), (hardship, "评议记录.pdf")):
        a = Attachment(posting=p, name=name, content_type="application/pdf", size=9, sha256="0" * 64)
        a.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {
        "finance": finance,
        "hardship": hardship,
        "withdrawn": withdrawn,
        "first": first,
        "second": second,
    }


def url(name, community, **kwargs):
    return reverse(f"notices:{name}", kwargs={"slug": community.slug, **kwargs})


def get(client, path) -> tuple[int, str]:
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode(errors="replace")


def test_expired_finance_stays_readable_marked_expired(client, community, expired):
    finance = expired["finance"]
    with time_machine.travel(NOW, tick=False):
        status, page = get(client, url("posting", community, pk=finance.pk))
        assert status == 200
        assert "56,000.00" in page and "78,500.00" in page
        assert "本事项的公示期已于" in page and "以下内容作为公开记录保留" in page
        attachment = finance.attachments.get()
        assert get(client, url("attachment", community, pk=finance.pk, attachment_id=attachment.pk))[0] == 200
        _, archive = get(client, url("archive_month", community, month=MONTH))
        assert f'href="{url("posting", community, pk=finance.pk)}"' in archive
        # Not current: not on the board, in its search or in the feed.
        assert "2025年1月财务收支公开" not in get(client, url("board", community))[1]
        assert "2025年1月财务收支公开" not in get(client, url("board", community) + "?q=绿化养护")[1]
        assert "2025年1月财务收支公开" not in get(client, url("feed", community))[1]


def test_hardship_names_leave_the_public_site_after_the_window(client, community, expired):
    hardship = expired["hardship"]
    detail = url("posting", community, pk=hardship.pk)
    attachment = hardship.attachments.get()
    attachment_url = url("attachment", community, pk=hardship.pk, attachment_id=attachment.pk)
    with time_machine.travel(hardship.expire_at - dt.timedelta(seconds=1), tick=False) as clock:
        # Inside the window: public, with masked names, in search and feed.
        assert "黎*霞" in get(client, detail)[1]
        assert "黎*霞" in get(client, url("board", community) + "?q=黎")[1]
        assert "黎*霞" in get(client, url("feed", community))[1]
        assert get(client, attachment_url)[0] == 200
        clock.move_to(hardship.expire_at)
        assert get(client, detail)[0] == 404
        assert get(client, attachment_url)[0] == 404
        for path in (
            url("board", community),
            url("board", community) + "?q=黎",
            url("board", community) + "?category=hardship",
            url("feed", community),
            url("archive", community),
            url("archive_month", community, month=MONTH),
        ):
            status, page = get(client, path)
            assert status == 200 and "黎*霞" not in page and "欧**明" not in page, path
            assert f'href="{detail}"' not in page, path
        _, archive = get(client, url("archive_month", community, month=MONTH))
        # The record that it was posted stays: title, time, and why the content is gone.
        assert "2025年第一季度低保评议结果公示" in archive and "名单已按规定撤下" in archive


def test_withdrawn_and_replaced_content_stays_off_after_the_window(client, community, expired):
    withdrawn, first, second = expired["withdrawn"], expired["first"], expired["second"]
    with time_machine.travel(withdrawn.expire_at - dt.timedelta(seconds=1), tick=False) as clock:
        # Inside its window a withdrawn posting is shown as a record, with its reason.
        status, page = get(client, url("posting", community, pk=withdrawn.pk))
        assert status == 200 and "已撤回" in page and "误发" in page
        clock.move_to(NOW)
        assert get(client, url("posting", community, pk=withdrawn.pk))[0] == 404
        assert get(client, url("posting", community, pk=first.pk))[0] == 404
        status, page = get(client, url("posting", community, pk=second.pk))
        assert (
            status == 200
            and "更正后的内容" in page
            and "第一版内容" not in page
            and "本事项的公示期已于" in page
        )
        _, archive = get(client, url("archive_month", community, month=MONTH))
        assert "误发的通知" in archive and "已撤回" in archive
        assert f'href="{url("posting", community, pk=withdrawn.pk)}"' not in archive
        assert "不应公开的内容" not in archive


def test_cached_pages_change_at_the_boundary(client, community):
    ten = aware(2025, 3, 12, 10, 0, 0)
    finance = posting(
        community,
        title="二月财务公开",
        category=Category.FINANCE,
        body=FINANCE_BODY,
        publish_at=ten - dt.timedelta(days=5),
        expire_at=ten,
    )
    hardship = posting(
        community,
        title="低保公示",
        category=Category.HARDSHIP,
        body=HARDSHIP_BODY,
        publish_at=ten - dt.timedelta(days=5),
        expire_at=ten,
    )
    archive = url("archive_month", community, month="2025-03")
    with time_machine.travel(ten - dt.timedelta(seconds=1), tick=False) as clock:
        for path in (
            url("posting", community, pk=finance.pk),
            url("posting", community, pk=hardship.pk),
            archive,
        ):
            assert client.get(path).status_code == 200
            assert client.get(path).status_code == 200  # the second from the cache
        banner = "本事项的公示期已于"
        assert banner not in client.get(url("posting", community, pk=finance.pk)).content.decode()
        clock.move_to(ten)
        finance_page = client.get(url("posting", community, pk=finance.pk)).content.decode()
        assert banner in finance_page and "56,000.00" in finance_page
        assert client.get(url("posting", community, pk=hardship.pk)).status_code == 404
        page = client.get(archive).content.decode()
        assert f'href="{url("posting", community, pk=hardship.pk)}"' not in page
        assert f'href="{url("posting", community, pk=finance.pk)}"' in page
