"""Demo seeders of the apps above the registry (``manage.py seed_demo``).

The registry's seed (``committee.demo``) builds the communities, people and staff; the domain apps
then add their own records to the first community (elections at their steps, meetings and motions,
hardship cases). The registry cannot import them (layers, docs/architecture.md), so each app
registers a seeder in its ``AppConfig.ready()``::

    from core import seeding

    @seeding.seeder(order=20)
    def seed_elections(ctx):            # ctx: a SeedContext
        ...

Each seeder gets its own ``random.Random`` derived from the seed and its own name, so adding or
reordering seeders never changes what another one draws: the demo stays deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction


@dataclass
class SeedContext:
    community: Any
    today: dt.date
    rng: random.Random
    users: dict = field(default_factory=dict)  # demo role key -> User (committee.demo.DEMO_USERS)
    say: Callable[[str], None] = lambda _msg: None


_seeders: list[tuple[int, str, Callable[[SeedContext], Any]]] = []


def seeder(*, order: int = 50):
    """Register ``fn(ctx)``; lower ``order`` runs first (idempotent on re-import)."""

    def register(fn):
        key = f"{fn.__module__}.{fn.__qualname__}"
        if all(name != key for _o, name, _f in _seeders):
            _seeders.append((order, key, fn))
            _seeders.sort(key=lambda t: (t[0], t[1]))
        return fn

    return register


def run_all(*, community, today: dt.date, seed: int, users: dict | None = None, say=None) -> None:
    """Run every registered seeder for ``community``, each in its own transaction."""
    for _order, key, fn in list(_seeders):
        rng = random.Random(seed * 1_000_003 + zlib.crc32(key.encode()))
        with transaction.atomic():
            fn(
                SeedContext(
                    community=community, today=today, rng=rng, users=users or {}, say=say or (lambda _m: None)
                )
            )
