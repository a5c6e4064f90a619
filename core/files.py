"""Uploaded files are served only to staff who may see the record they belong to.

A voucher, a home-visit photo of a hardship household or a signed tally sheet is as private as its
record. Media is therefore never served as a plain folder: the storage's URLs point at one view,
``/files/<name>``, which finds the record the file belongs to and asks that record's own admin
whether the user may view it (the same permission and community scope as the record's page).

Each app names its file fields once, in its ``AppConfig.ready``::

    files.protect(VisitPhoto, "image", owner=lambda photo: photo.visit.case, on_serve=log_case_view)

Public copies (a posting's attachments, the monthly sheet) keep their own public views, which check
the publication window; this view is the staff side of the same files.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import FileSystemStorage
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import ScopeDenied


@dataclass(frozen=True)
class _Guard:
    model: type[Model]
    field: str
    owner: Callable[[Model], Model]
    on_serve: Callable[[HttpRequest, Model], None] | None


_guards: list[_Guard] = []


def protect(
    model: type[Model],
    field: str,
    *,
    owner: Callable[[Model], Model] | None = None,
    on_serve: Callable[[HttpRequest, Model], None] | None = None,
) -> None:
    """Serve ``model.field``'s files to whoever may view ``owner(obj)`` (default: the object) in
    its admin; ``on_serve(request, owner)`` runs before each file is sent (e.g. an access log)."""
    if any(g.model is model and g.field == field for g in _guards):
        return
    _guards.append(_Guard(model, field, owner or (lambda obj: obj), on_serve))


def protected_fields() -> list[tuple[type[Model], str]]:
    return [(g.model, g.field) for g in _guards]


def _find(name: str) -> tuple[_Guard, Model, Model] | None:
    for guard in _guards:
        obj = guard.model._default_manager.filter(**{guard.field: name}).first()
        if obj is not None:
            return guard, obj, guard.owner(obj)
    return None


class ProtectedFileStorage(FileSystemStorage):
    """The file system, with URLs that go through :func:`serve` instead of a public folder."""

    def url(self, name: str | None) -> str:
        if not name:
            raise ValueError("This file is not accessible via a URL.")
        return reverse("protected_file", kwargs={"name": name.replace("\\", "/")})


def serve(request: HttpRequest, name: str) -> FileResponse:
    """One uploaded file, to staff whom the owning record's admin lets view that record."""
    if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    found = _find(name)
    if found is None:
        raise Http404(_("文件不存在或已被删除。"))
    guard, obj, owner = found
    model_admin = admin.site._registry.get(type(owner))
    allowed = (
        model_admin is not None
        and model_admin.has_view_or_change_permission(request, owner)
        and model_admin.get_queryset(request).filter(pk=owner.pk).exists()
    )
    if not allowed:
        raise ScopeDenied(_("您无权查看这份文件：它属于您无权查看的记录。"))
    field = getattr(obj, guard.field)
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在或已被删除。")) from None
    if guard.on_serve is not None:
        guard.on_serve(request, owner)
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file is shown, never run: an uploaded HTML or SVG page gets no script and no same-origin.
    response["Content-Security-Policy"] = "sandbox"
    return response
