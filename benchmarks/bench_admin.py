"""Admin resident changelist over 50,000 residents (targets: at most 10 SQL queries, under 300 ms).

A fresh database is seeded by ``seed_demo``'s bulk path with two communities of about 50,000
residents each (``xingfu`` and ``heping``). In one process, with Django's test client (the full
middleware stack, DEBUG off, demo settings), a signed-in 主任 of ``xingfu`` (who sees its 50,000
residents) and a superuser (who sees both, 100,000) open the resident changelist plain, searched
(name, full ID number, the last four characters of an ID as the masked list shows them, a phone
typed with spaces, household number, a common surname), filtered (group + status) and both, and a
deep page, and the household changelist searched by a resident's name. Each page is fetched a few
times to warm up, then timed N times (median and slowest); its queries are counted once (an execute
wrapper on the connection). The baseline, measured the same way in the same run, is the admin index
page.
"""

from __future__ import annotations

from benchmarks.h2_support import FreshDatabase, median, yes

TITLE = "Admin: resident changelist over 50,000 residents"
DB_NAME = "juwei_bench_h2_admin"
HOUSEHOLDS = 36_000  # two communities of ~18,000 households, ~50,000 residents each
REPEAT = 15
MAX_QUERIES = 10
MAX_MS = 300.0


def _seed() -> None:
    import json
    import time

    import django

    django.setup()
    from django.db import connection

    from committee import demo

    t0 = time.perf_counter()
    result = demo.seed(communities=2, households=HOUSEHOLDS, seed=5, with_postings=False)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(json.dumps({"seconds": time.perf_counter() - t0, "residents": result.residents}))


def _measure() -> None:
    import json
    import time
    from urllib.parse import urlencode

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from committee.models import Resident, ResidentsGroup
    from core.models import Community, User

    community = Community.objects.get(slug="xingfu")
    sample = Resident.objects.filter(community=community).select_related("household").order_by("pk")[25_000]
    group = ResidentsGroup.objects.filter(community=community).order_by("number")[3]
    phone = Resident.objects.filter(community=community).exclude(phone="").order_by("pk")[25_000].phone
    phone_spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    base = "/admin/committee/resident/"
    pages = [
        ("baseline: admin index", "/admin/"),
        ("changelist", base),
        ("search: full name", base + "?" + urlencode({"q": sample.name})),
        ("search: ID number", base + "?" + urlencode({"q": sample.id_number})),
        ("search: ID last 4 (as listed)", base + "?" + urlencode({"q": sample.id_number[-4:]})),
        ("search: phone with spaces", base + "?" + urlencode({"q": phone_spaced})),
        ("households: search by resident name", "/admin/committee/household/?" + urlencode({"q": sample.name})),
        ("search: household number", base + "?" + urlencode({"q": sample.household.number})),
        ("search: surname 王", base + "?" + urlencode({"q": "王"})),
        ("filter: group + 在册", base + "?" + urlencode({"household__group__id__exact": group.pk, "status": "current"})),
        (
            "search + filter: 王, 女, group, 在册",
            base + "?" + urlencode({"q": "王", "sex": "F", "household__group__id__exact": group.pk, "status": "current"}),
        ),
        ("page 200", base + "?" + urlencode({"p": 199})),
    ]  # fmt: skip
    users = [
        ("主任 (xingfu)", User.objects.get(username="zhuren")),
        ("superuser", User.objects.get(username="admin")),
    ]
    out = {"visible": {}, "results": []}
    for label, user in users:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for page, url in pages:
            for _ in range(3):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            rows = response.content.count(b'class="action-checkbox"')
            # Counted with an execute wrapper: CaptureQueriesContext loses the log when a request
            # starts (request_started resets it) unless DEBUG is on.
            captured = []

            def record(execute, sql, params, many, context, captured=captured):
                t = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    captured.append({"sql": sql, "ms": (time.perf_counter() - t) * 1000})

            with connection.execute_wrapper(record):
                client.get(url)
            times = []
            for _ in range(REPEAT):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            out["results"].append(
                {
                    "user": label,
                    "page": page,
                    "queries": len(captured),
                    "median_ms": median(times),
                    "max_ms": max(times),
                    "rows": rows,
                    "sql": [f"{q['ms']:.1f} ms  {q['sql'][:400]}" for q in captured],
                }
            )
        ids = None if user.is_superuser else [community.pk]
        qs = Resident.objects.all() if ids is None else Resident.objects.filter(community_id__in=ids)
        out["visible"][label] = qs.count()
    print(json.dumps(out))


def run(ctx) -> str:
    db = FreshDatabase(ctx, DB_NAME)
    with db:
        seeded = db.call("benchmarks.bench_admin", "_seed")
        r = db.call("benchmarks.bench_admin", "_measure")
    (ctx.scratch / "bench_admin_queries.txt").write_text(
        "\n\n".join(f"{x['user']} {x['page']}:\n" + "\n".join(x["sql"]) for x in r["results"])
    )
    lines = [
        f"Seeded by `seed_demo`'s bulk path: {seeded['residents']:,} residents in 2 communities "
        f"({seeded['seconds']:.0f} s). In-process Django test client, full middleware, DEBUG off; "
        f"median and slowest of {REPEAT} requests after 3 warm-ups; queries counted once per page. "
        "The baseline is the admin index page, measured the same way in the same run.",
        "",
    ]
    for user, visible in r["visible"].items():
        rows = [x for x in r["results"] if x["user"] == user]
        baseline = next(x for x in rows if x["page"].startswith("baseline"))
        lines += [
            f"**{user}** — sees {visible:,} residents",
            "",
            f"| page | rows shown | SQL queries (target ≤ {MAX_QUERIES}) | median ms (target < {MAX_MS:.0f}) "
            "| slowest ms | × baseline | met |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for x in rows:
            is_base = x is baseline
            met = x["queries"] <= MAX_QUERIES and x["median_ms"] < MAX_MS
            ratio = "1.0" if is_base else f"{x['median_ms'] / baseline['median_ms']:.1f}"
            lines.append(
                f"| {x['page']} | {'—' if is_base else x['rows']} | {x['queries']} | {x['median_ms']:.0f} "
                f"| {x['max_ms']:.0f} | {ratio} | {'—' if is_base else yes(met)} |"
            )
        lines.append("")
    return "\n".join(lines)
