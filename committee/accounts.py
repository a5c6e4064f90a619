"""Staff accounts: the 主任 manages their own community's staff; superusers manage everyone.

Every change goes through a service here (atomic, the account row locked) and leaves an
:class:`~committee.models.AccountEvent` naming who did what. The rules, with the role tables in
``core.roles``:

- only a role holding ``core.change_user`` (the 主任) manages accounts, and only accounts
  entirely inside their communities: no superuser, no 街道 account (a street office's staff see many
  communities), no account that also serves a community the chair does not;
- a chair grants only the roles in ``roles.GRANTABLE_ROLES`` (no 街道) and never superuser status;
- once created, a 监督委员's account is left to superusers (``roles.MANAGEABLE_ROLES``): the
  committee must not lock out, or log in as, the body that oversees it;
- a chair does not change their own roles, communities or active state (another chair or a
  superuser does), so no one locks themselves out by a slip;
- some roles exclude each other (``roles.EXCLUSIVE_ROLES``), for superusers too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from core import roles
from core.errors import RoleDenied, RuleViolation, ScopeDenied
from core.governed import save_governed
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


# --- Writes ------------------------------------------------------------------------------------------


@transaction.atomic
def staff_account_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    role_names: Iterable[str],
    communities: Iterable[Community] = (),
    phone: str = "",
    email: str = "",
    title: str = "",
    resident: Resident | None = None,
    street_office: StreetOffice | None = None,
    is_superuser: bool = False,
    at: dt.datetime | None = None,
) -> User:
    """A new staff account with its roles and communities, able to log in to the admin."""
    at = at or timezone.now()
    _require_manager(actor)
    role_names, communities = set(role_names), list(communities)
    _check_grant(
        actor,
        role_names=role_names,
        communities=communities,
        street_office=street_office,
        is_superuser=is_superuser,
    )
    user = User(
        username=(username or "").strip(),
        full_name=(full_name or "").strip(),
        phone=(phone or "").strip(),
        email=(email or "").strip(),
        is_staff=True,
        is_superuser=is_superuser,
        is_active=True,
    )
    _check_password(password, user)
    user.set_password(password)
    save_governed(user, actor=actor, reason=_("创建账号"))
    user.groups.set(Group.objects.filter(name__in=role_names))
    profile = StaffProfile(
        user=user, street_office=street_office, title=(title or "").strip()
    )
    save_governed(profile, actor=actor, reason=_("创建账号"))
    if resident is not None:
        _link_resident(user, resident, actor=actor)
    profile.communities.set(communities)
    detail = _("角色：%(roles)s；所属社区：%(communities)s") % {
        "roles": _names(role_names) + ("（" + _("系统管理员") + "）" if is_superuser else ""),
        "communities": _names(c.name for c in communities) if street_office is None else street_office.name,
    }
    _record(user, actor=actor, action=AccountEvent.Action.CREATE, detail=detail, at=at)
    return user


@transaction.atomic
def staff_account_update(
    user: User,
    *,
    actor: User | None,
    full_name=_UNSET,
    phone=_UNSET,
    email=_UNSET,
    title=_UNSET,
    resident=_UNSET,
    role_names=_UNSET,
    communities=_UNSET,
    is_active=_UNSET,
    street_office=_UNSET,
    is_superuser=_UNSET,
    at: dt.datetime | None = None,
) -> User:
    """Change an account; only the arguments given change. Deactivating is ``is_active=False``."""
    at = at or timezone.now()
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_target(actor, user)
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    old_roles = roles.user_roles(user)
    old_communities = list(profile.communities.order_by("name"))
    new_roles = set(role_names) if role_names is not _UNSET else old_roles
    new_communities = list(communities) if communities is not _UNSET else old_communities
    new_office = street_office if street_office is not _UNSET else profile.street_office
    new_super = bool(is_superuser) if is_superuser is not _UNSET else user.is_superuser
    new_active = bool(is_active) if is_active is not _UNSET else user.is_active

    changes: list[str] = []
    if new_roles != old_roles:
        changes.append(_("角色：%(old)s → %(new)s") % {"old": _names(old_roles), "new": _names(new_roles)})
    if {c.pk for c in new_communities} != {c.pk for c in old_communities}:
        changes.append(
            _("所属社区：%(old)s → %(new)s")
            % {"old": _names(c.name for c in old_communities), "new": _names(c.name for c in new_communities)}
        )
    if (new_office.pk if new_office else None) != profile.street_office_id:
        changes.append(
            _("街道办事处：%(old)s → %(new)s")
            % {"old": profile.street_office or "—", "new": new_office or "—"}
        )
    if new_super != user.is_superuser:
        changes.append(
            _("系统管理员：%(old)s → %(new)s") % {"old": _yes(user.is_superuser), "new": _yes(new_super)}
        )

    _check_change(
        actor,
        user,
        structural=bool(changes),
        role_names=new_roles,
        communities=new_communities,
        street_office=new_office,
        is_superuser=new_super,
        is_active=new_active,
    )

    for name, value, label in (
        ("full_name", full_name, _("姓名")),
        ("phone", phone, _("电话")),
        ("email", email, _("电子邮箱")),
    ):
        if value is _UNSET:
            continue
        value = (value or "").strip()
        if value != getattr(user, name):
            changes.append(
                _("%(field)s：%(old)s → %(new)s")
                % {"field": label, "old": getattr(user, name) or "—", "new": value or "—"}
            )
            setattr(user, name, value)
    if title is not _UNSET and (title or "").strip() != profile.title:
        changes.append(
            _("职务说明：%(old)s → %(new)s")
            % {"old": profile.title or "—", "new": (title or "").strip() or "—"}
        )
        profile.title = (title or "").strip()
    linked = own_resident(user)
    if resident is not _UNSET and (resident.pk if resident else None) != (linked.pk if linked else None):
        changes.append(_("对应居民：%(old)s → %(new)s") % {"old": linked or "—", "new": resident or "—"})
        _link_resident(user, resident, actor=actor)

    was_active = user.is_active
    user.is_superuser = new_super
    user.is_active = new_active
    save_governed(user, actor=actor, reason=_("修改账号"))
    profile.street_office = new_office
    save_governed(profile, actor=actor, reason=_("修改账号"))
    if new_roles != old_roles:
        user.groups.set(Group.objects.filter(name__in=new_roles))
    if {c.pk for c in new_communities} != {c.pk for c in old_communities}:
        profile.communities.set(new_communities)
    if changes:
        _record(user, actor=actor, action=AccountEvent.Action.CHANGE, detail="；".join(changes), at=at)
    if new_active != was_active:
        action = AccountEvent.Action.ACTIVATE if new_active else AccountEvent.Action.DEACTIVATE
        _record(user, actor=actor, action=action, detail="", at=at)
    return user


def staff_account_set_active(
    user: User, *, actor: User | None, active: bool, at: dt.datetime | None = None
) -> User:
    """Deactivate (or re-activate) an account: it can no longer log in; its records stay."""
    return staff_account_update(user, actor=actor, is_active=active, at=at)


@transaction.atomic
def staff_password_reset(
    user: User, *, actor: User | None, password: str, at: dt.datetime | None = None
) -> User:
    """Set a new password (e.g. a colleague forgot theirs). Their other sessions end with it."""
    at = at or timezone.now()
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_target(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(user, actor=actor, action=AccountEvent.Action.PASSWORD, detail="", at=at)
    return user


def own_resident(user: User) -> Resident | None:
    """The staff member's own registry entry, if linked (the close-relative rules need it)."""
    return Resident.objects.filter(staff_user=user).first()


def _link_resident(user: User, resident: Resident | None, *, actor: User | None) -> None:
    for old in Resident.objects.select_for_update().filter(staff_user=user):
        if resident is None or old.pk != resident.pk:
            old.staff_user = None
            save_governed(old, actor=actor, reason=_("解除工作人员账号关联"), validate=False)
    if resident is not None and resident.staff_user_id != user.pk:
        resident.staff_user = user
        save_governed(resident, actor=actor, reason=_("关联工作人员账号"), validate=False)


def _yes(value: bool) -> str:
    return _("是") if value else _("否")
