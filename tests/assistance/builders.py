"""Objects of the assistance admins for tests/test_admin_generic.py (one world per community)."""

from __future__ import annotations

from django.utils import timezone

from assistance.models import Case, CaseFlag, CaseRules, CaseView, Programme
from tests.assistance.world import World, build

_worlds: dict[int, World] = {}


def world_for(community) -> World:
    if (
        community.pk not in _worlds
        or not Programme.objects.filter(pk=_worlds[community.pk].dibao.pk).exists()
    ):
        _worlds[community.pk] = build(community)
    return _worlds[community.pk]


def cases(community) -> list[Case]:
    w = world_for(community)
    applied = w.apply()
    scored = w.to_scored(w.apply())
    return [applied, scored]


def flags(community) -> list[CaseFlag]:
    case = world_for(community).apply()
    return [
        CaseFlag.objects.create(
            case=case, code=CaseFlag.Code.OVER_STANDARD, message="测试提示", found_at=timezone.now()
        )
    ]


def views(community) -> list[CaseView]:
    w = world_for(community)
    return [CaseView.objects.create(case=w.apply(), user=w.officer, at=timezone.now())]


BUILDERS = {
    Programme: lambda c: [world_for(c).dibao],
    CaseRules: lambda c: [CaseRules.objects.get(community=world_for(c).community)],
    Case: cases,
    CaseFlag: flags,
    CaseView: views,
}
