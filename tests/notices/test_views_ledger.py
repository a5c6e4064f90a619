"""Issue 7: what residents see of the tamper-evident record.

Each posting page shows its content hash (内容校验码); the verify page recognises the month-end hash
printed on a monthly sheet as that sheet's (not as the month's last posting), in whatever shape it
was copied (spaces, dashes, line breaks, the QR code's ``?h=``), and shows the last published head.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from notices import disclosure, ledger, services
from notices.models import MonthlyDisclosure, Posting
from notices.tasks import publish_ledger_heads
from tests.factories import released_posting

pytestmark = pytest.mark.django_db

SH = dt.timezone(dt.timedelta(hours=8))
NOV = dt.datetime(2026, 11, 3, 9, 0, tzinfo=SH)
DEC_2 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def clock():
    with time_machine.travel(DEC_2, tick=False) as t:
        yield t


def _grouped(value: str, size: int) -> str:
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def _text(response) -> str:
    return response.content.decode()


def _verify(client, community, **params):
    return client.get(reverse("notices:verify", kwargs={"slug": community.slug}), params)


def _sheet(community, month: dt.date, ledger_hash: str, version: int = 1) -> MonthlyDisclosure:
    return MonthlyDisclosure.objects.create(
        community=community,
        month=month,
        version=version,
        content_hash=f"{version}" * 64,
        ledger_hash=ledger_hash,
        pdf=f"disclosures/{community.slug}/{month:%Y-%m}-v{version}.pdf",
        generated_at=DEC_2,
    )


@pytest.fixture
def november(community):
    """Two postings in November 2026; the November sheet prints the month-end head."""
    released_posting(
        community=community, title="十一月停水通知", at=NOV, expire_at=NOV + dt.timedelta(days=60)
    )
    last = released_posting(
        community=community,
        title="十一月最后一条公告",
        at=NOV + dt.timedelta(days=20),
        expire_at=DEC_2 + dt.timedelta(days=30),
    )
    _start, end = disclosure.month_bounds(dt.date(2026, 11, 1))
    head = disclosure.head_hash_at_month_end(community, end)
    assert head == ledger.head(community).entry_hash
    return {"last": last, "head": head, "sheet": _sheet(community, dt.date(2026, 11, 1), head)}


def test_posting_page_shows_its_content_hash(client, community, clock):
    p = released_posting(community=community, title="关于加装电梯的公示", at=DEC_2 - dt.timedelta(hours=1))
    chash = ledger.content_hash(p)
    assert p.ledger_entries.get().content_hash == chash
    page = _text(client.get(reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})))
    assert "内容校验码" in page
    assert _grouped(chash[:16], 4) in page  # the short form, enough to look it up
    assert _grouped(chash, 4) in page  # the full value
    verify_link = reverse("notices:verify", kwargs={"slug": community.slug}) + f"?hash={chash}"
    assert verify_link in page
    assert chash not in page.replace(verify_link, "")  # shown grouped: never a long run of digits


def test_a_posting_changed_behind_the_record_shows_a_hash_the_record_lacks(client, community, clock):
    p = released_posting(
        community=community, title="低保公示", body="<p>王*华</p>", at=DEC_2 - dt.timedelta(hours=1)
    )
    Posting.objects.filter(pk=p.pk).update(body="<p>李*华</p>")
    page = _text(client.get(reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})))
    shown = re.search(r'href="[^"]*\?hash=([0-9a-f]{64})"', page).group(1)
    assert shown != ledger.content_hash(p)
    assert "记录中没有这个哈希值" in _text(_verify(client, community, hash=shown))


def test_content_hash_pasted_names_the_posting_and_its_state(client, community, clock):
    p = released_posting(community=community, title="关于楼道堆物的通知", at=DEC_2 - dt.timedelta(hours=3))
    services.posting_withdraw(p, actor=None, reason="已清理完毕", at=DEC_2 - dt.timedelta(hours=1))
    page = _text(_verify(client, community, hash=_grouped(ledger.content_hash(p)[:20], 4)))
    assert "与记录一致" in page and "内容校验码" in page and "关于楼道堆物的通知" in page
    assert "已撤回" in page and "已清理完毕" in page


@pytest.mark.parametrize(
    "shape",
    [
        lambda h: h,
        lambda h: _grouped(h, 8),  # as the sheet prints it
        lambda h: _grouped(h, 8).replace(" ", "\n", 3).upper(),  # copied over line breaks
        lambda h: "-".join(h[i : i + 4] for i in range(0, 64, 4)),
        lambda h: "月末登记码：" + _grouped(h, 8),  # with the sheet's label
        lambda h: _grouped(h, 8).translate(
            str.maketrans("0123456789abcdef", "０１２３４５６７８９ａｂｃｄｅｆ")
        ),
        lambda h: h[:16],
    ],
    ids=["plain", "grouped", "line-breaks", "dashes", "label", "full-width", "prefix"],
)
def test_the_month_end_hash_is_the_monthly_sheet_of_its_month(client, community, clock, november, shape):
    page = _text(_verify(client, community, hash=shape(november["head"])))
    assert "与记录一致" in page
    assert "本页为幸福社区2026年11月居务公开月报" in page
    assert "十一月最后一条公告" not in page  # not "the last posting of that month"
    assert reverse("notices:disclosure_pdf", kwargs={"slug": community.slug, "month": "2026-11"}) in page


def test_the_qr_code_link_on_the_sheet_is_understood(client, community, clock, november):
    from notices.disclosure.render import verify_url

    url = verify_url(community.slug, november["head"])
    query = url.split("?", 1)[1]
    page = _text(client.get(reverse("notices:verify", kwargs={"slug": community.slug}) + "?" + query))
    assert "本页为幸福社区2026年11月居务公开月报" in page


def test_a_hash_on_two_sheets_names_both_months(client, community, clock, november):
    _sheet(community, dt.date(2026, 12, 1), november["head"])  # nothing recorded in December
    page = _text(_verify(client, community, hash=november["head"]))
    assert "本页为幸福社区2026年11月、2026年12月居务公开月报" in page


def test_a_sheet_hash_the_chain_lost_is_an_alarm(client, community, clock, november):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE notices_ledgerentry DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM notices_ledgerentry WHERE entry_hash = %s", [november["head"]])
        cursor.execute("ALTER TABLE notices_ledgerentry ENABLE TRIGGER USER")
    page = _text(_verify(client, community, hash=november["head"]))
    assert "与记录一致" not in page
    assert "2026年11月居务公开月报" in page and "登记簿中已没有这一条" in page


def test_verify_page_shows_the_last_published_head(client, community, clock, november):
    assert "最近公布的登记簿末条" not in _text(_verify(client, community))
    publish_ledger_heads(at=DEC_2)
    page = _text(_verify(client, community))
    head = ledger.latest_published_head(community)
    assert "最近公布的登记簿末条" in page and f"第 {head.sequence} 条" in page
    assert "记录链" not in page and "公开登记簿" in page  # one plain term, as the admin says
    assert _grouped(head.entry_hash, 8) in page  # as the sheet prints it
