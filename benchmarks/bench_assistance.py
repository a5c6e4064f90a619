"""Hardship cross-checks: 2,000 open cases against 100,000 households (targets: at most 10 SQL
queries, under 2 s).

A fresh database gets one street office with four communities of 25,000 households each (about
250,000 residents, bulk-inserted with valid ID numbers), a committee per community (seats, staff
accounts linked to residents, kinship), and 2,000 open cases spread over the four communities,
each with its declared members and, for half of them, an investigation (a quarter also a
cross-investigation). Some data is planted so that every kind of flag is found: people registered
in two households, people in two open cases, households already receiving, relatives of committee
members, incomes above the standard, investigations far apart, a member who moved out.

Measured in one process: ``assistance.checks.cross_check`` (the eight read queries) and
``refresh_flags`` (the same plus deleting and writing the flags), each for all 2,000 cases, with
queries counted by an execute wrapper; median and slowest of a few runs. The baseline, measured
the same way in the same run, is the same refresh for one case, which is what each step of a case
runs.
"""

from __future__ import annotations

from benchmarks.h2_support import FreshDatabase, measure, median, yes

TITLE = "Hardship cross-checks: 2,000 open cases against 100,000 households"
DB_NAME = "juwei_bench_assistance"
COMMUNITIES = 4
HOUSEHOLDS = 100_000
CASES = 2_000
REPEAT = 5
MAX_QUERIES = 10
MAX_S = 2.0


def _id_number(i: int) -> str:
    import datetime as dt

    from core.idnumbers import id_check_char

    birth = dt.date(1940, 1, 1) + dt.timedelta(days=i % 25_000)
    first17 = f"110101{birth:%Y%m%d}{i // 25_000 % 1000:03d}"
    return first17 + id_check_char(first17)


def _seed() -> None:
    import datetime as dt
    import json
    import random
    import time
    from decimal import Decimal

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from assistance.models import Case, CaseMember, CaseRules, Investigation, Programme, ProgrammeStandard
    from committee.models import CommitteeSeat, CommitteeTerm, Household, Kinship, Resident, ResidentsGroup
    from core.models import Community, StaffProfile, StreetOffice, User

    t0 = time.perf_counter()
    rng = random.Random(11)
    office = StreetOffice.objects.create(name="幸福街道办事处")
    now = timezone.now()
    officer = User.objects.create(username="officer", full_name="专管员", is_staff=True)
    per = HOUSEHOLDS // COMMUNITIES
    serial = 0
    profile = None
    all_cases = 0
    for k in range(COMMUNITIES):
        c = Community.objects.create(name=f"社区{k}", slug=f"c{k}", street_office=office)
        profile = profile or StaffProfile.objects.create(user=officer)
        profile.communities.add(c)
        groups = ResidentsGroup.objects.bulk_create(
            [ResidentsGroup(community=c, number=g + 1, name=f"第{g + 1}居民小组") for g in range(20)]
        )
        households = Household.objects.bulk_create(
            [
                Household(
                    community=c,
                    number=f"H{n:06d}",
                    address=f"幸福路{n}号",
                    group=groups[n % 20],
                    created_at=now,
                )
                for n in range(per)
            ],
            batch_size=5000,
        )
        residents = []
        for h in households:
            for m in range(rng.choice([1, 2, 2, 3, 3, 4])):
                serial += 1
                idn = _id_number(serial)
                residents.append(
                    Resident(
                        community=c,
                        household=h,
                        name=rng.choice("张王李赵刘陈杨黄")
                        + rng.choice(["伟", "芳", "娜", "敏", "静", "磊", "洋"]),
                        id_number=idn,
                        sex="M" if int(idn[16]) % 2 else "F",
                        birth_date=dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14])),
                        relation_to_head=["head", "spouse", "child", "parent"][m],
                        created_at=now,
                    )
                )
        Resident.objects.bulk_create(residents, batch_size=5000)
        by_household: dict[int, list[Resident]] = {}
        for r in residents:
            by_household.setdefault(r.household_id, []).append(r)
        term = CommitteeTerm.objects.create(
            community=c, number=1, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2029, 1, 1)
        )
        members = [by_household[households[n * 97].pk][0] for n in range(7)]
        CommitteeSeat.objects.bulk_create(
            [
                CommitteeSeat(term=term, resident=r, role="chair" if i == 0 else "member")
                for i, r in enumerate(members)
            ]
        )
        programme = Programme.objects.create(community=c, kind="dibao")
        ProgrammeStandard.objects.create(
            programme=programme, amount=Decimal("1000"), effective_from=dt.date(2025, 1, 1)
        )
        CaseRules.objects.create(community=c)
        # Cases: open ones, plus some households already receiving.
        n_cases = CASES // COMMUNITIES
        chosen = rng.sample(households[1000:], n_cases + 50)
        cases = Case.objects.bulk_create(
            [
                Case(
                    community=c,
                    household=h,
                    programme=programme,
                    applicant=by_household[h.pk][0],
                    via_leader=by_household[h.pk][0],
                    officer=officer,
                    state="approved"
                    if i >= n_cases
                    else rng.choice(["applied", "visited", "investigated", "reviewed"]),
                    applied_on=dt.date(2026, 10, 1),
                    reason="困难",
                    monthly_amount=Decimal("500"),
                    created_at=now,
                )
                for i, h in enumerate(chosen)
            ]
        )
        all_cases += n_cases
        CaseMember.objects.bulk_create(
            [
                CaseMember(case=case, resident=r, monthly_income=Decimal(rng.choice([0, 300, 800])))
                for case in cases
                for r in by_household[case.household_id]
            ]
        )
        invs = []
        for i, case in enumerate(cases[:n_cases]):
            if i % 2:
                continue
            size = len(by_household[case.household_id])
            income = Decimal(rng.choice([500, 1500, 2500, 4500]))
            invs.append(
                Investigation(
                    case=case,
                    kind="first",
                    group=groups[0],
                    leader=members[0],
                    household_size=size,
                    monthly_income=income,
                    findings="-",
                    recorded_at=now,
                    investigated_on=dt.date(2026, 10, 5),
                )
            )
            if i % 4 == 0:
                invs.append(
                    Investigation(
                        case=case,
                        kind="cross",
                        group=groups[1],
                        leader=members[1],
                        household_size=size,
                        monthly_income=income * Decimal(rng.choice(["1", "1.5"])),
                        findings="-",
                        recorded_at=now,
                        investigated_on=dt.date(2026, 10, 9),
                    )
                )
        Investigation.objects.bulk_create(invs)
        # Planted: relatives of committee members among applicants; a second open case sharing a member.
        Kinship.objects.bulk_create(
            [
                Kinship(community=c, person=members[i % 7], relative=cases[i * 20].applicant, kind="sibling")
                for i in range(10)
            ]
        )
        CaseMember.objects.bulk_create(
            [
                CaseMember(case=cases[i + 1], resident=cases[i].applicant, monthly_income=0)
                for i in range(0, 40, 4)
            ]
        )
        # Registry changes: three declared applicants moved out since they applied.
        moved = [cases[i].applicant_id for i in range(0, 9, 3)]
        Resident.objects.filter(pk__in=moved).update(moved_out_on=dt.date(2026, 11, 1))
    # The same person in two households: one person is registered once per community, so the
    # copies of a few applicants of the first community live in the last one.
    last = Community.objects.get(slug=f"c{COMMUNITIES - 1}")
    first_cases = Case.objects.filter(community__slug="c0", state__in=["applied", "visited"]).select_related(
        "applicant"
    )[:10]
    homes = list(Household.objects.filter(community=last).order_by("pk")[:10])
    Resident.objects.bulk_create(
        [
            Resident(
                community=last,
                household=h,
                name=case.applicant.name,
                id_number=case.applicant.id_number,
                sex=case.applicant.sex,
                birth_date=case.applicant.birth_date,
                relation_to_head="other_relative",
                created_at=now,
            )
            for case, h in zip(first_cases, homes, strict=False)
        ]
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - t0,
                "households": Household.objects.count(),
                "residents": Resident.objects.count(),
                "open_cases": Case.objects.exclude(state="approved").count(),
                "cases": all_cases,
            }
        )
    )


def _measure() -> None:
    import json

    import django

    django.setup()
    from django.db import transaction

    from assistance.checks import OPEN, cross_check, refresh_flags
    from assistance.models import Case, CaseFlag

    ids = list(Case.objects.filter(state__in=OPEN).values_list("pk", flat=True))
    out = {"cases": len(ids), "results": []}

    def run(label, fn):
        _value, captured, times = measure(fn, REPEAT)
        out["results"].append(
            {
                "label": label,
                "queries": len(captured),
                "median_s": median(times),
                "max_s": max(times),
                "sql": captured,
            }
        )

    def refresh_all():
        with transaction.atomic():
            return refresh_flags(ids)

    def refresh_one():
        with transaction.atomic():
            return refresh_flags(ids[:1])

    run("baseline: refresh_flags for 1 case (each step)", refresh_one)
    run(f"cross_check for {len(ids):,} cases (reads)", lambda: cross_check(ids))
    run(f"refresh_flags for {len(ids):,} cases (reads + write)", refresh_all)
    out["flags"] = dict(
        (code, n)
        for code, n in CaseFlag.objects.values_list("code")
        .annotate(n=django.db.models.Count("pk"))
        .values_list("code", "n")
    )
    print(json.dumps(out))


def run(ctx) -> str:
    db = FreshDatabase(ctx, DB_NAME)
    with db:
        seeded = db.call("benchmarks.bench_assistance", "_seed")
        r = db.call("benchmarks.bench_assistance", "_measure")
    (ctx.scratch / "bench_assistance_queries.txt").write_text(
        "\n\n".join(f"{x['label']}:\n" + "\n".join(q[:600] for q in x["sql"]) for x in r["results"])
    )
    base = r["results"][0]
    lines = [
        f"Seeded in bulk ({seeded['seconds']:.0f} s): {seeded['households']:,} households, "
        f"{seeded['residents']:,} residents in {COMMUNITIES} communities of one street office, "
        f"{seeded['open_cases']:,} open cases with their members and investigations, planted duplicates, "
        "relatives of committee members and moved-out members. One process, DEBUG off; queries counted "
        f"once by an execute wrapper; median and slowest of {REPEAT} runs after a warm-up (transaction "
        "control statements are not counted). The baseline is the refresh one step of one case runs.",
        "",
        f"| measured | SQL queries (target ≤ {MAX_QUERIES}) | median s (target < {MAX_S:.0f}) | slowest s | × baseline | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for x in r["results"]:
        is_base = x is base
        met = x["queries"] <= MAX_QUERIES and x["median_s"] < MAX_S
        ratio = "1.0" if is_base else f"{x['median_s'] / base['median_s']:.1f}"
        lines.append(
            f"| {x['label']} | {x['queries']} | {x['median_s']:.3f} | {x['max_s']:.3f} | {ratio} | {'—' if is_base else yes(met)} |"
        )
    lines += ["", "Flags found: " + ", ".join(f"{k} {v:,}" for k, v in sorted(r["flags"].items())) + "."]
    return "\n".join(lines)
