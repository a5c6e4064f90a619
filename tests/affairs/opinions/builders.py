"""Objects of the opinions and finance admins for tests/test_admin_generic.py (several states each)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests import factories as f


def _opinions(community):
    from affairs.models.opinions import Opinion
    from affairs.services import opinions as svc

    chair = f.staff_user(communities=[community], role="主任")
    made = [
        svc.opinion_file(
            community=community, category="facility", body=f"第{n}件路灯不亮的事", address=f"g{n}"
        )
        for n in range(4)
    ]
    Opinion.objects.filter(pk=made[1].pk).update(held=True)
    svc.opinion_assign(opinion=made[2], owner=chair, actor=chair)
    svc.opinion_assign(opinion=made[3], owner=chair, actor=chair)
    svc.opinion_answer(opinion=made[3], answer="已经修好了路灯", actor=chair)
    return list(Opinion.objects.filter(pk__in=[o.pk for o in made]))


def _routes(community):
    from affairs.models.opinions import OpinionRoute

    user = f.staff_user(communities=[community], role="专管员")
    return [OpinionRoute.objects.create(community=community, category="rental", assignee=user)]


def _entries(community):
    from affairs.models.finance import FinanceEntry
    from affairs.services import finance

    chair = f.staff_user(communities=[community], role="主任")
    return [
        finance.entry_save(
            entry=FinanceEntry(
                community=community, occurred_on=dt.date(2026, 10, 3), kind=kind, category=category,
                item="测试", amount=Decimal("100.00"), approver=chair,
            ),
            actor=chair,
        )
        for kind, category in (("income", "grant"), ("expense", "office"))
    ]  # fmt: skip


def _statements(community):
    from affairs.services import finance

    _entries(community)
    return [finance.statement_generate(community=community, month=dt.date(2026, 10, 1), actor=None)]


def opinion_builders() -> dict:
    from affairs.models.finance import FinanceEntry, FinanceStatement
    from affairs.models.opinions import Opinion, OpinionRoute

    return {
        Opinion: _opinions,
        OpinionRoute: _routes,
        FinanceEntry: _entries,
        FinanceStatement: _statements,
    }
