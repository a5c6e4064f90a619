"""What the board shows of a motion: the resolution (or the vote that rejected it) with its tally and
the named record, and the implementation result. Published through ``notices.services.publish``
citing the motion, so the posting and the motion know each other."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext as _

from affairs.models.motions import Motion, Vote
from notices.models import Category
from notices.services import publish


def named_record(motion: Motion) -> list[tuple[str, str, str]]:
    """(name, capacity, vote) per member of the meeting, in roster order."""
    votes = motion.votes.select_related("member__resident", "member__proxy_holder__resident").order_by(
        "member_id"
    )
    rows = []
    for v in votes:
        choice = v.get_choice_display()
        if v.by_proxy and v.member.proxy_holder_id:
            choice = _("%(choice)s（委托%(holder)s代为表决）") % {
                "choice": choice,
                "holder": v.member.proxy_holder.resident.name,
            }
        rows.append((v.member.resident.name, v.member.capacity, choice))
    return rows


def _record_table(motion: Motion) -> str:
    head = format_html(
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>", _("姓名"), _("身份"), _("表决意见")
    )
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", named_record(motion))
    return format_html("<table>{}<tbody>{}</tbody></table>", head, body)


def publish_resolution(motion: Motion, result, *, actor, at):
    meeting = motion.meeting
    when = formats.date_format(timezone.localtime(meeting.starts_at), "Y年n月j日")
    verdict = _("通过") if result.passed else _("未通过")
    title = _("决议公开：%(title)s（%(verdict)s）") % {"title": motion.title, "verdict": verdict}
    tally = _(
        "应到%(members)d人，实到%(present)d人（含委托）。赞成%(yes)d票，反对%(no)d票，弃权%(abstain)d票，"
        "缺席%(absent)d人。通过须超过实到人数的半数，即至少%(needed)d票赞成。"
    ) % {
        "members": result.members,
        "present": result.present,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "absent": result.absent,
        "needed": result.needed,
    }
    parts = [
        format_html(
            "<p>{}</p>",
            _("%(date)s，%(meeting)s在%(place)s对“%(title)s”进行表决，结果为：%(verdict)s。")
            % {
                "date": when,
                "meeting": meeting.title,
                "place": meeting.place,
                "title": motion.title,
                "verdict": verdict,
            },
        ),
        format_html("<h3>{}</h3>", _("议题内容")),
        linebreaks(motion.description),
    ]
    if motion.opinion_summary:
        parts += [format_html("<h3>{}</h3>", _("意见征集情况")), linebreaks(motion.opinion_summary)]
    if result.passed and motion.resolution_text:
        parts += [format_html("<h3>{}</h3>", _("决议内容")), linebreaks(motion.resolution_text)]
    parts += [
        format_html("<h3>{}</h3>", _("表决结果")),
        format_html("<p>{}</p>", tally),
        format_html("<h3>{}</h3>", _("记名表决情况")),
        _record_table(motion),
    ]
    return publish(
        community=motion.community,
        category=Category.RESOLUTION,
        title=title[:200],
        body="".join(str(p) for p in parts),
        sources=[motion],
        actor=actor,
        at=at,
    )


def publish_result(motion: Motion, *, actor, at):
    tasks = motion.tasks.select_related("owner").order_by("deadline", "pk")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                t.title,
                f"{t.deadline:%Y-%m-%d}",
                formats.date_format(timezone.localtime(t.done_at), "Y-m-d") if t.done_at else "-",
            )
            for t in tasks
        ),
    )
    body = format_html(
        "<p>{}</p><h3>{}</h3>{}<h3>{}</h3><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("“%(title)s”的决议已实施完毕，现将实施结果公开如下。") % {"title": motion.title},
        _("实施结果"),
        linebreaks(motion.result_summary),
        _("实施事项"),
        _("事项"),
        _("完成期限"),
        _("完成日期"),
        rows,
    )
    return publish(
        community=motion.community,
        category=Category.IMPLEMENTATION,
        title=(_("实施结果公开：%(title)s") % {"title": motion.title})[:200],
        body=str(body),
        sources=[motion],
        actor=actor,
        at=at,
    )


CHOICES = Vote.Choice
