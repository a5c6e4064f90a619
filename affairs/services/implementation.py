"""Implementation of resolutions: tasks, progress updates with evidence, overdue reminders.

The reminder (``remind_overdue_tasks``) runs daily from Celery beat; it reminds each overdue task's
owner at most once a day (``reminded_on``), so it is safe to run twice or late.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from affairs.models.implementation import ImplementationTask, TaskUpdate
from affairs.models.motions import Motion
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from notices.attachments import check_upload

logger = logging.getLogger(__name__)
# Tasks can be added from the moment the resolution is posted until the result is.
OPEN_STATES = (Motion.State.RESOLUTION_POSTED, Motion.State.IMPLEMENTING)


@transaction.atomic
def task_create(
    *, motion: Motion, title: str, owner: User, deadline: dt.date, actor: User | None
) -> ImplementationTask:
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    check_scope(actor, motion.community_id)
    if motion.state not in OPEN_STATES:
        raise RuleViolation(
            _("只有已公开的决议才能安排实施任务（当前状态：%(state)s）。")
            % {"state": motion.get_state_display()}
        )
    task = ImplementationTask(motion=motion, title=(title or "").strip(), owner=owner, deadline=deadline)
    save_governed(task, actor=actor, reason=_("安排实施任务"))
    return task


@transaction.atomic
def task_update(
    *,
    task: ImplementationTask,
    progress: int,
    note: str,
    actor: User | None,
    evidence=None,
    at: dt.datetime | None = None,
) -> TaskUpdate:
    """A progress update (with optional evidence); 100% marks the task done."""
    at = at or timezone.now()
    task = ImplementationTask.objects.select_for_update().select_related("motion").get(pk=task.pk)
    check_scope(actor, task.motion.community_id)
    if task.motion.state not in OPEN_STATES:
        raise RuleViolation(_("该决议的实施结果已公开，不能再填报进展。"))
    if task.done_at is not None:
        raise RuleViolation(_("该任务已完成。"))
    if progress is None or not 0 <= progress <= 100:
        raise RuleViolation(_("进度须在0到100之间。"))
    if progress < task.progress:
        raise RuleViolation(_("进度不能低于上次填报的%(p)d%%。") % {"p": task.progress})
    if evidence:
        check_upload(evidence)  # a photo or a PDF, judged by content
    update = TaskUpdate(
        task=task, at=at, progress=progress, note=(note or "").strip(), evidence=evidence or ""
    )
    update.author = actor if getattr(actor, "pk", None) else None
    save_governed(update, actor=actor, reason=_("填报实施进展"))
    task.progress = progress
    if progress == 100:
        task.done_at = at
    save_governed(task, actor=actor, reason=_("填报实施进展"))
    return update


def overdue_tasks(*, day: dt.date):
    return ImplementationTask.objects.filter(
        done_at__isnull=True,
        deadline__lt=day,
        motion__state__in=OPEN_STATES,
    ).select_related("owner", "motion")


def remind_overdue_tasks(*, at: dt.datetime | None = None) -> int:
    """Remind the owner of each overdue task, once per day. Returns how many were reminded now."""
    day = timezone.localdate(at or timezone.now())
    sent = 0
    for pk in overdue_tasks(day=day).exclude(reminded_on=day).values_list("pk", flat=True):
        with transaction.atomic():
            task = ImplementationTask.objects.select_for_update().select_related("owner", "motion").get(pk=pk)
            if task.reminded_on == day or task.done_at is not None:
                continue  # another run got here first
            task.reminded_on = day
            task.save(update_fields=["reminded_on"])
            email = task.owner.email
            if email:
                subject = _("决议实施任务已逾期：%(task)s") % {"task": task.title}
                text = _(
                    "“%(motion)s”的实施任务“%(task)s”已于%(deadline)s到期，当前进度%(progress)d%%，请尽快办理并填报进展。"
                ) % {
                    "motion": task.motion.title,
                    "task": task.title,
                    "deadline": f"{task.deadline:%Y-%m-%d}",
                    "progress": task.progress,
                }
                transaction.on_commit(
                    lambda s=subject, t=text, e=email: send_mail(s, t, None, [e], fail_silently=True)
                )
            sent += 1
    return sent
