"""``seed``: the whole demo (communities, staff accounts, a few months of the board)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from committee.demo import board
from committee.demo.accounts import _seed_users
from committee.demo.people import _Gen
from committee.demo.registry import STREET_OFFICE, _community_names, _seed_community
from core import seeding
from core.dates import month_bounds, previous_month
from core.models import Community, StreetOffice, User
from notices.disclosure import disclosure_generate


@dataclass
class SeedResult:
    communities: list[Community] = field(default_factory=list)
    households: int = 0
    residents: int = 0
    users: list[str] = field(default_factory=list)


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
        say(
            f"{community.name} ({community.slug}): {community._seed_households} 户, {community._seed_residents} 人"
        )
    if with_users:
        with transaction.atomic():
            result.users = _seed_users(office, result.communities)
    if with_postings and result.communities:
        with transaction.atomic():
            n = board.seed_postings(community=result.communities[0], rng=rng, today=today)
        say(f"{result.communities[0].name}: {n} 条公开事项")
        # The domain apps' own demo records (elections, meetings, cases), through core.seeding.
        seeding.run_all(
            community=result.communities[0],
            today=today,
            seed=seed,
            users={u.username: u for u in User.objects.filter(is_staff=True)},
            say=say,
        )
        # Last month's sheet, final, as the task on the 1st would have made it: the chair can print
        # it at once, and the work desk does not open on a missing sheet.
        last_month = previous_month(today)
        sheet, _created = disclosure_generate(
            community=result.communities[0], month=last_month, at=month_bounds(last_month)[1]
        )
        say(f"{result.communities[0].name}: {last_month:%Y-%m} 居务公开月报（第{sheet.version}版）")
    return result
