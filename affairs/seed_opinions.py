"""Demo opinions (every state, a captain's report, a flood held for checking) and a few months of
finance entries with their statements posted on the board (one corrected), through the services, in
the order they would have happened. Runs from ``seed_demo`` via ``core.seeding``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core import seeding

OPINIONS = [
    # (days ago, category, body, location, contact?, fate): a committee's last two months or so.
    (75, "facility", "3号楼东侧路灯不亮已经一周，晚上出门看不清路。", "3号楼东侧", False, "solved"),
    (70, "sanitation", "5号楼2单元楼道堆放旧家具和纸箱，影响通行。", "5号楼2单元", False, "solved"),
    (66, "suggestion", "建议在小区广场增加几张休息长椅，方便老人歇脚。", "中心广场", True, "solved"),
    (62, "hazard", "地下车库有电动车私拉电线充电，存在火灾隐患。", "地下车库B区", False, "solved"),
    (58, "inquiry", "请问今年城乡居民医保的缴费截止时间是哪天？", "", False, "solved"),
    (54, "objection", "对上月停车位分配结果有异议，排号顺序与公示不一致。", "", True, "unsolved"),
    (50, "help", "独居老人家中水管漏水，无力自行维修，请求帮助。", "8号楼", True, "solved"),
    (46, "rental", "7号楼302室新近出租，租户共三人。", "7号楼", False, "solved"),
    (42, "facility", "健身器材中的漫步机松动，有安全隐患。", "健身广场", False, "solved"),
    (40, "other", "广告推销信息。", "", False, "dismissed"),
    (38, "sanitation", "垃圾分类投放点周边有异味，请增加清运次数。", "2号楼北侧", False, "solved"),
    (34, "suggestion", "希望周末开放社区图书室，方便上班族借书。", "", False, "solved"),
    (31, "inquiry", "请问办理居住证明需要带哪些材料？", "", False, "solved"),
    (30, "facility", "地下车库出口减速带损坏。", "地下车库出口", False, "late"),
    (28, "hazard", "4号楼楼道灭火器过期未更换。", "4号楼", False, "solved"),
    (26, "hospital", "6号楼一位独居老人住院，家属在外地。", "6号楼", False, "solved"),
    (24, "facility", "小区东门门禁刷卡失灵。", "东门", False, "solved"),
    (22, "newcomers", "1号楼近期有外地务工人员入住，共两人。", "1号楼", False, "solved"),
    (20, "objection", "对楼道广告位收费标准有异议，希望公开依据。", "", True, "unsolved"),
    (18, "sanitation", "9号楼门前绿化带有建筑垃圾。", "9号楼", False, "answered"),
    (16, "pregnancy", "2号楼一户居民新增怀孕，需要了解孕检补贴政策。", "2号楼", False, "answered"),
    (14, "help", "残疾人家庭需要代办轮椅申领手续。", "", True, "answered"),
    (33, "rental", "10号楼一套住房出租，未登记租户信息。", "10号楼", False, "waiting"),
    (12, "facility", "儿童游乐区滑梯边缘破损。", "儿童游乐区", False, "assigned"),
    (6, "instability", "两户邻里因漏水纠纷多次争吵，情绪激动。", "4号楼", False, "assigned"),
    (3, "suggestion", "建议在楼道加装扶手，方便老人上下楼。", "", False, "new"),
    (1, "inquiry", "请问社区老年食堂的开放时间？", "", False, "new"),
]
RATINGS = ["satisfied", "satisfied", "fair", "satisfied", "unsatisfied", "satisfied", "fair"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@seeding.seeder(order=40)
def seed_opinions(ctx) -> None:
    from affairs.models.opinions import OpinionRoute
    from affairs.services import opinions as svc

    community, today, users = ctx.community, ctx.today, ctx.users
    officer = users.get("zhuanguanyuan")
    member = users.get("weiyuan") or officer
    chair = users.get("zhuren") or officer
    if officer is None:
        return
    for kind in ("facility", "sanitation", "rental", "newcomers", "hospital", "pregnancy"):
        OpinionRoute.objects.get_or_create(community=community, category=kind, defaults={"assignee": officer})
    OpinionRoute.objects.get_or_create(community=community, category="hazard", defaults={"assignee": member})
    n = 0
    for i, (ago, kind, body, place, contact, fate) in enumerate(OPINIONS):
        filed = today - dt.timedelta(days=ago)
        at = _at(filed, 9 + i % 8)
        o = svc.opinion_file(
            community=community,
            category=kind,
            body=body,
            location=place,
            name="王建国" if contact else "",
            phone="13800001234" if contact else "",
            address=f"demo-{i}",
            at=at,
        )
        n += 1
        if fate == "new":
            continue
        if fate == "dismissed":
            svc.opinion_dismiss(
                opinion=o,
                reason="内容为商业广告，与社区事务无关，不予受理。",
                actor=chair,
                at=at + dt.timedelta(hours=3),
            )
            continue
        owner = o.owner or (member if i % 2 else officer)
        svc.opinion_assign(opinion=o, owner=owner, actor=chair, at=at + dt.timedelta(days=1))
        if fate in ("assigned", "waiting"):
            continue  # "waiting": still open past its answer deadline (overdue on the desk)
        # "late": answered a day after its deadline (counted overdue in the month's figures).
        answered = (
            _at(o.answer_due + dt.timedelta(days=1), 15)
            if fate == "late"
            else at + dt.timedelta(days=4 + i % 5)
        )
        svc.opinion_answer(opinion=o, answer=_answer(kind), actor=owner, at=answered)
        if fate in ("solved", "unsolved", "late"):
            svc.opinion_close(
                opinion=o, resolved=fate == "solved", actor=owner, at=answered + dt.timedelta(days=2)
            )
        if i % 3 != 2:
            svc.opinion_rate(opinion=o, rating=RATINGS[i % len(RATINGS)], at=answered + dt.timedelta(days=1))
    # A flood from one address: the first five go through (staff dismissed them as spam), the
    # rest are held for checking.
    flood_at = _at(today - dt.timedelta(days=2), 22)
    for k in range(7):
        o = svc.opinion_file(
            community=community,
            category="other",
            body=f"重复刷屏内容第{k + 1}条，购买请加微信。",
            address="demo-flood",
            at=flood_at + dt.timedelta(minutes=k),
        )
        if not o.held:
            svc.opinion_dismiss(
                opinion=o,
                reason="经核实为重复或无效提交，不予受理。",
                actor=chair,
                at=flood_at + dt.timedelta(hours=12),
            )
        n += 1
    n += _captain_report(ctx)
    ctx.say(f"{community.name}: {n} 件居民意见")


def _captain_report(ctx) -> int:
    """A confirmed captain with a login (loudongzhang) reports a safety hazard from the phone form."""
    from affairs.services import opinions as svc
    from committee.demo.accounts import DEMO_PASSWORD
    from committee.models import BuildingCaptain
    from core.models import StaffProfile, User

    captain = (
        BuildingCaptain.objects.filter(community=ctx.community, status=BuildingCaptain.Status.CONFIRMED)
        .select_related("resident", "building")
        .order_by("building__name")
        .first()
    )
    if captain is None or captain.resident.staff_user_id:
        return 0
    user, _created = User.objects.get_or_create(
        username="loudongzhang",
        defaults={"full_name": captain.resident.name, "password": make_password(DEMO_PASSWORD)},
    )
    StaffProfile.objects.get_or_create(user=user, defaults={"title": "楼栋长"})
    captain.resident.staff_user = user
    captain.resident.save(update_fields=["staff_user"])
    svc.opinion_file(
        community=ctx.community,
        category="hazard",
        body="楼顶水箱盖板脱落，有坠落危险，已临时拉警戒线。",
        building=captain.building,
        location=captain.building.name,
        source="captain",
        reporter=user,
        at=_at(ctx.today - dt.timedelta(days=1), 16),
    )
    return 1


def _answer(kind: str) -> str:
    return {
        "facility": "已联系物业维修，设施已修复，请您继续监督。",
        "sanitation": "已通知物业和保洁单位清理，并在楼道张贴文明提示。",
        "suggestion": "感谢建议，居委会已列入本季度议事协调会议题，结果将在公开栏公布。",
        "hazard": "已会同物业和消防专管员现场检查，拆除私拉电线，并增设充电桩。",
        "inquiry": "缴费截止时间为12月31日，可通过手机银行或社区服务站办理。",
        "objection": "经核查，排号依据报名登记时间，与公示一致；如仍有疑问请到居委会查阅原始登记表。",
        "help": "已安排志愿者和维修人员上门维修，费用由社区公益金承担。",
        "rental": "已登记出租屋信息并上门宣传安全用电和消防知识。",
    }.get(kind, "居委会已收到并办理，感谢您的反映。")


# --- Finance ------------------------------------------------------------------------------------

ENTRIES = [
    # (day, kind, category, item, base amount)
    (3, "income", "grant", "上级拨付社区工作经费", Decimal("50000.00")),
    (8, "income", "project", "社区公益服务项目资金", Decimal("12000.00")),
    (15, "income", "service_income", "停车管理收入", Decimal("5400.00")),
    (6, "expense", "office", "办公用品及打印耗材", Decimal("2350.50")),
    (10, "expense", "utilities", "活动室水电费", Decimal("3120.00")),
    (12, "expense", "environment", "楼道清理、垃圾清运", Decimal("8600.00")),
    (18, "expense", "elderly", "老年助餐补贴", Decimal("5200.00")),
    (22, "expense", "activities", "重阳节文体活动", Decimal("1800.00")),
    (25, "expense", "repairs", "健身器材维修", Decimal("960.00")),
]


def _month_start(day: dt.date, back: int) -> dt.date:
    y, m = day.year, day.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


@seeding.seeder(order=45)
def seed_finance(ctx) -> None:
    from affairs.models.finance import FinanceEntry, FinanceStatement
    from affairs.services import finance as svc

    community, today, rng = ctx.community, ctx.today, ctx.rng
    chair = ctx.users.get("zhuren")
    if chair is None:
        return
    now = timezone.now()
    n_entries = n_posted = 0
    for back in range(4, -1, -1):
        month = _month_start(today, back)
        office = None
        for day, kind, category, item, base in ENTRIES:
            when = month.replace(day=day)
            if when > today:
                continue
            factor = Decimal(rng.randint(80, 120)) / 100
            entry = FinanceEntry(
                community=community,
                occurred_on=when,
                kind=kind,
                category=category,
                item=item,
                amount=(base * factor).quantize(Decimal("0.01")),
                approver=chair,
            )
            svc.entry_save(entry=entry, actor=chair)
            n_entries += 1
            if category == "office":
                office = entry
        published = _month_start(today, back - 1) + dt.timedelta(days=4) if back else None
        if published is None or _at(published) > now:
            continue
        statement = svc.statement_generate(
            community=community, month=month, actor=chair, at=_at(published, 9)
        )
        svc.statement_post(statement=statement, actor=chair, at=_at(published, 9))
        n_posted += 1
        if back == 2 and office is not None and _at(published + dt.timedelta(days=3), 15) < now:
            # The office fee was typed wrong: corrected in the entries, the statement re-posted as v2.
            office.amount = office.amount + Decimal("100.00")
            svc.entry_save(entry=office, actor=chair)
            statement = FinanceStatement.objects.get(pk=statement.pk)
            svc.statement_post(
                statement=statement,
                actor=chair,
                note="办公费金额录入有误，予以更正",
                at=_at(published + dt.timedelta(days=3), 15),
            )
    ctx.say(f"{community.name}: {n_entries} 笔财务收支，{n_posted} 份月度收支表已公开")
