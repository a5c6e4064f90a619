"""Who may manage which staff account, and the checks every account service runs first
(the rules are listed in ``committee.accounts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core import roles
from core.errors import RoleDenied, RuleViolation, ScopeDenied
from core.models import AccountEvent, Community, StaffProfile, StreetOffice, User
from core.scoping import community_ids_for_user

_UNSET = object()


# --- Reads -------------------------------------------------------------------------------------------


def staff_accounts_visible_to(user: User) -> QuerySet[User]:
    """The accounts ``user`` sees in the account admin: all for superusers; for a chair, the
    non-superuser, non-街道 accounts whose communities all lie inside the chair's own."""
    ids = community_ids_for_user(user)
    qs = User.objects.all()
    if ids is None:
        return qs
    links = StaffProfile.communities.through.objects.filter(staffprofile__user=OuterRef("pk"))
    return qs.filter(
        Exists(links.filter(community_id__in=ids)),
        is_superuser=False,
        staff_profile__street_office__isnull=True,
    ).exclude(Exists(links.exclude(community_id__in=ids)))


def why_not_manageable(actor: User, target: User) -> str | None:
    """Why ``actor`` may not change, reset or deactivate ``target`` (a message), or None if they may."""
    try:
        _check_target(actor, target)
    except (RoleDenied, ScopeDenied) as e:
        return str(e)
    return None


def may_manage(actor: User, target: User) -> bool:
    """Whether ``actor`` may change, reset or deactivate ``target`` (the admin's change permission)."""
    return why_not_manageable(actor, target) is None


# --- Checks ------------------------------------------------------------------------------------------


def _require_manager(actor: User | None) -> None:
    roles.require_permission(actor, roles.MANAGE_STAFF, _("只有主任可以管理工作人员账号。"))


def _check_target(actor: User | None, target: User) -> None:
    """Refuse an existing account the actor may not touch."""
    if actor is None or actor.is_superuser:
        return
    if not actor.has_perm(roles.MANAGE_STAFF):
        raise RoleDenied(_("只有主任可以管理工作人员账号。"))
    if target.is_superuser:
        raise RoleDenied(_("系统管理员的账号只能由系统管理员管理。"))
    profile = StaffProfile.objects.filter(user=target).first()
    if profile is not None and profile.street_office_id is not None:
        raise RoleDenied(_("街道工作人员的账号只能由系统管理员管理。"))
    ids = set(community_ids_for_user(actor) or [])
    theirs = set(profile.communities.values_list("pk", flat=True)) if profile is not None else set()
    if not theirs or not theirs <= ids:
        raise ScopeDenied(_("该账号不属于（或不只属于）您负责的社区，只能由系统管理员管理。"))
    held = roles.user_roles(target)
    if held - roles.manageable_roles(actor):
        if roles.SUPERVISOR in held:
            raise RoleDenied(
                _("监督委员的账号由系统管理员管理：被监督的居委会不能修改、停用监督委员的账号或重置其密码。")
            )
        raise RoleDenied(_("您不能管理担任%(roles)s的账号。") % {"roles": "、".join(sorted(held))})


def _check_grant(
    actor: User | None,
    *,
    role_names: set[str],
    communities: list[Community],
    street_office: StreetOffice | None,
    is_superuser: bool,
) -> None:
    """Refuse roles, communities or powers the actor may not hand out."""
    problem = roles.roles_conflict(role_names)
    if problem:
        raise RuleViolation({"roles": [problem]})
    unknown = role_names - set(roles.ALL_ROLES)
    if unknown:
        raise RuleViolation({"roles": [_("未知的角色：%(roles)s") % {"roles": "、".join(sorted(unknown))}]})
    if not is_superuser and not role_names:
        raise RuleViolation({"roles": [_("请至少选择一个角色。")]})
    if actor is None or actor.is_superuser:
        if not is_superuser and not communities and street_office is None:
            raise RuleViolation(
                {"communities": [_("请至少选择一个所属社区（街道工作人员可选择街道办事处）。")]}
            )
        return
    if is_superuser:
        raise RoleDenied(_("只有系统管理员可以设立系统管理员账号。"))
    if street_office is not None:
        raise RoleDenied(_("街道工作人员的账号只能由系统管理员设立。"))
    refused = role_names - roles.grantable_roles(actor)
    if refused:
        raise RoleDenied(_("您不能授予以下角色：%(roles)s。") % {"roles": "、".join(sorted(refused))})
    if not communities:
        raise RuleViolation({"communities": [_("请至少选择一个所属社区。")]})
    ids = set(community_ids_for_user(actor) or [])
    outside = [c.name for c in communities if c.pk not in ids]
    if outside:
        raise ScopeDenied(
            _("您只能为本人负责的社区设立账号：%(names)s不在其中。") % {"names": "、".join(outside)}
        )


def _check_change(
    actor: User | None,
    user: User,
    *,
    structural: bool,
    role_names: set[str],
    communities: list[Community],
    street_office: StreetOffice | None,
    is_superuser: bool,
    is_active: bool,
) -> None:
    """An existing account: roles, communities, street office or superuser status changed
    (``structural``) and/or its active state."""
    if actor is not None and actor.pk == user.pk and not actor.is_superuser:
        if structural or is_active != user.is_active:
            raise RuleViolation(
                _("不能修改自己的角色、所属社区或停用自己的账号；请由另一位主任或系统管理员办理。")
            )
    if structural:
        _check_grant(
            actor,
            role_names=role_names,
            communities=communities,
            street_office=street_office,
            is_superuser=is_superuser,
        )


def check_account(
    *,
    actor: User | None,
    user: User | None = None,
    role_names: Iterable[str],
    communities: Iterable[Community],
    street_office: StreetOffice | None = None,
    is_superuser: bool = False,
    is_active: bool = True,
) -> None:
    """The services' refusals without writing anything, for the admin form (a refusal then keeps
    what was typed). Raises RuleViolation, RoleDenied or ScopeDenied."""
    _require_manager(actor)
    role_names, communities = set(role_names), list(communities)
    if user is None:
        _check_grant(
            actor,
            role_names=role_names,
            communities=communities,
            street_office=street_office,
            is_superuser=is_superuser,
        )
        return
    _check_target(actor, user)
    profile = StaffProfile.objects.filter(user=user).first()
    old_communities = set(profile.communities.values_list("pk", flat=True)) if profile else set()
    old_office = profile.street_office_id if profile else None
    structural = (
        role_names != roles.user_roles(user)
        or {c.pk for c in communities} != old_communities
        or (street_office.pk if street_office else None) != old_office
        or is_superuser != user.is_superuser
    )
    _check_change(
        actor,
        user,
        structural=structural,
        role_names=role_names,
        communities=communities,
        street_office=street_office,
        is_superuser=is_superuser,
        is_active=is_active,
    )


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise RuleViolation({"password": e.messages}) from e


def _record(user: User, *, actor: User | None, action: str, detail: str, at: dt.datetime) -> None:
    AccountEvent.objects.create(user=user, actor=actor, action=action, detail=detail, at=at)


def _names(values: Iterable) -> str:
    return "、".join(sorted(str(v) for v in values)) or "—"
