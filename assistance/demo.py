"""Demo hardship cases for ``seed_demo`` (core.seeding): programmes with a history of standards and
cases at every step of the flow, each taken through the real services with the demo's staff, group
leaders and representatives: one flagged as a committee member's relative, one disputed and
cross-investigated, one returned by the street office, and a batch on the board now (masked)."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assistance import services as s
from assistance.models import Case, CaseRules, Programme, ProgrammeStandard
from committee.models import CommitteeSeat, Household, Kinship, Representative, Resident, ResidentsGroup
from core import seeding
from core.errors import RuleViolation

# A 1x1 PNG: the demo's visit photos.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)
# state to reach -> the demo's own label for it
PLAN = [
    "applied",
    "visited",
    "investigated",
    "checked",
    "disputed_cross",  # disputed, cross-investigated by another group, compared
    "reviewed",
    "scored",
    "posted",
    "posted",
    "reported",
    "approved",
    "approved",
    "returned",
    "rejected",
]


class _Demo:
    def __init__(self, ctx, community, officer, colleague, chair):
        self.ctx, self.community = ctx, community
        self.officer, self.colleague, self.chair = officer, colleague, chair
        day = ctx.today
        reps = Representative.objects.filter(
            term__community=community, term__starts_on__lte=day, term__ends_on__gt=day, ended_on__isnull=True
        ).select_related("resident", "group")
        self.reps: dict[int, list[Resident]] = {}
        for r in reps:
            self.reps.setdefault(r.group_id, []).append(r.resident)
        self.groups = [
            g
            for g in ResidentsGroup.objects.filter(community=community, leader__isnull=False).select_related(
                "leader"
            )
            if len(self.reps.get(g.pk, [])) >= 1
        ]
        self.programmes = {}

    def programmes_and_rules(self) -> None:
        values = {
            Programme.Kind.MINIMUM_LIVING: [("2025-01-01", "1020"), ("2026-01-01", "1080")],
            Programme.Kind.HARDSHIP: [("2025-01-01", "1530"), ("2026-01-01", "1620")],
            Programme.Kind.TEMPORARY: [("2026-01-01", "1080")],
        }
        for kind, rows in values.items():
            p, _c = Programme.objects.get_or_create(community=self.community, kind=kind)
            for day, amount in rows:
                ProgrammeStandard.objects.get_or_create(
                    programme=p,
                    effective_from=dt.date.fromisoformat(day),
                    defaults={"amount": Decimal(amount), "note": "区民政局、财政局通知"},
                )
            self.programmes[kind] = p
        CaseRules.objects.get_or_create(community=self.community, defaults={"min_scorers": 3})

    def at(self, days_ago: float) -> dt.datetime:
        return timezone.now() - dt.timedelta(days=days_ago)

    def household(self, group: ResidentsGroup, used: set[int]) -> Household | None:
        for h in (
            Household.objects.filter(group=group)
            .exclude(pk__in=used)
            .exclude(assistance_cases__isnull=False)
            .order_by("number")[:40]
        ):
            people = [r for r in h.residents.all() if r.is_current]
            if people and not any(r.staff_user_id for r in people):
                used.add(h.pk)
                return h
        return None

    def apply(self, h: Household, start: dt.datetime, *, kind=Programme.Kind.MINIMUM_LIVING) -> Case:
        people = [r for r in h.residents.order_by("pk") if r.is_current]
        rng = self.ctx.rng
        return s.case_apply(
            household=h,
            programme=self.programmes[kind],
            applicant=people[0],
            via_leader=h.group.leader,
            officer=self.officer,
            reason=rng.choice(
                ["下岗失业，无固定收入", "家庭成员患重病，医疗支出大", "残疾，无劳动能力", "老人独居，收入低"]
            ),
            members=[
                {
                    "resident": r,
                    "monthly_income": Decimal(rng.choice([0, 0, 300, 600, 900])),
                    "income_source": "",
                }
                for r in people
            ],
            assets=[{"kind": "housing", "value": 0, "description": "自住房一套"}],
            monthly_amount=Decimal(rng.choice([400, 500, 600, 800])),
            applied_on=timezone.localdate(start),
            actor=self.officer,
            at=start,
        )

    def investigate(
        self, case: Case, group: ResidentsGroup, at: dt.datetime, *, cross=False, factor=1.0
    ) -> None:
        size = case.members.count()
        declared = sum(m.monthly_income for m in case.members.all())
        fn = s.case_cross_investigate if cross else s.case_investigate
        fn(
            case=case,
            group=group,
            leader=group.leader,
            representatives=self.reps[group.pk][:2],
            household_size=size,
            monthly_income=(Decimal(declared) * Decimal(str(factor))).quantize(Decimal("0.01")),
            findings="经入户核实，家庭收入与申报基本一致。"
            if not cross
            else "交叉调查：另有零工收入，详见记录。",
            actor=self.officer,
            at=at,
        )

    def take(self, case: Case, target: str, start: dt.datetime) -> None:
        day = dt.timedelta(days=1)
        own = case.household.group
        if target == "applied":
            return
        s.case_visit(
            case=case,
            visitors=[self.officer, self.colleague],
            photos=[ContentFile(PNG, name="visit.png")],
            findings="入户查看居住和生活情况，拍照留存。",
            actor=self.officer,
            at=start + day,
        )
        if target == "visited":
            return
        self.investigate(case, own, start + 2 * day)
        if target == "investigated":
            return
        if target == "disputed_cross":
            s.case_applicant_response(
                case=case,
                agrees=False,
                note="子女的助学金不应计入家庭收入。",
                actor=self.officer,
                at=start + 3 * day,
            )
            other = next(g for g in self.groups if g.pk != own.pk)
            self.investigate(case, other, start + 4 * day, cross=True, factor=1.3)
            s.case_compare(case=case, actor=self.officer, at=start + 5 * day)
            return
        s.case_applicant_response(case=case, agrees=True, actor=self.officer, at=start + 3 * day)
        if target == "checked":
            return
        s.case_surprise_visit(
            case=case, findings="傍晚走访邻居，情况属实。", actor=self.chair, at=start + 4 * day
        )
        s.case_review(
            case=case, note="经居委会评议，情况属实，提交民意测评。", actor=self.chair, at=start + 4 * day
        )
        if target == "reviewed":
            return
        scorers = [r for reps in self.reps.values() for r in reps][:5]
        failing = target == "rejected"
        for i, rep in enumerate(scorers):
            s.case_score(
                case=case,
                representative=rep,
                score=(40 + i * 3) if failing else (75 + i * 4),
                actor=self.officer,
                at=start + 5 * day,
            )
        s.case_close_scoring(case=case, actor=self.officer, at=start + 5 * day)


def _relative_household(community, used: set[int]) -> Household | None:
    """A household holding a close relative (registered kinship) of a sitting committee member."""
    seats = CommitteeSeat.objects.filter(term__community=community, ended_on__isnull=True).values(
        "resident_id"
    )
    for kin in Kinship.objects.filter(person_id__in=seats).select_related("person", "relative__household"):
        h = kin.relative.household
        if (
            h.pk != kin.person.household_id
            and h.pk not in used
            and h.group.leader_id
            and not h.residents.filter(staff_user__isnull=False).exists()
        ):
            if not Case.objects.filter(household=h).exists():
                used.add(h.pk)
                return h
    return None


@seeding.seeder(order=60)
def seed_cases(ctx) -> None:
    users = ctx.users
    officer, colleague, chair = users.get("zhuanguanyuan"), users.get("weiyuan"), users.get("zhuren")
    if officer is None or colleague is None or chair is None:
        ctx.say("低保与困难救助：缺少演示账号，未生成申请。")
        return
    community = ctx.community
    if Case.objects.filter(community=community).exists():
        return
    demo = _Demo(ctx, community, officer, colleague, chair)
    demo.programmes_and_rules()
    if len(demo.groups) < 2:
        ctx.say("低保与困难救助：居民小组不足，未生成申请。")
        return
    used: set[int] = set()
    made: dict[str, list[Case]] = {}
    for i, target in enumerate(PLAN):
        group = demo.groups[i % len(demo.groups)]
        # Cases further along began earlier, so their postings have run their 7 days.
        ago = {"reported": 20, "approved": 40, "returned": 30, "rejected": 12}.get(target, 8)
        start = demo.at(ago + i * 0.01)
        for _attempt in range(5):
            h = demo.household(group, used)
            if h is None:
                break
            try:
                with transaction.atomic():
                    case = demo.apply(h, start)
                    demo.take(case, target, start)
            except RuleViolation:
                continue  # e.g. an investigator related to this household: take the next one
            made.setdefault(target, []).append(case)
            break
    # Postings: an old batch (reported, approved, returned: window over), and one on the board now.
    old = made.get("reported", []) + made.get("approved", []) + made.get("returned", [])
    day = dt.timedelta(days=1)
    for case in old:
        s.cases_post(cases=[case], actor=officer, at=_posted_at(case))
    for case in old:
        case.refresh_from_db()
        s.case_report(case=case, actor=officer, at=_posted_at(case) + 8 * day)
    for case in made.get("approved", []):
        s.case_street_decision(case=case, accepted=True, actor=officer, at=_posted_at(case) + 10 * day)
    for case in made.get("returned", []):
        s.case_street_decision(
            case=case,
            accepted=False,
            note="家庭有营运车辆未申报，请重新核实。",
            actor=officer,
            at=_posted_at(case) + 10 * day,
        )
    batch = made.get("posted", [])
    if batch:
        s.cases_post(cases=batch, actor=officer, at=timezone.now() - dt.timedelta(days=2))
    # The committee member's relative: applied and visited, flagged into the separate register.
    h = _relative_household(community, used)
    if h is not None:
        start = demo.at(6)
        case = demo.apply(h, start, kind=Programme.Kind.HARDSHIP)
        demo.take(case, "visited", start)
    ctx.say(f"{community.name}: {Case.objects.filter(community=community).count()} 件救助申请")


def _posted_at(case: Case) -> dt.datetime:
    """When the demo's older cases were posted: six days after they were applied for."""
    start = dt.datetime.combine(case.applied_on, dt.time(10), tzinfo=timezone.get_current_timezone())
    return start + dt.timedelta(days=6)
