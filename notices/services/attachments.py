"""Writes of attachments: a file added to a draft, checked before it is stored."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from notices.attachments import check_upload
from notices.models import Attachment, Posting
from notices.services.common import (
    _lock,
)

# --- attachments -----------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(posting: Posting, *, file, actor: User | None, name: str | None = None) -> Attachment:
    """Attach a PDF or image (checked by content, size-limited) to a draft."""
    posting = _lock(posting)
    check_scope(actor, posting.community_id)
    if posting.is_released:
        raise RuleViolation(_("已发布的公开事项不能添加附件；如需补充，请发布新版本。"))
    checked = check_upload(file, name=name)
    attachment = Attachment(
        posting=posting,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    file.seek(0)
    attachment.file.save(checked.storage_name, file, save=False)
    try:
        save_governed(attachment, actor=actor, reason=_("添加附件"), exclude=["file"])
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
