"""Deterministic synthetic demo data (``manage.py seed_demo``).

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today`` (a parameter),
so the same seed and day give the same people. Rows are written with ``bulk_create`` in big batches
and without historical rows (seeded data has no author to record); the few governed records that go
through a model's own rules (the term, seats, supervision members) are checked with the same
selectors the services use. Works on PostgreSQL and on the embedded SQLite default.

Figures: a community of ``households`` households gets ``households/100`` residents' groups (at
least 2) and ``households/30`` buildings, 1–5 members per household (about 2.8 on average), some
residents living here unregistered, a few moved out or deceased, one representative per ~10
households of each group, a captain (confirmed or nominated) for most buildings, a committee term
with 7 seats and a supervision committee of 3 who are neither committee members nor their kin.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

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
from core.idnumbers import id_check_char
from core.models import Community, StaffProfile, StreetOffice, User
from core.roles import ALL_ROLES, CASE_OFFICER, CHAIR, GROUP_LEADER, MEMBER, STREET, SUPERVISOR, roles_sync

DEMO_PASSWORD = "juwei-demo-2026"
BATCH = 5000

STREET_OFFICE = ("东华门街道办事处", "北京市东城区")
# Area codes (first six ID digits): Beijing Dongcheng first, then where newcomers come from.
LOCAL_AREAS = ["110101"] * 14 + ["110102", "110102", "110105", "110108"]
OTHER_AREAS = ["130102", "370102", "410102", "420102", "510104", "320102", "340102", "230102", "610102"]
COMMUNITY_NAMES = [
    ("幸福", "xingfu"), ("和平", "heping"), ("光明", "guangming"), ("建设", "jianshe"), ("团结", "tuanjie"),
    ("友谊", "youyi"), ("新华", "xinhua"), ("胜利", "shengli"), ("东风", "dongfeng"), ("向阳", "xiangyang"),
    ("春晖", "chunhui"), ("翠微", "cuiwei"), ("安华", "anhua"), ("和谐", "hexie"), ("文华", "wenhua"),
    ("康乐", "kangle"), ("育新", "yuxin"), ("民安", "minan"), ("永安", "yongan"), ("福寿", "fushou"),
]  # fmt: skip
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严武戴莫孔向汤"
)
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林洋建国志文东海峰庆永春成新德晨博轩"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕婷雪慧琳颖洁倩梅莉欣悦怡晶婉雅诗涵梦佳思蕾月"
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "156", "157", "158", "159", "176", "177", "178", "180", "181", "183", "186",
                  "187", "188", "189", "198", "199"]  # fmt: skip

# Staff accounts of the first community: username, role, what they stand for.
DEMO_USERS = [
    ("zhuren", CHAIR, "居委会主任"),
    ("weiyuan", MEMBER, "居委会委员"),
    ("zhuanguanyuan", CASE_OFFICER, "专管员"),
    ("zuzhang", GROUP_LEADER, "第一居民小组组长"),
    ("jiandu", SUPERVISOR, "居务监督委员会主任"),
    ("jiedao", STREET, "街道办事处工作人员"),
]
SUPERUSER = "admin"

R = Resident.Relation


@dataclass
class SeedResult:
    communities: list[Community] = field(default_factory=list)
    households: int = 0
    residents: int = 0
    users: list[str] = field(default_factory=list)


@dataclass
class _Person:
    name: str
    sex: str
    birth: dt.date
    relation: str
    surname: str
    obj: Resident | None = None


class _Gen:
    """Random people with unique, valid ID numbers."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()

    def surname(self) -> str:
        if self.rng.random() < 0.004:
            return self.rng.choice(["欧阳", "司马", "诸葛", "上官"])
        return self.rng.choice(SURNAMES)

    def given(self, sex: str) -> str:
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        if self.rng.random() < 0.35:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def birth(self, age_min: int, age_max: int) -> dt.date:
        age_max = max(age_min, age_max)
        start = self.today.replace(year=self.today.year - age_max - 1) + dt.timedelta(days=1)
        end = self.today.replace(year=self.today.year - age_min)
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def id_number(self, birth: dt.date, sex: str, local: bool) -> str:
        area = self.rng.choice(LOCAL_AREAS if local else OTHER_AREAS)
        while True:
            order = self.rng.randint(0, 499) * 2 + (1 if sex == "M" else 0)
            first17 = f"{area}{birth:%Y%m%d}{order:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _family(gen: _Gen) -> list[_Person]:
    """One household's members, head first (sizes 1–5, about 2.8 on average)."""
    rng = gen.rng
    kind = rng.choices(
        ["single", "couple", "nuclear", "single_parent", "with_parent", "three_gen"],
        weights=[14, 24, 36, 6, 10, 10],
    )[0]
    head_sex = "M" if rng.random() < 0.7 else "F"
    if kind == "single":
        head_age = (22, 88)
    elif kind == "three_gen":
        head_age = (52, 75)
    elif kind == "with_parent":
        head_age = (30, 55)
    else:
        head_age = (26, 70)
    surname = gen.surname()
    head = _Person(surname + gen.given(head_sex), head_sex, gen.birth(*head_age), R.HEAD, surname)
    members = [head]
    head_years = _age(head.birth, gen.today)
    family_surname = surname
    if kind in ("couple", "nuclear", "with_parent", "three_gen"):
        sex = "F" if head_sex == "M" else "M"
        s = gen.surname()
        age = max(20, head_years + rng.randint(-4, 4))
        members.append(_Person(s + gen.given(sex), sex, gen.birth(age, age), R.SPOUSE, s))
        if head_sex == "F":
            family_surname = s
    if kind in ("nuclear", "single_parent", "three_gen"):
        n = 1 if kind == "three_gen" else rng.choice([1, 1, 2])
        for _ in range(n):
            oldest = head_years - 22
            if oldest < 0:
                break
            age = rng.randint(max(0, head_years - 38), oldest)
            sex = rng.choice("MF")
            members.append(_Person(family_surname + gen.given(sex), sex, gen.birth(age, age), R.CHILD, family_surname))
    if kind == "with_parent":
        sex = rng.choice("MF")
        age = min(98, head_years + rng.randint(22, 32))
        s = surname if sex == "M" else gen.surname()
        members.append(_Person(s + gen.given(sex), sex, gen.birth(age, age), R.PARENT, s))
    if kind == "three_gen":
        child = next((m for m in members if m.relation == R.CHILD), None)
        if child is not None:
            child_years = _age(child.birth, gen.today)
            if child_years >= 22:
                sex = "F" if child.sex == "M" else "M"
                s = gen.surname()
                age = max(20, child_years + rng.randint(-3, 3))
                members.append(_Person(s + gen.given(sex), sex, gen.birth(age, age), R.CHILD_IN_LAW, s))
                gage = rng.randint(0, max(0, min(16, child_years - 21)))
                gsex = rng.choice("MF")
                gs = child.surname if child.sex == "M" else s
                members.append(_Person(gs + gen.given(gsex), gsex, gen.birth(gage, gage), R.GRANDCHILD, gs))
    return members


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


def seed(
    *,
    communities: int = 1,
    households: int = 1200,
    seed: int = 1,
    today: dt.date | None = None,
    with_users: bool = True,
    with_postings: bool = True,
    log=None,
) -> SeedResult:
    """Create the demo. ``households`` is the total, split evenly over ``communities``."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    gen = _Gen(rng, today)
    result = SeedResult()
    say = log or (lambda _msg: None)
    office, _created = StreetOffice.objects.get_or_create(
        name=STREET_OFFICE[0], defaults={"district": STREET_OFFICE[1]}
    )
    per = [households // communities + (1 if i < households % communities else 0) for i in range(communities)]
    start_index = Community.objects.count()
    for i, n in enumerate(per):
        name, slug = _community_names(start_index + i)
        with transaction.atomic():
            community = _seed_community(office, name, slug, max(n, 2), gen, today)
        result.communities.append(community)
        result.households += community._seed_households
        result.residents += community._seed_residents
        say(f"{community.name} ({community.slug}): {community._seed_households} 户, {community._seed_residents} 人")
    if with_users:
        with transaction.atomic():
            result.users = _seed_users(office, result.communities)
    if with_postings and result.communities:
        try:
            from committee import demo_board
        except ImportError:  # the board's services are not there yet
            demo_board = None
        if demo_board is not None and demo_board.available():
            with transaction.atomic():
                n = demo_board.seed_postings(community=result.communities[0], rng=rng, today=today)
            say(f"{result.communities[0].name}: {n} 条公开事项")
    return result


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
                id_number=gen.id_number(p.birth, p.sex, local=residence != Resident.Residence.LIVING_UNREGISTERED),
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


def _seed_users(office: StreetOffice, communities: list[Community]) -> list[str]:
    """Staff accounts: one per role for the first community, a 主任 for every other one."""
    roles_sync()
    groups = {g.name: g for g in Group.objects.filter(name__in=ALL_ROLES)}
    password = make_password(DEMO_PASSWORD)
    created = []

    def user(username: str, full_name: str, *, superuser: bool = False) -> User | None:
        if User.objects.filter(username=username).exists():
            return None
        u = User.objects.create(
            username=username,
            full_name=full_name,
            password=password,
            is_staff=True,
            is_superuser=superuser,
        )
        created.append(username)
        return u

    user(SUPERUSER, "系统管理员", superuser=True)
    first = communities[0]
    seats = {s.role: s.resident for s in first._seed_seats}
    members = [s.resident for s in first._seed_seats if s.role == CommitteeSeat.Role.MEMBER]
    linked = {
        "zhuren": seats.get(CommitteeSeat.Role.CHAIR),
        "weiyuan": members[0] if members else None,
        "zhuanguanyuan": members[1] if len(members) > 1 else None,
        "zuzhang": first._seed_groups[0].leader,
        "jiandu": first._seed_supervisors[0] if first._seed_supervisors else None,
    }
    for username, role, title in DEMO_USERS:
        resident = linked.get(username)
        u = user(username, resident.name if resident else title)
        if u is None:
            continue
        u.groups.add(groups[role])
        profile = StaffProfile.objects.create(
            user=u, title=title, street_office=office if role == STREET else None
        )
        if resident is not None:
            resident.staff_user = u
            resident.save(update_fields=["staff_user"])
        if role != STREET:
            profile.communities.add(first)
    for community in communities[1:]:
        chair = {s.role: s.resident for s in community._seed_seats}.get(CommitteeSeat.Role.CHAIR)
        u = user(f"zhuren_{community.slug}", chair.name if chair else f"{community.name}主任")
        if u is None:
            continue
        u.groups.add(groups[CHAIR])
        profile = StaffProfile.objects.create(user=u, title="居委会主任")
        if chair is not None:
            chair.staff_user = u
            chair.save(update_fields=["staff_user"])
        profile.communities.add(community)
    return created


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, scope) of every demo account that still has the demo password."""
    rows = []
    known_good: set[str] = set()
    users = (
        User.objects.filter(is_active=True)
        .filter(username__in=[SUPERUSER] + [u for u, _r, _t in DEMO_USERS])
        .prefetch_related("groups", "staff_profile__communities")
        .select_related("staff_profile__street_office")
    )
    order = {name: k for k, name in enumerate([SUPERUSER] + [u for u, _r, _t in DEMO_USERS])}
    for u in sorted(users, key=lambda u: order[u.username]):
        if u.password not in known_good:
            if not u.check_password(DEMO_PASSWORD):
                continue
            known_good.add(u.password)
        if u.is_superuser:
            role, scope = "超级管理员", "全部社区"
        else:
            role = "、".join(g.name for g in u.groups.all()) or "—"
            profile = getattr(u, "staff_profile", None)
            if profile is not None and profile.street_office_id:
                scope = profile.street_office.name
            elif profile is not None:
                scope = "、".join(c.name for c in profile.communities.all()) or "—"
            else:
                scope = "—"
        rows.append((u.username, DEMO_PASSWORD, role, scope))
    return rows
