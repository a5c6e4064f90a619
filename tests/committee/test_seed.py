"""seed_demo and demo_logins: realistic, deterministic demo data on PostgreSQL and on SQLite."""

from __future__ import annotations

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from committee import demo
from committee.models import (
    BuildingCaptain,
    CommitteeSeat,
    Household,
    Kinship,
    Representative,
    Resident,
    SupervisionMember,
)
from committee.selectors import current_term, supervision_conflict
from core.idnumbers import parse_id
from core.models import Community, StaffProfile, User

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", households=60, seed=3, stdout=out)
    return Community.objects.get(slug="xingfu"), out.getvalue()


def test_registry_is_realistic_and_consistent(seeded):
    community, output = seeded
    assert community.name == "幸福社区" and "60 户" in output
    households = Household.objects.filter(community=community).select_related("group", "building")
    assert households.count() == 60
    residents = list(Resident.objects.filter(community=community).select_related("household"))
    assert 60 * 1.5 < len(residents) <= 60 * 5
    for r in residents:
        info = parse_id(r.id_number)  # valid checksum
        assert (info.birth_date, info.sex) == (r.birth_date, r.sex)
        assert 2 <= len(r.name) <= 4
        assert r.moved_out_on is None or r.moved_in_on is None or r.moved_out_on >= r.moved_in_on
    heads = Counter(r.household_id for r in residents if r.relation_to_head == Resident.Relation.HEAD)
    assert set(heads.values()) == {1} and len(heads) == 60  # one head per household
    sizes = Counter(r.household_id for r in residents)
    assert max(sizes.values()) <= 5
    assert {Resident.Relation.SPOUSE, Resident.Relation.CHILD} <= {r.relation_to_head for r in residents}
    assert any(r.residence == Resident.Residence.LIVING_UNREGISTERED for r in residents)
    for h in households:
        assert h.building is not None and h.building.group_id == h.group_id
    assert Kinship.objects.filter(community=community, kind=Kinship.Kind.SPOUSE).exists()


def test_committee_representatives_captains_and_supervisors(seeded):
    community, _output = seeded
    term = current_term(community)
    assert term is not None and term.ends_on.year - term.starts_on.year == 5
    seats = list(CommitteeSeat.objects.filter(term=term).select_related("resident"))
    roles = Counter(s.role for s in seats)
    assert (
        len(seats) == 7 and roles[CommitteeSeat.Role.CHAIR] == 1 and roles[CommitteeSeat.Role.VICE_CHAIR] == 1
    )
    assert any(s.resident.sex == "F" for s in seats)
    supervisors = list(SupervisionMember.objects.filter(term=term).select_related("resident"))
    assert len(supervisors) == 3
    for s in supervisors:
        assert supervision_conflict(resident=s.resident, term=term) is None
    reps = list(Representative.objects.filter(term=term).select_related("resident__household"))
    assert len(reps) >= 2  # at least one per group; ~1 per 10 households
    for rep in reps:
        assert rep.resident.household.group_id == rep.group_id
    statuses = set(BuildingCaptain.objects.filter(community=community).values_list("status", flat=True))
    assert BuildingCaptain.Status.CONFIRMED in statuses


def test_staff_users_per_role_with_the_demo_password(seeded):
    community, _output = seeded
    for username, role, _title in demo.DEMO_USERS:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert authenticate(username=username, password=demo.DEMO_PASSWORD) == user
        profile = StaffProfile.objects.get(user=user)
        if role == "街道":
            assert profile.street_office == community.street_office
        else:
            assert list(profile.communities.all()) == [community]
    assert User.objects.get(username=demo.SUPERUSER).is_superuser
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for username, role, _title in demo.DEMO_USERS:
        assert f"{username} " in text and role in text
    assert demo.DEMO_PASSWORD in text and "主任" in text and "监督委员" in text
    # A changed password is not advertised.
    zhuren = User.objects.get(username="zhuren")
    zhuren.set_password("changed-by-the-chair")
    zhuren.save()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "zhuren " not in out.getvalue() and "weiyuan" in out.getvalue()


def test_board_postings_across_categories_with_history(seeded):
    from notices.models import Category, Objection, Posting

    community, _output = seeded
    postings = Posting.objects.filter(community=community)
    categories = set(postings.values_list("category", flat=True))
    assert {
        Category.FINANCE, Category.CONVENTION, Category.ADMITTED_TASKS, Category.HARDSHIP,
        Category.URGENT, Category.NOTICE, Category.AFFAIRS,
    } <= categories  # fmt: skip
    now = timezone.now()
    assert postings.filter(expire_at__lt=now).exists()  # some expired
    assert postings.filter(withdrawn_at__isnull=False).count() == 1
    corrected = postings.get(version=2)
    assert corrected.supersedes.replaced_at is not None and corrected.correction_note
    assert "<table>" in postings.filter(category=Category.FINANCE).first().body
    live_objections = postings.filter(objections_open=True, publish_at__lte=now, expire_at__gt=now)
    assert live_objections.exists() and Objection.objects.filter(posting__community=community).exists()
    months = {p.publish_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m") for p in postings}
    assert len(months) >= 3  # spread over the last few months
    # Hardship postings show masked names only.
    names = set(Resident.objects.filter(community=community).values_list("name", flat=True))
    for p in postings.filter(category=Category.HARDSHIP):
        assert not any(n in p.body for n in names if len(n) >= 2)
        assert "*" in p.body
    # Open nominations went up on the board for objections (captains_post).
    captains = BuildingCaptain.objects.filter(community=community)
    assert not captains.filter(status=BuildingCaptain.Status.NOMINATED).exists()
    for c in captains.filter(status=BuildingCaptain.Status.POSTED):
        assert postings.get(pk=c.posting_id).objections_open
    # The demo's history (a correction, a withdrawal, captains' postings) is all on the record.
    from notices.ledger import verify_chain

    assert verify_chain(community).ok


def test_same_seed_same_people_and_if_empty():
    today = dt.date(2026, 6, 1)

    class Rollback(Exception):
        pass

    def snapshot():
        return list(
            Resident.objects.order_by("id_number").values_list(
                "name", "id_number", "phone", "relation_to_head"
            )
        )

    runs = []
    for _ in range(2):
        with pytest.raises(Rollback, match="undo the demo seed"), transaction.atomic():
            demo.seed(households=40, seed=9, today=today, with_postings=False)
            runs.append(snapshot())
            raise Rollback("undo the demo seed")
    assert runs[0] == runs[1] and len(runs[0]) > 40
    with pytest.raises(Rollback, match="undo the demo seed"), transaction.atomic():
        demo.seed(households=40, seed=10, today=today, with_postings=False)
        assert snapshot() != runs[0]
        raise Rollback("undo the demo seed")
    # --if-empty: nothing happens once any community exists.
    call_command("seed_demo", households=20, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", households=20, if_empty=True, stdout=out)
    assert Community.objects.count() == 1 and "跳过" in out.getvalue()


def test_district_scale_flags_split_households_over_communities():
    result = demo.seed(communities=3, households=90, seed=2, with_postings=False)
    assert [c.slug for c in result.communities] == ["xingfu", "heping", "guangming"]
    assert [Household.objects.filter(community=c).count() for c in result.communities] == [30, 30, 30]
    assert User.objects.filter(username="zhuren_heping", groups__name="主任").exists()


@pytest.mark.django_db(transaction=False)
def test_seed_demo_runs_on_the_embedded_sqlite_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(PORTAL_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portal.settings.dev")
    python, manage = sys.executable, str(ROOT / "manage.py")

    def run(*args):
        done = subprocess.run(
            [python, manage, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run("migrate", "--noinput", "-v0")
    assert "60 户" in run("seed_demo", "--households", "60", "--if-empty")
    assert "已有社区数据，跳过演示数据生成" in run("seed_demo", "--if-empty")
    logins = run("demo_logins")
    assert "zhuren" in logins and demo.DEMO_PASSWORD in logins
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        (residents,) = db.execute("select count(*) from committee_resident").fetchone()
        (postings,) = db.execute("select count(*) from notices_posting").fetchone()
    assert residents > 60 and postings > 10
