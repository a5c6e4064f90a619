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

The package, by concept: ``people`` (names, ID numbers, families), ``registry`` (one community's
registry), ``accounts`` (staff accounts and ``demo_logins``), ``board`` (the board's postings) and
``seed`` (all of it).
"""

from committee.demo.accounts import DEMO_PASSWORD, DEMO_USERS, SUPERUSER, demo_logins
from committee.demo.people import _family, _Gen
from committee.demo.seed import SeedResult, seed

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "SUPERUSER", "SeedResult", "_Gen", "_family", "demo_logins", "seed"]
