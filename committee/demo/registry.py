"""One demo community's registry: groups, buildings, households and residents, representatives,
captains, the committee term with its seats and the supervision committee."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from committee.demo.people import COMMUNITY_NAMES, R, _age, _family, _Gen, _Person
from committee.models import (
    Building,
    BuildingCaptain,
    CommitteeSeat,
    CommitteeTerm,
    Household,
    Kinship,
    Representative,
    Resident,
    ResidentsGroup,
    SupervisionMember,
)
from committee.selectors import supervision_conflict
from core.models import Community

BATCH = 5000
STREET_OFFICE = ("东华门街道办事处", "北京市东城区")


def _term_start(today: dt.date) -> dt.date:
    """The latest nationwide changeover (every 5 years since 2021; the demo puts it on 1 May)."""
    year = today.year - (today.year - 2021) % 5
    start = dt.date(year, 5, 1)
    return start if start <= today else dt.date(year - 5, 5, 1)


def _community_names(index: int) -> tuple[str, str]:
    base, slug = COMMUNITY_NAMES[index % len(COMMUNITY_NAMES)]
    if index >= len(COMMUNITY_NAMES):
        n = index // len(COMMUNITY_NAMES) + 1
        return f"{base}{n}社区", f"{slug}{n}"
    return f"{base}社区", slug


def _seed_community(office, name, slug, n_households, gen: _Gen, today: dt.date) -> Community:
    rng = gen.rng
    prefix = name.removesuffix("社区")
    community = Community.objects.create(
        street_office=office,
        name=name,
        slug=slug,
        address=f"{STREET_OFFICE[1]}{prefix}里1号",
        phone=f"010-6{rng.randint(0, 9_999_999):07d}",
    )
    community.rules  # noqa: B018 (creates the rules row with the legal defaults)
    n_groups = max(2, round(n_households / 100))
    n_buildings = max(n_groups, round(n_households / 30))
    groups = ResidentsGroup.objects.bulk_create(
        [
            ResidentsGroup(community=community, number=g + 1, name=f"第{_cn_number(g + 1)}居民小组")
            for g in range(n_groups)
        ]
    )
    buildings = Building.objects.bulk_create(
        [
            Building(
                community=community,
                group=groups[b * n_groups // n_buildings],
                name=f"{b + 1}号楼",
                floors=rng.choice([6, 6, 6, 7, 12, 18]),
            )
            for b in range(n_buildings)
        ]
    )
    if not groups[0].pk or not buildings[0].pk:  # databases that return no ids from bulk inserts
        groups = list(ResidentsGroup.objects.filter(community=community).order_by("number"))
        buildings = list(Building.objects.filter(community=community).order_by("pk"))

    # Households, building by building (2 flats per floor and unit).
    hh_objs: list[Household] = []
    per_building = -(-n_households // n_buildings)
    for h in range(n_households):
        building = buildings[min(h // per_building, n_buildings - 1)]
        k = h % per_building
        unit, rest = divmod(k, building.floors * 2)
        floor, flat = divmod(rest, 2)
        hh_objs.append(
            Household(
                community=community,
                number=f"{community.pk % 100:02d}{h + 1:05d}",
                address=f"{prefix}里{building.name}{unit + 1}单元{floor + 1}{flat + 1:02d}室",
                group_id=building.group_id,
                building=building,
            )
        )
    hh_objs = Household.objects.bulk_create(hh_objs, batch_size=BATCH)
    if not hh_objs[0].pk:
        hh_objs = list(Household.objects.filter(community=community).order_by("pk"))

    # Residents.
    families: list[list[_Person]] = []
    residents: list[Resident] = []
    for household in hh_objs:
        members = _family(gen)
        families.append(members)
        roll = rng.random()
        residence = (
            Resident.Residence.LIVING_UNREGISTERED
            if roll < 0.08
            else Resident.Residence.REGISTERED_AWAY
            if roll < 0.11
            else Resident.Residence.REGISTERED
        )
        moved_in = today - dt.timedelta(days=rng.randint(30, 365 * 30))
        for p in members:
            age = _age(p.birth, today)
            came = max(moved_in, p.birth)
            r = Resident(
                community=community,
                household=household,
                name=p.name,
                id_number=gen.id_number(
                    p.birth, p.sex, local=residence != Resident.Residence.LIVING_UNREGISTERED
                ),
                sex=p.sex,
                birth_date=p.birth,
                phone=gen.phone() if 16 <= age <= 80 and rng.random() < 0.85 else "",
                relation_to_head=p.relation,
                residence=residence,
                moved_in_on=came,
            )
            fate = rng.random()
            if age >= 70 and fate < 0.02:
                r.deceased_on = today - dt.timedelta(days=rng.randint(1, 700))
            elif fate < 0.015 and p.relation != R.HEAD:
                r.moved_out_on = max(came, today - dt.timedelta(days=rng.randint(1, 1000)))
            p.obj = r
            residents.append(r)
    residents = Resident.objects.bulk_create(residents, batch_size=BATCH)
    if not residents[0].pk:
        by_id = dict(Resident.objects.filter(community=community).values_list("id_number", "pk"))
        for r in residents:
            r.pk = by_id[r.id_number]

    # Kinship: ties inside each household, plus some siblings living in other households.
    kin: list[Kinship] = []
    pairs: set[frozenset] = set()

    def tie(person: Resident, relative: Resident, kind: str) -> None:
        key = frozenset((person.pk, relative.pk))
        if person.pk != relative.pk and key not in pairs:
            pairs.add(key)
            kin.append(Kinship(community=community, person=person, relative=relative, kind=kind))

    K = Kinship.Kind
    for members in families:
        by = {}
        for p in members:
            by.setdefault(p.relation, []).append(p.obj)
        head = by[R.HEAD][0]
        spouse = (by.get(R.SPOUSE) or [None])[0]
        if spouse:
            tie(head, spouse, K.SPOUSE)
        for child in by.get(R.CHILD, []):
            tie(head, child, K.PARENT)
            if spouse:
                tie(spouse, child, K.PARENT)
        for parent in by.get(R.PARENT, []):
            tie(parent, head, K.PARENT)
        for cil in by.get(R.CHILD_IN_LAW, []):
            tie(head, cil, K.PARENT_IN_LAW)
            for child in by.get(R.CHILD, []):
                tie(child, cil, K.SPOUSE)
        for grandchild in by.get(R.GRANDCHILD, []):
            tie(head, grandchild, K.GRANDPARENT)
    heads = [f[0].obj for f in families]
    for _ in range(len(heads) // 20):
        a, b = rng.sample(heads, 2)
        tie(a, b, K.SIBLING)
    Kinship.objects.bulk_create(kin, batch_size=BATCH)

    # The committee: term, 7 seats (at least two women), group leaders, representatives, captains.
    start = _term_start(today)
    term = CommitteeTerm(community=community, number=12, starts_on=start)
    term.full_clean()
    term.save()
    adults = [
        p.obj
        for f in families
        for p in f
        if 30 <= _age(p.birth, today) <= 60
        and p.obj.is_current
        and p.obj.residence == Resident.Residence.REGISTERED
    ]
    rng.shuffle(adults)
    seat_people: list[Resident] = []
    taken_households: set[int] = set()
    women_needed = 2
    for r in adults:
        if len(seat_people) == 7:
            break
        if r.household_id in taken_households:
            continue
        if 7 - len(seat_people) <= women_needed and r.sex != "F":
            continue
        seat_people.append(r)
        taken_households.add(r.household_id)
        if r.sex == "F":
            women_needed = max(0, women_needed - 1)
    roles = [CommitteeSeat.Role.CHAIR, CommitteeSeat.Role.VICE_CHAIR] + [CommitteeSeat.Role.MEMBER] * 5
    seats = CommitteeSeat.objects.bulk_create(
        [
            CommitteeSeat(term=term, resident=r, role=role, starts_on=start)
            for r, role in zip(seat_people, roles, strict=False)
        ]
    )
    # Supervision committee: 3 residents who are neither members nor close kin of one (DOMAIN.md).
    supervisors = []
    for r in adults:
        if len(supervisors) == 3:
            break
        if r.household_id in taken_households:
            continue
        if supervision_conflict(resident=r, term=term) is None:
            supervisors.append(r)
            taken_households.add(r.household_id)
    SupervisionMember.objects.bulk_create(
        [
            SupervisionMember(
                term=term,
                resident=r,
                role=SupervisionMember.Role.CHAIR if k == 0 else SupervisionMember.Role.MEMBER,
                elected_on=start,
            )
            for k, r in enumerate(supervisors)
        ]
    )

    # Group leaders and representatives (1 per ~10 households, from their own group).
    by_group: dict[int, list[Resident]] = {}
    for r in adults:
        if r.household_id not in taken_households:
            by_group.setdefault(r.household.group_id, []).append(r)
    hh_per_group: dict[int, int] = {}
    for h in hh_objs:
        hh_per_group[h.group_id] = hh_per_group.get(h.group_id, 0) + 1
    reps = []
    for g in groups:
        pool = by_group.get(g.pk, [])
        want = max(1, round(hh_per_group.get(g.pk, 0) / 10))
        chosen, seen = [], set()
        for r in pool:
            if len(chosen) == want:
                break
            if r.household_id not in seen:
                chosen.append(r)
                seen.add(r.household_id)
        if chosen:
            g.leader = chosen[0]
        reps.extend(Representative(term=term, group=g, resident=r, elected_on=start) for r in chosen)
    ResidentsGroup.objects.bulk_update(groups, ["leader"])
    Representative.objects.bulk_create(reps, batch_size=BATCH)

    # Building captains: most buildings have a confirmed one, some a fresh nomination.
    from core.calendar import add_working_days

    by_building: dict[int, list[Resident]] = {}
    for f in families:
        head = f[0].obj
        if head.is_current and 25 <= _age(head.birth_date, today) <= 72:
            by_building.setdefault(head.household.building_id, []).append(head)
    captains = []
    for b in buildings:
        pool = by_building.get(b.pk)
        if not pool:
            continue
        roll = rng.random()
        if roll < 0.7:
            nominated = start + dt.timedelta(days=rng.randint(20, 60))
            posting_start = nominated + dt.timedelta(days=2)
            posting_end = add_working_days(posting_start, 4)
            captains.append(
                BuildingCaptain(
                    community=community,
                    building=b,
                    resident=rng.choice(pool),
                    self_nominated=rng.random() < 0.3,
                    status=BuildingCaptain.Status.CONFIRMED,
                    nominated_on=nominated,
                    posting_starts_on=posting_start,
                    posting_ends_on=posting_end,
                    decided_at=timezone.make_aware(
                        dt.datetime.combine(add_working_days(posting_end, 1), dt.time(10))
                    ),
                    decision_note="公示期满无异议，予以确认。",
                )
            )
        elif roll < 0.9:
            captains.append(
                BuildingCaptain(
                    community=community,
                    building=b,
                    resident=rng.choice(pool),
                    self_nominated=rng.random() < 0.5,
                    status=BuildingCaptain.Status.NOMINATED,
                    nominated_on=today - dt.timedelta(days=rng.randint(1, 10)),
                )
            )
    BuildingCaptain.objects.bulk_create(captains)

    community._seed_households = len(hh_objs)
    community._seed_residents = len(residents)
    community._seed_term = term
    community._seed_seats = seats
    community._seed_supervisors = supervisors
    community._seed_groups = groups
    return community


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)
