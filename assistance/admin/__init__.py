"""Admin of the hardship review. Writes go through ``assistance.services``."""

from assistance.admin import cases, records  # noqa: F401
