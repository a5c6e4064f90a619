"""Staff accounts: the 主任 manages their own community's staff; superusers manage everyone.

Every change goes through a service here (atomic, the account row locked) and leaves an
:class:`~core.models.AccountEvent` naming who did what. The rules, with the role tables in
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

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.account_rules import (
    _UNSET,
    _check_change,
    _check_grant,
    _check_password,
    _check_target,
    _names,
    _record,
    _require_manager,
    check_account,
    may_manage,
    staff_accounts_visible_to,
    why_not_manageable,
)
from committee.models import Resident
from core import roles
from core.governed import save_governed
from core.models import AccountEvent, Community, StaffProfile, StreetOffice, User

__all__ = [
    "check_account",
    "may_manage",
    "own_resident",
    "staff_account_create",
    "staff_account_set_active",
    "staff_account_update",
    "staff_accounts_visible_to",
    "staff_password_reset",
    "why_not_manageable",
]


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
    profile = StaffProfile(user=user, street_office=street_office, title=(title or "").strip())
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
