"""Demo meetings and motions for ``seed_demo`` (core.seeding): what a real committee's month looks like.

- a representative assembly five weeks ago that passed a motion whose result is now posted;
- an assembly ten days ago with attendance and named votes: one motion passed and being implemented
  (one task done, one overdue), one rejected with its tally;
- motions waiting at each earlier step (proposed by petition, deliberated, reviewed);
- an upcoming public assembly and a monthly deliberation council meeting.

Everything goes through the services with ``at=`` in the past, so the board, the record of steps and
the ledger read as if it had happened on those days.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from affairs.models import Body, Motion, Vote
from affairs.services import implementation, meetings, motions
from core import seeding

A = "present"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _assembly(ctx, *, day: dt.date, title: str, agenda: str, actor, present_share: float = 0.85):
    starts = _at(day, 19)
    meeting = meetings.meeting_create(
        community=ctx.community,
        body=Body.ASSEMBLY,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        place="社区党群服务中心二楼会议室",
        agenda=agenda,
        guests="物业服务中心经理、业主委员会主任",
        actor=actor,
    )
    members = list(meeting.members.order_by("pk"))
    n = max(int(len(members) * present_share), -(-len(members) * 2 // 3))
    for i, m in enumerate(members[:n]):
        meetings.attendance_sign(
            member=m, attendance=A, actor=actor, at=starts - dt.timedelta(minutes=20 - i % 20)
        )
    return meeting


def _motion(ctx, *, title, description, source, actor, day, sponsors="", sponsors_count=None, steps=()):
    motion = motions.motion_propose(
        community=ctx.community,
        title=title,
        description=description,
        source=source,
        sponsors=sponsors,
        sponsors_count=sponsors_count,
        proposed_on=day,
        actor=actor,
        at=_at(day, 10),
    )
    notes = {
        "deliberate": "居委会会同物业服务中心、业主委员会商议，认为可行，建议提交审议。",
        "review": "议事协调会审议，同意提交居民代表会议表决。",
    }
    for k, step in enumerate(steps):
        motion = motions.motion_step(
            motion=motion,
            step=step,
            note=notes[step],
            actor=actor,
            at=_at(day + dt.timedelta(days=3 * (k + 1)), 15),
        )
    return motion


def _vote(ctx, motion, meeting, *, actor, yes_share: float, opinion: str = ""):
    at = meeting.starts_at + dt.timedelta(minutes=40)
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=actor, opinion_summary=opinion, at=at)
    present = list(meeting.members.filter(attendance__in=["present", "proxy"]).order_by("pk"))
    # More than half passes: keep the demo's outcome whatever the size of the registry.
    yes = max(int(len(present) * yes_share), len(present) // 2 + 1) if yes_share > 0.5 else len(present) // 3
    for i, m in enumerate(present):
        if i < yes:
            choice = Vote.Choice.YES
        elif i % 3 == 0:
            choice = Vote.Choice.ABSTAIN
        else:
            choice = Vote.Choice.NO
        motions.vote_record(
            motion=motion, member=m, choice=choice, actor=actor, at=at + dt.timedelta(minutes=5)
        )
    return motions.motion_close_vote(motion=motion, actor=actor, at=at + dt.timedelta(minutes=15))


def _appraisal(ctx, meeting, *, actor) -> None:
    """Last quarter's appraisal at that assembly: reports, questions, scores, results posted."""
    from affairs.models import AppraisalReport
    from affairs.services import appraisal

    day = timezone.localdate(meeting.starts_at)
    quarter = (day.month - 1) // 3 + 1
    item = appraisal.appraisal_create(
        community=ctx.community, year=day.year, quarter=quarter, meeting=meeting, actor=actor
    )
    if not item.reports.exists():
        return
    AppraisalReport.objects.filter(appraisal=item).update(
        report="本季度分管工作完成情况、存在问题和下季度打算。",
        questions="代表询问加装电梯进度，已当场答复。",
    )
    reports = list(item.reports.order_by("pk"))
    for i, member in enumerate(meeting.members.filter(attendance="present").order_by("pk")):
        scores = {r.pk: 78 + (i * 7 + k * 5) % 21 for k, r in enumerate(reports)}
        appraisal.scores_record(appraisal=item, member=member, scores=scores, actor=actor)
    appraisal.appraisal_publish(appraisal=item, actor=actor, at=meeting.starts_at + dt.timedelta(hours=3))


@seeding.seeder(order=40)
def seed_meetings(ctx) -> None:
    chair = ctx.users.get("zhuren")
    member = ctx.users.get("weiyuan") or chair
    today = ctx.today
    first = today - dt.timedelta(days=38)
    try:
        old = _assembly(
            ctx, day=first, title="第三季度居民代表会议", agenda="审议小区东门增设夜间照明议题", actor=chair
        )
    except Exception as e:  # noqa: BLE001 - a registry without representatives gets no meetings
        from core.errors import RuleViolation

        if not isinstance(e, RuleViolation):
            raise
        ctx.say(f"{ctx.community.name}: 未登记居民代表，跳过会议演示数据")
        return

    lights = _motion(
        ctx,
        title="小区东门增设夜间照明",
        description="东门至3号楼的步道夜间无照明，老年居民多次反映摔倒隐患，拟增设太阳能路灯12盏。",
        source=Motion.Source.PETITION,
        sponsors="东门片区居民联名",
        sponsors_count=46,
        actor=chair,
        day=first - dt.timedelta(days=14),
        steps=("deliberate", "review"),
    )
    lights.resolution_text = "同意在东门至3号楼步道增设太阳能路灯12盏，费用由社区公益金列支。"
    lights.save(update_fields=["resolution_text"])
    lights = _vote(
        ctx,
        lights,
        old,
        actor=chair,
        yes_share=0.9,
        opinion="问卷回收58份，夜间照明在6项事项中紧迫程度排第一。",
    )
    task = implementation.task_create(
        motion=lights,
        title="采购并安装太阳能路灯",
        owner=member,
        deadline=first + dt.timedelta(days=20),
        actor=chair,
    )
    motions.motion_implement(
        motion=lights, actor=chair, note="按决议组织实施。", at=_at(first + dt.timedelta(days=1), 9)
    )
    implementation.task_update(
        task=task,
        progress=40,
        note="已完成询价，选定供货单位。",
        actor=member,
        at=_at(first + dt.timedelta(days=6), 16),
    )
    implementation.task_update(
        task=task,
        progress=100,
        note="12盏路灯安装完毕并通电。",
        actor=member,
        at=_at(first + dt.timedelta(days=18), 16),
    )
    motions.motion_post_result(
        motion=lights,
        result_summary="东门至3号楼步道已增设太阳能路灯12盏，于验收当晚投入使用，实际支出21,600.00元。",
        actor=chair,
        at=_at(first + dt.timedelta(days=19), 10),
    )
    _appraisal(ctx, old, actor=chair)
    meetings.meeting_close(
        meeting=old,
        minutes="会议由居委会主任主持。\n与会代表听取了夜间照明议题的说明和意见征集情况，经讨论进行了记名表决。",
        actor=chair,
        at=old.starts_at + dt.timedelta(hours=2),
    )

    recent_day = today - dt.timedelta(days=10)
    elevator = _motion(
        ctx,
        title="3号楼加装电梯",
        description="3号楼共6层36户，居民联名申请加装电梯，费用按楼层分摊，申请政府补贴。",
        source=Motion.Source.REPRESENTATIVES,
        sponsors="第一居民小组居民代表等6人",
        sponsors_count=6,
        actor=chair,
        day=recent_day - dt.timedelta(days=12),
        steps=("deliberate", "review"),
    )
    sheds = _motion(
        ctx,
        title="拆除5号楼自行车棚改建停车位",
        description="拟拆除5号楼北侧自行车棚，改建机动车停车位8个。",
        source=Motion.Source.COMMITTEE,
        actor=chair,
        day=recent_day - dt.timedelta(days=12),
        steps=("deliberate", "review"),
    )
    recent = _assembly(
        ctx,
        day=recent_day,
        title="十一月居民代表会议",
        agenda="审议3号楼加装电梯议题\n审议拆除5号楼自行车棚改建停车位议题\n通报夜间照明实施结果",
        actor=chair,
    )
    elevator.resolution_text = "同意3号楼加装电梯，由3号楼居民组成工作小组办理报批和施工。"
    elevator.save(update_fields=["resolution_text"])
    elevator = _vote(ctx, elevator, recent, actor=chair, yes_share=0.8, opinion="3号楼36户中31户签字同意。")
    _vote(ctx, sheds, recent, actor=chair, yes_share=0.3, opinion="问卷显示多数居民仍需自行车棚。")
    done = implementation.task_create(
        motion=elevator,
        title="组织3号楼居民签订出资协议",
        owner=member,
        deadline=recent_day + dt.timedelta(days=5),
        actor=chair,
    )
    implementation.task_create(
        motion=elevator,
        title="向街道报送加装电梯申请材料",
        owner=chair,
        deadline=today - dt.timedelta(days=2),
        actor=chair,
    )
    motions.motion_implement(motion=elevator, actor=chair, at=_at(recent_day + dt.timedelta(days=1), 9))
    implementation.task_update(
        task=done,
        progress=100,
        note="36户已全部签订出资协议。",
        actor=member,
        at=_at(recent_day + dt.timedelta(days=4), 17),
    )
    meetings.meeting_close(
        meeting=recent,
        minutes="会议由居委会主任主持，物业服务中心经理、业主委员会主任列席。\n会议对两项议题进行了记名表决。",
        actor=chair,
        at=recent.starts_at + dt.timedelta(hours=2),
    )

    # Motions waiting at each earlier step.
    _motion(
        ctx,
        title="增设老年人助餐点",
        description="社区60岁以上老人较多，居民联名建议在活动中心增设助餐点。",
        source=Motion.Source.PETITION,
        sponsors="居民联名",
        sponsors_count=83,
        actor=chair,
        day=today - dt.timedelta(days=2),
    )
    _motion(
        ctx,
        title="修订楼道堆物管理公约",
        description="针对楼道堆物反弹，修订公约的整改期限和处理办法。",
        source=Motion.Source.PARTY_BRANCH,
        actor=chair,
        day=today - dt.timedelta(days=9),
        steps=("deliberate",),
    )
    _motion(
        ctx,
        title="更换小区监控设备",
        description="小区监控设备老化，拟分两期更换。",
        source=Motion.Source.COMMITTEE,
        actor=chair,
        day=today - dt.timedelta(days=15),
        steps=("deliberate", "review"),
    )

    upcoming = today + dt.timedelta(days=6)
    meetings.meeting_create(
        community=ctx.community,
        body=Body.ASSEMBLY,
        title="十二月居民代表会议",
        starts_at=_at(upcoming, 19),
        ends_at=_at(upcoming, 21),
        place="社区党群服务中心二楼会议室",
        agenda="审议更换小区监控设备议题\n通报3号楼加装电梯实施进展\n第四季度居委会成员述职测评",
        actor=chair,
    )
    meetings.meeting_create(
        community=ctx.community,
        body=Body.COUNCIL,
        title="十二月议事协调会",
        starts_at=_at(today + dt.timedelta(days=3), 14, 30),
        place="社区居委会会议室",
        agenda="商议修订楼道堆物管理公约\n商议增设老年人助餐点",
        actor=chair,
    )
    ctx.say(f"{ctx.community.name}: 会议4次，议题7项（1项未通过）")
