"""Admin of objections: answered by the committee, the filer's personal data masked by role."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_base import (
    CommunityScopedAdmin,
)
from core.admin_privacy import PersonalDataMixin
from notices import services
from notices.admin.forms import (
    ObjectionAnswerForm,
)
from notices.models import Objection


@admin.register(Objection)
class ObjectionAdmin(PersonalDataMixin, CommunityScopedAdmin, SimpleHistoryAdmin):
    community_field = "posting__community"
    personal_fields = {"phone": "phone"}
    form = ObjectionAnswerForm
    list_display = ["posting", "filed_at", "name", "filed_by", "status", "upheld", "answered_at"]
    list_filter = ["status", "posting__community"]
    list_select_related = ["posting", "filed_by"]
    # A resident who calls quotes the reference the board gave them.
    search_fields = ["posting__title", "name", "=reference"]
    ordering = ["status", "filed_at"]
    fields = [
        "posting",
        "reference",
        "filed_at",
        "name",
        "filed_by",
        "phone",
        "body",
        "status",
        "answer",
        "upheld",
        "answered_at",
        "answered_by",
    ]
    readonly_fields = [
        "posting",
        "reference",
        "filed_at",
        "name",
        "filed_by",
        "phone",
        "body",
        "status",
        "answered_at",
        "answered_by",
    ]

    def has_add_permission(self, request):
        # Residents file on the public board; supervisors with the "提出异议" button of a posting.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.status == Objection.Status.PENDING and form.has_changed():
            services.objection_answer(
                obj,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
            )
        obj.refresh_from_db()
