"""Staff accounts in the admin: the 主任 manages their own community's staff (``committee.accounts``).

Superusers see and manage every account; a chair sees the accounts entirely inside their
communities and changes those the rules allow (``accounts.may_manage``: a supervisor's account is
view-only to them). The forms only collect and check: creating, changing, resetting a password and
deactivating go through the services, which record every change in ``AccountEvent``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from committee import accounts
from committee.admin_account_forms import (
    StaffAccountAddForm,
    StaffAccountForm,
    StaffPasswordForm,
)
from core.admin_base import CommunityScopedAdmin
from core.errors import RuleViolation
from core.models import AccountEvent, User


@admin.register(User)
class UserAdmin(CommunityScopedAdmin, DjangoUserAdmin):
    community_field = "staff_profile__communities"
    form = StaffAccountForm
    add_form = StaffAccountAddForm
    add_form_template = None
    list_display = ["username", "full_name", "phone", "roles", "community_names", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "full_name", "phone"]
    ordering = ["username"]
    filter_horizontal = ()
    readonly_fields = [
        "username_display",
        "password_link",
        "last_login",
        "date_joined",
        "account_events_list",
        "roles",
        "community_names",
        "profile_title",
        "profile_resident",
    ]
    actions = ["deactivate_selected", "activate_selected"]

    # -- which accounts, and what may be done to them ---------------------------------------------

    def get_queryset(self, request):
        return (
            accounts.staff_accounts_visible_to(request.user)
            .select_related("staff_profile__street_office")
            .prefetch_related("groups", "staff_profile__communities")
        )

    def get_search_results(self, request, queryset, search_term):
        # The queryset is already the visible accounts; the generic re-scoping by path would drop
        # accounts that are the chair's own but span no other community anyway.
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return ["is_active", "is_superuser", "groups"]
        return ["is_active", "groups"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or accounts.may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: their records (releases, answers) point to them.
        return request.user.is_active and request.user.is_superuser

    # -- forms ------------------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        superuser = request.user.is_superuser
        powers = ["is_superuser", "street_office"] if superuser else []
        if obj is None:
            return [
                (None, {"fields": ["username", "full_name", "phone", "email", "password1", "password2"]}),
                (
                    _("角色与所属社区"),
                    {"fields": ["role_names", "communities", *powers, "title", "resident"]},
                ),
            ]
        # A login name stays what it was created as: the change log and colleagues know it by it.
        refused = accounts.why_not_manageable(request.user, obj)
        if refused is not None or not self.has_change_permission(request, obj):
            return [
                (None, {"fields": ["username_display"], "description": refused or ""}),
                (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
                (
                    _("角色与所属社区"),
                    {
                        "fields": [
                            "is_active",
                            "roles",
                            "community_names",
                            "profile_title",
                            "profile_resident",
                        ]
                    },
                ),
                (_("记录"), {"fields": ["last_login", "date_joined", "account_events_list"]}),
            ]
        return [
            (None, {"fields": ["username_display", "password_link"]}),
            (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
            (
                _("角色与所属社区"),
                {"fields": ["is_active", "role_names", "communities", *powers, "title", "resident"]},
            ),
            (_("记录"), {"fields": ["last_login", "date_joined", "account_events_list"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        shown = set(flatten_fieldsets(self.get_fieldsets(request, obj)))
        return type(form.__name__, (form,), {"actor": request.user, "shown": shown})

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "full_name": data.get("full_name", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "title": data.get("title", ""),
            "resident": data.get("resident"),
            "role_names": data.get("role_names", []),
            "communities": data.get("communities", []),
        }
        if request.user.is_superuser:
            fields.update(
                street_office=data.get("street_office"), is_superuser=data.get("is_superuser", False)
            )
        if not change:
            user = accounts.staff_account_create(
                actor=request.user, username=data["username"], password=data["password1"], **fields
            )
            obj.pk = user.pk
            obj._state.adding = False
        else:
            accounts.staff_account_update(obj, actor=request.user, is_active=data.get("is_active"), **fields)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # roles and the staff profile were saved by the service

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("角色"))
    def roles(self, obj):
        names = [g.name for g in obj.groups.all()]
        if obj.is_superuser:
            names.insert(0, gettext("系统管理员"))
        return "、".join(names) or "—"

    @admin.display(description=_("所属社区"))
    def community_names(self, obj):
        profile = getattr(obj, "staff_profile", None)
        if profile is None:
            return "—"
        if profile.street_office_id:
            return profile.street_office.name
        return "、".join(c.name for c in profile.communities.all()) or "—"

    @admin.display(description=_("用户名"))
    def username_display(self, obj):
        return obj.get_username()

    @admin.display(description=_("职务说明"))
    def profile_title(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return (profile.title if profile else "") or "—"

    @admin.display(description=_("对应居民"))
    def profile_resident(self, obj):
        return accounts.own_resident(obj) or "—"

    @admin.display(description=_("密码"))
    def password_link(self, obj):
        # Only in the fieldsets of accounts the user may manage (get_fieldsets).
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:auth_user_password_change", args=[obj.pk]),
            gettext("重置密码"),
        )

    @admin.display(description=_("账号变更记录"))
    def account_events_list(self, obj):
        events = list(obj.account_events.select_related("actor")[:20]) if obj and obj.pk else []
        if not events:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant separator
            "{} {} {}{}",
            (
                (
                    f"{timezone.localtime(e.at):%Y-%m-%d %H:%M}",
                    e.actor or gettext("系统"),
                    e.get_action_display(),
                    f"：{e.detail}" if e.detail else "",
                )
                for e in events
            ),
        )

    # -- password reset ---------------------------------------------------------------------------

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        form = StaffPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                accounts.staff_password_reset(
                    user, actor=request.user, password=form.cleaned_data["password1"]
                )
            except RuleViolation as e:
                form.add_error(None, e.messages)
            else:
                if user.pk == request.user.pk:
                    update_session_auth_hash(request, user)
                messages.success(
                    request,
                    gettext("已为%(user)s设置新密码，请当面或电话告知本人，并提醒其登录后自行修改。")
                    % {"user": user},
                )
                return HttpResponseRedirect(reverse("admin:core_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": gettext("重置密码：%(user)s") % {"user": user},
            "form": form,
        }
        return TemplateResponse(request, "admin/committee/user/password.html", context)

    # -- list actions -----------------------------------------------------------------------------

    @admin.action(description=_("停用所选账号（不能再登录，记录保留）"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._set_active(request, queryset, active=False, done=gettext("已停用%(n)d个账号。"))

    @admin.action(description=_("恢复启用所选账号"), permissions=["change"])
    def activate_selected(self, request, queryset):
        self._set_active(request, queryset, active=True, done=gettext("已恢复启用%(n)d个账号。"))

    def _set_active(self, request, queryset, *, active: bool, done: str) -> None:
        n = 0
        for user in queryset:
            try:
                accounts.staff_account_set_active(user, actor=request.user, active=active)
            except (RuleViolation, PermissionDenied) as e:
                reason = "；".join(e.messages) if isinstance(e, RuleViolation) else str(e)
                messages.error(request, f"{user}：{reason}")
            else:
                n += 1
        if n:
            messages.success(request, done % {"n": n})


@admin.register(AccountEvent)
class AccountEventAdmin(CommunityScopedAdmin):
    community_field = "user__staff_profile__communities"
    list_display = ["at_local", "user", "action", "detail", "actor"]
    list_filter = ["action"]
    list_select_related = ["user", "actor"]
    search_fields = ["user__username", "user__full_name", "detail"]
    ordering = ["-at", "-id"]

    @admin.display(description=_("时间"), ordering="at")
    def at_local(self, obj):
        return f"{timezone.localtime(obj.at):%Y-%m-%d %H:%M}"

    def get_queryset(self, request):
        # The same accounts as the account list (a chair: those entirely inside their communities).
        visible = accounts.staff_accounts_visible_to(request.user)
        return admin.ModelAdmin.get_queryset(self, request).filter(user__in=visible)

    def get_search_results(self, request, queryset, search_term):
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
