"""ID numbers and phone numbers in the admin, shown as ``core.privacy.personal_data_view``
decides for the signed-in user: the one place every admin screen with personal data goes through.

An admin or inline lists its personal fields (``personal_fields = {"id_number": "id", "phone":
"phone"}``) and gets:

- read-only display (view-only roles, or a field the admin never lets anyone edit): the masked
  value for roles that see masked values (the field is swapped for ``masked_<name>``);
- editable fields for roles that may edit but see masked values: the stored value never reaches
  the browser. The input starts empty with the masked value as placeholder and in the help text;
  left empty the value stays as it is, a value typed replaces it (and is checked like any other);
  new records are typed in full, as before;
- history pages (simple-history): changes of those fields listed masked, and the page of one
  past version masked like the change page.

Lists are masked for everyone (``privacy.LIST_VIEW``); their columns call :func:`masked_value`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from core.admin_scope import community_id_of, community_path_for
from core.idnumbers import mask_id, mask_phone
from core.privacy import FULL, PersonalDataView, personal_data_view

_MASKERS = {"id": mask_id, "phone": mask_phone}


def masked_value(kind: str, value: str | None) -> str:
    return _MASKERS[kind](value)


def _shows_full(view: PersonalDataView, kind: str) -> bool:
    return view.full_id if kind == "id" else view.full_phone


class PersonalDataForm(forms.ModelForm):
    """Set on a per-request subclass: ``_masked_fields`` = {field name: kind} the user may type
    into but sees masked."""

    _masked_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored: dict[str, str] = {}
        if self.instance.pk is None:
            return  # a new record: typed in full by the person registering it
        for name, kind in self._masked_fields.items():
            field = self.fields.get(name)
            if field is None:
                continue
            stored = getattr(self.instance, name) or ""
            self._stored[name] = stored
            self.initial[name] = ""
            field.required = False
            shown = masked_value(kind, stored)
            field.widget.attrs.update(
                {
                    "placeholder": shown,
                    "autocomplete": "off",
                    "title": gettext("只显示部分号码；如需更正，请输入完整的新号码，留空则保持不变。"),
                }
            )
            if stored:
                field.help_text = gettext(
                    "已登记：%(value)s（按您的角色只显示部分）。如需更正，请输入完整的新号码；留空则保持不变。"
                ) % {"value": shown}
            else:
                field.help_text = gettext("尚未登记。")

    def clean(self):
        data = super().clean()
        for name, stored in self._stored.items():
            if name in data and not (data[name] or "").strip():
                data[name] = stored
        return data


class _MaskedHistoryHelper(HistoricalRecordContextHelper):
    def __init__(self, model, record, *, masked: dict[str, str]):
        super().__init__(model, record)
        self.masked = masked

    def prepare_delta_change_value(self, change, value):
        kind = self.masked.get(change.field)
        if kind is not None:
            return masked_value(kind, value)
        return super().prepare_delta_change_value(change, value)


class PersonalDataMixin:
    """For ModelAdmins and inlines that show ``personal_fields``. Put it before the admin base class."""

    #: field name -> "id" or "phone"
    personal_fields: dict[str, str] = {}

    # -- the decision --------------------------------------------------------------------------------

    def personal_view(self, request, obj=None) -> PersonalDataView:
        """What ``request.user`` sees of the personal data on this page (``obj``: the page's record;
        for an inline, the parent record)."""
        if not self.personal_fields:
            return FULL
        community_id = None
        if obj is not None:
            path = community_path_for(type(obj))
            if path is not None:
                try:
                    community_id = community_id_of(obj, path)
                except (AttributeError, FieldDoesNotExist, ObjectDoesNotExist):
                    community_id = None  # a half-built object: judge by role alone
        return personal_data_view(request.user, community_id=community_id, subject=obj)

    def _masked_kinds(self, request, obj=None) -> dict[str, str]:
        view = self.personal_view(request, obj)
        return {name: kind for name, kind in self.personal_fields.items() if not _shows_full(view, kind)}

    def _can_edit(self, request, obj=None) -> bool:
        # No record yet (an add page): nothing stored to show, whatever is typed is the user's own.
        return obj is None or self.has_change_permission(request, obj)

    def _shown_masked_readonly(self, request, obj=None) -> dict[str, str]:
        """Personal fields this user sees masked and cannot type into: shown as ``masked_<name>``."""
        masked = self._masked_kinds(request, obj)
        if not masked:
            return {}
        own_readonly = set(super().get_readonly_fields(request, obj))
        editable = self._can_edit(request, obj)
        return {name: kind for name, kind in masked.items() if name in own_readonly or not editable}

    def _swap(self, names, swap: dict[str, str]):
        out = []
        for item in names:
            if isinstance(item, list | tuple):
                out.append(type(item)(self._swap(item, swap)))
            else:
                out.append(f"masked_{item}" if item in swap else item)
        return out

    # -- where Django asks -----------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        fields = self._swap(super().get_fields(request, obj), self._shown_masked_readonly(request, obj))
        return list(dict.fromkeys(fields))  # Django's default appends the read-only fields again

    def get_fieldsets(self, request, obj=None):
        swap = self._shown_masked_readonly(request, obj)
        if not swap:
            return super().get_fieldsets(request, obj)
        return [
            (title, {**opts, "fields": self._swap(opts["fields"], swap)})
            for title, opts in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        swap = self._shown_masked_readonly(request, obj)
        return [name for name in readonly if name not in swap] + [f"masked_{name}" for name in swap]

    def _personal_form(self, form, request, obj):
        masked = self._masked_kinds(request, obj)
        if not masked:
            return form
        return type(form.__name__, (PersonalDataForm, form), {"_masked_fields": masked})

    def get_form(self, request, obj=None, change=False, **kwargs):  # ModelAdmin
        form = super().get_form(request, obj, change=change, **kwargs)
        return self._personal_form(form, request, obj)

    def get_formset(self, request, obj=None, **kwargs):  # InlineModelAdmin
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = self._personal_form(formset.form, request, obj)
        return formset

    def get_historical_record_context_helper(self, request, historical_record):  # SimpleHistoryAdmin
        # Once per object and request, not once per listed version.
        cache = request.__dict__.setdefault("_personal_masked", {})
        key = (self.model, historical_record.instance.pk)
        if key not in cache:
            cache[key] = self._masked_kinds(request, historical_record.instance)
        masked = cache[key]
        if not masked:
            return super().get_historical_record_context_helper(request, historical_record)
        return _MaskedHistoryHelper(self.model, historical_record, masked=masked)

    # -- the masked read-only columns --------------------------------------------------------------

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj):
        return masked_value("id", obj.id_number) or "-"

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return masked_value("phone", obj.phone) or "-"
