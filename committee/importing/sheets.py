"""Spreadsheets the import hands out: the template to fill in and the list of a file's problems."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.importing.columns import COLUMNS
from committee.importing.records import ImportPlan
from core.idnumbers import id_check_char

# --- The error list -----------------------------------------------------------------------------

# OWASP "CSV injection": a cell starting with one of these is run as a formula by Excel, WPS and
# LibreOffice; a leading single quote makes it text. Tab and CR count because spreadsheets skip them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """``value`` safe to write into a spreadsheet cell: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def error_rows(plan: ImportPlan) -> list[list]:
    """The header and one row per problem, every text cell neutralised (names and IDs are as typed)."""
    rows: list[list] = [[_("行号"), _("姓名"), _("身份证号码"), _("问题")]]
    rows += [["", "", "", message] for message in plan.file_errors]
    rows += [[e.line, e.name, e.masked_id, e.text] for e in plan.errors]
    return [[spreadsheet_cell(cell) for cell in row] for row in rows]


def errors_csv(plan: ImportPlan) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(error_rows(plan))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def errors_xlsx(plan: ImportPlan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("问题清单"))
    for r, values in enumerate(error_rows(plan), start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store any text starting with "=" as a formula
            if r == 1:
                cell.font = Font(bold=True)
    for column, width in zip("ABCD", (8, 10, 22, 80), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The template file ----------------------------------------------------------------------------

TEMPLATE_HELP = gettext_lazy(
    "每行一名居民；带*为必填。居民小组填组号或名称；与户主关系填户主、配偶、子女、父母等；"
    "同一户的成员填相同的户号和住址，每个新户须有一名户主。"
)


def _example_id() -> str:
    first17 = "11010119800101123"
    return first17 + id_check_char(first17)


def template_rows() -> list[list[str]]:
    header = [c.header + ("*" if c.required else "") for c in COLUMNS]
    example = [
        "0100001",
        "幸福里1号楼1单元101室",
        "1",
        "1号楼",
        "张伟",
        _example_id(),
        "户主",
        "13800138000",
        "户籍在本社区",
        "2010-05-01",
        "示例行，导入前请删除",
    ]
    return [header, example]


def template_csv() -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The same template as .xlsx, every column formatted as text so IDs keep all 18 digits."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "居民"
    for r, values in enumerate(template_rows(), start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.number_format = "@"
            if r == 1:
                cell.font = Font(bold=True)
    for c, width in enumerate([10, 26, 10, 8, 8, 22, 12, 14, 22, 12, 20], start=1):
        sheet.column_dimensions[chr(64 + c)].width = width
        for r in range(3, 1001):
            sheet.cell(row=r, column=c).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
