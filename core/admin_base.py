"""The one scoping rule of the staff interface (STYLE.md #7).

Superusers aside, every admin page, list, search, foreign-key / many-to-many choice, autocomplete,
list filter, history page and save is narrowed to the communities of the signed-in user
(``committee.selectors.community_ids_for_user``). Every app's admin subclasses
:class:`CommunityScopedAdmin` and names how its model reaches a community::

    class PostingAdmin(CommunityScopedAdmin):
        community_field = "community"

    class ObjectionAdmin(CommunityScopedAdmin):
        community_field = "posting__community"

Declaring ``community_field`` also registers the path for the model, so every *other* admin that has
a foreign key to that model gets its choices narrowed for free. Models with a direct ``community``
foreign key, or a foreign key to such a model, are found without registration
(:func:`community_path_for`).

Permissions stay Django permissions (the role groups of ``core.roles``); scoping decides
*which rows*, permissions decide *which actions*. A 街道 user holds only view permissions, so every
form they open is read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.dates import EARLIEST, LATEST, validate_in_range
from core.errors import RuleViolation, ScopeDenied
from core.models import Community
from core.scoping import communities_for_user, community_ids_for_user

# model -> lookup path from the model to its Community ("community", "household__community", ...).
_PATHS: dict[type[models.Model], str] = {Community: "pk"}
_NOT_SCOPED = object()


def register_community_path(model: type[models.Model], path: str) -> None:
    """Tell the scoping rule how ``model`` reaches its community (idempotent)."""
    _PATHS[model] = path


def community_path_for(model: type[models.Model]) -> str | None:
    """The lookup path from ``model`` to ``Community``, or None if the model has no community.

    Registered paths win; otherwise a ``community`` foreign key, otherwise a non-null foreign key to
    a model that has a path itself (one step, e.g. ``posting__community``).
    """
    model = getattr(model, "_meta", None) and model._meta.concrete_model or model
    if model in _PATHS:
        return _PATHS[model]
    path = _discover(model, depth=0)
    _PATHS[model] = path if path is not None else _NOT_SCOPED  # type: ignore[assignment]
    return path


def _discover(model, depth: int) -> str | None:
    known = _PATHS.get(model)
    if known is _NOT_SCOPED:
        return None
    if known is not None:
        return known
    try:
        field = model._meta.get_field("community")
    except FieldDoesNotExist:
        field = None
    if field is not None and field.is_relation and field.related_model is Community:
        return "community"
    if depth >= 1:
        return None
    for f in model._meta.concrete_fields:
        if f.is_relation and f.many_to_one and not f.null and f.related_model is not model:
            sub = _discover(f.related_model, depth + 1)
            if sub is not None:
                return f"{f.name}__{sub}" if sub != "pk" else f.name
    return None


def _path_is_multivalued(model, path: str) -> bool:
    """True when the path crosses a reverse or many-to-many relation (the query needs DISTINCT)."""
    for part in path.split("__"):
        if part == "pk":
            return False
        field = model._meta.get_field(part)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def scope_queryset(qs: models.QuerySet, user, path: str | None = None) -> models.QuerySet:
    """Narrow ``qs`` to ``user``'s communities (unchanged for superusers and unscoped models)."""
    path = path or community_path_for(qs.model)
    if path is None:
        return qs
    ids = community_ids_for_user(user)
    if ids is None:
        return qs
    qs = qs.filter(**{f"{path}__in": ids})
    if _path_is_multivalued(qs.model, path):
        qs = qs.distinct()
    return qs


def community_id_of(obj: models.Model, path: str) -> int | None:
    """Follow ``path`` on an instance: the id of the community it belongs to (None if unset)."""
    if path == "pk":
        return obj.pk
    parts = path.split("__")
    current = obj
    for i, part in enumerate(parts):
        field = current._meta.get_field(part)
        if field.one_to_many or field.many_to_many:
            return None  # a multi-valued path has no single community
        last = i == len(parts) - 1
        if last and field.is_relation:
            return getattr(current, field.attname)
        if getattr(current, field.attname, None) is None:
            return None
        current = getattr(current, part)
    return current.pk if isinstance(current, models.Model) else current


# --- Form fields and filters --------------------------------------------------------------------


OUT_OF_SCOPE_CHOICE = _("所选项不存在，或不属于您负责的社区，请重新选择。")
OUT_OF_SCOPE_SAVE = _("该记录属于您无权管理的社区，不能保存。")


def _narrow_formfield_kwargs(db_field, request, kwargs: dict) -> dict:
    related = db_field.remote_field.model
    path = community_path_for(related)
    if path is None or request is None:
        return kwargs
    ids = community_ids_for_user(request.user)
    if ids is None:
        return kwargs
    base = kwargs.get("queryset")
    if base is None:
        base = related._default_manager.using(kwargs.get("using"))
    kwargs["queryset"] = scope_queryset(base, request.user, path)
    error_messages = dict(kwargs.get("error_messages") or {})
    error_messages.setdefault("invalid_choice", OUT_OF_SCOPE_CHOICE)
    error_messages.setdefault("invalid_pk_value", OUT_OF_SCOPE_CHOICE)
    kwargs["error_messages"] = error_messages
    return kwargs


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field list filter that offers only the user's communities' rows."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = field.related_model
        path = community_path_for(related)
        ids = community_ids_for_user(request.user)
        if path is None or ids is None:
            return field.get_choices(include_blank=False, ordering=ordering)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to=Q(**{f"{path}__in": ids})
        )


class CommunityListFilter(admin.SimpleListFilter):
    """Filter by community, offering only the user's communities (hidden when there is one)."""

    title = _("社区")
    parameter_name = "community"

    def lookups(self, request, model_admin):
        return [
            (str(c.pk), c.name)
            for c in communities_for_user(request.user).order_by("name").only("pk", "name")
        ]

    def has_output(self):
        return len(self.lookup_choices) > 1

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            pk = int(value)
        except ValueError:
            return queryset.none()
        path = community_path_for(queryset.model) or "community"
        return queryset.filter(**{path: pk})


class ScopeCheckedForm(forms.ModelForm):
    """Refuses, with a form error, to save an object whose community is outside the user's scope.

    ``_scope_ids`` and ``_scope_path`` are set on a per-request subclass by ``get_form``.
    """

    _scope_ids: list[int] | None = None
    _scope_path: str | None = None

    def _post_clean(self):
        super()._post_clean()
        if self._scope_ids is None or not self._scope_path:
            return
        try:
            community_id = community_id_of(self.instance, self._scope_path)
        except (AttributeError, FieldDoesNotExist, models.ObjectDoesNotExist):
            community_id = None
        if community_id is not None and community_id not in self._scope_ids:
            self.add_error(None, OUT_OF_SCOPE_SAVE)


# --- Admin classes -------------------------------------------------------------------------------


class DateRangeFormfieldsMixin:
    """Every date and datetime field of every admin form takes dates from 1900 to 2100 only
    (``core.dates``): 9999-12-31 or 0001-01-01 get a message on the field instead of an
    overflow further on (a term's end date, a posting's working days, the time-zone conversion)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.DateField):  # datetimes included
            formfield.validators.append(validate_in_range)
        return formfield


class DateRangeFormMixin:
    """The same range for forms the admin does not build itself (action pages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
                field.validators.append(validate_in_range)


class RangeCheckedChangeList(ChangeList):
    """The date drill-down (``date_hierarchy``) of a list refuses years outside 1900-2100:
    Django computes the next year or month from the one in the URL and overflows on 9999."""

    def get_filters(self, request):
        if self.date_hierarchy:
            years = self.get_filters_params().get(f"{self.date_hierarchy}__year")
            if years:
                try:
                    year = int(years[-1])
                except (TypeError, ValueError) as e:
                    raise IncorrectLookupParameters(e) from e
                if not EARLIEST.year <= year <= LATEST.year:
                    raise IncorrectLookupParameters(f"year {year} out of range")
        return super().get_filters(request)


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


def _field_at(model, path: str):
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation:
            model = field.related_model
    return field


def run_service_on_each(
    request, *, items: Iterable[models.Model], service: Callable[[models.Model], object], done_message: str
) -> None:
    """Apply ``service`` to each selected item; report refusals item by item, never a 500.

    Keyword-only: the items and the service were once passed the wrong way round (a 500).
    """
    done = 0
    for item in items:
        try:
            service(item)
        except RuleViolation as e:
            messages.error(request, f"{item}：{'；'.join(e.messages)}")
        else:
            done += 1
    if done:
        messages.success(request, done_message % {"n": done})


class ScopedHistoryAdmin(CommunityScopedAdmin, SimpleHistoryAdmin):
    """Scoped admin with simple-history's history pages (every governed model)."""
