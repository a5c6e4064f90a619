"""Import of households and residents from a CSV or XLSX file, all or nothing.

One row per resident, columns in Chinese (户号, 住址, 居民小组, 楼栋, 姓名, 身份证号码, 与户主关系,
联系电话, 居住类型, 迁入日期, 备注); households are created as needed. :func:`import_plan` reads and
checks a file without writing (the admin's preview); :func:`residents_import` checks it again under
a lock on the community and writes it, or writes nothing if any row is bad.

The package is split by step: :mod:`.read` (CSV/XLSX to rows of cells by column), :mod:`.check`
(every rule, per row and across rows, against what the community holds, :mod:`.known`), :mod:`.write`
(bulk insert in one transaction), with the named records in :mod:`.records` and the spreadsheets
handed out (template, error list) in :mod:`.sheets`.

Why not django-import-export: its resources import one model per row and look up and
``full_clean()`` each instance on its own (for ``Resident`` that is a uniqueness query per row), so
50,000 rows cost 100,000+ queries and miss the 30-second target by far; its ``use_bulk`` mode still
loads instances row by row and gives up per-row error reporting. Our rules also span rows and two
models (a household is created from its members' rows; the same ID twice in one file; one head per
household; a household number already used with another address), which its row-at-a-time
validation cannot express. So this is a focused importer: it loads what it needs in a fixed
number of queries (groups, buildings, households, heads, ID numbers of the community), checks every
row in memory, reports each bad row with its line and reasons in Chinese, and writes with
``bulk_create`` in batches, with history rows (``bulk_create_with_history``) and one audit entry
(``django.contrib.admin.models.LogEntry``: who imported which file, when, what it created).
"""

from committee.importing.check import MAX_BYTES, MAX_ROWS, import_plan
from committee.importing.columns import COLUMNS, HEADERS, Column
from committee.importing.records import ImportPlan, ImportRefused, ImportResult, ResidentRow, RowError
from committee.importing.sheets import (
    TEMPLATE_HELP,
    error_rows,
    errors_csv,
    errors_xlsx,
    spreadsheet_cell,
    template_csv,
    template_rows,
    template_xlsx,
)
from committee.importing.write import BATCH, residents_import

__all__ = [
    "BATCH",
    "COLUMNS",
    "HEADERS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TEMPLATE_HELP",
    "Column",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "ResidentRow",
    "RowError",
    "error_rows",
    "errors_csv",
    "errors_xlsx",
    "import_plan",
    "residents_import",
    "spreadsheet_cell",
    "template_csv",
    "template_rows",
    "template_xlsx",
]
