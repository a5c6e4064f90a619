"""Residents' opinions: monthly figures over 100,000 opinions in 20 communities (targets: at most 3
SQL queries, under 200 ms).

A fresh database gets one street office with 20 communities and 100,000 opinions filed over the 12
months of 2026 (bulk-inserted, about 5,000 per community), in every state the workflow allows:
waiting, in hand, answered, closed solved or unsolved, dismissed, some held as a possible flood,
some urgent, some late, some rated.

Measured in one process (DEBUG off), with queries counted by an execute wrapper and the median and
slowest of a few runs after a warm-up: the figures of ``affairs.sheet_opinions`` — one month of all
20 communities (``monthly_figures``), the whole year of all 20 communities (``figures_by_month``,
every one of the 100,000 rows), the public page's six months of one community, and the monthly
sheet's section of one community (figures plus the count per kind). The baseline, measured the
same way in the same run, is a bare ``COUNT(*)`` over the same 100,000 rows.
"""

from __future__ import annotations

from benchmarks.h2_support import FreshDatabase, measure, median, yes

TITLE = "Residents' opinions: monthly figures over 100,000 opinions in 20 communities"
DB_NAME = "juwei_bench_opinions"
COMMUNITIES = 20
OPINIONS = 100_000
YEAR = 2026
REPEAT = 9
MAX_QUERIES = 3
MAX_MS = 200


def _seed() -> None:
    import datetime as dt
    import json
    import random
    import time

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from affairs.models.opinions import Opinion
    from core.models import Community, StreetOffice, User

    t0 = time.perf_counter()
    rng = random.Random(7)
    tz = timezone.get_default_timezone()
    office = StreetOffice.objects.create(name="幸福街道办事处")
    officer = User.objects.create(username="officer", full_name="专管员", is_staff=True)
    communities = [
        Community.objects.create(name=f"社区{k}", slug=f"c{k}", street_office=office)
        for k in range(COMMUNITIES)
    ]
    kinds = [c for c, _label in Opinion.Category.choices if c != Opinion.Category.OBJECTION]
    S, R = Opinion.Status, Opinion.Rating
    statuses = [S.NEW, S.ASSIGNED, S.ANSWERED, S.CLOSED, S.CLOSED, S.CLOSED, S.CLOSED, S.DISMISSED]
    year_start = dt.datetime(YEAR, 1, 1, tzinfo=tz)
    span = (dt.datetime(YEAR + 1, 1, 1, tzinfo=tz) - year_start).total_seconds()
    rows = []
    for n in range(OPINIONS):
        filed = year_start + dt.timedelta(seconds=rng.random() * span)
        ack_due = filed.date() + dt.timedelta(days=5)
        answer_due = filed.date() + dt.timedelta(days=21)
        status = rng.choice(statuses)
        late = rng.random() < 0.1
        acked = filed + dt.timedelta(days=8 if late else 1) if status != S.NEW else None
        answered = (
            filed + dt.timedelta(days=25 if late else 10)
            if status in (S.ANSWERED, S.CLOSED, S.DISMISSED)
            else None
        )
        rows.append(
            Opinion(
                community=communities[n % COMMUNITIES],
                code=f"YJ-{n:08d}",
                category=rng.choice(kinds),
                status=status,
                source="public",
                urgent=rng.random() < 0.08,
                body="楼道灯坏了，晚上看不见路",
                held=rng.random() < 0.01,
                filed_at=filed,
                ack_due=ack_due,
                answer_due=answer_due,
                owner=officer if status != S.NEW else None,
                acknowledged_at=acked,
                answered_at=answered,
                closed_at=answered if status == S.CLOSED else None,
                answer="已经办理" if answered else "",
                resolved=(rng.random() < 0.85) if status == S.CLOSED else None,
                rating=rng.choice(["", "", R.SATISFIED, R.SATISFIED, R.FAIR, R.UNSATISFIED])
                if status in (S.ANSWERED, S.CLOSED)
                else "",
            )
        )
    Opinion.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(json.dumps({"seconds": time.perf_counter() - t0, "opinions": Opinion.objects.count()}))


def _measure() -> None:
    import datetime as dt
    import json
    from types import SimpleNamespace

    import django

    django.setup()
    from django.utils import timezone

    from affairs.models.opinions import Opinion
    from affairs.sheet_opinions import figures_by_month, monthly_figures, opinions_section, recent_months
    from core.dates import month_bounds
    from core.models import Community

    tz = timezone.get_default_timezone()
    at = dt.datetime(YEAR, 12, 28, 10, tzinfo=tz)
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    months = [dt.date(YEAR, m, 1) for m in range(1, 13)]
    year_start, year_end = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    one = Community.objects.get(pk=ids[0])
    nov = dt.date(YEAR, 11, 1)
    start, end = month_bounds(nov)
    out = {"results": []}

    def run(label, fn):
        value, captured, times = measure(fn, REPEAT)
        out["results"].append(
            {
                "label": label,
                "queries": len(captured),
                "median_ms": median(times) * 1000,
                "max_ms": max(times) * 1000,
                "sql": captured,
            }
        )
        return value

    def sheet_section():
        # The community's rules are read afresh each time (one query), as the sheet's first section does.
        one._state.fields_cache.clear()
        ctx = SimpleNamespace(community=one, month=nov, at=at, start=start, end=end)
        return opinions_section(ctx)

    counted = run(
        f"baseline: bare COUNT(*) over the year's {OPINIONS:,} rows",
        lambda: Opinion.objects.filter(
            community_id__in=ids, filed_at__gte=year_start, filed_at__lt=year_end
        ).count(),
    )
    run(
        f"one month, all {COMMUNITIES} communities (monthly_figures)",
        lambda: monthly_figures(community_ids=ids, month=nov, at=at),
    )
    year = run(
        f"12 months, all {COMMUNITIES} communities (figures_by_month, every row)",
        lambda: figures_by_month(community_ids=ids, months=months, at=at),
    )
    run(
        "public page: six months of one community (figures_by_month)",
        lambda: figures_by_month(community_ids=[one.pk], months=recent_months(at.date(), 6), at=at),
    )
    section = run("monthly sheet section of one community (figures + per kind)", sheet_section)
    out["counted"] = counted
    out["received"] = sum(f["received"] for f in year.values())
    out["solved"] = sum(f["solved"] for f in year.values())
    out["overdue"] = sum(f["overdue"] for f in year.values())
    out["summary"] = [[str(k), str(v)] for k, v in section["summary"]]
    print(json.dumps(out))


def run(ctx) -> str:
    db = FreshDatabase(ctx, DB_NAME)
    with db:
        seeded = db.call("benchmarks.bench_opinions", "_seed")
        r = db.call("benchmarks.bench_opinions", "_measure")
    (ctx.scratch / "bench_opinions_queries.txt").write_text(
        "\n\n".join(f"{x['label']}:\n" + "\n".join(q[:900] for q in x["sql"]) for x in r["results"])
    )
    base = r["results"][0]
    lines = [
        f"Seeded in bulk ({seeded['seconds']:.0f} s): {seeded['opinions']:,} opinions filed over the 12 months "
        f"of {YEAR} in {COMMUNITIES} communities (about {OPINIONS // COMMUNITIES:,} each) in every state: "
        "waiting, in hand, answered, closed solved or not, dismissed, held as a possible flood; some urgent, "
        "late or rated. One process, DEBUG off; queries counted once by an execute wrapper; median and "
        f"slowest of {REPEAT} runs after a warm-up. The baseline is a bare COUNT(*) over the same rows.",
        "",
        f"| measured | SQL queries (target ≤ {MAX_QUERIES}) | median ms (target < {MAX_MS}) | slowest ms | × baseline | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for x in r["results"]:
        is_base = x is base
        met = x["queries"] <= MAX_QUERIES and x["median_ms"] < MAX_MS
        ratio = "1.0" if is_base else f"{x['median_ms'] / base['median_ms']:.1f}"
        lines.append(
            f"| {x['label']} | {x['queries']} | {x['median_ms']:.1f} | {x['max_ms']:.1f} | {ratio} | {'—' if is_base else yes(met)} |"
        )
    lines += [
        "",
        f"The year's figures add up: {r['received']:,} received (the {r['counted']:,} rows less the dismissed "
        f"and held ones), {r['solved']:,} solved, {r['overdue']:,} overdue. The sheet's summary for November, "
        "first community: " + "; ".join(f"{k} {v}" for k, v in r["summary"]) + ".",
    ]
    return "\n".join(lines)
