"""Admin of the affairs app, one module per concept."""

from affairs.admin import finance, opinions  # noqa: F401
