# Moved to the base layer; kept until every import points at core.errors.
from core.errors import RoleDenied, RuleViolation, ScopeDenied

__all__ = ["RoleDenied", "RuleViolation", "ScopeDenied"]
