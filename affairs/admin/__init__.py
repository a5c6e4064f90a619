"""Staff interface of the affairs app (Django admin, in Chinese), one module per concept."""

# Imported for their @admin.register side effects.
from affairs.admin import appraisal, consultations, conventions, implementation, meetings, motions  # noqa: F401
