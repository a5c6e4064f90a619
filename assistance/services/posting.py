"""The public posting of a batch of cases (张榜公示, 7 days with real-name objections) and what the
board tells each case when the window opens or closes (``notices.handoff``).

Residents read a masked name, the household size, the programme and the amount, in a table
generated from the cases: never an ID number, an address or the income breakdown (DOMAIN.md).
After the window the board itself takes hardship postings off the public site (names included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from assistance.flow import CASE_FLOW
from assistance.models import Case, Investigation
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.idnumbers import mask_name
from core.models import Community, User


@dataclass(frozen=True)
class PublicRow:
    """One line of the public table (what a resident may read)."""

    name: str  # masked: 张*明
    household_size: int
    programme: str
    amount: str


def household_size(case: Case) -> int:
    """From the latest investigation (cross first), else the declared members."""
    invs = sorted(case.investigations.all(), key=lambda i: i.kind != Investigation.Kind.CROSS)
    if invs:
        return invs[0].household_size
    return len(case.members.all())


def short_programme(case: Case) -> str:
    """The name residents use (低保, 困难户, 临时救助): the public table must fit a phone."""
    from assistance.models import Programme

    return str({Programme.Kind.MINIMUM_LIVING: _("低保")}.get(case.programme.kind, case.programme))


def public_rows(cases: Iterable[Case]) -> list[PublicRow]:
    return [
        PublicRow(
            name=mask_name(c.applicant.name),
            household_size=household_size(c),
            programme=short_programme(c),
            amount=f"{c.monthly_amount:.2f}",
        )
        for c in cases
    ]


def public_table_html(rows: list[PublicRow]) -> str:
    head = format_html_join(
        "", "<th>{}</th>", ((h,) for h in (_("申请人"), _("家庭人口"), _("类别"), _("金额（元/月）")))
    )
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((r.name, r.household_size, r.programme, r.amount) for r in rows),
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def _batch(pks: list[int], *, lock: bool) -> list[Case]:
    if not pks:
        raise RuleViolation(_("请至少选择一件申请。"))
    qs = Case.objects.filter(pk__in=pks).select_related("applicant", "programme", "community")
    if lock:
        qs = qs.select_for_update(of=("self",))
    cases = list(qs.order_by("pk").prefetch_related("investigations", "members"))
    if len({c.community_id for c in cases}) != 1:
        raise RuleViolation(_("一次公示只能包含同一社区的申请。"))
    not_ready = [c for c in cases if c.state != Case.State.SCORED]
    if not_ready:
        raise RuleViolation(
            _("以下申请尚未通过居委会评议和民意测评，不能公示：%(list)s")
            % {"list": "、".join(f"{c.household.number}（{c.get_state_display()}）" for c in not_ready)}
        )
    return cases


@transaction.atomic
def cases_post(*, cases: Iterable[Case], actor: User | None, at: dt.datetime | None = None):
    """Post a batch on the board for ``rules.hardship_posting_days`` days with objections open; the
    posting cites every case, so each learns when its window closes."""
    from notices.models import Category
    from notices.services import publish

    at = at or timezone.now()
    cases = _batch([c.pk for c in cases], lock=True)
    community = cases[0].community
    check_scope(actor, community.pk)
    for c in cases:
        reasons = CASE_FLOW.reasons(c, "post", actor=actor, at=at)
        if reasons:
            raise RuleViolation(reasons)
    Community.objects.select_for_update().filter(pk=community.pk).values_list("pk", flat=True).get()
    days = community.rules.hardship_posting_days
    ends_at = at + dt.timedelta(days=days)
    rows = public_rows(cases)
    body = "".join(
        [
            format_html(
                "<p>{}</p>",
                _(
                    "经入户调查、居委会评议和居民代表民意测评，以下%(n)d户拟享受救助，现予公示%(days)d天"
                    "（至%(end)s止）。如有异议，请在公示期内实名提出。"
                )
                % {
                    "n": len(rows),
                    "days": days,
                    "end": formats.date_format(timezone.localtime(ends_at), _("Y年n月j日 H:i")),
                },
            ),
            public_table_html(rows),
            format_html(
                "<p>{}</p>", _("依法保护个人信息：姓名已作脱敏处理，不公开身份证号、住址及收入明细。")
            ),
        ]
    )
    title = _("救助对象公示（%(date)s，共%(n)d户）") % {
        "date": formats.date_format(timezone.localdate(at), _("Y年n月j日")),
        "n": len(rows),
    }
    posting = publish(
        community=community,
        category=Category.HARDSHIP,
        title=title,
        body=body,
        expire_at=ends_at,
        objections_open=True,
        sources=cases,
        actor=actor,
        at=at,
    )
    for c in cases:
        CASE_FLOW.apply(c, "post", actor=actor, at=at, note=title)
        c.posting_id = posting.pk
        c.posting_ends_at = posting.expire_at
        c.posting_closed_at = None
        c.step_due_on = timezone.localdate(posting.expire_at) + dt.timedelta(days=1)
        save_governed(c, actor=actor, reason=_("张榜公示"), validate=False)
    return posting


def case_window_closed(case: Case, change) -> None:
    """The board closed the posting citing ``case``: expired → ready to report; withdrawn → back to
    待公示 (a new posting is needed). Idempotent: a repeated delivery changes nothing."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state != Case.State.POSTED or case.posting_id != change.posting.pk:
        return
    if change.reason == "expired":
        if case.posting_closed_at is None:
            CASE_FLOW.apply(
                case, "posting_closed", actor=None, at=change.boundary_at, note=change.posting.title
            )
            case.posting_closed_at = change.boundary_at
            save_governed(case, actor=None, reason=_("公示期满"), validate=False)
    elif change.reason == "withdrawn":
        CASE_FLOW.apply(
            case, "posting_withdrawn", actor=None, at=change.boundary_at, note=change.posting.title
        )
        case.posting_id = None
        case.posting_ends_at = None
        save_governed(case, actor=None, reason=_("公示撤回"), validate=False)
