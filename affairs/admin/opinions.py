"""Admin of residents' opinions: assign, answer, close or dismiss through ``OPINION_FLOW``.

The change page offers a "办理" choice holding only the steps the item's state allows this user
(the workflow's ``allowed``), with the fields the step needs; the step runs through the service.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.opinions import OPEN_STATES, Opinion, OpinionRoute
from affairs.services import opinions as services
from affairs.services.opinions import OPINION_FLOW
from core.admin_base import ScopedHistoryAdmin, run_service_on_each
from core.admin_privacy import PersonalDataMixin
from core.errors import RuleViolation
from core.models import User
from core.workflow_admin import log_html, steps_html

S = Opinion.Status
STEP_FORM_FIELDS = ("step", "owner_choice", "answer_text", "outcome", "note")


def _allowed(obj, user) -> list[str]:
    """The steps this user may take now (the resident's rating is not a staff step)."""
    return [n for n in OPINION_FLOW.allowed(obj, actor=user) if n != "rate"]


def _step_fields(obj, user) -> list[str]:
    """The form fields the allowed steps need: only what can be done shows."""
    allowed = set(_allowed(obj, user))
    if not allowed:
        return []
    out = ["step"]
    if allowed & {"assign", "reassign"}:
        out.append("owner_choice")
    if allowed & {"answer", "dismiss"}:
        out.append("answer_text")
    if "close" in allowed:
        out.append("outcome")
    return [*out, "note"]


class DeadlineFilter(admin.SimpleListFilter):
    title = _("期限")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("已逾期")), ("soon", _("一个工作日内到期")), ("open", _("未办结"))]

    def queryset(self, request, queryset):
        from core.calendar import add_working_days

        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(services._late_q(today), held=False)
        if self.value() == "soon":
            soon = add_working_days(today, 1)
            return queryset.filter(status__in=OPEN_STATES, answer_due__lte=soon, answer_due__gte=today)
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATES)
        return queryset


class OpinionForm(forms.ModelForm):
    step = forms.ChoiceField(label=_("办理"), required=False)
    owner_choice = forms.ModelChoiceField(
        label=_("承办人"), queryset=User.objects.none(), required=False,
        help_text=_("受理并分派、转办时选择"),
    )  # fmt: skip
    answer_text = forms.CharField(
        label=_("公开答复 / 不予受理理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("居民凭查询码可以看到；不要写姓名、电话等个人信息。"),
    )
    outcome = forms.TypedChoiceField(
        label=_("办结结果"),
        required=False,
        choices=[("1", _("已解决")), ("0", _("未能解决"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("办理说明（内部）"), required=False, max_length=500)

    class Meta:
        model = Opinion
        fields = ["category", "urgent", "body", "location", "building", "name", "phone"]

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step in ("assign", "reassign") and not data.get("owner_choice"):
            self.add_error("owner_choice", gettext("请选择承办人。"))
        if step in ("answer", "dismiss") and not (data.get("answer_text") or "").strip():
            self.add_error("answer_text", gettext("请填写答复内容或不予受理的理由。"))
        if step == "close" and data.get("outcome") in (None, ""):
            self.add_error("outcome", gettext("请选择办结结果。"))
        return data


class _OpinionAdminBase(ScopedHistoryAdmin):
    """The fields and steps; :class:`OpinionAdmin` adds the masking of the sender's phone on top."""

    community_field = "community"
    form = OpinionForm
    list_display = [
        "code", "category", "urgent", "status", "owner", "filed_at", "ack_due", "answer_due",
        "deadline_state", "rating", "held",
    ]  # fmt: skip
    list_select_related = ["owner", "community"]
    list_filter = [
        "community",
        "status",
        DeadlineFilter,
        "category",
        "urgent",
        "source",
        "held",
        "owner",
        "rating",
    ]
    search_fields = ["code", "body", "location"]
    date_hierarchy = "filed_at"
    actions = ["assign_to_me", "release_held", "dismiss_flood"]
    readonly_fields = [
        "code", "status", "source", "filed_at", "ack_due", "answer_due", "owner", "acknowledged_at",
        "answered_at", "answer", "closed_at", "resolved", "rating", "rated_at", "held",
        "workflow_steps", "workflow_log",
    ]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        # Every item stays on the record (figures, appraisal); a wrong one is dismissed with a reason.
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["category", "urgent", "body", "location", "building", "name", "phone"]
        obj._workflow_actor = request.user
        fields = ["code", "status", "category", "urgent", "source", "body", "location", "building"]
        fields += ["name", "phone", "held", "filed_at", "ack_due", "answer_due", "owner"]
        fields += ["acknowledged_at", "answered_at", "answer", "closed_at", "resolved_display", "rating"]
        return [*fields, "workflow_steps", *_step_fields(obj, request.user), "workflow_log"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        ro = [f for f in self.readonly_fields if f != "resolved"] + ["resolved_display"]
        if obj.source != Opinion.Source.STAFF:
            ro += ["body", "name", "phone"]  # what the resident sent stays as sent
        return ro

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class Bound(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                keep = _step_fields(obj, user) if obj is not None else []
                for name in STEP_FORM_FIELDS:
                    if name not in keep:
                        self.fields.pop(name, None)
                if "step" in self.fields:
                    self.fields["step"].choices = [("", gettext("（不办理，仅保存修改）"))] + [
                        (n, OPINION_FLOW.transition(n).label) for n in _allowed(obj, user)
                    ]
                if "owner_choice" in self.fields:
                    self.fields["owner_choice"].queryset = _staff_of(obj.community_id)

        return Bound

    # -- display -------------------------------------------------------------------------------------

    @admin.display(description=_("已解决"))
    def resolved_display(self, obj):
        return {True: gettext("已解决"), False: gettext("未能解决")}.get(obj.resolved, "-")

    @admin.display(description=_("期限状态"))
    def deadline_state(self, obj):
        today = timezone.localdate()
        if obj.status in OPEN_STATES and not obj.held:
            due = obj.ack_due if obj.status == S.NEW else obj.answer_due
            if due < today or obj.answer_due < today:
                return format_html('<strong class="late">{}</strong>', gettext("已逾期"))
            return gettext("%(due)s前") % {"due": due}
        return "-"

    @admin.display(description=_("可办理事项"))
    def workflow_steps(self, obj):
        return steps_html(OPINION_FLOW, obj, actor=getattr(obj, "_workflow_actor", None))

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj):
        return log_html(OPINION_FLOW, obj)

    # -- saving ----------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        user = request.user
        if not change:
            data = form.cleaned_data
            created = services.opinion_file(
                community=self._community_for_add(request, data),
                category=data["category"],
                body=data["body"],
                name=data.get("name", ""),
                phone=data.get("phone", ""),
                location=data.get("location", ""),
                building=data.get("building"),
                urgent=data.get("urgent"),
                source=Opinion.Source.STAFF,
                actor=user,
            )
            obj.pk, obj._state.adding = created.pk, False
            return
        changed = {
            f: form.cleaned_data[f]
            for f in form.changed_data
            if f in {"category", "urgent", "location", "building"}
        }
        if changed:
            services.opinion_update(opinion=obj, actor=user, **changed)
        step = form.cleaned_data.get("step")
        note = form.cleaned_data.get("note", "")
        if step in ("assign", "reassign"):
            services.opinion_assign(
                opinion=obj, owner=form.cleaned_data["owner_choice"], actor=user, note=note
            )
        elif step == "answer":
            services.opinion_answer(opinion=obj, answer=form.cleaned_data["answer_text"], actor=user)
        elif step == "dismiss":
            services.opinion_dismiss(opinion=obj, reason=form.cleaned_data["answer_text"], actor=user)
        elif step == "close":
            services.opinion_close(opinion=obj, resolved=form.cleaned_data["outcome"], actor=user, note=note)

    def _community_for_add(self, request, data):
        from core.scoping import communities_for_user

        building = data.get("building")
        if building is not None:
            return building.community
        community = communities_for_user(request.user).order_by("pk").first()
        if community is None:
            raise RuleViolation(gettext("您没有所属社区，不能登记居民意见。"))
        return community

    # -- actions -------------------------------------------------------------------------------------

    @admin.action(description=_("受理并分派给我"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset.filter(status=S.NEW),
            service=lambda o: services.opinion_assign(opinion=o, owner=request.user, actor=request.user),
            done_message=gettext("已受理%(n)d件。"),
        )
        skipped = queryset.exclude(status=S.NEW).count()
        if skipped:
            messages.warning(request, gettext("%(n)d件不是待受理状态，未处理。") % {"n": skipped})

    @admin.action(description=_("核实放行所选（非刷屏）"), permissions=["change"])
    def release_held(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset,
            service=lambda o: services.opinion_release_held(opinion=o, actor=request.user),
            done_message=gettext("已放行%(n)d件，按正常流程办理。"),
        )

    @admin.action(description=_("不予受理所选（核实为刷屏）"), permissions=["change"])
    def dismiss_flood(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset.filter(held=True),
            service=lambda o: services.opinion_dismiss(
                opinion=o, reason=gettext("经核实为重复或无效提交，不予受理。"), actor=request.user
            ),
            done_message=gettext("已对%(n)d件不予受理。"),
        )
        skipped = queryset.exclude(held=True).count()
        if skipped:
            messages.warning(request, gettext("%(n)d件不在待核实之列，未处理。") % {"n": skipped})


def _staff_of(community_id):
    from django.db.models import Q

    return (
        User.objects.filter(is_active=True)
        .filter(Q(staff_profile__communities=community_id) | Q(is_superuser=True))
        .distinct()
        .order_by("full_name", "username")
    )


@admin.register(Opinion)
class OpinionAdmin(PersonalDataMixin, _OpinionAdminBase):
    # The sender's phone, masked for the roles that read without handling (supervisors, street).
    personal_fields = {"phone": "phone"}


@admin.register(OpinionRoute)
class OpinionRouteAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["category", "assignee", "community"]
    list_filter = ["community", "category"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            from core.scoping import community_ids_for_user

            ids = community_ids_for_user(request.user)
            qs = User.objects.filter(is_active=True, is_staff=True)
            if ids is not None:
                qs = qs.filter(staff_profile__communities__in=ids).distinct()
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
