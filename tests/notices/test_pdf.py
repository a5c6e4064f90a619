"""The monthly disclosure sheet (居务公开月报): content, versions, command, task, admin, public URLs."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from core.errors import RuleViolation
from core.pdf import group_hash
from notices import disclosure, ledger, services
from notices.disclosure import disclosure_generate, register_section
from notices.models import Category, MonthlyDisclosure, Posting
from tests.factories import CommunityFactory, ResidentFactory, staff_user

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
OCT = dt.date(2026, 10, 1)
AFTER_OCT = dt.datetime(2026, 11, 1, 0, 30, tzinfo=TZ)
ID_RE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"1[3-9]\d{9}")


def when(day: int, hour: int = 9, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def publish(community, title, *, category=Category.AFFAIRS, day=5, body="<p>请居民周知。</p>", **kw):
    at = when(day)
    return services.publish(
        community=community,
        category=category,
        title=title,
        body=body,
        publish_at=at,
        expire_at=at + dt.timedelta(days=7),
        at=at,
        **kw,
    )


def pdf_text(sheet: MonthlyDisclosure) -> str:
    with sheet.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text without line breaks or spaces (table cells wrap titles), ledger hash groups removed."""
    text = re.sub(r"(?:[0-9a-f]{8}\s+){2,}[0-9a-f]{1,8}", "", text)
    return re.sub(r"\s+", "", text)


@pytest.fixture
def xingfu():
    return CommunityFactory(name="幸福社区", slug="xingfu", phone="010-64281234", address="幸福路18号")


@pytest.fixture
def october(xingfu):
    publish(xingfu, "关于幸福路18号院停车位调整方案的公示", day=3)
    publish(
        xingfu,
        "2026年第三季度社区公益金收支情况公示",
        category=Category.FINANCE,
        day=8,
        body="<p>本季度收支如下：</p><table><tr><th>项目</th><th>金额（元）</th></tr>"
        "<tr><td>楼道照明改造</td><td>38,600.00</td></tr></table>",
    )
    publish(xingfu, "居民代表会议关于加装电梯补贴标准的决议", category=Category.RESOLUTION, day=12)
    publish(xingfu, "楼道照明改造实施结果公开", category=Category.IMPLEMENTATION, day=20)
    return xingfu


def test_sheet_prints_every_posting_with_header_hash_and_qr_on_every_page(october, tmp_path):
    sheet, created = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    assert created and sheet.version == 1 and sheet.pages >= 1
    text = pdf_text(sheet)
    for title in [
        "关于幸福路18号院停车位调整方案的公示",
        "2026年第三季度社区公益金收支情况公示",
        "居民代表会议关于加装电梯补贴标准的决议",
        "楼道照明改造实施结果公开",
    ]:
        assert title in flat(text)
    assert "幸福社区居民委员会" in text
    assert "居务公开月报" in text
    assert "楼道照明改造" in text and "38,600.00" in text  # the finance table's cells
    assert "居民意见办理情况" in text and "本月无数据" in text  # no data source yet: said honestly
    assert "010-64281234" in text  # 监督电话
    head = ledger.head_hash(october, at=AFTER_OCT)
    assert head and sheet.ledger_hash == head
    assert group_hash(head)[:17] in text

    with sheet.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert f"第 {number} 页 共 {len(reader.pages)} 页" in page_text
        assert group_hash(head)[:8] in page_text
        assert len(page.images) >= 1  # the QR code to the verify page

    # Page 1 rendered to PNG: not blank, and the red header is there.
    pdf_path = tmp_path / "sheet.pdf"
    pdf_path.write_bytes(sheet.pdf.open("rb").read())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "p")], check=True
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    pixels = (
        list(image.get_flattened_data()) if hasattr(image, "get_flattened_data") else list(image.getdata())
    )
    dark = sum(1 for r, g, b in pixels if r + g + b < 384)
    red = sum(1 for r, g, b in pixels if r > 150 and g < 90 and b < 90)
    assert dark > len(pixels) * 0.01
    assert red > 50


def test_only_postings_published_in_that_month(xingfu):
    publish(xingfu, "十月的通知", day=31, category=Category.NOTICE)
    at = when(1, hour=9, month=11)
    services.publish(community=xingfu, category=Category.NOTICE, title="十一月的通知", publish_at=at, at=at)
    sheet, _ = disclosure_generate(community=xingfu, month=OCT, at=when(2, month=11))
    text = pdf_text(sheet)
    assert "十月的通知" in text
    assert "十一月的通知" not in text


def test_identical_content_adds_no_version_and_changed_content_adds_one(october):
    first, created = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    again, created_again = disclosure_generate(
        community=october, month=OCT, at=AFTER_OCT + dt.timedelta(days=3)
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert MonthlyDisclosure.objects.filter(community=october).count() == 1

    # A correction published as a new version within October changes the sheet.
    posting = october.postings.get(title="楼道照明改造实施结果公开")
    services.posting_new_version(
        posting, actor=None, title="楼道照明改造实施结果公开（更正）", correction_note="数量更正", at=when(25)
    )
    second, created = disclosure_generate(community=october, month=OCT, at=AFTER_OCT + dt.timedelta(days=4))
    assert created and second.version == 2
    assert "楼道照明改造实施结果公开（更正）" in pdf_text(second)
    assert first.pdf.storage.exists(first.pdf.name)  # the older version is kept
    assert first.content_hash != second.content_hash


def test_month_not_started_is_refused(xingfu):
    with pytest.raises(RuleViolation, match="2026年12月尚未开始，不能生成月报"):
        disclosure_generate(community=xingfu, month=dt.date(2026, 12, 1), at=AFTER_OCT)


def released_unchecked(community, title, *, category=Category.AFFAIRS, day=5, body="", **kw):
    """A posting with personal data, released as if before release refused it: the sheet
    scrubs it all the same (second line of defence)."""
    at = when(day)
    return Posting.objects.create(
        community=community,
        category=category,
        title=title,
        body=body,
        publish_at=at,
        expire_at=at + dt.timedelta(days=7),
        state=Posting.State.RELEASED,
        released_at=at,
        **kw,
    )


def test_privacy_no_id_or_phone_shaped_strings(october):
    for _ in range(3):
        ResidentFactory(household__community=october, phone="13912345678")
    objecting = released_unchecked(
        october,
        "2026年10月最低生活保障新申请对象公示（张*明等3户）",
        category=Category.HARDSHIP,
        day=6,
        body="<p>张三明，身份证号110101196501011234，电话13812345678，家庭月收入800元。</p>",
        objections_open=True,
    )
    services.objection_file(objecting, name="李四", phone="13700001111", body="收入情况不实", at=when(7))
    released_unchecked(october, "联系人：王五 15912345678，证件 11010119650101123X", day=9)
    sheet, _ = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    text = pdf_text(sheet)
    assert "最低生活保障新申请对象公示" in flat(text)
    assert "1件，已答复0件" in flat(text)  # objection counts, never who
    for candidate in (text, flat(text)):
        assert not ID_RE.search(candidate), ID_RE.findall(candidate)
        assert not PHONE_RE.search(candidate), PHONE_RE.findall(candidate)
        for secret in ["张三明", "800元", "李四", "收入情况不实", "13700001111"]:
            assert secret not in candidate


def test_other_apps_fill_a_section_through_the_registry(october):
    original = disclosure._SECTIONS["opinions"]

    def opinions(ctx):
        return {
            "columns": ["事项", "办理结果"],
            "rows": [["小区路灯不亮", "已维修"]],
            "summary": [["办理率", "100%"]],
        }

    register_section("opinions", original.title, opinions, original.order)
    try:
        sheet, _ = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    finally:
        register_section("opinions", original.title, original.provider, original.order, original.template)
    text = pdf_text(sheet)
    assert "小区路灯不亮" in text and "办理率" in text


# --- command and task ------------------------------------------------------------------------------


def test_command_creates_then_reports_unchanged(october):
    other = CommunityFactory(name="和谐社区", slug="hexie")
    out = io.StringIO()
    call_command("generate_disclosure", "--community", "xingfu", "--month", "2026-10", stdout=out)
    assert "xingfu 2026-10: created v1" in out.getvalue()
    out = io.StringIO()
    call_command("generate_disclosure", "--all", "--month", "2026-10", stdout=out)
    assert "xingfu 2026-10: unchanged v1" in out.getvalue()
    assert "hexie 2026-10: created v1" in out.getvalue()
    assert MonthlyDisclosure.objects.filter(community=other).count() == 1
    with pytest.raises(CommandError, match="月份格式不正确"):
        call_command("generate_disclosure", "--community", "xingfu", "--month", "2026-13")
    with pytest.raises(CommandError, match="没有网址简称为"):
        call_command("generate_disclosure", "--community", "nowhere", "--month", "2026-10")


def test_monthly_task_twice_creates_one_version(october, time_machine):
    from notices.tasks import generate_monthly_disclosures

    CommunityFactory(name="和谐社区", slug="hexie")
    time_machine.move_to(AFTER_OCT)
    first = generate_monthly_disclosures.delay().get()
    second = generate_monthly_disclosures.delay().get()
    assert {r["month"] for r in first} == {"2026-10"}
    assert all(r["created"] for r in first)
    assert not any(r["created"] for r in second)
    assert MonthlyDisclosure.objects.filter(month=OCT).count() == 2


# --- public pages -----------------------------------------------------------------------------------


def test_public_pdf_latest_older_and_filename(client, october):
    first, _ = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    publish(october, "补充通知", day=28)
    second, _ = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    assert second.version == 2

    response = client.get("/c/xingfu/disclosure/2026-10.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert body == second.pdf.open("rb").read()
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("幸福社区-居务公开月报-2026-10.pdf") in disposition

    older = client.get("/c/xingfu/disclosure/2026-10.pdf?v=1")
    assert older.status_code == 200
    assert b"".join(older.streaming_content) == first.pdf.open("rb").read()

    index = client.get("/c/xingfu/disclosure/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "/c/xingfu/disclosure/2026-10.pdf" in html and "?v=1" in html
    assert "第2版" in html


@pytest.mark.parametrize(
    "url, message",
    [
        ("/c/xingfu/disclosure/2026-13.pdf", "月份格式不正确"),
        ("/c/xingfu/disclosure/abcd.pdf", "月份格式不正确"),
        ("/c/xingfu/disclosure/2026-9.pdf", "月份格式不正确"),
        ("/c/xingfu/disclosure/2026-09.pdf", "尚未生成"),
        ("/c/xingfu/disclosure/2026-10.pdf?v=7", "没有第7版"),
        ("/c/xingfu/disclosure/2026-10.pdf?v=x", "版本号不正确"),
    ],
)
def test_bad_month_or_version_is_a_chinese_404(client, october, url, message):
    disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_a_sheet_is_served_only_under_its_own_community(client, october):
    other = CommunityFactory(name="和谐社区", slug="hexie")
    mine, _ = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    assert client.get("/c/hexie/disclosure/2026-10.pdf").status_code == 404
    theirs, _ = disclosure_generate(community=other, month=OCT, at=AFTER_OCT)
    served = b"".join(client.get("/c/hexie/disclosure/2026-10.pdf").streaming_content)
    assert served == theirs.pdf.open("rb").read() != mine.pdf.open("rb").read()
    assert client.get("/c/nowhere/disclosure/2026-10.pdf").status_code == 404
    assert "和谐社区" in pdf_text(theirs) and "幸福社区" not in pdf_text(theirs)


def test_board_links_to_the_sheets(client, october):
    response = client.get("/c/xingfu/")
    assert response.status_code == 200
    assert "/c/xingfu/disclosure/" in response.content.decode()


# --- admin ------------------------------------------------------------------------------------------


def test_admin_lists_only_own_community_and_regenerates(client, october, django_capture_on_commit_callbacks):
    other = CommunityFactory(name="和谐社区", slug="hexie")
    mine, _ = disclosure_generate(community=october, month=OCT, at=AFTER_OCT)
    theirs, _ = disclosure_generate(community=other, month=OCT, at=AFTER_OCT)
    chair = staff_user(communities=[october], role="主任")
    client.force_login(chair)

    changelist = client.get("/admin/notices/monthlydisclosure/")
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert f"/c/xingfu/disclosure/2026-10.pdf?v={mine.version}" in html
    assert "/c/hexie/disclosure/" not in html
    assert "生成某月月报" in html
    assert client.get(f"/admin/notices/monthlydisclosure/{theirs.pk}/change/").status_code in (302, 404)

    # Unchanged content: the queued regeneration keeps v1; after a new posting it stores v2.
    publish(october, "十月底补充通知", day=30)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/admin/notices/monthlydisclosure/",
            {"action": "regenerate", "_selected_action": [mine.pk, theirs.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert len(callbacks) == 1  # the other community's row was not in scope
    latest = MonthlyDisclosure.objects.filter(community=october, month=OCT).order_by("-version").first()
    assert latest.version == 2 and latest.generated_by == chair
    assert "十月底补充通知" in pdf_text(latest)
    assert MonthlyDisclosure.objects.filter(community=other).count() == 1


def test_admin_generate_for_a_month(client, october, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(AFTER_OCT)
    member = staff_user(communities=[october], role="委员")
    client.force_login(member)
    url = "/admin/notices/monthlydisclosure/generate/"
    assert client.get(url).status_code == 200

    bad = client.post(url, {"community": october.pk, "month": "2026/10"})
    assert bad.status_code == 200 and "月份格式不正确" in bad.content.decode()
    future = client.post(url, {"community": october.pk, "month": "2027-01"})
    assert "尚未开始" in future.content.decode()
    other = CommunityFactory(name="和谐社区", slug="hexie")
    foreign = client.post(url, {"community": other.pk, "month": "2026-10"})
    assert "请选择您负责的社区" in foreign.content.decode()
    assert not MonthlyDisclosure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"community": october.pk, "month": "2026-10"}, follow=True)
    assert done.status_code == 200 and "已提交" in done.content.decode()
    sheet = MonthlyDisclosure.objects.get(community=october, month=OCT)
    assert sheet.version == 1 and sheet.generated_by == member


def test_admin_generation_needs_the_add_permission(client, october):
    street = staff_user(communities=[october], role="街道")
    client.force_login(street)
    assert client.get("/admin/notices/monthlydisclosure/generate/").status_code == 403
    assert "生成某月月报" not in client.get("/admin/notices/monthlydisclosure/").content.decode()


def test_a_section_table_may_ask_for_column_widths():
    """Short columns (异议, 结论) and windows get a width, so they are not broken one character per line."""
    from django.template.loader import render_to_string

    data = {"columns": ["申请人", "异议"], "rows": [["刘*", "无"]], "widths": ["", "s"]}
    html = render_to_string("notices/pdf/section_table.html", {"data": data})
    assert '<colgroup><col><col class="w-s"></colgroup>' in html
    plain = render_to_string("notices/pdf/section_table.html", {"data": {**data, "widths": None}})
    assert "colgroup" not in plain
    css = (Path(__file__).resolve().parents[2] / "templates/notices/pdf/disclosure.css").read_text()
    assert all(f"col.w-{w}" in css for w in ("s", "m", "window"))
