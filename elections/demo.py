"""Demo records of the elections app for ``seed_demo`` (``core.seeding``): in the first community
(幸福社区), a finished committee election (roll, candidates, stations, per-station counts validated by
both committees, results posted) and one in progress (roll posted, objection window open).

Everything goes through the services with past instants (``at=``), as staff would have done it,
except the check-ins of the finished election: thousands of voters are inserted in one statement,
because the demo needs the figures, not a replay of election day one voter at a time."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from core import seeding
from elections import services as es
from elections.models import Candidate, CheckIn, Election, Voter

OFFICES = [
    ("chair", 1, [0.68, 0.27]),
    ("vice_chair", 1, [0.61, 0.33]),
    ("member", 3, [0.82, 0.74, 0.69, 0.41, 0.28]),
]
CONDITIONS = [
    "拥护宪法，遵纪守法，品行良好",
    "在本社区居住满一年",
    "热心公益，办事公道，群众认可",
    "身体健康，能够胜任工作",
]
# A signed paper record's photo stands in as a one-pixel PNG.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _frame(ctx, *, title: str, day: dt.date, chair):
    from committee.models import Resident

    election = es.election_create(
        community=ctx.community,
        title=title,
        election_day=day,
        seats={office: n for office, n, _shares in OFFICES},
        signatures_required=10,
        actor=chair,
    )
    clerks = list(
        Resident.objects.filter(community=ctx.community, moved_out_on__isnull=True, deceased_on__isnull=True)
        .exclude(staff_user__isnull=False)
        .order_by("-birth_date")[:3]
    )
    for i, r in enumerate(clerks):
        es.committee_member_add(election=election, resident=r, is_chair=i == 0, actor=chair)
    for text in CONDITIONS:
        es.condition_add(election=election, text=text, actor=chair)
    es.roll_build(election=election, actor=chair, at=_at(day - dt.timedelta(days=45), 9))
    from committee.models import ResidentsGroup

    groups = list(ResidentsGroup.objects.filter(community=ctx.community).order_by("number")[:2])
    for n, g in enumerate(groups, start=1):
        es.station_create(election=election, number=n, name=f"{g.name}活动室", group=g, actor=chair)
    es.station_create(
        election=election, number=len(groups) + 1, name="社区居委会中心会场", kind="central", actor=chair
    )
    return election


def _finished(ctx, chair, member, supervisor, leader) -> Election:
    day = ctx.today - dt.timedelta(days=12)
    election = _frame(ctx, title=f"{day.year}年居民委员会换届选举", day=day, chair=chair)
    roll = es.election_post_roll(election=election, actor=chair, at=_at(day - dt.timedelta(days=41), 9))
    es.roll_freeze(roll=roll, at=roll.objections_close_at)
    election.refresh_from_db()
    voters = list(Voter.objects.filter(roll=roll).select_related("resident").order_by("pk"))
    rng = ctx.rng
    pool = [v for v in voters if v.resident.staff_user_id is None]
    rng.shuffle(pool)
    nominees = []
    for office, _n, shares in OFFICES:
        for i, _share in enumerate(shares):
            if office == "member" and i == 0:
                # DOMAIN.md: at least one woman on the committee; the best-placed 委员 candidate is one.
                woman = next(v for v in reversed(pool) if v.resident.sex == "F")
                pool.remove(woman)
                nominees.append((woman, office))
            else:
                nominees.append((pool.pop(), office))
    nominees.append((pool.pop(), "member"))  # one who fails vetting
    at = _at(day - dt.timedelta(days=30), 10)
    for voter, office in nominees:
        es.candidate_nominate(
            election=election, resident=voter.resident, office=office, kind="self", actor=chair, at=at
        )
    es.election_start_vetting(election=election, actor=chair, at=_at(day - dt.timedelta(days=20), 9))
    conditions = list(election.conditions.all())
    candidates = list(election.candidates.order_by("pk"))
    for c in candidates[:-1]:
        es.candidate_vet(candidate=c, results={k.pk: (True, "") for k in conditions}, actor=chair, at=at)
    failed = {k.pk: (True, "") for k in conditions}
    failed[conditions[1].pk] = (False, "户籍迁入本社区不满一年（经查登记记录）")
    es.candidate_vet(candidate=candidates[-1], results=failed, actor=chair, at=at)
    es.qa_meeting_record(
        election=election,
        held_at=_at(day - dt.timedelta(days=12), 14),
        notes="候选人逐一陈述任职设想，回答居民关于加装电梯、停车管理和老年食堂的提问。",
        actor=chair,
    )
    es.election_post_candidates(election=election, actor=chair, at=_at(day - dt.timedelta(days=10), 9))
    es.election_open_voting(election=election, actor=chair, at=_at(day, 7, 30))
    stations = list(election.stations.order_by("number"))
    es.staff_assign(station=stations[0], user=leader, role="officer", actor=chair)
    turnout = [v for v in voters if rng.random() < 0.93]
    rows = [
        CheckIn(
            election=election,
            voter=v,
            station=v.station or stations[-1],
            at=_at(day, 8 + i % 9, i % 60),
            by=leader,
        )
        for i, v in enumerate(turnout)
    ]
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    es.election_close_voting(election=election, actor=chair, at=_at(day, 17))
    election.refresh_from_db()
    official = {
        office: list(
            election.candidates.filter(office=office, status=Candidate.Status.OFFICIAL).order_by("pk")
        )
        for office, _n, _s in OFFICES
    }
    for station in stations:
        issued = sum(1 for r in rows if r.station_id == station.pk)
        void = min(issued, rng.randint(0, 3))
        blank = min(issued - void, rng.randint(0, 2))
        valid = issued - void - blank
        figures = {"issued": issued, "returned": issued, "valid": valid, "void": void, "blank": blank}
        lines = []
        for office, _n, shares in OFFICES:
            for c, share in zip(official[office], shares, strict=True):
                lines.append(
                    es.Line(
                        office=office, candidate_id=c.pk, votes=int(valid * share * rng.uniform(0.95, 1.0))
                    )
                )
        for actor in (chair, member):
            result = es.count_enter(
                election=election, station=station, figures=figures, lines=lines, actor=actor, at=_at(day, 19)
            )
        count = result.count
        es.closure_record(
            count=count, scan=ContentFile(PIXEL, name=f"station{station.number}.png"), actor=chair
        )
        es.closure_validate(count=count, actor=chair, at=_at(day, 20))
        es.closure_validate(count=count, actor=supervisor, at=_at(day, 20, 10))
    es.election_post_results(election=election, actor=chair, at=_at(day, 21))
    return election


def _in_progress(ctx, chair) -> Election:
    day = ctx.today + dt.timedelta(days=30)
    from committee.models import ResidentsGroup

    group = ResidentsGroup.objects.filter(community=ctx.community).order_by("number").first()
    election = es.election_create(
        community=ctx.community,
        title=f"{group.name}居民代表选举" if group else "居民代表选举",
        election_day=day,
        kind=Election.Kind.REPRESENTATIVES,
        group=group,
        seats={"member": 2},
        actor=chair,
    )
    from committee.models import Resident

    clerk = Resident.objects.filter(household__group=group, moved_out_on__isnull=True).order_by("pk").first()
    if clerk is not None:
        es.committee_member_add(election=election, resident=clerk, is_chair=True, actor=chair)
    es.roll_build(election=election, actor=chair, at=_at(ctx.today - dt.timedelta(days=3), 9))
    es.election_post_roll(election=election, actor=chair, at=_at(ctx.today - dt.timedelta(days=2), 9))
    return election


@seeding.seeder(order=20)
def seed_elections(ctx) -> None:
    users = ctx.users
    chair, member, supervisor, leader = (users.get(k) for k in ("zhuren", "weiyuan", "jiandu", "zuzhang"))
    if chair is None or member is None or supervisor is None or leader is None:
        return  # the demo's staff accounts are needed to count twice and validate
    finished = _finished(ctx, chair, member, supervisor, leader)
    ctx.say(f"{ctx.community.name}: {finished.title}（结果已公布）")
    current = _in_progress(ctx, chair)
    ctx.say(f"{ctx.community.name}: {current.title}（选民名单公示中）")
