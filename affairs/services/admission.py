"""The work admission list (准入): entries saved under their rules, and the year's list posted.

The list posting lasts until replaced: posting it again publishes a new version of the same posting
(the board keeps the old one in its record)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from affairs.models.admission import AdmittedTask
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User
from notices.models import Category, Posting
from notices.services import posting_new_version, publish


@transaction.atomic
def admitted_task_save(*, task: AdmittedTask, actor: User | None) -> AdmittedTask:
    check_scope(actor, task.community_id)
    task.posting = None  # the posted list no longer shows this entry as saved now: post it again
    save_governed(task, actor=actor, reason=_("登记准入事项") if task.pk is None else _("修改准入事项"))
    return task


def _body(tasks: list[AdmittedTask]) -> str:
    parts = []
    for value, label in AdmittedTask.Classification.choices:
        rows = [t for t in tasks if t.classification == value]
        if not rows:
            continue
        parts.append(format_html("<h3>{}（{}项）</h3>", label, len(rows)))
        parts.append(
            format_html(
                "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
                "</tr></thead><tbody>{}</tbody></table>",
                _("交办部门"),
                _("事项内容"),
                _("工作目标"),
                _("实施范围"),
                _("完成时限"),
                _("工作经费（元）"),
                _("审核批准文件"),
                format_html_join(
                    "",
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    (
                        (
                            t.department,
                            t.content,
                            t.target,
                            t.scope,
                            t.time_limit,
                            f"{t.funding:,.2f}",
                            t.approval,
                        )
                        for t in rows
                    ),
                ),
            )
        )
    return "".join(str(p) for p in parts)


@transaction.atomic
def admitted_list_publish(
    *, community: Community, year: int, actor: User | None, at: dt.datetime | None = None
) -> Posting:
    """Post the year's admission list (权随责走、费随事转), replacing the one on the board."""
    at = at or timezone.now()
    check_scope(actor, community.pk)
    Community.objects.select_for_update().filter(pk=community.pk).exists()
    tasks = list(AdmittedTask.objects.filter(community=community, year=year).order_by("classification", "pk"))
    if not tasks:
        raise RuleViolation(_("%(year)d年度尚未登记准入事项。") % {"year": year})
    title = _("%(year)d年度社区工作准入事项清单") % {"year": year}
    intro = format_html(
        "<p>{}</p>",
        _("根据社区工作准入制度，经审核批准进入本社区的工作事项共%(n)d项，现公开如下，接受居民监督。")
        % {"n": len(tasks)},
    )
    body = str(intro) + _body(tasks)
    current = (
        Posting.objects.filter(
            community=community,
            category=Category.ADMITTED_TASKS,
            title=title,
            state=Posting.State.RELEASED,
            withdrawn_at__isnull=True,
            replaced_at__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    if current is not None and not Posting.objects.filter(supersedes=current).exists():
        posting = posting_new_version(
            current, actor=actor, correction_note=_("准入事项清单更新"), at=at, body=body, expire_at=None
        )
    else:
        # The list cites every task it lists.
        posting = publish(
            community=community,
            category=Category.ADMITTED_TASKS,
            title=title,
            body=body,
            sources=tasks,
            actor=actor,
            at=at,
        )
    AdmittedTask.objects.filter(pk__in=[t.pk for t in tasks]).update(posting=posting)
    return posting
