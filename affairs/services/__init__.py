"""Writes of the affairs app, one module per concept (meetings, motions, implementation, ...)."""
