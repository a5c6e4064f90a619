"""Import of households and residents: preview, all-or-nothing, every bad row with its line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from committee import importing
from committee.models import Building, Household, Resident, ResidentsGroup
from tests.factories import CommunityFactory, HouseholdFactory, ResidentFactory, make_id_number, staff_user

pytestmark = pytest.mark.django_db

HEADER = [
    "户号",
    "住址",
    "居民小组",
    "楼栋",
    "姓名",
    "身份证号码",
    "与户主关系",
    "联系电话",
    "居住类型",
    "迁入日期",
    "备注",
]


@pytest.fixture
def community():
    c = CommunityFactory(name="幸福社区", slug="xf")
    g1 = ResidentsGroup.objects.create(community=c, number=1, name="第一居民小组")
    ResidentsGroup.objects.create(community=c, number=2, name="第二居民小组")
    Building.objects.create(community=c, group=g1, name="1号楼")
    return c


def ids(n: int, sex: str = "M") -> list[str]:
    return [make_id_number(sex=sex) for _ in range(n)]


def good_rows(n_households: int = 3) -> list[list[str]]:
    rows = []
    for h in range(n_households):
        head = make_id_number(birth=dt.date(1970, 3, 4), sex="M")
        spouse = make_id_number(birth=dt.date(1972, 5, 6), sex="F")
        number = f"77{h:05d}"
        address = f"幸福里1号楼1单元{h + 101}室"
        rows.append(
            [
                number,
                address,
                "1",
                "1号楼",
                "张伟",
                head,
                "户主",
                "13800138000",
                "户籍在本社区",
                "2010-05-01",
                "",
            ]
        )
        rows.append([number, address, "第一居民小组", "1号楼", "王芳", spouse, "妻", "", "", "", "示例"])
    return rows


def to_csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(encoding)


def to_xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_by_line(plan) -> dict[int, str]:
    return {e.line: e.text for e in plan.errors}


# --- The service -------------------------------------------------------------------------------------


def test_good_file_imports_households_and_residents_with_history_and_audit(community):
    actor = staff_user(communities=[community])
    rows = good_rows(3)
    data = to_csv(rows)
    plan = importing.import_plan(community=community, data=data, file_name="居民.csv")
    assert plan.ok, plan.messages()
    assert (plan.new_households, plan.new_residents, plan.total_rows) == (3, 6, 6)
    assert Resident.objects.count() == 0  # the preview writes nothing

    result = importing.residents_import(community=community, data=data, file_name="居民.csv", actor=actor)

    assert (result.households_created, result.residents_created) == (3, 6)
    head = Resident.objects.get(id_number=rows[0][5])
    assert head.community == community and head.household.number == "7700000"
    assert head.household.building.name == "1号楼" and head.household.group.number == 1
    assert head.relation_to_head == Resident.Relation.HEAD and head.sex == "M"
    assert head.birth_date == dt.date(int(rows[0][5][6:10]), int(rows[0][5][10:12]), int(rows[0][5][12:14]))
    assert head.moved_in_on == dt.date(2010, 5, 1) and head.phone == "13800138000"
    spouse = Resident.objects.get(id_number=rows[1][5])
    assert (
        spouse.relation_to_head == Resident.Relation.SPOUSE and spouse.sex == "F" and spouse.notes == "示例"
    )
    history = head.history.get()
    assert history.history_user == actor and "居民.csv" in history.history_change_reason
    assert Household.history.filter(history_user=actor).count() == 3
    entry = LogEntry.objects.get()
    assert entry.user == actor and entry.object_id == str(community.pk)
    assert (
        "居民.csv" in entry.change_message
        and "3户" in entry.change_message
        and "6名居民" in entry.change_message
    )


def test_phones_written_with_spaces_dashes_or_country_code_are_stored_as_digits(community):
    """The import and the public objection form share core.idnumbers.normalize_phone."""
    rows = good_rows(3)
    rows[0][7], rows[2][7], rows[4][7] = "138 0013 8000", "+86 139-0013-9000", "010 6428 1234"
    importing.residents_import(community=community, data=to_csv(rows), file_name="居民.csv", actor=None)
    stored = {Resident.objects.get(id_number=rows[i][5]).phone for i in (0, 2, 4)}
    assert stored == {"13800138000", "13900139000", "010-64281234"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_excel_uses(community, encoding):
    data = to_csv(good_rows(2), encoding=encoding)
    plan = importing.import_plan(community=community, data=data, file_name="a.csv")
    assert plan.ok, plan.messages()
    assert [r.name for r in plan.rows] == ["张伟", "王芳", "张伟", "王芳"]


def test_xlsx_imports_and_a_numeric_id_cell_is_explained(community):
    rows = good_rows(1)
    assert importing.import_plan(community=community, data=to_xlsx(rows), file_name="a.xlsx").ok
    rows[1][5] = float(rows[1][5][:17] + "0")  # what Excel does to an ID typed into a number cell
    plan = importing.import_plan(community=community, data=to_xlsx(rows), file_name="a.xlsx")
    assert not plan.ok
    assert "存成了数字" in errors_by_line(plan)[3]


def test_one_bad_row_imports_nothing_and_every_bad_row_has_line_and_reason(community):
    other = CommunityFactory()
    g1 = ResidentsGroup.objects.get(community=community, number=1)
    registered = ResidentFactory(
        household=HouseholdFactory(community=community, group=g1, number="5500000", address="幸福里9号")
    )
    elsewhere = ResidentFactory(household=HouseholdFactory(community=other))  # another community: fine here
    dup = make_id_number()
    bad_checksum = make_id_number()
    bad_checksum = bad_checksum[:17] + ("0" if bad_checksum[17] != "0" else "1")
    rows = [
        ["8800001", "幸福里1号", "1", "", "甲", make_id_number(), "户主", "", "", "", ""],  # 2 good
        ["8800001", "幸福里1号", "1", "", "乙", bad_checksum, "配偶", "", "", "", ""],  # 3 checksum
        [
            "8800001",
            "幸福里1号",
            "1",
            "",
            "丙",
            registered.id_number,
            "子女",
            "",
            "",
            "",
            "",
        ],  # 4 in community
        ["8800001", "幸福里1号", "1", "", "丁", dup, "子女", "", "", "", ""],  # 5 good
        ["8800001", "幸福里1号", "1", "", "戊", dup, "子女", "", "", "", ""],  # 6 same ID twice
        [
            "8800002",
            "幸福里2号",
            "第九组",
            "",
            "己",
            make_id_number(),
            "户主",
            "",
            "",
            "",
            "",
        ],  # 7 unknown group
        [
            "8800001",
            "幸福里1号",
            "1",
            "",
            "庚",
            make_id_number(),
            "邻居",
            "",
            "",
            "",
            "",
        ],  # 8 unknown relation
        ["8800001", "幸福里1号", "1", "", "辛", make_id_number(), "子女", "12345", "", "", ""],  # 9 bad phone
        ["8800001", "幸福里1号", "1", "", "", make_id_number(), "子女", "", "", "", ""],  # 10 missing name
        [
            "5500000",
            "幸福里10号",
            "1",
            "",
            "壬",
            make_id_number(),
            "子女",
            "",
            "",
            "",
            "",
        ],  # 11 other address
        ["8800001", "幸福里1号", "1", "", "癸", make_id_number(), "户主", "", "", "", ""],  # 12 second head
        ["8800003", "幸福里3号", "2", "", "子", make_id_number(), "子女", "", "", "", ""],  # 13 no head
        [
            "8800001",
            "幸福里3号",
            "1",
            "",
            "丑",
            make_id_number(),
            "子女",
            "",
            "",
            "",
            "",
        ],  # 14 address differs
        ["8800001", "幸福里1号", "1", "", "寅", elsewhere.id_number, "子女", "", "", "", ""],  # 15 good
        ["8800001", "幸福里1号", "1", "9号楼", "卯", make_id_number(), "子女", "", "", "", ""],  # 16 building
    ]
    data = to_csv(rows)
    plan = importing.import_plan(community=community, data=data, file_name="bad.csv")
    errors = errors_by_line(plan)
    assert sorted(errors) == [3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]
    assert "校验码错误" in errors[3]
    assert "已在本社区登记" in errors[4] and registered.name in errors[4]
    assert "与第5行重复" in errors[6]
    assert "居民小组“第九组”不存在" in errors[7]
    assert "与户主关系“邻居”无法识别" in errors[8]
    assert "电话号码格式不正确" in errors[9]
    assert "缺少必填项：姓名" in errors[10]
    assert "户号5500000已在本社区登记" in errors[11] and "幸福里9号" in errors[11]
    assert "一户只能有一名户主" in errors[12] and "第2行" in errors[12]
    assert "没有户主" in errors[13]
    assert "第2行的住址" in errors[14]
    assert "楼栋“9号楼”不存在" in errors[16]
    assert "第3行：" in "\n".join(plan.messages())

    before = (Household.objects.count(), Resident.objects.count(), LogEntry.objects.count())
    with pytest.raises(importing.ImportRefused, match="第3行：身份证号码校验码错误") as refused:
        importing.residents_import(community=community, data=data, file_name="bad.csv", actor=None)
    assert len(refused.value.plan.errors) == 12
    assert (Household.objects.count(), Resident.objects.count(), LogEntry.objects.count()) == before


def test_missing_columns_and_unreadable_files_are_file_errors(community):
    plan = importing.import_plan(
        community=community, data=to_csv([], header=["姓名", "住址"]), file_name="a.csv"
    )
    assert not plan.ok and "缺少必需的列" in plan.file_errors[0] and "身份证号码" in plan.file_errors[0]
    assert (
        importing.import_plan(community=community, data=b"", file_name="a.csv").file_errors[0]
        == "文件是空的。"
    )
    assert ".xls" in importing.import_plan(community=community, data=b"x", file_name="a.xls").file_errors[0]
    assert (
        "xlsx"
        in importing.import_plan(community=community, data=b"not a zip", file_name="a.xlsx").file_errors[0]
    )
    assert (
        "编码"
        in importing.import_plan(
            community=community, data=b"\xff\xfe\xfa\xfb", file_name="a.csv"
        ).file_errors[0]
    )
    assert (
        "没有居民数据"
        in importing.import_plan(community=community, data=to_csv([]), file_name="a.csv").file_errors[0]
    )


def test_rows_join_an_existing_household_with_the_same_address(community):
    g1 = ResidentsGroup.objects.get(community=community, number=1)
    household = HouseholdFactory(community=community, number="6600000", address="幸福里 6号", group=g1)
    ResidentFactory(household=household)  # its head
    rows = [["6600000", "幸福里6号", "1", "", "新成员", make_id_number(), "子女", "", "", "", ""]]
    plan = importing.import_plan(community=community, data=to_csv(rows), file_name="a.csv")
    assert plan.ok and plan.new_households == 0 and plan.existing_households == 1
    importing.residents_import(community=community, data=to_csv(rows), file_name="a.csv", actor=None)
    assert household.residents.count() == 2
    head_again = [["6600000", "幸福里6号", "1", "", "又一户主", make_id_number(), "户主", "", "", "", ""]]
    plan = importing.import_plan(community=community, data=to_csv(head_again), file_name="a.csv")
    assert "已有户主" in errors_by_line(plan)[2]


def test_checks_take_a_fixed_number_of_queries_whatever_the_file_size(community):
    small, large = to_csv(good_rows(5)), to_csv(good_rows(200))
    with CaptureQueriesContext(connection) as q_small:
        assert importing.import_plan(community=community, data=small, file_name="a.csv").ok
    with CaptureQueriesContext(connection) as q_large:
        assert importing.import_plan(community=community, data=large, file_name="a.csv").ok
    assert len(q_small) == len(q_large) <= 6
    with CaptureQueriesContext(connection) as q_write:
        importing.residents_import(community=community, data=large, file_name="a.csv", actor=None)
    assert Resident.objects.count() == 400
    assert len(q_write) <= 20  # lock, checks, batches of households/residents and their history, audit


def test_template_file_has_the_header_and_an_example_row_that_imports(community):
    rows = list(csv.reader(io.StringIO(importing.template_csv().decode("utf-8-sig"))))
    assert rows[0][:3] == ["户号*", "住址*", "居民小组*"] and len(rows) == 2
    plan = importing.import_plan(community=community, data=importing.template_csv(), file_name="t.csv")
    assert plan.ok, plan.messages()
    book = load_workbook(io.BytesIO(importing.template_xlsx()))
    assert book.active["F2"].number_format == "@"  # ID column is text, so Excel keeps 18 digits
    assert importing.import_plan(community=community, data=importing.template_xlsx(), file_name="t.xlsx").ok


# --- The admin ----------------------------------------------------------------------------------------


def _upload(client, community, data: bytes, name="居民.csv"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("admin:committee_resident_import"), {"community": community.pk, "file": f})


def test_admin_preview_then_confirm(client, community, settings, tmp_path):
    settings.PORTAL_IMPORT_DIR = tmp_path / "imports"
    user = staff_user(communities=[community], role="主任")
    client.force_login(user)
    changelist = client.get(reverse("admin:committee_resident_changelist"))
    assert reverse("admin:committee_resident_import") in changelist.content.decode()
    assert client.get(reverse("admin:committee_household_import")).status_code == 200

    response = _upload(client, community, to_csv(good_rows(2)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "确认导入4名居民" in page and "张伟" in page
    assert Resident.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert list((tmp_path / "imports").iterdir())  # kept privately until confirmed

    response = client.post(reverse("admin:committee_resident_import"), {"token": token})
    assert response.status_code == 302
    assert Resident.objects.count() == 4 and Household.objects.count() == 2
    assert LogEntry.objects.get().user == user
    assert not list((tmp_path / "imports").iterdir())  # forgotten after the import


def test_admin_bad_file_lists_rows_and_offers_no_confirm(client, community, settings, tmp_path):
    settings.PORTAL_IMPORT_DIR = tmp_path
    client.force_login(staff_user(communities=[community]))
    rows = good_rows(1) + [
        ["7799999", "幸福里", "1", "", "李四", "110101199001011234", "户主", "", "", "", ""]
    ]
    page = _upload(client, community, to_csv(rows)).content.decode()
    assert "第4行" in page and "校验码错误" in page
    assert "确认导入" not in page and "1101**********1234" not in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    report = client.get(reverse("admin:committee_resident_import_errors", args=[token]))
    assert "校验码错误" in report.content.decode("utf-8-sig")
    # Posting the token anyway is refused by the re-check.
    response = client.post(reverse("admin:committee_resident_import"), {"token": token})
    assert "未导入任何数据" in response.content.decode() and Resident.objects.count() == 0


def test_admin_confirm_rechecks_what_changed_since_the_preview(client, community, settings, tmp_path):
    settings.PORTAL_IMPORT_DIR = tmp_path
    client.force_login(staff_user(communities=[community]))
    rows = good_rows(2)
    page = _upload(client, community, to_csv(rows)).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    # Meanwhile someone registers one of the file's people by hand.
    g1 = ResidentsGroup.objects.get(community=community, number=1)
    ResidentFactory(household=HouseholdFactory(community=community, group=g1), id_number=rows[3][5], sex="F")
    response = client.post(reverse("admin:committee_resident_import"), {"token": token})
    page = response.content.decode()
    assert "确认时重新检查发现问题" in page and "第5行" in page
    assert Resident.objects.count() == 1


def test_admin_import_is_scoped(client, community, settings, tmp_path):
    settings.PORTAL_IMPORT_DIR = tmp_path
    other = CommunityFactory()
    chair = staff_user(communities=[community])
    client.force_login(chair)
    response = _upload(client, other, to_csv(good_rows(1)))
    assert "确认导入" not in response.content.decode()
    assert response.context["form"].errors["community"]
    page = _upload(client, community, to_csv(good_rows(1))).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    # Another user's session does not know the token.
    client.force_login(staff_user(communities=[community]))
    assert client.post(reverse("admin:committee_resident_import"), {"token": token}).status_code == 404
    # A street-office user reads but may not import.
    client.force_login(staff_user(role="街道", street_office=community.street_office))
    assert client.get(reverse("admin:committee_resident_import")).status_code == 403
    assert Resident.objects.count() == 0


def test_admin_template_downloads(client, community):
    client.force_login(staff_user(communities=[community]))
    response = client.get(reverse("admin:committee_resident_import_csv"))
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith(b"\xef\xbb\xbf")
    assert "身份证号码*" in response.content.decode("utf-8-sig")
    response = client.get(reverse("admin:committee_household_import_xlsx"))
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "户号*"


# --- What the preview accepts, the confirm writes ------------------------------------------------


def _arabic_indic(text: str) -> str:
    return text.translate({ord(str(d)): chr(0x0660 + d) for d in range(10)})


def test_id_in_arabic_indic_digits_is_a_row_error_in_the_preview_and_the_confirm_writes_nothing(community):
    rows = good_rows(1)
    # An X check character is the case `\d` let through: no digit comparison caught it.
    rows.append(["7700000", "幸福里1号楼1单元101室", "1", "", "李四", _arabic_indic("11010519491231002") + "X", "子女", "", "", "", ""])  # fmt: skip
    data = to_csv(rows)
    plan = importing.import_plan(community=community, data=data, file_name="a.csv")
    assert list(errors_by_line(plan)) == [4]
    assert "半角数字" in errors_by_line(plan)[4]
    assert len(plan.rows) == 2  # the other rows are fine, but the file imports all or nothing

    with pytest.raises(importing.ImportRefused, match="第4行") as refused:
        importing.residents_import(community=community, data=data, file_name="a.csv", actor=None)
    assert [e.line for e in refused.value.plan.errors] == [4]
    assert (Household.objects.count(), Resident.objects.count(), LogEntry.objects.count()) == (0, 0, 0)


def test_full_width_digits_in_the_file_are_read_as_ascii(community):
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    originals = good_rows(1)
    data = to_csv([[cell.translate(wide) for cell in row] for row in originals])
    plan = importing.import_plan(community=community, data=data, file_name="a.csv")
    assert plan.ok, plan.messages()
    importing.residents_import(community=community, data=data, file_name="a.csv", actor=None)
    assert set(Resident.objects.values_list("id_number", flat=True)) == {r[5] for r in originals}
    assert Resident.objects.get(relation_to_head="head").moved_in_on == dt.date(2010, 5, 1)
    assert Household.objects.get().number == "7700000"


@pytest.mark.parametrize(
    "column, value, message",
    [
        (9, _arabic_indic("2010-05-01"), "迁入日期"),
        (2, "第" + _arabic_indic("1") + "组", "居民小组"),
        (7, "138" + _arabic_indic("00138000"), "电话号码格式不正确"),
    ],
)
def test_other_scripts_digits_in_dates_groups_and_phones_are_row_errors(community, column, value, message):
    rows = good_rows(1)
    rows[0][column] = value
    plan = importing.import_plan(community=community, data=to_csv(rows), file_name="a.csv")
    assert message in errors_by_line(plan)[2]


def test_control_characters_are_a_row_error_not_a_failed_confirm(community):
    rows = good_rows(1)
    rows[1][4] = "王\x00芳"  # PostgreSQL refuses NUL in text: the write would fail as a whole
    rows[0][10] = "备注\x07"
    data = to_csv(rows)
    plan = importing.import_plan(community=community, data=data, file_name="a.csv")
    assert sorted(errors_by_line(plan)) == [2, 3]
    assert "控制字符" in errors_by_line(plan)[3] and "姓名" in errors_by_line(plan)[3]
    with pytest.raises(importing.ImportRefused, match="控制字符"):
        importing.residents_import(community=community, data=data, file_name="a.csv", actor=None)
    assert Resident.objects.count() == 0


def test_id_born_after_the_import_day_is_a_row_error_naming_the_date(community):
    rows = good_rows(1)
    rows[1][5] = make_id_number(birth=dt.date(2026, 6, 2), sex="F")
    at = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    plan = importing.import_plan(community=community, data=to_csv(rows), file_name="a.csv", at=at)
    assert "出生日期2026-06-02晚于今天（2026-06-01）" in errors_by_line(plan)[3]
    later = importing.import_plan(
        community=community, data=to_csv(rows), file_name="a.csv", at=at + dt.timedelta(days=1)
    )
    assert later.ok, later.messages()
    with pytest.raises(importing.ImportRefused, match="晚于今天"):
        importing.residents_import(
            community=community, data=to_csv(rows), file_name="a.csv", actor=None, at=at
        )


def test_admin_preview_shows_the_row_of_an_arabic_indic_id(client, community, settings, tmp_path):
    settings.PORTAL_IMPORT_DIR = tmp_path
    client.force_login(staff_user(communities=[community]))
    rows = good_rows(1)
    rows[1][5] = _arabic_indic("11010519491231002") + "X"
    page = _upload(client, community, to_csv(rows)).content.decode()
    assert "第3行" in page and "半角数字" in page and "确认导入" not in page
    assert rows[1][5] not in page  # the message does not echo the number the list shows masked


# --- The downloadable error list ----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","点此")', "+86-1", "-2+3", "@SUM(A1:A9)"]


def _formula_rows() -> list[list[str]]:
    rows = good_rows(1)
    for name in FORMULAS:
        # Each row is bad (unknown relation), so it lands in the error list with its name.
        rows.append(
            ["7700000", "幸福里1号楼1单元101室", "1", "", name, make_id_number(), "邻居", "", "", "", ""]
        )
    rows.append(
        ["7700000", "幸福里1号楼1单元101室", "1", "", "赵六", "=cmd|' /C calc'!A0", "子女", "", "", "", ""]
    )
    return rows


def test_error_list_neutralises_spreadsheet_formulas_in_csv_and_xlsx(client, community, settings, tmp_path):
    settings.PORTAL_IMPORT_DIR = tmp_path
    client.force_login(staff_user(communities=[community]))
    page = _upload(client, community, to_csv(_formula_rows())).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    report = client.get(reverse("admin:committee_resident_import_errors", args=[token]))
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    names = [line[1] for line in lines[1:]]
    assert names[:4] == ["'" + f for f in FORMULAS]
    assert lines[5][2].startswith("'=cmd")  # the (masked) ID cell as typed
    every_cell = [cell for line in lines for cell in line]
    assert not [c for c in every_cell if c[:1] in ("=", "+", "-", "@", "\t", "\r")]

    response = client.get(reverse("admin:committee_resident_import_errors_xlsx", args=[token]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["行号", "姓名", "身份证号码", "问题"]
    assert [v[1] for v in values[1:5]] == ["'" + f for f in FORMULAS]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula cell
    assert values[5][2].startswith("'=cmd") and "邻居" in values[1][3]


def test_spreadsheet_cell_neutralising_rule():
    from committee.importing import spreadsheet_cell

    for dangerous in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert spreadsheet_cell(dangerous) == "'" + dangerous
    for safe in ("张伟", "第3行", "", "1-2", "a=b"):
        assert spreadsheet_cell(safe) == safe
    assert spreadsheet_cell(12) == 12


def test_a_csv_the_reader_gives_up_on_midway_is_a_file_error_not_a_crash(community):
    rows = good_rows(2)
    rows[2][10] = "很长的备注" * 30_000  # past the csv module's field size limit (131,072 characters)
    plan = importing.import_plan(community=community, data=to_csv(rows), file_name="a.csv")
    assert not plan.ok and "第4行" in plan.file_errors[0]
    with pytest.raises(importing.ImportRefused, match="第4行"):
        importing.residents_import(community=community, data=to_csv(rows), file_name="a.csv", actor=None)
