"""The posting admin's steps: release, publish now, new version, withdraw, a supervisor's objection.

Each is offered only when ``notices.flow.POSTING_FLOW`` allows it for the posting's state and the
user, and goes through ``notices.services``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    run_service_on_each,
)
from core.errors import RuleViolation
from core.windows import posted_until
from notices import services
from notices.admin.forms import (
    NewVersionForm,
    SupervisorObjectionForm,
    WithdrawForm,
    allowed_actions,
    can_file_objection,
    can_release,
    posting_status,
)
from notices.flow import POSTING_FLOW
from notices.models import Objection, Posting


class PostingStepsMixin:
    """The steps of ``notices.flow.POSTING_FLOW`` as buttons (each a page of its own) and list actions."""

    # -- per-object buttons -----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        at = timezone.now()
        may = obj is not None and can_release(request)
        offers = POSTING_FLOW.offered(obj, actor=request.user, at=at) if may else []
        context["posting_actions"] = [o.transition.name for o in offers if o.enabled]
        context["posting_blocked"] = [o for o in offers if not o.enabled]
        context["can_file_objection"] = obj is not None and can_file_objection(request, obj)
        if obj is not None and obj.is_released:
            context["show_save"] = context["show_save_and_continue"] = bool(
                obj.objections.filter(status=Objection.Status.PENDING).exists()
            )
            context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/release/", wrap(self.release_view), name="notices_posting_release"),
            path("<int:pk>/publish-now/", wrap(self.publish_now_view), name="notices_posting_publish_now"),
            path("<int:pk>/withdraw/", wrap(self.withdraw_view), name="notices_posting_withdraw"),
            path("<int:pk>/new-version/", wrap(self.new_version_view), name="notices_posting_new_version"),
            path("<int:pk>/object/", wrap(self.file_objection_view), name="notices_posting_file_objection"),
        ] + super().get_urls()

    def _get_for_action(self, request, pk: int, action: str) -> Posting:
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:
            from django.http import Http404

            raise Http404
        if action not in allowed_actions(obj, request, timezone.now()):
            raise PermissionDenied
        return obj

    def _change_url(self, obj: Posting) -> str:
        return reverse("admin:notices_posting_change", args=[obj.pk])

    def _report(self, request, obj: Posting, done: str) -> None:
        messages.success(request, done)
        warning = getattr(obj, "calendar_warning", None)
        if warning:
            messages.warning(request, warning)

    def release_view(self, request: HttpRequest, pk: int):
        return self._confirm_release(request, pk, now=False)

    def publish_now_view(self, request: HttpRequest, pk: int):
        return self._confirm_release(request, pk, now=True)

    def _confirm_release(self, request, pk: int, *, now: bool):
        obj = self._get_for_action(request, pk, "publish_now" if now else "release")
        if request.method == "POST":
            try:
                posting = self._release(obj, request, now=now)
            except RuleViolation as e:
                messages.error(request, "；".join(e.messages))
            else:
                self._report(
                    request,
                    posting,
                    gettext("已发布“%(title)s”，%(when)s起向居民公开。")
                    % {
                        "title": posting.title,
                        "when": timezone.localtime(posting.publish_at).strftime("%Y-%m-%d %H:%M"),
                    },
                )
            return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("立即发布") if now else gettext("按设定时间发布"),
            "now": now,
            # A draft whose start has passed goes public at release, never backdated.
            "starts_at_release": now or obj.publish_at <= timezone.now(),
            "status": posting_status(obj, timezone.now()),
            "ends": self._release_end(obj, now=now),
            # Shown before the click: release would refuse them anyway (notices.services).
            "personal_data": services.personal_data_problems(obj),
        }
        return TemplateResponse(request, "admin/notices/posting/release_confirm.html", context)

    @staticmethod
    def _release_end(obj: Posting, *, now: bool) -> str:
        """The window end the posting will have if released now (core.windows wording)."""
        at = timezone.now()
        if obj.working_days:
            start = at if now or obj.publish_at < at else obj.publish_at
            end, _years = services.working_days_end(start, obj.working_days)
            return gettext("%(window)s（%(days)d个工作日）") % {
                "window": posted_until(end),
                "days": obj.working_days,
            }
        return posted_until(obj.expire_at)

    @staticmethod
    def _release(obj: Posting, request, *, now: bool) -> Posting:
        at = timezone.now()
        if now and obj.publish_at != at:
            services.posting_update_draft(obj, actor=request.user, publish_at=at)
        return services.posting_release(obj, actor=request.user, at=at)

    def withdraw_view(self, request: HttpRequest, pk: int):
        obj = self._get_for_action(request, pk, "withdraw")
        return self._withdraw_form(request, [obj], return_url=self._change_url(obj))

    def _withdraw_form(self, request, postings: list[Posting], *, return_url: str, from_action: bool = False):
        form = WithdrawForm(request.POST if request.POST.get("confirm") else None)
        if form.is_valid():
            done = 0
            for posting in postings:
                try:
                    services.posting_withdraw(posting, actor=request.user, reason=form.cleaned_data["reason"])
                except RuleViolation as e:
                    messages.error(request, f"{posting.title}：{'；'.join(e.messages)}")
                else:
                    done += 1
            if done:
                messages.success(request, gettext("已撤回%(n)d项，撤回原因已向居民公开。") % {"n": done})
            return HttpResponseRedirect(return_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("撤回公开事项"),
            "form": form,
            "postings": postings,
            "from_action": from_action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "return_url": return_url,
        }
        return TemplateResponse(request, "admin/notices/posting/withdraw.html", context)

    def new_version_view(self, request: HttpRequest, pk: int):
        obj = self._get_for_action(request, pk, "new_version")
        form = NewVersionForm(
            request.POST or None, instance=Posting(**{f: getattr(obj, f) for f in NewVersionForm.Meta.fields})
        )
        if request.method == "POST" and form.is_valid():
            changes = {f: form.cleaned_data[f] for f in NewVersionForm.Meta.fields}
            if changes.get("working_days"):
                changes["expire_at"] = None
            try:
                new = services.posting_new_version(
                    obj, actor=request.user, correction_note=form.cleaned_data["correction_note"], **changes
                )
            except RuleViolation as e:
                form.add_error(None, e.messages)
            else:
                self._report(
                    request,
                    new,
                    gettext("已发布更正版本（第%(v)d版），原版本保留在记录中并标为已更正。")
                    % {"v": new.version},
                )
                return HttpResponseRedirect(self._change_url(new))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("发布更正版本"),
            "form": form,
        }
        return TemplateResponse(request, "admin/notices/posting/new_version.html", context)

    def file_objection_view(self, request: HttpRequest, pk: int):
        """A supervisor's objection to this posting, recorded with their account."""
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:
            from django.http import Http404

            raise Http404
        if not can_file_objection(request, obj):
            raise PermissionDenied
        form = SupervisorObjectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.objection_file_by_supervisor(obj, actor=request.user, body=form.cleaned_data["body"])
            except RuleViolation as e:
                form.add_error(None, e)
            else:
                messages.success(request, gettext("已提出异议，等待居委会答复。答复后显示在本页的“异议”中。"))
                return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("提出异议"),
            "form": form,
            "status": posting_status(obj, timezone.now()),
        }
        return TemplateResponse(request, "admin/notices/posting/file_objection.html", context)

    # -- list actions -----------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        state = self.STATE_OF_WINDOW.get(request.GET.get("window", ""))
        for name, step in self.STEP_OF_ACTION.items():
            transition = POSTING_FLOW.transition(step)
            if not can_release(request) or (state and state not in transition.sources):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("发布所选草稿（按设定的公开开始时间）"))
    def release_selected(self, request, queryset):
        if not can_release(request):
            raise PermissionDenied
        run_service_on_each(
            request,
            items=queryset,
            service=lambda p: self._report_warning(request, self._release(p, request, now=False)),
            done_message=gettext("已发布%(n)d项。"),
        )

    @admin.action(description=_("立即发布所选草稿"))
    def publish_now_selected(self, request, queryset):
        if not can_release(request):
            raise PermissionDenied
        run_service_on_each(
            request,
            items=queryset,
            service=lambda p: self._report_warning(request, self._release(p, request, now=True)),
            done_message=gettext("已立即发布%(n)d项。"),
        )

    @staticmethod
    def _report_warning(request, posting: Posting) -> None:
        if getattr(posting, "calendar_warning", None):
            messages.warning(request, f"{posting.title}：{posting.calendar_warning}")

    @admin.action(description=_("撤回所选公开事项（需填写原因）"))
    def withdraw_selected(self, request, queryset):
        if not can_release(request):
            raise PermissionDenied
        return self._withdraw_form(
            request, list(queryset), return_url=request.get_full_path(), from_action=True
        )
