"""Domain errors shared by every app (STYLE.md #2).

A :class:`RuleViolation` is a ``ValidationError`` carrying a message for the user, in Chinese through
gettext. The admin and views show ``e.messages``; nothing turns into a 500::

    raise RuleViolation(_("选民名单须在选举日前%(days)d日公布"), params={"days": 20})
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class RuleViolation(ValidationError):
    """A rule of DOMAIN.md (or a database constraint behind it) refused the change."""


class ScopeDenied(PermissionDenied):
    """The acting user may not touch this community's records."""


class RoleDenied(PermissionDenied):
    """The acting user's role does not allow this action (the roles module decides)."""
