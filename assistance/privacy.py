"""Who may read a hardship case (DOMAIN.md, issue 11): the case's own officer, the committee's chair,
the supervision committee of that community, and its street office. No one else on the staff, not
even other committee members or group leaders, although their roles read the rest of the portal.

Every admin of this app narrows its rows through :func:`visible_cases`, and every view of a case
is logged (``CaseView``) by the case admin.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles
from core.admin_scope import scope_queryset

# Roles that read every case of the communities they serve.
READ_ALL = {roles.CHAIR, roles.SUPERVISOR, roles.STREET}


def _roles(user) -> set[str]:
    cached = getattr(user, "_assistance_roles", None)
    if cached is None:
        cached = roles.user_roles(user)
        user._assistance_roles = cached
    return cached


def may_read_cases(user) -> bool:
    """Whether ``user`` may open the case records at all (some of them)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(_roles(user) & (READ_ALL | {roles.CASE_OFFICER}))


def visible_cases(user, queryset: QuerySet, path: str = "") -> QuerySet:
    """``queryset`` (of cases, or of records reaching a case by ``path``) narrowed to what ``user``
    may read: the user's communities, and within them the rule above."""
    prefix = f"{path}__" if path else ""
    community_path = f"{prefix}community"
    queryset = scope_queryset(queryset, user, community_path)
    if user.is_superuser:
        return queryset
    held = _roles(user)
    if held & READ_ALL:
        return queryset
    if roles.CASE_OFFICER in held:
        return queryset.filter(Q(**{f"{prefix}officer": user}))
    return queryset.none()
