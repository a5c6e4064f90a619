"""Public pages of the affairs app, one module per concept."""
