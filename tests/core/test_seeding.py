"""core.seeding: apps above the registry add their demo records through registered seeders."""

from __future__ import annotations

import datetime as dt

import pytest

from core import seeding
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_seeders_run_in_order_with_their_own_deterministic_rng(monkeypatch):
    monkeypatch.setattr(seeding, "_seeders", [])
    calls = []

    @seeding.seeder(order=20)
    def second(ctx):
        calls.append(("second", ctx.community.slug, ctx.rng.random()))

    @seeding.seeder(order=10)
    def first(ctx):
        calls.append(("first", ctx.community.slug, ctx.rng.random()))

    seeding.seeder(order=10)(first)  # registering twice keeps one
    community = f.CommunityFactory()
    seeding.run_all(community=community, today=dt.date(2026, 11, 2), seed=1)
    seeding.run_all(community=community, today=dt.date(2026, 11, 2), seed=1)
    assert [c[0] for c in calls] == ["first", "second", "first", "second"]
    assert calls[0] == calls[2] and calls[1] == calls[3]  # same seed, same draws
    assert calls[0][2] != calls[1][2]  # each seeder its own stream
