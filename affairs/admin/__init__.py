"""Staff interface of the affairs app (Django admin, in Chinese), one module per concept."""

# Imported for their @admin.register side effects.
from affairs.admin import (  # noqa: F401
    appraisal,
    consultations,
    conventions,
    finance,
    implementation,
    meetings,
    motions,
    opinions,
)
