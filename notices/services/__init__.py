"""Writes of the board (STYLE.md: keyword-only, atomic, domain errors with Chinese messages).

Other apps publish only through :func:`publish`; they never touch notice tables directly.

DOMAIN.md "Public affairs disclosure":
- a released posting is never edited in place or deleted: a correction is a new version that
  supersedes it (:func:`posting_new_version`), a withdrawal keeps it with its reason
  (:func:`posting_withdraw`);
- every release, replacement by a new version and withdrawal appends a ledger entry
  (:mod:`notices.ledger`);
- visibility is computed at read time from the window; nothing here has to run at a boundary.
"""

from notices.services.attachments import attachment_add
from notices.services.common import (
    DRAFT_FIELDS,
    VERSION_FIELDS,
    calendar_warning,
    personal_data_problems,
    working_days_end,
)
from notices.services.objections import objection_answer, objection_file, objection_file_by_supervisor
from notices.services.postings import (
    posting_create_draft,
    posting_new_version,
    posting_release,
    posting_update_draft,
    posting_withdraw,
    publish,
)

__all__ = [
    "DRAFT_FIELDS",
    "VERSION_FIELDS",
    "attachment_add",
    "calendar_warning",
    "objection_answer",
    "objection_file",
    "objection_file_by_supervisor",
    "personal_data_problems",
    "posting_create_draft",
    "posting_new_version",
    "posting_release",
    "posting_update_draft",
    "posting_withdraw",
    "publish",
    "working_days_end",
]
