"""What the board's writes share: the fields a version carries, the window in working days, the
body cleaned and checked for personal data, the row lock, the cache bump after commit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import add_working_days_detailed
from core.dates import validate_in_range
from core.errors import RuleViolation
from core.privacy import community_public_phones, find_personal_data
from notices import cache
from notices.models import Attachment, Posting
from notices.sanitize import dangerous_parts, readable_text, sanitize_body

# Fields a correction (new version) may change.
VERSION_FIELDS = {
    "category",
    "title",
    "body",
    "publish_at",
    "expire_at",
    "working_days",
    "pinned",
    "objections_open",
}
DRAFT_FIELDS = VERSION_FIELDS


# --- helpers ---------------------------------------------------------------------------------------


def working_days_end(
    publish_at: dt.datetime, working_days: int, *, community_id: int | None = None
) -> tuple[dt.datetime, set[int]]:
    """End of the ``working_days``-th working day after ``publish_at``'s local day (the portal's
    time zone, ``settings.TIME_ZONE``).

    Returns the instant (local midnight after that day) and the years whose official holiday
    schedule is not loaded (Monday-Friday was assumed there; the user must be warned). The
    community's own entered holidays count (``core.calendar``). A start or an end outside
    1900-2100 is a :class:`RuleViolation` (``core.calendar``).
    """
    _refuse_out_of_range(publish_at=publish_at)
    tz = timezone.get_default_timezone()
    start = timezone.localtime(publish_at, tz).date()
    result = add_working_days_detailed(start, working_days, community_id=community_id)
    end = dt.datetime.combine(result.date + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return end, set(result.unofficial_years)


def _refuse_out_of_range(**values: dt.datetime | None) -> None:
    """Before any arithmetic or time-zone conversion: 0001-01-01 or 9999-12-31 would overflow."""
    errors = {}
    for name, value in values.items():
        try:
            validate_in_range(value)
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise RuleViolation(errors)


def calendar_warning(years: set[int]) -> str | None:
    """The message the admin shows when the holiday calendar of some year is not loaded."""
    if not years:
        return None
    return _(
        "%(years)s年的法定节假日安排尚未载入，公开结束时间按周一至周五为工作日估算；"
        "请在“法定节假日”中录入当年安排后核对。"
    ) % {"years": "、".join(str(y) for y in sorted(years))}


def _clean_body(body: str) -> str:
    bad = dangerous_parts(body)
    if bad:
        raise RuleViolation(
            _("正文包含脚本等不安全内容（%(what)s），不能保存。请删除后重试。"),
            params={"what": "、".join(bad)},
        )
    return sanitize_body(body)


def _apply_window(posting: Posting) -> None:
    """Recompute ``expire_at`` from ``working_days`` and check the window (message in Chinese)."""
    posting.unofficial_years = set()
    _refuse_out_of_range(publish_at=posting.publish_at, expire_at=posting.expire_at)
    if posting.working_days:
        posting.expire_at, posting.unofficial_years = working_days_end(
            posting.publish_at, posting.working_days, community_id=posting.community_id
        )
    posting.calendar_warning = calendar_warning(posting.unofficial_years)
    if posting.expire_at is not None and posting.expire_at <= posting.publish_at:
        raise RuleViolation(
            _("公开结束时间（%(end)s）必须晚于公开开始时间（%(start)s）。"),
            params={
                "end": _local(posting.expire_at),
                "start": _local(posting.publish_at),
            },
        )


def personal_data_problems(posting: Posting) -> list[str]:
    """Where ``posting`` holds an ID number or a private mobile number, one line per place
    (标题 / 正文 / 附件“名称”), naming what was found; empty when it may be published.

    The scan itself is ``core.privacy.find_personal_data``; the community's declared public
    contact numbers are allowed.
    """
    allowed = community_public_phones(posting.community)
    places = [(_("标题"), posting.title), (_("正文"), readable_text(posting.body))]
    if posting.pk:
        places += [
            (_("附件“%(name)s”") % {"name": name}, name)
            for name in Attachment.objects.filter(posting=posting)
            .order_by("id")
            .values_list("name", flat=True)
        ]
    problems = []
    for where, text in places:
        findings = find_personal_data(text, public_phones=allowed)
        if findings:
            problems.append(
                _("%(where)s含有%(what)s")
                % {"where": where, "what": "、".join(f"{f.label}“{f.text}”" for f in findings)}
            )
    return problems


def _refuse_personal_data(posting: Posting) -> None:
    """DOMAIN.md: no ID number and no private mobile number on the public board."""
    problems = personal_data_problems(posting)
    if problems:
        raise RuleViolation(
            _(
                "不能发布：%(problems)s。公开栏不得公开身份证号码和个人手机号码，请删除或改为部分隐藏"
                "（如138****5678）后再发布；社区对外公开的联系电话请先登记在社区规则参数的“公开联系电话”中。"
            ),
            params={"problems": "；".join(problems)},
        )


def _bump_on_commit(community_id: int) -> None:
    transaction.on_commit(lambda: cache.bump(community_id))


def _lock(posting: Posting) -> Posting:
    """Reload ``posting`` under a row lock (read-then-write, STYLE.md #12)."""
    return Posting.objects.select_for_update().select_related("community").get(pk=posting.pk)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")
