"""Admin of finance disclosure: entries with vouchers and approvers; monthly statements generated
from them (every figure read-only) and posted on the board by an action."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.finance import FinanceEntry, FinanceStatement
from affairs.services import finance as services
from core.admin_base import ScopedHistoryAdmin
from core.errors import RuleViolation
from core.models import User
from notices.attachments import clean_upload_field

VOUCHER_MAX_BYTES = 10 * 1024 * 1024


class EntryForm(forms.ModelForm):
    # A text field: "1,200.50" and "￥300" are accepted and a wrong amount gets a Chinese message.
    amount = forms.CharField(label=_("金额（元）"), max_length=20, help_text=_("如 1200.50，精确到分"))

    class Meta:
        model = FinanceEntry
        fields = ["community", "occurred_on", "kind", "category", "item", "amount", "voucher", "approver"]

    def clean_amount(self):
        try:
            return services.parse_amount(self.cleaned_data.get("amount"))
        except RuleViolation as e:
            raise forms.ValidationError(e.message_dict.get("amount", e.messages)) from e

    def clean_voucher(self):
        voucher = self.cleaned_data.get("voucher")
        if voucher and getattr(voucher, "size", 0) > VOUCHER_MAX_BYTES:
            raise forms.ValidationError(gettext("凭证文件不能超过10MB。"))
        return clean_upload_field(voucher)


@admin.register(FinanceEntry)
class FinanceEntryAdmin(ScopedHistoryAdmin):
    community_field = "community"
    form = EntryForm
    list_display = ["occurred_on", "kind", "category", "item", "amount", "approver", "has_voucher"]
    list_filter = ["community", "kind", "category"]
    search_fields = ["item"]
    date_hierarchy = "occurred_on"
    list_select_related = ["approver"]

    @admin.display(description=_("凭证"), boolean=True)
    def has_voucher(self, obj):
        return bool(obj.voucher)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "approver":
            from core.scoping import community_ids_for_user

            ids = community_ids_for_user(request.user)
            qs = User.objects.filter(is_active=True, is_staff=True)
            if ids is not None:
                qs = qs.filter(staff_profile__communities__in=ids).distinct()
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.entry_save(entry=obj, actor=request.user)
        posted = FinanceStatement.objects.filter(
            community_id=obj.community_id, month=obj.occurred_on.replace(day=1), posting_id__isnull=False
        ).exists()
        if posted:
            messages.warning(
                request,
                gettext("%(m)s的收支表已经公开；请在“月度收支表”中勾选该月，选择“生成并公开”发布更正。")
                % {"m": f"{obj.occurred_on:%Y-%m}"},
            )


class StatementForm(forms.ModelForm):
    class Meta:
        model = FinanceStatement
        fields = ["community", "month"]


@admin.register(FinanceStatement)
class FinanceStatementAdmin(ScopedHistoryAdmin):
    community_field = "community"
    form = StatementForm
    list_display = [
        "month", "community", "opening_balance", "income_total", "expense_total", "closing_balance",
        "entries", "posted_at",
    ]  # fmt: skip
    list_filter = ["community"]
    actions = ["post_selected"]
    readonly_fields = [
        "opening_balance", "income_total", "expense_total", "closing_balance", "entries", "generated_at",
        "posting_id", "posted_at",
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["community", "month", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        month = obj.month.replace(day=1)
        made = services.statement_generate(community=obj.community, month=month, actor=request.user)
        obj.pk, obj._state.adding = made.pk, False
        messages.info(request, gettext("已根据收支明细生成；勾选后选择“生成并公开”即可发布到公开栏。"))

    @admin.action(description=_("生成并公开所选月份（已公开的按更正发布）"), permissions=["change"])
    def post_selected(self, request, queryset):
        for statement in queryset:
            try:
                statement, posting = services.statement_post(statement=statement, actor=request.user)
            except RuleViolation as e:
                messages.error(request, f"{statement}：{'；'.join(e.messages)}")
                continue
            if posting is None:
                messages.info(request, gettext("%(m)s的数字没有变化，公开栏上已是最新。") % {"m": statement})
            else:
                messages.success(
                    request,
                    gettext("%(m)s收支表已发布到公开栏（第%(v)d版）。")
                    % {"m": statement, "v": posting.version},
                )
