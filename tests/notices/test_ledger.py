"""The tamper-evident record: the chain links every release, replacement and withdrawal; tampering by
someone with database access (triggers disabled) is found by ``verify_ledger`` at the first broken
entry; concurrent releases never fork the chain."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, close_old_connections, connection, transaction

from notices import ledger, services
from notices.models import LedgerEntry, Posting
from tests.factories import CommunityFactory, released_posting

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 5, 6, 1, 0, tzinfo=dt.UTC)


def _h(n: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


@pytest.fixture
def history():
    """Three postings, a correction and a withdrawal in one community; one posting in another."""
    community = CommunityFactory(slug="xingfu")
    a = released_posting(community=community, title="停水通知", at=_h(0))
    b = released_posting(community=community, title="低保公示", body="王*华", at=_h(1))
    b2 = services.posting_new_version(b, actor=None, correction_note="更正", body="王*花", at=_h(2))
    services.posting_withdraw(a, actor=None, reason="已恢复供水", at=_h(3))
    released_posting(community=CommunityFactory(slug="other"), at=_h(1))
    return {"community": community, "a": a, "b": b, "b2": b2}


def _verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=err)
    except CommandError as e:
        return e.returncode, out.getvalue(), err.getvalue() + str(e)
    return 0, out.getvalue(), err.getvalue()


def _tamper(sql: str, params=()) -> None:
    """What an attacker with database access does: switch the append-only trigger off, then edit."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush the test transaction's deferred FK checks
        cursor.execute("ALTER TABLE notices_ledgerentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE notices_ledgerentry ENABLE TRIGGER USER")


def test_chain_links_every_publication(history):
    entries = list(LedgerEntry.objects.filter(community=history["community"]).order_by("sequence"))
    assert [(e.sequence, e.posting_id, e.posting_version, e.action) for e in entries] == [
        (1, history["a"].pk, 1, "publish"),
        (2, history["b"].pk, 1, "publish"),
        (3, history["b2"].pk, 2, "publish"),
        (4, history["b"].pk, 1, "replace"),
        (5, history["a"].pk, 1, "withdraw"),
    ]
    assert entries[0].prev_hash == ledger.GENESIS
    assert all(
        later.prev_hash == earlier.entry_hash for earlier, later in zip(entries, entries[1:], strict=False)
    )
    assert [e.recorded_at for e in entries] == [_h(0), _h(1), _h(2), _h(2), _h(3)]
    code, out, _err = _verify()
    assert code == 0 and "OK: 6 entries in 2 communities" in out


def test_content_hash_is_the_canonical_content():
    community = CommunityFactory(slug="hash")
    p = released_posting(community=community, title="标题", body="<p>正文</p>", at=T0, expire_at=_h(24))
    expected = {
        "community": community.pk,
        "category": "notice",
        "title": "标题",
        "body": "<p>正文</p>",
        "publish_at": "2025-05-06T01:00:00.000000+00:00",
        "expire_at": "2025-05-07T01:00:00.000000+00:00",
        "working_days": None,
        "pinned": False,
        "objections_open": False,
        "version": 1,
        "series": p.pk,
        "supersedes": None,
        "correction_note": "",
        "attachments": [],
    }
    assert ledger.canonical_content(p) == expected
    assert LedgerEntry.objects.get().content_hash == ledger.content_hash(p)
    p = services.posting_withdraw(p, actor=None, reason="有误", at=_h(1))
    assert ledger.canonical_content(p, "withdraw") == dict(
        expected, withdrawn_at="2025-05-06T02:00:00.000000+00:00", withdrawal_reason="有误"
    )


def test_trigger_refuses_update_and_delete(history):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(sequence=1).update(content_hash="0" * 64)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(sequence=4).delete()
    assert LedgerEntry.objects.count() == 6


def test_edited_entry_is_found(history):
    entry = LedgerEntry.objects.get(community=history["community"], sequence=2)
    _tamper("UPDATE notices_ledgerentry SET content_hash = %s WHERE id = %s", ["f" * 64, entry.pk])
    code, _out, err = _verify()
    assert code == 1
    assert "community=xingfu sequence=2" in err and "本条登记码与内容不符" in err
    assert "sequence=3" not in err.split("\n")[0]


def test_posting_edited_behind_the_services_back_is_found(history):
    # Queryset.update() bypasses Posting.save(): the chain still notices.
    Posting.objects.filter(pk=history["b2"].pk).update(body="<p>王*草</p>")
    result = ledger.verify_chain()
    assert not result.ok
    brk = result.first_broken
    assert (brk.community_slug, brk.sequence) == ("xingfu", 3)
    assert "内容与登记的校验码不符" in brk.reason and str(history["b2"].pk) in brk.reason


def test_deleted_entry_is_found(history):
    entry = LedgerEntry.objects.get(community=history["community"], sequence=2)
    _tamper("DELETE FROM notices_ledgerentry WHERE id = %s", [entry.pk])
    code, _out, err = _verify()
    assert code == 1 and "community=xingfu sequence=3" in err and "条目编号不连续" in err


def test_rewritten_chain_tail_is_found(history):
    """Recomputing an entry's own hash after editing it still breaks the link to the next one."""
    entry = LedgerEntry.objects.get(community=history["community"], sequence=2)
    entry.recorded_at = entry.recorded_at + dt.timedelta(minutes=5)
    new_hash = ledger._entry_hash_of(entry)
    _tamper(
        "UPDATE notices_ledgerentry SET recorded_at = %s, entry_hash = %s WHERE id = %s",
        [entry.recorded_at, new_hash, entry.pk],
    )
    result = ledger.verify_chain(history["community"])
    assert result.first_broken.sequence == 3 and "上一条的登记码不符" in result.first_broken.reason


def test_verify_one_community(history):
    out = StringIO()
    call_command("verify_ledger", "--community", "other", stdout=out)
    assert "OK: 1 entries in 1 communities" in out.getvalue()
    with pytest.raises(CommandError, match="unknown community"):
        call_command("verify_ledger", "--community", "nope")


def test_lookup_by_full_hash_or_prefix(history):
    community = history["community"]
    entry = LedgerEntry.objects.get(community=community, sequence=3)
    assert ledger.lookup(community, entry.entry_hash) == entry
    assert ledger.lookup(community, entry.entry_hash[:16]) == entry
    spaced = " ".join(entry.entry_hash[i : i + 4] for i in range(0, 20, 4)).upper()
    assert ledger.lookup(community, spaced) == entry  # as typed from paper
    assert ledger.lookup(community, entry.content_hash) == entry
    assert ledger.lookup(community, entry.entry_hash[:15]) is None  # too short to be unique
    assert ledger.lookup(community, "not a hash at all") is None
    assert ledger.lookup(CommunityFactory(), entry.entry_hash) is None  # another community's record


def test_head_hash_at_a_time(history):
    community = history["community"]
    entries = {e.sequence: e.entry_hash for e in LedgerEntry.objects.filter(community=community)}
    assert ledger.head_hash(community, T0 - dt.timedelta(seconds=1)) is None
    assert ledger.head_hash(community, _h(1)) == entries[2]
    assert ledger.head_hash(community, _h(2) + dt.timedelta(minutes=59)) == entries[4]
    assert ledger.head_hash(community) == entries[5]


def _release(posting):
    services.posting_release(posting, actor=None)


def _append_only(posting):
    # The release without the service: only the ledger's own lock keeps the chain linear.
    Posting.objects.filter(pk=posting.pk).update(state=Posting.State.RELEASED)
    ledger.append(posting=posting)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [_release, _append_only], ids=["service", "ledger.append"])
def test_concurrent_releases_do_not_fork_the_chain(write):
    """A release that starts while another is uncommitted waits for it, then links after it.

    Deterministic: the first release holds its transaction open while the second one starts.
    Without the community lock both would read the same head and the second would fail on the
    unique (community, sequence) constraint, or fork the chain.
    """
    community = CommunityFactory()
    first, second = (
        services.posting_create_draft(community=community, category="notice", title=f"通知{i}")
        for i in range(2)
    )
    first_appended, events, errors = threading.Event(), [], []

    def release_first():
        try:
            with transaction.atomic():
                write(first)
                first_appended.set()
                threading.Event().wait(0.5)  # keep the transaction open while the other one starts
                events.append("first committed")
        except Exception as e:
            errors.append(e)
        finally:
            first_appended.set()
            close_old_connections()

    def release_second():
        try:
            first_appended.wait()
            write(second)
            events.append("second committed")
        except Exception as e:
            errors.append(e)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=release_first), threading.Thread(target=release_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert events == ["first committed", "second committed"]
    chain = list(
        LedgerEntry.objects.filter(community=community)
        .order_by("sequence")
        .values_list("sequence", "posting")
    )
    assert chain == [(1, first.pk), (2, second.pk)]
    assert ledger.verify_chain(community).ok
