"""Staff side of the board: drafts, release, withdrawal, corrections, objections, the record.

Every write goes through ``notices.services`` (the admin, a command and a task behave the same).
Drafts are edited here; released postings are read-only (only the actions below touch them, each
shown only when the posting's state and the user's permission allow it); objections are answered
inline; the ledger and the window events are read-only records.
"""

# Imported for their @admin.register side effects (Django's autodiscovery imports this package).
from notices.admin import objections, postings, records  # noqa: F401
from notices.disclosure import admin as _disclosure_admin  # noqa: F401  (registers the sheets' admin)
