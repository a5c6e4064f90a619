"""The public board (公开栏): postings with publication windows, objections, the ledger, monthly sheets.

Visibility is never stored: a posting is public exactly when it was released for publication,
``publish_at <= now`` and ``now`` is before the first of ``expire_at``, ``withdrawn_at`` and
``replaced_at`` (see ``notices.selectors.visible_q``). No worker has to run for a posting to appear or
disappear on time.

The models live in modules by concept; every name is importable from ``notices.models`` as before,
and the upload paths stay importable here because the migrations name them
(``notices.models.attachment_path``).
"""

from notices.models.disclosure import DisclosureJob, MonthlyDisclosure, disclosure_path
from notices.models.ledger import LedgerEntry, LedgerHead
from notices.models.objections import Objection, ObjectionReminder
from notices.models.postings import Attachment, Category, Posting, attachment_path
from notices.models.windows import Delivery, PostingSource, WindowEvent

__all__ = [
    "Attachment",
    "Category",
    "Delivery",
    "DisclosureJob",
    "LedgerEntry",
    "LedgerHead",
    "MonthlyDisclosure",
    "Objection",
    "ObjectionReminder",
    "Posting",
    "PostingSource",
    "WindowEvent",
    "attachment_path",
    "disclosure_path",
]
