"""Demo postings on the public board (part of ``seed_demo``), through ``notices.services``.

A realistic few months of 幸福社区's board (monthly finance statements, resolutions and
implementation results come from the affairs app's records): water-cut notices (one past, one
coming), the residents' convention, the list of admitted government tasks, hardship postings with
masked names only (one open for objections), an urgent notice, a withdrawn notice, and the
building-captain nominations posted with objections open (``committee.services.captains_post``).
Every write goes through the board's services, in the order it would have happened, so the ledger,
the archive and the monthly PDF see a consistent history.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from committee.models import BuildingCaptain, Resident
from core.idnumbers import mask_name
from core.models import Community


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def seed_postings(*, community: Community, rng: random.Random, today: dt.date | None = None) -> int:
    """Publish the demo board of ``community``; returns the number of postings created."""
    from notices import services
    from notices.models import Category, Posting

    today = today or timezone.localdate()
    now = timezone.now()
    events: list[tuple[dt.datetime, str, object]] = []  # (when, kind, payload) run in time order

    def post(when: dt.datetime, **fields) -> None:
        events.append((when, "publish", fields))

    # Finance is posted by the affairs app from its entries (affairs/seed_opinions.py: statements
    # generated from income and expense entries, one corrected to version 2), not typed here.

    # Conventions and lists that stay up until replaced.
    post(
        _at(today - dt.timedelta(days=110)),
        key="convention",
        category=Category.CONVENTION,
        title=f"{community.name}居民公约",
        pinned=True,
        body=(
            "<p>经居民代表会议讨论通过，现将本社区居民公约公布如下：</p><ol>"
            "<li>爱护公共设施，楼道内不堆放杂物，不占用消防通道。</li>"
            "<li>垃圾分类投放，不高空抛物。</li>"
            "<li>文明饲养宠物，出门拴绳，及时清理粪便。</li>"
            "<li>邻里和睦，互帮互助，关爱孤寡老人和困难家庭。</li>"
            "<li>装修施工遵守作息时间，中午12时至14时、晚20时后不施工。</li>"
            "<li>电动自行车不进楼道、不入户充电。</li></ol>"
        ),
    )
    post(
        _at(today - dt.timedelta(days=100), 10),
        key="admitted",
        category=Category.ADMITTED_TASKS,
        title="社区工作准入事项清单（2026年）",
        body=(
            "<p>依照“权随责走、费随事转”的原则，经街道审核准入的政府部门委托事项如下：</p>"
            "<table><thead><tr><th>事项</th><th>委托部门</th><th>期限</th><th>经费</th></tr></thead><tbody>"
            "<tr><td>城乡居民医疗保险参保登记</td><td>区医保局</td><td>2026年全年</td><td>按件补助</td></tr>"
            "<tr><td>退役军人信息采集</td><td>区退役军人事务局</td><td>2026年6月至12月</td><td>专项经费</td></tr>"
            "<tr><td>第五次全国经济普查入户协助</td><td>区统计局</td><td>2026年3月至9月</td><td>购买服务</td></tr>"
            "</tbody></table><p>未列入清单的事项，社区有权拒绝。</p>"
        ),
    )
    post(
        _at(today - dt.timedelta(days=95), 16),
        key="duties",
        category=Category.AFFAIRS,
        title="第十二届居委会成员分工公示",
        body="<p>主任主持全面工作；副主任分管民政、社会保障；委员分别负责治安调解、环境卫生、文化体育、计生服务和综合事务。</p>",
    )
    # Resolutions and their implementation results are posted by the affairs app from its motions
    # (affairs/meetings_demo.py: voted at a representatives' meeting, tasks carried out), not typed here.
    # Water cuts: one past, one coming.
    past_cut = today - dt.timedelta(days=40)
    post(
        _at(past_cut - dt.timedelta(days=3), 8),
        key="water-past",
        category=Category.NOTICE,
        title=f"关于{past_cut.month}月{past_cut.day}日停水的通知",
        body=f"<p>因市政管道维修，{past_cut.month}月{past_cut.day}日8:00至18:00全社区停水，请居民提前储水。</p>",
        expire_at=_at(past_cut, 20),
    )
    next_cut = today + dt.timedelta(days=3)
    post(
        _at(today - dt.timedelta(days=2), 8),
        key="water-next",
        category=Category.NOTICE,
        title=f"关于{next_cut.month}月{next_cut.day}日停水的通知",
        body=(
            f"<p>因二次供水设施清洗，{next_cut.month}月{next_cut.day}日9:00至17:00，"
            "1号楼至12号楼停水，请居民提前储水，关好水龙头。</p>"
        ),
        expire_at=_at(next_cut, 20),
    )
    # An urgent notice, live now; one from last month, expired.
    post(
        _at(today - dt.timedelta(days=1), 7),
        key="urgent",
        category=Category.URGENT,
        title="寒潮预警：请做好防寒防冻",
        pinned=True,
        body="<p>气象台发布寒潮蓝色预警，未来三天最低气温降至-10℃。请检查水管保温，独居老人家属请加强联系。</p>",
        expire_at=_at(today + dt.timedelta(days=3), 20),
    )
    post(
        _at(today - dt.timedelta(days=50), 7),
        key="urgent-old",
        category=Category.URGENT,
        title="大风天气提示",
        body="<p>今明两天有6级以上大风，请收好阳台物品，远离广告牌和临时搭建物。</p>",
        expire_at=_at(today - dt.timedelta(days=48), 20),
    )
    # A notice withdrawn a few days after it went up.
    post(
        _at(today - dt.timedelta(days=30), 10),
        key="sports",
        category=Category.NOTICE,
        title="关于举办秋季社区运动会的通知",
        body="<p>社区将于下月第一个周六举办秋季运动会，欢迎各居民小组报名参加。</p>",
        expire_at=_at(today + dt.timedelta(days=20), 18),
    )
    events.append(
        (
            _at(today - dt.timedelta(days=27), 11),
            "withdraw",
            {"key": "sports", "reason": "场地改造未完成，活动延期，另行通知"},
        )
    )

    # Hardship (低保) postings: masked names, household size and amount only (DOMAIN.md).
    households = list(
        Resident.objects.filter(community=community, relation_to_head=Resident.Relation.HEAD)
        .order_by("pk")
        .values_list("name", "household_id")[:400]
    )
    picks = rng.sample(households, 6)
    sizes = dict(
        Resident.objects.filter(household_id__in=[h for _n, h in picks])
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )

    def hardship_body(chosen) -> str:
        rows = "".join(
            f"<tr><td>{mask_name(name)}</td><td>{sizes.get(h, 1)}</td><td>{_money(Decimal(rng.randint(6, 22) * 100))}</td></tr>"
            for name, h in chosen
        )
        return (
            "<p>经入户调查、交叉核实、居民代表民主评议，下列家庭拟享受最低生活保障，现予公示7天。"
            "公示期内如有异议，请实名提出。</p>"
            "<table><thead><tr><th>申请人</th><th>家庭人口</th><th>月保障金额（元）</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    post(
        _at(today - dt.timedelta(days=60), 9),
        key="hardship-old",
        category=Category.HARDSHIP,
        title="低保评议结果公示（第三季度）",
        body=hardship_body(picks[:3]),
        expire_at=_at(today - dt.timedelta(days=53), 18),
        objections_open=True,
    )
    post(
        _at(today - dt.timedelta(days=2), 9),
        key="hardship",
        category=Category.HARDSHIP,
        title="低保评议结果公示（第四季度）",
        body=hardship_body(picks[3:]),
        expire_at=_at(today + dt.timedelta(days=5), 18),
        objections_open=True,
    )
    events.append(
        (
            _at(today - dt.timedelta(days=1), 19),
            "object",
            {
                "key": "hardship",
                "name": "刘建国",
                "phone": "13911112222",
                "body": "公示名单中第二户家中有私家车，收入情况是否如实申报，请核实。",
            },
        )
    )

    events.sort(key=lambda e: e[0])
    made: dict[str, Posting] = {}
    count = 0
    for when, kind, payload in events:
        if when > now:
            continue
        if kind == "publish":
            fields = dict(payload)
            key = fields.pop("key")
            made[key] = services.publish(community=community, actor=None, at=when, **fields)
            count += 1
        elif kind == "correct":
            old = made[payload["key"]]
            made[payload["key"]] = services.posting_new_version(
                old, actor=None, correction_note=payload["note"], at=when, body=payload["body"]
            )
            count += 1
        elif kind == "withdraw":
            services.posting_withdraw(made[payload["key"]], actor=None, reason=payload["reason"], at=when)
        elif kind == "object":
            services.objection_file(
                made[payload["key"]],
                name=payload["name"],
                phone=payload["phone"],
                body=payload["body"],
                at=when,
            )

    # The building-captain nominations go up now, with real-name objections open.
    from committee.services import captains_post

    nominated = list(
        BuildingCaptain.objects.filter(community=community, status=BuildingCaptain.Status.NOMINATED)
    )
    if nominated:
        captains_post(captains=nominated, actor=None)
        count += 1
    return count
