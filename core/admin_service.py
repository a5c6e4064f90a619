"""One write path for the admin: every save, inline row and delete goes through the app's service.

An admin that mixes in :class:`ServiceSaveMixin` implements hooks instead of letting Django call
``obj.save()``::

    class HouseholdAdmin(ServiceSaveMixin, ScopedHistoryAdmin):
        def service_save(self, request, obj, form, change):
            if change:
                return services.household_update(household=obj, actor=request.user, **changed(form))
            return services.household_create(actor=request.user, **form.cleaned_data)

Forms only shape input; the rule is the service's. A :class:`~core.errors.RuleViolation` raised by
any hook rolls back everything the submission wrote (a savepoint around the whole save) and the
page is shown again with the user's input and the reason on the form: under the field the service
named, or at the top. Inline rows of every inline are saved in three rounds (deletions, changes,
additions), so ending an office in one inline and filling it in another is judged on the result.
Warnings a hook gives (:meth:`ServiceSaveMixin.warn`) are shown only once the
whole submission is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import models, router, transaction
from django.forms import BaseForm, BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext

from core.errors import RuleViolation


def changed(form: BaseForm, *, fields=None) -> dict:
    """The cleaned values of the fields the user changed (``fields`` limits them further)."""
    names = [n for n in form.changed_data if n in form.cleaned_data and not n.startswith("DELETE")]
    if fields is not None:
        names = [n for n in names if n in fields]
    return {n: form.cleaned_data[n] for n in names}


def cleaned(form: BaseForm, *, fields) -> dict:
    """The cleaned values of ``fields`` that the form has (a hidden or read-only field is left out)."""
    return {n: form.cleaned_data[n] for n in fields if n in form.cleaned_data}


class _RefusalForm:
    """Mixed into the admin form on the second pass: the service's refusal becomes form errors."""

    _refusal: RuleViolation

    def clean(self):
        data = super().clean()
        refusal = self._refusal
        if hasattr(refusal, "error_dict"):
            for field, errors in refusal.message_dict.items():
                target = field if field in self.fields and field not in self._errors else None
                self.add_error(target, errors)
        else:
            self.add_error(None, refusal.messages)
        return data


class ServiceSaveMixin:
    """Admin saves through services; see the module docstring. Put it before the scoped admin base."""

    # -- hooks ------------------------------------------------------------------------------------

    def service_save(self, request, obj, form, change: bool) -> models.Model:
        """Create or change the object through its service; return the saved instance."""
        raise NotImplementedError(f"{type(self).__name__}.service_save")

    def service_delete(self, request, obj) -> None:
        """Delete through a service. The default refuses: a governed record is ended, not deleted."""
        raise RuleViolation(gettext("该记录不能删除。"))

    def service_save_inline(self, request, parent, obj, form, change: bool) -> models.Model:
        """Create or change one inline row (``form`` is the row's form) through its service."""
        raise NotImplementedError(f"{type(self).__name__}.service_save_inline({type(obj).__name__})")

    def service_delete_inline(self, request, parent, obj) -> None:
        raise RuleViolation(gettext("该记录不能删除。"))

    def warn(self, request, message: str) -> None:
        """A warning shown after the whole submission has been saved (never on a refused one)."""
        request._service_warnings = [*getattr(request, "_service_warnings", []), str(message)]

    # -- Django's admin calls these -----------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request, obj, form, change)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj._state.adding = False
            obj.refresh_from_db()

    _PHASES = ("delete", "change", "add")

    def save_related(self, request, form, formsets, change):
        # Rows of every inline in three rounds: deletions, then changes (an office ended), then
        # additions, so a submission that ends one office and fills it in another inline is judged
        # on the result, not on the order of the inlines on the page.
        form.save_m2m()
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for phase in self._PHASES:
            for formset in formsets:
                self._save_rows(request, form, formset, phase)

    def save_formset(self, request, form, formset: BaseInlineFormSet, change):
        # The admin's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for phase in self._PHASES:
            self._save_rows(request, form, formset, phase)

    def _save_rows(self, request, form, formset: BaseInlineFormSet, phase: str) -> None:
        parent = form.instance
        if phase == "delete":
            for row in formset.deleted_forms:
                if row.instance.pk:
                    with self._row_context(row.instance):
                        self.service_delete_inline(request, parent, row.instance)
                    formset.deleted_objects.append(row.instance)
            return
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            # The row's form has already put its values on row.instance (ModelForm validation).
            is_change = row.instance.pk is not None
            if is_change != (phase == "change"):
                continue
            setattr(row.instance, formset.fk.name, parent)
            with self._row_context(row.instance):
                saved = self.service_save_inline(request, parent, row.instance, row, is_change)
            if is_change:
                formset.changed_objects.append((saved, row.changed_data))
            else:
                formset.new_objects.append(saved)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk delete action: each row through the service, refusals reported row by row (the
        # action's own "deleted N" message counts the selection).
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.service_delete(request, obj)
            except RuleViolation as e:
                messages.error(request, f"{obj}：{'；'.join(e.messages)}")

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except RuleViolation as e:
            for message in e.messages:
                messages.error(request, gettext("未删除：%(reason)s") % {"reason": message})
            return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (_RefusalForm, form), {"_refusal": refusal})

    def _changeform_view(self, request, object_id, form_url, extra_context):
        if request.method != "POST":
            return super()._changeform_view(request, object_id, form_url, extra_context)
        using = router.db_for_write(self.model)
        try:
            with transaction.atomic(using=using):
                response = super()._changeform_view(request, object_id, form_url, extra_context)
        except RuleViolation as refusal:
            # Everything this submission wrote is rolled back. Show the form again, filled in as
            # the user left it, with the reason on it: the form of the second pass adds it.
            request._service_refusal = refusal
            request._service_warnings = []
            return super()._changeform_view(request, object_id, form_url, extra_context)
        for warning in getattr(request, "_service_warnings", []):
            messages.warning(request, warning)
        return response

    @staticmethod
    def _row_context(obj):
        return _RowContext(obj)


class _RowContext:
    """Names the inline row in a refusal (the form shows it at the top, not on the row)."""

    def __init__(self, obj):
        self.obj = obj

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if isinstance(error, RuleViolation):
            try:
                label = f"{self.obj._meta.verbose_name}“{self.obj}”："
            except Exception:  # noqa: BLE001 - an unsaved row may lack what __str__ reads
                label = f"{self.obj._meta.verbose_name}："
            raise RuleViolation([label + m for m in error.messages]) from error
        return False
