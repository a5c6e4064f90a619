"""The demo's opinions (every state, a flood held, a captain's report) and finance (statements posted
from entries, one corrected to version 2), run through core.seeding's context as seed_demo does."""

import datetime as dt
import random

import pytest

from affairs.models.finance import FinanceEntry, FinanceStatement
from affairs.models.opinions import Opinion
from affairs.seed_opinions import seed_finance, seed_opinions
from committee.models import BuildingCaptain
from core.seeding import SeedContext
from notices.models import Category, Posting
from tests.factories import BuildingCaptainFactory, BuildingFactory, staff_user

pytestmark = pytest.mark.django_db


def test_demo_opinions_and_finance(community):
    users = {
        "zhuren": staff_user(communities=[community], role="主任"),
        "weiyuan": staff_user(communities=[community], role="委员"),
        "zhuanguanyuan": staff_user(communities=[community], role="专管员"),
    }
    captain = BuildingCaptainFactory(building=BuildingFactory(community=community, name="1号楼"))
    BuildingCaptain.objects.filter(pk=captain.pk).update(status=BuildingCaptain.Status.CONFIRMED)
    ctx = SeedContext(community=community, today=dt.date.today(), rng=random.Random(1), users=users)  # noqa: DTZ011
    seed_opinions(ctx)
    seed_finance(ctx)
    states = set(Opinion.objects.values_list("status", flat=True))
    assert states == set(Opinion.Status.values)
    assert Opinion.objects.filter(held=True).exists() and Opinion.objects.exclude(rating="").exists()
    report = Opinion.objects.get(source="captain")
    assert report.reporter.username == "loudongzhang" and report.owner == users["weiyuan"]
    assert FinanceEntry.objects.count() > 30
    statements = FinanceStatement.objects.filter(posting_id__isnull=False)
    assert statements.count() >= 3
    finance = Posting.objects.filter(community=community, category=Category.FINANCE)
    assert finance.filter(version=2, correction_note="办公费金额录入有误，予以更正").count() == 1
