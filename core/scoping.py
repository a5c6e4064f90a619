"""Which communities a staff user serves: the one scoping rule (STYLE.md #7)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.models import Community, User


def communities_for_user(user: User) -> QuerySet[Community]:
    """The communities a staff user may see: their own, plus every community of their street office."""
    if not user.is_authenticated:
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    cached = getattr(user, "_portal_community_ids", None)
    if cached is None:
        cached = list(
            Community.objects.filter(Q(staff__user=user) | Q(street_office__staff__user=user))
            .values_list("pk", flat=True)
            .distinct()
        )
        user._portal_community_ids = cached
    return Community.objects.filter(pk__in=cached)


def community_ids_for_user(user: User) -> list[int] | None:
    """None means "all" (superuser)."""
    if user.is_superuser:
        return None
    communities_for_user(user)
    return list(getattr(user, "_portal_community_ids", []))
