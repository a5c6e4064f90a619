"""Monthly disclosure sheet (居务公开月报) with 300 postings against a bare WeasyPrint table.

A: ``notices.disclosure.disclosure_generate`` end to end (queries, canonical content and hash, the
official template with header, sections, page numbers, ledger hash and QR code on every page, PDF
written to storage). Before each run the stored version is deleted, so every run really renders.
B: WeasyPrint rendering the same 300 rows (category, title, window, version) as a minimal HTML
table in the same font, from rows already in memory.

A and B alternate, several rounds; medians of wall-clock and of process CPU time are compared.
Target: A at most 1.5x B. The data lives in one transaction that is rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

TITLE = "Monthly disclosure PDF: 300 postings vs a bare WeasyPrint table"
POSTINGS = 300
ROUNDS = 7
TARGET = 1.5


class _Rollback(Exception):
    pass


def _setup_django(ctx) -> None:
    os.environ["DATABASE_URL"] = ctx.database_url
    os.environ["REDIS_URL"] = ctx.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["MEDIA_ROOT"] = str(ctx.scratch / "media")
    import django

    django.setup()


def _make_postings(community, month: dt.date) -> None:
    from django.utils import timezone

    from notices.models import Category, Posting

    tz = timezone.get_default_timezone()
    cats = [c for c, _ in Category.choices]
    short = "<p>经居民代表会议讨论，第{n}号楼公共区域维修工程由物业公司实施，预计十个工作日完成。</p>"
    long = "<p>" + "根据社区居民会议决议及相关规定，现将有关事项公示如下，请居民监督。" * 6 + "</p>"
    finance = (
        "<p>本期收支明细如下：</p><table><thead><tr><th>项目</th><th>收入（元）</th><th>支出（元）</th></tr></thead>"
        "<tbody><tr><td>上级拨付公益金</td><td>20,000.00</td><td></td></tr>"
        "<tr><td>楼道照明改造</td><td></td><td>3,860.00</td></tr></tbody></table>"
    )
    rows = []
    for i in range(POSTINGS):
        cat = cats[i % len(cats)]
        body = finance if cat == Category.FINANCE else (short.format(n=i) if i % 2 else long)
        pub = dt.datetime(month.year, month.month, 1 + i % 28, 8 + i % 10, i % 60, tzinfo=tz)
        rows.append(
            Posting(
                community=community,
                category=cat,
                title=f"关于第{i + 1}号楼公共区域维修事项的公示（{i + 1}）",
                body=body,
                publish_at=pub,
                expire_at=pub + dt.timedelta(days=7 + i % 20),
                state=Posting.State.RELEASED,
                released_at=pub,
                objections_open=cat == Category.HARDSHIP,
            )
        )
    Posting.objects.bulk_create(rows)


def _bare_html(rows: list[dict]) -> str:
    trs = "".join(
        f"<tr><td>{r['category_label']}</td><td>{r['title']}</td><td>{r['publish']}</td>"
        f"<td>{r['expire']}</td><td>{r['version']}</td></tr>"
        for r in rows
    )
    return (
        '<html><head><meta charset="utf-8"><style>@page { size: A4 } body { font-family: "Noto Serif CJK SC" }'
        " table { border-collapse: collapse } td { border: 0.6pt solid #555 }</style></head>"
        f"<body><table>{trs}</table></body></html>"
    )


def run(ctx) -> str:
    _setup_django(ctx)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from weasyprint import HTML

    from core.dates import month_bounds
    from core.models import Community, StreetOffice
    from notices.disclosure import MonthContext, disclosure_generate
    from notices.models import MonthlyDisclosure

    call_command("migrate", verbosity=0)
    month = dt.date(2026, 10, 1)
    at = dt.datetime(2026, 11, 1, 0, 30, tzinfo=timezone.get_default_timezone())
    figures: dict[str, list[float]] = {"A wall": [], "B wall": [], "A cpu": [], "B cpu": []}
    pages = queries = 0
    try:
        with transaction.atomic():
            office = StreetOffice.objects.create(name="基准测试街道")
            community = Community.objects.create(
                street_office=office,
                name="基准社区",
                slug="bench-pdf",
                phone="010-64280000",
                address="幸福路1号",
            )
            _make_postings(community, month)
            start, end = month_bounds(month)
            rows = MonthContext(community=community, month=month, start=start, end=end, at=at).postings
            assert len(rows) == POSTINGS
            bare = _bare_html(rows)

            def a() -> None:
                nonlocal pages, queries
                MonthlyDisclosure.objects.filter(community=community).delete()
                with CaptureQueriesContext(connection) as q:
                    d, created = disclosure_generate(community=community, month=month, at=at)
                assert created
                pages, queries = d.pages, len(q)
                d.pdf.delete(save=False)

            def b() -> None:
                HTML(string=bare).write_pdf()

            a()
            b()  # warm up fonts, templates, the stylesheet
            for _ in range(ROUNDS):
                for name, fn in (("A", a), ("B", b)):
                    w, c = time.perf_counter(), time.process_time()
                    fn()
                    figures[f"{name} cpu"].append(time.process_time() - c)
                    figures[f"{name} wall"].append(time.perf_counter() - w)
            bare_pages = len(HTML(string=bare).render().pages)
            raise _Rollback
    except _Rollback:
        pass

    med = {k: statistics.median(v) for k, v in figures.items()}
    low = {k: min(v) for k, v in figures.items()}
    ratio_wall = med["A wall"] / med["B wall"]
    ratio_cpu = med["A cpu"] / med["B cpu"]
    met = ratio_wall <= TARGET
    lines = [
        f"{POSTINGS} postings in one month, {ROUNDS} alternating rounds after one warm-up each; "
        f"medians in seconds. A: {pages} pages, {queries} SQL queries per run; B: {bare_pages} pages.",
        "",
        "| | A: disclosure_generate (official sheet) | B: bare WeasyPrint table | A / B |",
        "|---|---|---|---|",
        f"| wall clock, median | {med['A wall']:.2f} | {med['B wall']:.2f} | **{ratio_wall:.2f}** |",
        f"| process CPU, median | {med['A cpu']:.2f} | {med['B cpu']:.2f} | {ratio_cpu:.2f} |",
        f"| wall clock, best run | {low['A wall']:.2f} | {low['B wall']:.2f} | {low['A wall'] / low['B wall']:.2f} |",
        "",
        f"All runs (wall): A {', '.join(f'{x:.2f}' for x in figures['A wall'])}; "
        f"B {', '.join(f'{x:.2f}' for x in figures['B wall'])}.",
        "",
        f"Target A/B <= {TARGET} (median wall clock): **{'met' if met else 'MISSED'}**. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared).",
    ]
    return "\n".join(lines)
