"""Writes of the affairs app (STYLE.md: keyword-only, atomic, Chinese domain errors), by concept."""
