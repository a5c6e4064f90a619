"""Window edges at exact instants with no worker running, and the boundary tasks' idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from committee.models import Household
from notices import handoff, services
from notices.models import Delivery, ObjectionReminder, WindowEvent
from notices.selectors import postings_visible
from notices.tasks import process_window_boundaries, redeliver_window_events, remind_pending_objections
from tests.factories import CommunityFactory, HouseholdFactory, ObjectionFactory, released_posting, staff_user

pytestmark = pytest.mark.django_db

SH = dt.timezone(dt.timedelta(hours=8))
PUBLISH = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SH)  # Monday
EXPIRE = dt.datetime(2025, 3, 10, 18, 0, tzinfo=SH)
MICRO = dt.timedelta(microseconds=1)


@pytest.fixture
def scheduled():
    """Released a week ahead of its window, as staff schedule postings; it publishes one household
    (any governed item will do: the board hands each item its window changes)."""
    community = CommunityFactory()
    posting = released_posting(
        community=community,
        title="关于三月停水检修的通知",
        publish_at=PUBLISH,
        expire_at=EXPIRE,
        at=PUBLISH - dt.timedelta(days=7),
        sources=[HouseholdFactory(community=community)],
    )
    return posting


@pytest.fixture
def signals_seen(monkeypatch):
    """What the items' app was told: (kind, posting id, boundary, [reason]) per item and event."""
    seen = []
    monkeypatch.setattr(handoff, "_handlers", {})

    def opened(item, change):
        seen.append(("opened", change.posting.pk, change.boundary_at))

    def closed(item, change):
        seen.append(("closed", change.posting.pk, change.boundary_at, change.reason))

    handoff.on_window(Household, opened=opened, closed=closed)
    return seen


@pytest.mark.parametrize(
    ("instant", "visible"),
    [
        (PUBLISH - MICRO, False),
        (PUBLISH, True),  # public at publish_at exactly
        (EXPIRE - MICRO, True),
        (EXPIRE, False),  # gone at expire_at exactly
    ],
)
def test_window_edges_at_exact_instants(scheduled, instant, visible):
    with time_machine.travel(instant, tick=False):
        # No task runs: visibility is read from the window with the frozen clock.
        assert (scheduled in postings_visible(community=scheduled.community)) is visible
        assert scheduled.is_visible(instant) is visible
    assert not WindowEvent.objects.exists()


def test_board_page_follows_the_window_without_a_worker(client, scheduled):
    url = reverse("notices:board", kwargs={"slug": scheduled.community.slug})
    seen = {}
    # One client walking through time: page caches and ETags must not outlive a boundary.
    for label, instant in [
        ("before", PUBLISH - MICRO),
        ("open", PUBLISH),
        ("last", EXPIRE - MICRO),
        ("closed", EXPIRE),
    ]:
        with time_machine.travel(instant, tick=False):
            response = client.get(url)
            assert response.status_code == 200
            seen[label] = scheduled.title in response.content.decode()
    assert seen == {"before": False, "open": True, "last": True, "closed": False}
    assert not WindowEvent.objects.exists()


def test_boundary_task_run_twice_records_once(scheduled, signals_seen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert process_window_boundaries(at=PUBLISH - MICRO) == {"opened": 0, "closed": 0}
        assert process_window_boundaries(at=PUBLISH) == {"opened": 1, "closed": 0}
        assert process_window_boundaries(at=PUBLISH) == {"opened": 0, "closed": 0}
        assert process_window_boundaries(at=EXPIRE - MICRO) == {"opened": 0, "closed": 0}
        assert process_window_boundaries(at=EXPIRE) == {"opened": 0, "closed": 1}
        assert process_window_boundaries(at=EXPIRE + dt.timedelta(minutes=1)) == {"opened": 0, "closed": 0}
    events = list(WindowEvent.objects.order_by("kind").values_list("kind", "boundary_at", "recorded_at"))
    assert events == [("closed", EXPIRE, EXPIRE), ("opened", PUBLISH, PUBLISH)]
    assert signals_seen == [("opened", scheduled.pk, PUBLISH), ("closed", scheduled.pk, EXPIRE, "expired")]


def test_boundary_task_a_day_late_records_once_with_the_true_instants(
    scheduled, signals_seen, django_capture_on_commit_callbacks
):
    late = EXPIRE + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = process_window_boundaries(at=late)
        second = process_window_boundaries(at=late + dt.timedelta(minutes=1))
    assert first == {"opened": 1, "closed": 1}
    assert second == {"opened": 0, "closed": 0}
    events = dict(WindowEvent.objects.values_list("kind", "boundary_at"))
    assert events == {"opened": PUBLISH, "closed": EXPIRE}
    assert WindowEvent.objects.filter(recorded_at=late).count() == 2
    assert [s[0] for s in signals_seen] == ["opened", "closed"]
    assert signals_seen[1][2] == EXPIRE


def test_boundary_task_with_the_real_clock_under_time_machine(scheduled, django_capture_on_commit_callbacks):
    """Beat calls the task without ``at``: it reads the (frozen) clock once."""
    with time_machine.travel(PUBLISH, tick=False), django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries.delay()  # eager in tests: runs here, no worker
    assert list(WindowEvent.objects.values_list("kind", flat=True)) == ["opened"]


def test_withdrawn_before_opening_never_opens(scheduled, signals_seen, django_capture_on_commit_callbacks):
    services.posting_withdraw(scheduled, actor=None, reason="日期有误", at=PUBLISH - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert process_window_boundaries(at=EXPIRE + dt.timedelta(days=1)) == {"opened": 0, "closed": 0}
    assert signals_seen == []


def test_withdrawal_and_replacement_close_with_their_reason(signals_seen, django_capture_on_commit_callbacks):
    community = CommunityFactory()
    item = HouseholdFactory(community=community)
    a = released_posting(
        community=community, publish_at=PUBLISH, expire_at=EXPIRE, at=PUBLISH, sources=[item]
    )
    b = released_posting(
        community=community, publish_at=PUBLISH, expire_at=EXPIRE, at=PUBLISH, sources=[item]
    )
    withdraw_at = PUBLISH + dt.timedelta(days=1)
    services.posting_withdraw(a, actor=None, reason="重复发布", at=withdraw_at)
    b2 = services.posting_new_version(
        b, actor=None, correction_note="更正日期", at=withdraw_at, title="更正后的标题"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = process_window_boundaries(at=withdraw_at)
    assert result == {"opened": 3, "closed": 2}
    closes = {s[1]: s[3] for s in signals_seen if s[0] == "closed"}
    assert closes == {a.pk: "withdrawn", b.pk: "replaced"}
    assert ("opened", b2.pk, withdraw_at) in signals_seen


def test_each_item_of_a_list_posting_is_told_once(monkeypatch, django_capture_on_commit_callbacks):
    """A list posting (captains, a roll, a batch of cases) tells every item it cites."""
    monkeypatch.setattr(handoff, "_handlers", {})
    told = []
    handoff.on_window(Household, closed=lambda item, change: told.append((item.pk, change.reason)))
    community = CommunityFactory()
    items = [HouseholdFactory(community=community) for _ in range(3)]
    released_posting(community=community, publish_at=PUBLISH, expire_at=EXPIRE, at=PUBLISH, sources=items)
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=EXPIRE)
    assert sorted(told) == sorted((h.pk, "expired") for h in items)
    # The sweep finds nothing left to deliver, and delivering again tells nobody twice.
    assert redeliver_window_events(at=EXPIRE + dt.timedelta(hours=1)) == {"queued": 0}
    event = WindowEvent.objects.get(kind="closed")
    assert handoff.deliver(event.pk) == {"delivered": 0, "already": 3}
    assert len(told) == 3


def test_a_failing_handler_is_retried_until_its_item_takes_the_change(
    scheduled, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(handoff, "_handlers", {})
    attempts = []

    def flaky(item, change):
        attempts.append(change.kind)
        if len(attempts) == 1:
            raise RuntimeError("handler bug")

    handoff.on_window(Household, opened=flaky)
    with django_capture_on_commit_callbacks(execute=True):
        # Eager Celery in tests: the hand-off asks for its retry (a worker would schedule it); the
        # boundary task itself is not held back by it.
        assert process_window_boundaries(at=PUBLISH) == {"opened": 1, "closed": 0}
    assert "Retry in" in caplog.text
    assert WindowEvent.objects.filter(kind="opened").count() == 1  # the boundary is recorded regardless
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "handler bug" in delivery.last_error and "handler bug" in caplog.text

    # Too young for the sweep; an hour later the sweep queues it again and it is delivered.
    assert redeliver_window_events(at=PUBLISH + dt.timedelta(minutes=1)) == {"queued": 0}
    assert redeliver_window_events(at=PUBLISH + dt.timedelta(hours=1)) == {"queued": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DONE, 2)
    assert attempts == ["opened", "opened"]


def test_a_handler_failure_rolls_back_what_it_wrote(
    scheduled, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(handoff, "_handlers", {})

    def half_done(item, change):
        Household.objects.filter(pk=item.pk).update(address="写了一半")
        raise RuntimeError("then failed")

    handoff.on_window(Household, opened=half_done)
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=PUBLISH)
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert not Household.objects.filter(address="写了一半").exists()


# --- reminders ---------------------------------------------------------------------------------------


def test_reminder_emails_staff_of_that_community_once_a_day(settings):
    settings.PORTAL_OBJECTION_REMINDER_DAYS = 3
    community, other = CommunityFactory(name="幸福社区"), CommunityFactory()
    mine = staff_user(communities=[community], email="zhang@example.org")
    staff_user(communities=[other], email="other@example.org")
    staff_user(communities=[community], email="")  # no address: skipped
    posting = released_posting(community=community, objections_open=True, publish_at=PUBLISH, at=PUBLISH)
    old = ObjectionFactory(posting=posting, filed_at=PUBLISH + dt.timedelta(hours=1))
    ObjectionFactory(posting=posting, filed_at=PUBLISH + dt.timedelta(days=2))  # too recent
    at = PUBLISH + dt.timedelta(days=3, hours=1, minutes=1)

    assert remind_pending_objections(at=at) == {"communities": 1}
    assert remind_pending_objections(at=at + dt.timedelta(hours=2)) == {"communities": 0}  # same day
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [mine.email]
    assert "幸福社区" in message.subject and "1条异议" in message.subject
    assert ObjectionReminder.objects.get().objections == 1

    services.objection_answer(old, actor=mine, answer="已核实，名单无误。", upheld=False, at=at)
    assert remind_pending_objections(at=at + dt.timedelta(days=1)) == {
        "communities": 0
    }  # the other: 1 day old
    assert remind_pending_objections(at=at + dt.timedelta(days=3)) == {"communities": 1}  # now 3 days old
    assert len(mail.outbox) == 2


def test_setup_periodic_tasks_replaces_a_renamed_schedule():
    """An install set up under an older schedule name ends with one entry per task, the new name."""
    every5, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(
        name="公开记录链头公布（每5分钟）", task="notices.tasks.publish_ledger_heads", interval=every5
    )
    PeriodicTask.objects.create(name="管理员自建的任务", task="celery.backend_cleanup", interval=every5)
    call_command("setup_periodic_tasks")
    heads = PeriodicTask.objects.filter(task="notices.tasks.publish_ledger_heads")
    assert list(heads.values_list("name", flat=True)) == ["公开登记簿登记码公布（每5分钟）"]
    assert PeriodicTask.objects.filter(name="管理员自建的任务").exists()  # not one of ours: kept


def test_setup_periodic_tasks_is_idempotent():
    call_command("setup_periodic_tasks")
    call_command("setup_periodic_tasks")
    tasks = {t.task: t for t in PeriodicTask.objects.select_related("interval", "crontab")}
    from core import periodic
    from notices.management.commands.setup_periodic_tasks import SCHEDULES

    # The board's five, plus every schedule an app registered; none duplicated by the second run.
    assert len(tasks) == PeriodicTask.objects.count() == 5 + len(periodic.SCHEDULES)
    assert len(SCHEDULES) == 5
    boundaries = tasks["notices.tasks.process_window_boundaries"]
    assert (boundaries.interval.every, boundaries.interval.period) == (1, "minutes")
    sweep = tasks["notices.tasks.redeliver_window_events"]
    assert (sweep.interval.every, sweep.interval.period) == (15, "minutes")
    monthly = tasks["notices.tasks.generate_monthly_disclosures"].crontab
    assert (monthly.minute, monthly.hour, monthly.day_of_month, str(monthly.timezone)) == (
        "30",
        "0",
        "1",
        "Asia/Shanghai",
    )
    assert tasks["notices.tasks.remind_pending_objections"].crontab.hour == "9"
