"""Base classes of every admin: :class:`CommunityScopedAdmin` (and its inlines, history admin)
and :class:`SuperuserOnlyAdmin`.

The scoping rule itself (querysets, form fields, filters) is in ``core.admin_scope``, the date range
of forms in ``core.admin_dates``, ``run_service_on_each`` in ``core.admin_actions`` and the mixin
that saves through services (``ServiceSaveMixin``) in ``core.admin_service``; their names are
importable from here too. Every app's admin names how its model reaches a community::

    class PostingAdmin(CommunityScopedAdmin):
        community_field = "community"

    class ObjectionAdmin(CommunityScopedAdmin):
        community_field = "posting__community"

Declaring ``community_field`` also registers the path for the model, so every *other* admin that has
a foreign key to that model gets its choices narrowed for free.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import run_service_on_each
from core.admin_dates import DateRangeFormfieldsMixin, DateRangeFormMixin, RangeCheckedChangeList
from core.admin_scope import (
    OUT_OF_SCOPE_CHOICE,
    OUT_OF_SCOPE_SAVE,
    CommunityListFilter,
    ScopeCheckedForm,
    ScopedRelatedFieldListFilter,
    _field_at,
    _narrow_formfield_kwargs,
    community_id_of,
    community_path_for,
    register_community_path,
    scope_queryset,
)
from core.admin_service import ServiceSaveMixin
from core.errors import ScopeDenied
from core.models import Community
from core.scoping import community_ids_for_user

__all__ = [
    "OUT_OF_SCOPE_CHOICE",
    "OUT_OF_SCOPE_SAVE",
    "CommunityListFilter",
    "CommunityScopedAdmin",
    "CommunityScopedInlineMixin",
    "CommunityScopedStackedInline",
    "CommunityScopedTabularInline",
    "DateRangeFormMixin",
    "DateRangeFormfieldsMixin",
    "RangeCheckedChangeList",
    "ScopeCheckedForm",
    "ScopedFormfieldsMixin",
    "ScopedHistoryAdmin",
    "ScopedRelatedFieldListFilter",
    "ServiceSaveMixin",
    "SuperuserOnlyAdmin",
    "community_id_of",
    "community_path_for",
    "register_community_path",
    "run_service_on_each",
    "scope_queryset",
]


class ScopedFormfieldsMixin(DateRangeFormfieldsMixin):
    """Narrows foreign-key and many-to-many choices (used by model admins and inlines alike)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            # Keep the related admin's ordering, as Django's default would.
            qs = self.get_field_queryset(kwargs.get("using"), db_field, request)
            if qs is not None:
                kwargs["queryset"] = qs
        kwargs = _narrow_formfield_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            qs = self.get_field_queryset(kwargs.get("using"), db_field, request)
            if qs is not None:
                kwargs["queryset"] = qs
        kwargs = _narrow_formfield_kwargs(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CommunityScopedInlineMixin(ScopedFormfieldsMixin):
    """For inlines: the parent object is already scoped; narrow the inline rows' choices."""

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)


class CommunityScopedTabularInline(CommunityScopedInlineMixin, admin.TabularInline):
    pass


class CommunityScopedStackedInline(CommunityScopedInlineMixin, admin.StackedInline):
    pass


class CommunityScopedAdmin(ScopedFormfieldsMixin, admin.ModelAdmin):
    """Base of every admin of the five portal apps (combine with ``SimpleHistoryAdmin`` freely:
    ``class ResidentAdmin(CommunityScopedAdmin, SimpleHistoryAdmin)``)."""

    #: Lookup path from the model to its Community. Required unless auto-discovery finds it.
    community_field: str | None = None
    #: Big tables: skip the unfiltered COUNT(*) on every changelist page.
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return RangeCheckedChangeList

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if self.community_field:
            register_community_path(model, self.community_field)
        elif community_path_for(model) is None:
            raise TypeError(f"{type(self).__name__}: set community_field for {model.__name__}")

    # The single place that narrows rows.
    def get_community_path(self) -> str:
        return self.community_field or community_path_for(self.model)

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.get_community_path())

    def get_search_results(self, request, queryset, search_term):
        # The changelist's queryset is already scoped; autocomplete of another admin may hand us a
        # queryset built elsewhere, so narrow again (a no-op filter when already scoped).
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return scope_queryset(queryset, request.user, self.get_community_path()), may_have_duplicates

    def get_list_filter(self, request):
        """Plain field names in ``list_filter`` become scoped filters, so no filter lists rows of
        another community (``community`` itself becomes :class:`CommunityListFilter`)."""
        out = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                field = _field_at(self.model, item)
                if field is not None and field.is_relation and field.related_model is Community:
                    item = (
                        CommunityListFilter
                        if item == self.get_community_path()
                        else (item, ScopedRelatedFieldListFilter)
                    )
                elif field is not None and field.is_relation and community_path_for(field.related_model):
                    item = (item, ScopedRelatedFieldListFilter)
            out.append(item)
        return out

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        ids = community_ids_for_user(request.user)
        if ids is None:
            return form
        return type(
            form.__name__,
            (ScopeCheckedForm, form),
            {"_scope_ids": ids, "_scope_path": self.get_community_path()},
        )

    def save_model(self, request, obj, form, change):
        # Defence in depth: the form already refused this with a message.
        ids = community_ids_for_user(request.user)
        community_id = community_id_of(obj, self.get_community_path()) if ids is not None else None
        if ids is not None and community_id is not None and community_id not in ids:
            raise ScopeDenied(gettext("该记录属于您无权管理的社区。"))
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Forms check the rules first; a rule broken only at save time (a race, or two inlines that
        # are fine alone) raises inside Django's atomic block, which rolls everything back. Show the
        # reason instead of a 500.
        from django.contrib import messages
        from django.http import HttpResponseRedirect

        from core.errors import RuleViolation

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (RuleViolation, PermissionDenied) as e:
            if not isinstance(e, RuleViolation) and not str(e):
                raise
            for message in getattr(e, "messages", None) or [str(e)]:
                messages.error(request, gettext("未保存：%(reason)s") % {"reason": message})
            return HttpResponseRedirect(request.get_full_path())

    # simple-history's history pages fall back to the historical rows when the live object is not
    # found, which would show another community's history; refuse unless the object is in scope.
    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def _require_in_scope(self, request, object_id) -> None:
        ids = community_ids_for_user(request.user)
        if ids is None:
            return
        from django.contrib.admin.utils import unquote

        object_id = unquote(object_id)
        try:
            if self.get_queryset(request).filter(pk=object_id).exists():
                return
        except (ValueError, TypeError, models.ObjectDoesNotExist) as e:
            raise Http404 from e
        # A deleted object: judge by its last historical record (a historical row's own pk is its
        # history_id, so filter on the model's pk column).
        history = getattr(self.model, "history", None)
        record = (
            history.filter(**{self.model._meta.pk.attname: object_id}).order_by("-history_date").first()
            if history is not None
            else None
        )
        if record is not None:
            try:
                community_id = community_id_of(record.instance, self.get_community_path())
            except (AttributeError, models.ObjectDoesNotExist):
                community_id = None
            if community_id in ids:
                return
        raise Http404


class SuperuserOnlyAdmin(DateRangeFormfieldsMixin, admin.ModelAdmin):
    """For records above any one community (accounts, the national calendar): superusers only."""

    def get_changelist(self, request, **kwargs):
        return RangeCheckedChangeList

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ScopedHistoryAdmin(CommunityScopedAdmin, SimpleHistoryAdmin):
    """Scoped admin with simple-history's history pages (every governed model)."""
