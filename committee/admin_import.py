"""The admin's "导入" page for households and residents: upload → preview → confirm.

The uploaded file is kept in a private folder (``PORTAL_IMPORT_DIR``, default ``var/imports``,
never under MEDIA) between preview and confirm, named by a random token that only the uploading
user's session knows. Confirm reads the file again and :func:`committee.importing.residents_import`
checks every row again before writing, so nothing shown in the preview is trusted.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committee import importing
from core.errors import RuleViolation
from core.models import Community
from core.scoping import communities_for_user

SESSION_PREFIX = "committee_import:"
PREVIEW_ROWS = 10
ERRORS_SHOWN = 1000
KEEP_SECONDS = 24 * 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_dir() -> Path:
    folder = Path(getattr(settings, "PORTAL_IMPORT_DIR", None) or Path(settings.VAR_DIR) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Forget uploads nobody confirmed within a day (they hold personal data)."""
    cutoff = time.time() - KEEP_SECONDS
    for f in folder.glob("*.upload"):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass


class ImportForm(forms.Form):
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), label=_("导入到社区"), empty_label=None
    )
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GBK 编码）或 Excel .xlsx；第一行为列名，每行一名居民。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for_user(user).order_by("name")

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(gettext("只支持 .csv 或 .xlsx 文件。"))
        if f.size > importing.MAX_BYTES:
            raise forms.ValidationError(
                gettext("文件过大（超过%(mb)dMB），请分批导入。")
                % {"mb": importing.MAX_BYTES // 1024 // 1024}
            )
        return f


class ImportAdminMixin:
    """Adds the import page (and the template downloads) to a ModelAdmin of the registry."""

    change_list_template = "admin/committee/change_list_import.html"
    import_template = "admin/committee/import.html"

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path("import/template.csv", wrap(self.import_template_view), {"fmt": "csv"}, name=f"{prefix}_import_csv"),
            path("import/template.xlsx", wrap(self.import_template_view), {"fmt": "xlsx"}, name=f"{prefix}_import_xlsx"),
            path("import/<str:token>/errors.csv", wrap(self.import_errors_view), {"fmt": "csv"}, name=f"{prefix}_import_errors"),
            path("import/<str:token>/errors.xlsx", wrap(self.import_errors_view), {"fmt": "xlsx"}, name=f"{prefix}_import_errors_xlsx"),
        ] + super().get_urls()  # fmt: skip

    def has_import_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.has_perms(["committee.add_household", "committee.add_resident"])

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)

    # --- views ---

    def import_template_view(self, request, fmt: str):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if fmt == "xlsx":
            response = HttpResponse(importing.template_xlsx(), content_type=XLSX)
        else:
            response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f"attachment; filename=\"juwei-import-template.{fmt}\"; filename*=UTF-8''{_quote('居民导入模板')}.{fmt}"
        )
        return response

    def import_errors_view(self, request, token: str, fmt: str):
        """Every bad row of a previewed file (the page shows the first thousand)."""
        stored = self._stored(request, token)
        plan = importing.import_plan(
            community=stored["community"], data=stored["data"], file_name=stored["name"]
        )
        if fmt == "xlsx":
            response = HttpResponse(importing.errors_xlsx(plan), content_type=XLSX)
        else:
            response = HttpResponse(importing.errors_csv(plan), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-errors.{fmt}"'
        return response

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        changelist = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        if request.method == "POST" and "token" in request.POST:
            token = request.POST["token"]
            if "cancel" in request.POST:
                self._forget(request, token)
                messages.info(request, gettext("已取消导入，未写入任何数据。"))
                return HttpResponseRedirect(changelist)
            return self._confirm(request, token, changelist)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = b"".join(upload.chunks())
                community = form.cleaned_data["community"]
                plan = importing.import_plan(community=community, data=data, file_name=upload.name)
                # Kept for the confirm step, or for the full error list.
                keep = plan.ok or bool(plan.errors)
                token = self._store(request, data=data, name=upload.name, community=community) if keep else ""
                return self._render(request, form=None, plan=plan, token=token)
        else:
            form = ImportForm(user=request.user)
            if not form.fields["community"].queryset.exists():
                messages.error(request, gettext("您没有负责的社区，不能导入。"))
        return self._render(request, form=form)

    def _confirm(self, request, token: str, changelist: str):
        stored = self._stored(request, token)
        try:
            result = importing.residents_import(
                community=stored["community"],
                data=stored["data"],
                file_name=stored["name"],
                actor=request.user,
            )
        except importing.ImportRefused as e:
            messages.error(request, gettext("确认时重新检查发现问题，未导入任何数据。"))
            return self._render(request, form=None, plan=e.plan, token=token)
        except RuleViolation as e:
            messages.error(request, gettext("未导入任何数据：%(reason)s") % {"reason": "；".join(e.messages)})
            return self._render(request, form=None, plan=None, token="")
        self._forget(request, token)
        messages.success(
            request,
            gettext("已导入“%(file)s”：新建%(households)d户，新增%(residents)d名居民。")
            % {
                "file": stored["name"],
                "households": result.households_created,
                "residents": result.residents_created,
            },
        )
        return HttpResponseRedirect(changelist)

    # --- the stored upload ---

    def _store(self, request, *, data: bytes, name: str, community: Community) -> str:
        folder = import_dir()
        _sweep(folder)
        token = secrets.token_urlsafe(16)
        (folder / f"{token}.upload").write_bytes(data)
        request.session[SESSION_PREFIX + token] = {
            "name": name,
            "community": community.pk,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        return token

    def _stored(self, request, token: str) -> dict:
        meta = request.session.get(SESSION_PREFIX + token)
        path = import_dir() / f"{token}.upload"
        if not meta or not token.replace("-", "").replace("_", "").isalnum() or not path.exists():
            raise Http404(gettext("导入文件已过期或不存在，请重新上传。"))
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise Http404(gettext("导入文件已过期或不存在，请重新上传。"))
        # Scope is checked again: the user's communities may have changed since the preview.
        community = communities_for_user(request.user).filter(pk=meta["community"]).first()
        if community is None:
            raise Http404
        return {"data": data, "name": meta["name"], "community": community}

    def _forget(self, request, token: str) -> None:
        request.session.pop(SESSION_PREFIX + token, None)
        if token.replace("-", "").replace("_", "").isalnum():
            (import_dir() / f"{token}.upload").unlink(missing_ok=True)

    def _render(self, request, *, form, plan=None, token=""):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("导入户和居民"),
            "opts": opts,
            "form": form,
            "plan": plan,
            "token": token,
            "preview_rows": plan.rows[:PREVIEW_ROWS] if plan else [],
            "errors_shown": plan.errors[:ERRORS_SHOWN] if plan else [],
            "errors_more": max(0, len(plan.errors) - ERRORS_SHOWN) if plan else 0,
            "columns": importing.COLUMNS,
            "template_help": importing.TEMPLATE_HELP,
            "template_csv_url": reverse(f"admin:{prefix}_import_csv"),
            "template_xlsx_url": reverse(f"admin:{prefix}_import_xlsx"),
            "errors_url": reverse(f"admin:{prefix}_import_errors", args=[token]) if token else "",
            "errors_xlsx_url": reverse(f"admin:{prefix}_import_errors_xlsx", args=[token]) if token else "",
            "changelist_url": reverse(f"admin:{prefix}_changelist"),
        }
        return TemplateResponse(request, self.import_template, context)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)
