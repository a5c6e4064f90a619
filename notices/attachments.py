"""Attachment checks: PDF and images only, judged by content, size-limited.

The name a file arrives with proves nothing; its first bytes (magic numbers, via ``filetype``) decide
what it is, and the extension must agree, so a script renamed ``.pdf`` or a PDF renamed ``.png``
is refused with a Chinese message before anything is stored.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import RuleViolation

# content type -> (extensions that may carry it, name for messages)
ALLOWED = {
    "application/pdf": ({".pdf"}, "PDF"),
    "image/png": ({".png"}, "PNG"),
    "image/jpeg": ({".jpg", ".jpeg"}, "JPEG"),
    "image/webp": ({".webp"}, "WebP"),
}
CHUNK = 64 * 1024


@dataclass
class CheckedUpload:
    name: str  # the display name (the uploader's, cleaned)
    storage_name: str  # a safe name to store under (random, with the right extension)
    content_type: str
    size: int
    sha256: str


def _display_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    return name[:200]


def check_upload(file, *, name: str | None = None, max_bytes: int | None = None) -> CheckedUpload:
    """Validate ``file`` (a Django ``File``/``UploadedFile`` or any binary file object)."""
    max_bytes = max_bytes if max_bytes is not None else settings.PORTAL_ATTACHMENT_MAX_BYTES
    display = _display_name(name or getattr(file, "name", "") or "")
    if not display:
        raise RuleViolation(_("附件缺少文件名。"))
    ext = os.path.splitext(display)[1].lower()
    allowed_exts = {e for exts, _label in ALLOWED.values() for e in exts}
    if ext not in allowed_exts:
        raise RuleViolation(
            _("附件“%(name)s”的类型不允许：只能上传PDF或图片（PNG、JPEG、WebP）。"), params={"name": display}
        )
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise _too_big(display, size, max_bytes)
    file.seek(0)
    head = file.read(262)
    kind = filetype.guess(head) if head else None
    content_type = kind.mime if kind else None
    if content_type not in ALLOWED:
        raise RuleViolation(
            _("附件“%(name)s”的内容不是PDF或图片（PNG、JPEG、WebP），与文件名不符，不能上传。"),
            params={"name": display},
        )
    exts, label = ALLOWED[content_type]
    if ext not in exts:
        raise RuleViolation(
            _("附件“%(name)s”的内容是%(real)s，与扩展名“%(ext)s”不符，请核对后重新上传。"),
            params={"name": display, "real": label, "ext": ext},
        )
    digest = hashlib.sha256()
    total = 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _too_big(display, total, max_bytes)
        digest.update(chunk)
    file.seek(0)
    return CheckedUpload(
        name=display,
        storage_name=f"{uuid.uuid4().hex}{ext}",
        content_type=content_type,
        size=total,
        sha256=digest.hexdigest(),
    )


def _too_big(name: str, size: int, limit: int) -> RuleViolation:
    return RuleViolation(
        _("附件“%(name)s”太大（%(size).1f MB），单个附件不能超过%(limit).1f MB。"),
        params={"name": name, "size": size / 1048576, "limit": limit / 1048576},
    )


def clean_upload_field(value):
    """For a form's ``clean_<field>``: the same check, as the field's own error (the form keeps
    what was typed)."""
    from django import forms

    if value and not getattr(value, "_committed", False):
        try:
            check_upload(value)
        except RuleViolation as e:
            raise forms.ValidationError(e.messages) from e
    return value
