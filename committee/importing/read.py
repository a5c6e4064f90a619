"""Reading an uploaded CSV or XLSX file into rows of cells keyed by column (no checks of content)."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from committee.importing.columns import COLUMNS, column_keys


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(slots=True)
class SourceRow:
    """One non-blank line of the file: its line number as Excel shows it, its cells by column key."""

    line: int
    cells: dict[str, object]


@dataclass
class Sheet:
    missing: list[str]  # headers of required columns the file lacks
    rows: Iterator[SourceRow]


def read_file(data: bytes, file_name: str) -> Sheet:
    """The file's rows; raises :class:`FileProblem` for a file that cannot be read at all."""
    header, lines = _read(data, file_name)
    keys = column_keys(header)
    missing = [c.header for c in COLUMNS if c.required and c.key not in keys]
    return Sheet(missing=missing, rows=_source_rows(lines, keys))


def _source_rows(lines: Iterator[tuple[int, list[object]]], keys: dict[str, int]) -> Iterator[SourceRow]:
    for line, cells in lines:
        if not any(v not in ("", None) for v in cells):
            continue  # blank lines are skipped (Excel leaves many)
        yield SourceRow(line, {key: (cells[i] if i < len(cells) else "") for key, i in keys.items()})


def _read(data: bytes, file_name: str) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    """The header and an iterator of (line number, cells); line 1 is the header, as in Excel."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return _read_csv(data)
    if name.endswith(".xls"):
        raise FileProblem(_("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或 CSV。"))
    raise FileProblem(_("只支持 .csv 或 .xlsx 文件。"))


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise FileProblem(_("无法读取该 .xlsx 文件，请确认文件未损坏。")) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise FileProblem(_("文件是空的。"))

    def lines():
        for i, values in enumerate(rows, start=2):
            yield i, [_cell(v) for v in values]
        book.close()

    return [str(_cell(h)) for h in header], lines()


def _read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    text = _decode(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error:
        raise _unreadable(1) from None
    if header is None:
        raise FileProblem(_("文件是空的。"))

    def lines():
        line = 1
        try:
            for line, values in enumerate(reader, start=2):
                yield line, [_cell(v) for v in values]
        except csv.Error:
            raise _unreadable(line + 1) from None

    return [str(_cell(h)) for h in header], lines()


def _unreadable(line: int) -> FileProblem:
    # The csv module stops at a cell over its size limit (or an unclosed quote that swallowed the
    # rest of the file into one cell); no row after it can be trusted, so the whole file is refused.
    return FileProblem(
        _("文件第%(line)d行无法读取（单元格内容过长，或引号不配对），请检查该行，或另存为 .xlsx 后上传。")
        % {"line": line}
    )


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Excel in China saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx 文件。")) from None


def _cell(value) -> object:
    """Text NFKC-normalised (full-width digits and letters from Chinese input methods become ASCII)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value
