"""What the case's admin pages show: flags with their reasons, the steps the state allows (links to
each step's form), the investigations side by side, the records of visits and scores, who did
what when, and who viewed the case."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assistance.admin.step_forms import STEP_FORMS
from assistance.flow import CASE_FLOW
from assistance.models import Case
from core.workflow_admin import log_html


class CaseDisplayMixin:
    # -- display ---------------------------------------------------------------------------------

    @admin.display(description=_("申请户"), ordering="household__number")
    def household_number(self, obj):
        return obj.household.number

    @admin.display(description=_("自动核查提示"), ordering="_nflags")
    def flag_list(self, obj):
        n = getattr(obj, "_nflags", 0)
        if not n:
            return "-"
        return format_html('<strong class="assistance-flag">{}</strong>', gettext("%(n)d条提示") % {"n": n})

    @admin.display(description=_("自动核查提示"))
    def flag_details(self, obj):
        flags = list(obj.flags.all())
        if not flags:
            return gettext("未发现问题。")
        return format_html(
            "<ul class='assistance-flags'>{}</ul>",
            format_html_join(
                "", "<li><strong>{}</strong>：{}</li>", ((f.get_code_display(), f.message) for f in flags)
            ),
        )

    @admin.display(description=_("可办理事项"))
    def workflow_steps(self, obj):
        actor = getattr(obj, "_workflow_actor", None)
        offers = [o for o in CASE_FLOW.offered(obj, actor=actor) if o.transition.name in STEP_FORMS]
        if not offers:
            return gettext("当前状态下无可办理的事项。")
        items = []
        for o in offers:
            if o.enabled:
                url = reverse("admin:assistance_case_step", args=[obj.pk, o.transition.name])
                items.append(
                    format_html('<li><a class="button" href="{}">{}</a></li>', url, o.transition.label)
                )
            else:
                items.append(
                    format_html(
                        "<li>{}：{}</li>", o.transition.label, gettext("暂不能办理——") + "；".join(o.reasons)
                    )
                )
        if obj.state == Case.State.SCORED:
            items.append(
                format_html(
                    "<li>{}</li>", gettext("张榜公示：在列表中勾选本批申请，选择“张榜公示所选申请”。")
                )
            )
        return format_html(
            "<ul class='workflow-steps'>{}</ul>", format_html_join("", "{}", ((i,) for i in items))
        )

    @admin.display(description=_("调查核实"))
    def investigation_table(self, obj):
        rows = [
            (
                i.get_kind_display(),
                i.investigated_on,
                f"{i.group.name} {i.leader.name}",
                "、".join(r.name for r in i.representatives.all()),
                i.household_size,
                i.monthly_income,
                i.per_capita,
                i.findings,
            )
            for i in obj.investigations.select_related("group", "leader").prefetch_related("representatives")
        ]
        if not rows:
            return "-"
        head = format_html_join(
            "",
            "<th>{}</th>",
            (
                (h,)
                for h in (
                    gettext("类别"),
                    gettext("日期"),
                    gettext("组长"),
                    gettext("居民代表"),
                    gettext("人口"),
                    gettext("月收入"),
                    gettext("人均"),
                    gettext("结论"),
                )
            ),
        )
        body = format_html_join("", "<tr>" + "<td>{}</td>" * 8 + "</tr>", rows)
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)

    @admin.display(description=_("调查、走访与测评记录"))
    def record_details(self, obj):
        lines = []
        for v in obj.visits.prefetch_related("visitors", "photos"):
            photos = format_html_join(
                " ", '<a href="{}">{}</a>', ((p.image.url, gettext("照片")) for p in v.photos.all())
            )
            lines.append(
                format_html(
                    "<li>{}：{}（{}）{} {}</li>",
                    gettext("入户调查"),
                    v.visited_on,
                    "、".join(str(u) for u in v.visitors.all()),
                    v.findings,
                    photos,
                )
            )
        for sv in obj.surprise_visits.select_related("by"):
            lines.append(
                format_html("<li>{}：{}（{}）{}</li>", gettext("明察暗访"), sv.visited_on, sv.by, sv.findings)
            )
        for label, value in (
            (gettext("申请人确认意见"), obj.applicant_response),
            (gettext("两次调查比对"), obj.comparison_note),
            (gettext("居委会评议意见"), obj.review_note),
            (gettext("民意测评结果"), obj.score_result),
            (gettext("街道审批意见"), obj.street_note),
        ):
            if value:
                lines.append(format_html("<li>{}：{}</li>", label, value))
        scores = list(obj.scores.select_related("representative"))
        if scores:
            lines.append(
                format_html(
                    "<li>{}：{}</li>",
                    gettext("居民代表评分"),
                    "、".join(f"{s.representative.name} {s.score}" for s in scores),
                )
            )
        if not lines:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((x,) for x in lines)))

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj):
        return log_html(CASE_FLOW, obj)

    @admin.display(description=_("查看记录"))
    def view_log(self, obj):
        views = list(obj.views.select_related("user")[:20])
        if not views:
            return "-"
        return format_html_join(
            "、",
            "{}（{}）",
            ((str(v.user), timezone.localtime(v.at).strftime("%Y-%m-%d %H:%M")) for v in views),
        )
