"""Issue 7: the tamper-evident record covers what residents see.

Each test is one thing an attacker with database access does through the ORM (``QuerySet.update``
bypasses ``Posting.save``; the ledger's append-only trigger is switched off where entries are
touched), and ``verify_ledger`` must then fail, naming what was changed. Verification reconciles the
chain with the board (every released posting has its release entry, its lifecycle state is the one
its latest entry records) and with the heads published outside the ledger table (the beat task's
``LedgerHead`` rows and the month-end hash printed on each monthly sheet).
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from notices import ledger, services
from notices.models import Attachment, LedgerEntry, LedgerHead, MonthlyDisclosure, Posting
from notices.tasks import publish_ledger_heads
from tests.factories import CommunityFactory, released_posting

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def _h(n: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


@pytest.fixture
def board():
    """A community's board: a plain notice, a hardship posting with objections and working days,
    a corrected posting (two versions), a withdrawn one and a draft; heads published after."""
    community = CommunityFactory(slug="xingfu")
    notice = released_posting(community=community, title="停水通知", at=_h(0))
    hardship = released_posting(
        community=community,
        category="hardship",
        title="低保公示",
        body="<p>王*华 3人</p>",
        working_days=5,
        objections_open=True,
        at=_h(1),
    )
    first = released_posting(community=community, title="财务公开", pinned=True, at=_h(2))
    second = services.posting_new_version(first, actor=None, correction_note="金额更正", at=_h(3))
    gone = released_posting(community=community, title="已作废通知", at=_h(4))
    services.posting_withdraw(gone, actor=None, reason="发布有误", at=_h(5))
    draft = services.posting_create_draft(community=community, category="notice", title="草稿通知", at=_h(5))
    publish_ledger_heads(at=_h(6))
    return {
        "community": community,
        "notice": notice,
        "hardship": hardship,
        "first": first,
        "second": second,
        "gone": gone,
        "draft": draft,
    }


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=err)
    except CommandError as e:
        return e.returncode, err.getvalue() + str(e)
    return 0, out.getvalue()


def _tamper_ledger(sql: str, params=(), table: str = "notices_ledgerentry") -> None:
    """An attacker with database access switches the append-only trigger off, then edits."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _edit(posting: Posting, **fields) -> None:
    Posting.objects.filter(pk=posting.pk).update(**fields)


def test_untouched_board_verifies(board):
    code, out = _verify()
    assert code == 0 and "OK" in out


def test_every_state_change_is_its_own_entry(board):
    rows = list(
        LedgerEntry.objects.filter(community=board["community"])
        .order_by("sequence")
        .values_list("posting_id", "action")
    )
    assert rows == [
        (board["notice"].pk, "publish"),
        (board["hardship"].pk, "publish"),
        (board["first"].pk, "publish"),
        (board["second"].pk, "publish"),
        (board["first"].pk, "replace"),
        (board["gone"].pk, "publish"),
        (board["gone"].pk, "withdraw"),
    ]


def test_setting_withdrawn_at_is_found(board):
    # The posting disappears from the board with no withdrawal on record.
    _edit(board["notice"], withdrawn_at=_h(7), withdrawal_reason="")
    code, err = _verify()
    assert code == 1
    assert f"公开事项 {board['notice'].pk}" in err and "撤回" in err


def test_setting_replaced_at_is_found(board):
    _edit(board["notice"], replaced_at=_h(7))
    code, err = _verify()
    assert code == 1
    assert f"公开事项 {board['notice'].pk}" in err and "替换" in err


def test_clearing_a_withdrawal_is_found(board):
    _edit(board["gone"], withdrawn_at=None, withdrawal_reason="")
    code, err = _verify()
    assert code == 1 and f"公开事项 {board['gone'].pk}" in err


def test_moving_a_withdrawal_time_is_found(board):
    _edit(board["gone"], withdrawn_at=_h(30))  # it would stay public for another day
    code, err = _verify()
    assert code == 1 and f"公开事项 {board['gone'].pk}" in err and "内容与登记的校验码不符" in err


@pytest.mark.parametrize(
    "field, value",
    [
        ("objections_open", False),
        ("pinned", True),
        ("working_days", 3),
        ("expire_at", _h(500)),
        ("category", "notice"),
        ("correction_note", "另一条说明"),
    ],
)
def test_editing_what_residents_see_is_found(board, field, value):
    _edit(board["hardship"], **{field: value})
    code, err = _verify()
    assert code == 1
    assert f"公开事项 {board['hardship'].pk}" in err and "内容与登记的校验码不符" in err


def test_unpinning_is_found(board):
    _edit(board["second"], pinned=False)
    code, err = _verify()
    assert code == 1 and f"公开事项 {board['second'].pk}" in err


def test_every_changed_posting_is_named_once(board):
    _edit(board["hardship"], pinned=True)
    _edit(board["first"], title="财务公开（改）")  # has a publish and a replace entry
    _edit(board["notice"], withdrawn_at=_h(7), withdrawal_reason="")
    result = ledger.verify_chain(board["community"])
    named = [b.posting_id for b in result.breaks]
    assert sorted(named) == sorted([board["hardship"].pk, board["first"].pk, board["notice"].pk])
    assert "没有发布记录" not in " ".join(b.reason for b in result.breaks)


def test_renaming_an_attachment_is_found():
    community = CommunityFactory(slug="files")
    draft = services.posting_create_draft(community=community, category="notice", title="附件", at=T0)
    pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    attachment = services.attachment_add(draft, file=pdf, actor=None)
    services.posting_release(draft, actor=None, at=T0)
    assert ledger.verify_chain(community).ok
    Attachment.objects.filter(pk=attachment.pk).update(name="另一份名单.pdf")
    assert not ledger.verify_chain(community).ok


def test_an_attachment_file_replaced_on_disk_is_found_with_files():
    community = CommunityFactory(slug="files")
    draft = services.posting_create_draft(community=community, category="notice", title="附件", at=T0)
    pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    attachment = services.attachment_add(draft, file=pdf, actor=None)
    services.posting_release(draft, actor=None, at=T0)
    call_command("verify_ledger", "--files", stdout=StringIO())
    with open(attachment.file.path, "wb") as handle:
        handle.write(b"%PDF-1.4\n% another list\n%%EOF\n")
    assert ledger.verify_chain(community).ok  # the quick check does not read files
    with pytest.raises(CommandError, match="posting="):
        call_command("verify_ledger", "--files", stdout=StringIO(), stderr=StringIO())
    result = ledger.verify_chain(community, files=True)
    assert "名单.pdf" in result.first_broken.reason and "被替换" in result.first_broken.reason


def test_draft_flipped_to_released_is_found(board):
    # It appears on the board with no ledger entry at all.
    _edit(board["draft"], state=Posting.State.RELEASED, released_at=_h(7), publish_at=_h(7))
    code, err = _verify()
    assert code == 1
    assert f"公开事项 {board['draft'].pk}" in err and "没有发布记录" in err


def test_released_flipped_back_to_draft_is_found(board):
    _edit(board["notice"], state=Posting.State.DRAFT, released_at=None)
    code, err = _verify()
    assert code == 1 and f"公开事项 {board['notice'].pk}" in err and "草稿" in err


def test_deleting_the_last_entry_is_found(board):
    last = LedgerEntry.objects.filter(community=board["community"]).order_by("-sequence").first()
    _tamper_ledger("DELETE FROM notices_ledgerentry WHERE id = %s", [last.pk])
    code, err = _verify()
    assert code == 1 and "xingfu" in err


def test_deleting_the_last_entry_and_undoing_its_change_is_found_by_the_published_head(board):
    """The withdrawal is erased everywhere in the database but the heads table: the posting is back."""
    last = LedgerEntry.objects.filter(community=board["community"]).order_by("-sequence").first()
    assert (last.posting_id, last.action) == (board["gone"].pk, "withdraw")
    _tamper_ledger("DELETE FROM notices_ledgerentry WHERE id = %s", [last.pk])
    _edit(board["gone"], withdrawn_at=None, withdrawal_reason="")
    code, err = _verify()
    assert code == 1
    assert f"第 {last.sequence} 条" in err and "截断" in err


def test_a_consistently_rewritten_chain_is_found_by_the_published_head(board):
    """Rewrite a posting and every hash after it, as a careful attacker would: only the head differs."""
    community = board["community"]
    _edit(board["hardship"], body="<p>李*华 3人</p>")
    hardship = Posting.objects.get(pk=board["hardship"].pk)
    entries = list(LedgerEntry.objects.filter(community=community).order_by("sequence"))
    prev = entries[0].entry_hash
    for entry in entries[1:]:
        if entry.posting_id == hardship.pk:
            entry.content_hash = ledger.content_hash(hardship, entry.action)
        entry.prev_hash = prev
        entry.entry_hash = ledger._entry_hash_of(entry)
        _tamper_ledger(
            "UPDATE notices_ledgerentry SET content_hash = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
            [entry.content_hash, entry.prev_hash, entry.entry_hash, entry.pk],
        )
        prev = entry.entry_hash
    code, err = _verify()
    assert code == 1 and "已公布的登记簿末条" in err and f"第 {entries[-1].sequence} 条" in err


def test_the_month_end_hash_printed_on_a_sheet_must_stay_in_the_chain(board):
    community = board["community"]
    head = ledger.head(community)
    MonthlyDisclosure.objects.create(
        community=community,
        month=dt.date(2026, 11, 1),
        content_hash="a" * 64,
        ledger_hash=head.entry_hash,
        pdf="disclosures/xingfu/2026-11-v1.pdf",
        generated_at=_h(700),
    )
    _tamper_ledger("DELETE FROM notices_ledgerhead", table="notices_ledgerhead")  # empties the heads too
    assert _verify()[0] == 0
    _tamper_ledger("DELETE FROM notices_ledgerentry WHERE id = %s", [head.pk])
    _edit(board["gone"], withdrawn_at=None, withdrawal_reason="")
    code, err = _verify()
    assert code == 1 and "2026年11月" in err and "月报" in err


def test_publish_ledger_heads_is_idempotent(board):
    community, other = board["community"], CommunityFactory(slug="other")
    assert list(LedgerHead.objects.values_list("community__slug", "sequence")) == [("xingfu", 7)]
    assert publish_ledger_heads(at=_h(7)) == {"published": 0}  # nothing new: nothing recorded
    released_posting(community=other, at=_h(8))
    services.posting_withdraw(board["notice"], actor=None, reason="已恢复供水", at=_h(8))
    assert publish_ledger_heads(at=_h(9)) == {"published": 2}
    assert publish_ledger_heads(at=_h(9)) == {"published": 0}
    heads = {(h.community.slug, h.sequence): h for h in LedgerHead.objects.select_related("community")}
    assert sorted(heads) == [("other", 1), ("xingfu", 7), ("xingfu", 8)]
    assert heads[("xingfu", 8)].entry_hash == ledger.head(community).entry_hash
    assert heads[("xingfu", 8)].published_at == _h(9)
    assert _verify()[0] == 0


def test_heads_are_scheduled():
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", stdout=StringIO())
    task = PeriodicTask.objects.get(task="notices.tasks.publish_ledger_heads")
    assert task.enabled and task.interval.every <= 10


def test_the_heads_table_is_append_only(board):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerHead.objects.update(entry_hash="0" * 64)
