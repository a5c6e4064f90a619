"""No public page or feed shows an ID number, a phone number or a hardship applicant's full name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from core.idnumbers import mask_name
from notices.models import Attachment, Category, LedgerEntry
from tests.factories import CommunityFactory, HouseholdFactory, ResidentFactory
from tests.notices.board_helpers import NOW, new_version, objection, posting

pytestmark = pytest.mark.django_db

# Not inside a longer run of letters and digits: a content hash printed on the page (hex) may hold
# eleven decimal digits in a row by chance, and that is no phone number.
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])")
PHONE_SHAPED = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


@pytest.fixture
def seeded():
    community = CommunityFactory(slug="heping", name="和平社区", phone="010-66778899")
    other = CommunityFactory(slug="other")
    applicants = []
    for name in ("张三明", "欧阳小明", "李建国"):
        household = HouseholdFactory(community=community)
        applicants.append(ResidentFactory(household=household, name=name))
    residents = [ResidentFactory(household=HouseholdFactory(community=community)) for _ in range(5)]
    assert all(
        ID_SHAPED.fullmatch(r.id_number) and PHONE_SHAPED.fullmatch(r.phone) for r in residents + applicants
    )
    rows = "".join(f"<tr><td>{mask_name(a.name)}</td><td>3人</td><td>1,200元</td></tr>" for a in applicants)
    hardship = posting(
        community,
        title="2025年3月低保评议结果公示",
        category=Category.HARDSHIP,
        body=f"<table><tr><th>申请人</th><th>家庭人口</th><th>月补助</th></tr>{rows}</table>",
        objections_open=True,
        publish_at=NOW - dt.timedelta(days=2),
    )
    for r in residents[:3]:
        objection(hardship, name=r.name, phone=r.phone, answered=r is residents[0])
    roll = posting(
        community,
        title="选民名单公示",
        category=Category.ELECTION,
        objections_open=True,
        body="<p>选民名单共 2,341 人，详见居委会公告栏。</p>",
        publish_at=NOW - dt.timedelta(days=3),
    )
    objection(roll, name=residents[4].name, phone=residents[4].phone)
    corrected = new_version(roll, at=NOW - dt.timedelta(days=1), note="更正人数")
    withdrawn = posting(community, title="撤回的通知", publish_at=NOW - dt.timedelta(days=2))
    withdrawn.withdrawn_at = NOW - dt.timedelta(days=1)
    withdrawn.withdrawal_reason = "重复发布"
    withdrawn.save()
    Attachment.objects.create(
        posting=hardship,
        file="notices/x/a.pdf",
        name="评议记录.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
    )
    past = posting(community, title="上月公示", publish_at=NOW - dt.timedelta(days=40), days=7)
    posting(other, title="别的社区")
    entry = LedgerEntry.objects.create(
        community=community,
        sequence=1,
        posting=hardship,
        posting_version=1,
        content_hash="a" * 64,
        prev_hash="0" * 64,
        entry_hash="b" * 64,
        recorded_at=NOW - dt.timedelta(days=2),
    )
    return {
        "community": community,
        "postings": [hardship, roll, corrected, withdrawn],
        "past": past,
        "people": residents + applicants,
        "applicants": applicants,
        "entry": entry,
    }


def public_urls(data) -> list[str]:
    slug = data["community"].slug
    urls = [
        "/",
        reverse("notices:board", kwargs={"slug": slug}),
        reverse("notices:board", kwargs={"slug": slug}) + "?q=低保",
        reverse("notices:board", kwargs={"slug": slug}) + "?category=hardship",
        reverse("notices:board", kwargs={"slug": slug}) + "?month=2025-03&size=50",
        reverse("notices:feed", kwargs={"slug": slug}),
        reverse("notices:archive", kwargs={"slug": slug}),
        reverse("notices:archive_month", kwargs={"slug": slug, "month": "2025-03"}),
        reverse("notices:archive_month", kwargs={"slug": slug, "month": "2025-02"}),
        reverse("notices:verify", kwargs={"slug": slug}),
        reverse("notices:verify", kwargs={"slug": slug}) + "?hash=" + data["entry"].entry_hash,
        reverse("notices:verify", kwargs={"slug": slug}) + "?hash=" + "c" * 64,
    ]
    urls += [reverse("notices:posting", kwargs={"slug": slug, "pk": p.pk}) for p in data["postings"]]
    return urls


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_public_page_shows_personal_data(client, seeded, language):
    client.cookies["django_language"] = language
    with time_machine.travel(NOW, tick=False):
        scanned = 0
        for url in public_urls(seeded):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            page = response.content.decode()
            assert not ID_SHAPED.search(page), (url, ID_SHAPED.search(page))
            assert not PHONE_SHAPED.search(page), (url, PHONE_SHAPED.search(page))
            for person in seeded["people"]:
                assert person.id_number not in page and person.phone not in page, url
            for applicant in seeded["applicants"]:
                assert applicant.name not in page, (url, applicant.name)
            scanned += 1
    assert scanned == len(public_urls(seeded))


def test_the_scan_would_catch_a_leak(client, seeded):
    """The scanner is not blind: a posting that quotes an ID number and phone is caught."""
    person = seeded["people"][0]
    leak = posting(
        seeded["community"], title="错误示例", body=f"<p>{person.name} {person.id_number} {person.phone}</p>"
    )
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            reverse("notices:posting", kwargs={"slug": "heping", "pk": leak.pk})
        ).content.decode()
    assert ID_SHAPED.search(page) and PHONE_SHAPED.search(page)


def test_expired_hardship_posting_is_gone_but_masked_while_up(client, seeded):
    hardship = seeded["postings"][0]
    url = reverse("notices:posting", kwargs={"slug": "heping", "pk": hardship.pk})
    with time_machine.travel(NOW, tick=False) as clock:
        page = client.get(url).content.decode()
        assert "张*明" in page and "欧**明" in page
        clock.move_to(hardship.expire_at)
        assert client.get(url).status_code == 404
