# Moved to the base layer; kept until every import points at core.errors.
from core.errors import RuleViolation, ScopeDenied

__all__ = ["RuleViolation", "ScopeDenied"]
