"""Celery tasks of the board (thin: they call services by primary key and are idempotent)."""

# The monthly disclosure sheet (h5). Kept in their own module; names are notices.tasks.*.
from notices.disclosure_tasks import generate_disclosure_for, generate_monthly_disclosures  # noqa: F401
