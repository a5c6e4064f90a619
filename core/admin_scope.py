"""The one scoping rule of the staff interface (STYLE.md #7): querysets, form fields, filters.

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

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
