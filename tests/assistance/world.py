"""A community ready for hardship cases: two residents' groups with leaders and representatives, a
committee, a case officer, programmes with standards, and applicant households."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from assistance import services
from assistance.models import Case, CaseRules, Programme, ProgrammeStandard
from committee import models as cm
from core import models as core_models
from tests import factories as f

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def photo(name: str = "visit.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, BytesIO(PNG).read(), content_type="image/png")


@dataclass
class World:
    community: core_models.Community
    groups: list[cm.ResidentsGroup]
    leaders: list[cm.Resident]
    reps: list[list[cm.Resident]]  # per group
    term: cm.CommitteeTerm
    officer: core_models.User
    colleague: core_models.User
    chair: core_models.User
    dibao: Programme
    households: list[cm.Household] = field(default_factory=list)
    _n: int = 0

    def household(self, *, size: int = 3, group: int = 0) -> tuple[cm.Household, list[cm.Resident]]:
        h = f.HouseholdFactory(community=self.community, group=self.groups[group])
        head = f.ResidentFactory(household=h, name="张三明")
        people = [head]
        for i in range(size - 1):
            people.append(
                f.ResidentFactory(
                    household=h,
                    name=["李小红", "张小宝", "张老汉"][i % 3],
                    relation_to_head=[cm.Resident.Relation.SPOUSE, cm.Resident.Relation.CHILD][min(i, 1)],
                    sex="F" if i == 0 else "M",
                )
            )
        self.households.append(h)
        return h, people

    def apply(
        self, *, incomes=("800", "0", "0"), size: int = 3, group: int = 0, amount="500", **kwargs
    ) -> Case:
        h, people = self.household(size=size, group=group)
        return services.case_apply(
            household=h,
            programme=self.dibao,
            applicant=people[0],
            via_leader=self.leaders[group],
            officer=self.officer,
            reason="失业，家庭收入低",
            members=[
                {"resident": p, "monthly_income": incomes[i % len(incomes)]} for i, p in enumerate(people)
            ],
            assets=[{"kind": "housing", "value": "0", "description": "公租房"}],
            monthly_amount=amount,
            actor=self.officer,
            **kwargs,
        )

    def visit(self, case: Case, **kwargs):
        return services.case_visit(
            case=case,
            visitors=[self.officer, self.colleague],
            photos=[photo()],
            findings="家中陈设简陋，申请人失业在家。",
            actor=self.officer,
            **kwargs,
        )

    def investigate(
        self, case: Case, *, income="900", size: int = 3, group: int = 0, cross: bool = False, **kwargs
    ):
        fn = services.case_cross_investigate if cross else services.case_investigate
        return fn(
            case=case,
            group=self.groups[group],
            leader=self.leaders[group],
            representatives=self.reps[group],
            household_size=size,
            monthly_income=income,
            findings="收入属实。",
            actor=self.officer,
            **kwargs,
        )

    def to_scored(self, case: Case, **kwargs) -> Case:
        self.visit(case, **kwargs)
        self.investigate(case, **kwargs)
        services.case_applicant_response(case=case, agrees=True, actor=self.officer, **kwargs)
        services.case_review(case=case, note="情况属实，同意提交民意测评。", actor=self.officer, **kwargs)
        for rep in [*self.reps[0], *self.reps[1]][:3]:
            services.case_score(case=case, representative=rep, score=85, actor=self.officer, **kwargs)
        return services.case_close_scoring(case=case, actor=self.officer, **kwargs)


def build(community: core_models.Community | None = None) -> World:
    community = community or f.CommunityFactory(name="幸福社区", slug="xingfu")
    term = f.CommitteeTermFactory(
        community=community, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2029, 1, 1)
    )
    groups, leaders, reps = [], [], []
    for n in (1, 2):
        g = f.ResidentsGroupFactory(community=community, number=n, name=f"第{n}居民小组")
        leader = f.ResidentFactory(
            household=f.HouseholdFactory(community=community, group=g), name=f"组长{n}号"
        )
        g.leader = leader
        g.save()
        groups.append(g)
        leaders.append(leader)
        reps.append(
            [
                f.RepresentativeFactory(
                    term=term,
                    group=g,
                    resident=f.ResidentFactory(
                        household=f.HouseholdFactory(community=community, group=g), name=f"代表{n}{i}"
                    ),
                ).resident
                for i in range(2)
            ]
        )
    officer = f.staff_user(communities=[community], role="专管员", full_name="王专管")
    colleague = f.staff_user(communities=[community], role="专管员", full_name="赵同事")
    chair = f.staff_user(communities=[community], role="主任", full_name="刘主任")
    dibao = Programme.objects.create(community=community, kind=Programme.Kind.MINIMUM_LIVING)
    ProgrammeStandard.objects.create(
        programme=dibao, amount=Decimal("800"), effective_from=dt.date(2024, 1, 1)
    )
    ProgrammeStandard.objects.create(
        programme=dibao, amount=Decimal("1000"), effective_from=dt.date(2026, 1, 1)
    )
    CaseRules.objects.create(community=community, min_scorers=3)
    return World(community, groups, leaders, reps, term, officer, colleague, chair, dibao)
