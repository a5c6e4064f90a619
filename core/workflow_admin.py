"""What the admin change page shows of a workflow: the steps the state allows (a disabled step with
its reasons) and the record of the steps taken (办理记录: who, when, from, to, note)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from core.workflow import Workflow


def steps_html(flow: Workflow, obj, *, actor) -> str:
    """The steps of the current state; those that may not happen yet say why."""
    offers = flow.offered(obj, actor=actor)
    if not offers:
        return gettext("当前状态下无可办理的事项。")
    return format_html(
        "<ul class='workflow-steps'>{}</ul>",
        format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (
                    o.transition.label,
                    gettext("：可以办理")
                    if o.enabled
                    else format_html("：{}", gettext("暂不能办理——") + "；".join(o.reasons)),
                )
                for o in offers
            ),
        ),
    )


def log_html(flow: Workflow, obj) -> str:
    """The steps taken on ``obj``, oldest first, as a small table."""
    labels = dict(flow.states.choices)
    rows = [
        (
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"),
            entry.label,
            labels.get(entry.source_state, entry.source_state),
            labels.get(entry.target_state, entry.target_state),
            entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else gettext("系统"),
            entry.note or "-",
        )
        for entry in flow.log(obj).order_by("at", "pk")
    ]
    if not rows:
        return gettext("暂无办理记录。")
    head = format_html_join(
        "",
        "<th>{}</th>",
        (
            (h,)
            for h in (
                gettext("时间"),
                gettext("事项"),
                gettext("原状态"),
                gettext("新状态"),
                gettext("经办人"),
                gettext("说明"),
            )
        ),
    )
    body = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
    )
    return format_html(
        "<table class='workflow-log'><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body
    )
