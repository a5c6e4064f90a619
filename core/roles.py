"""Staff roles as Django groups with permissions (kept in step by ``roles_sync``)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from core.errors import RoleDenied

CHAIR = "主任"
MEMBER = "委员"
CASE_OFFICER = "专管员"
GROUP_LEADER = "居民组长"
SUPERVISOR = "监督委员"
STREET = "街道"
ALL_ROLES = [CHAIR, MEMBER, CASE_OFFICER, GROUP_LEADER, SUPERVISOR, STREET]

# Permissions the services check themselves, so the admin, a command and a task refuse alike.
FILE_OBJECTION = "notices.file_objection"  # 监督委员 (and superusers)
ANSWER_OBJECTION = "notices.change_objection"  # 主任, 委员

# Permissions the admin checks for the chair's staff management (committee.accounts decides the rest).
MANAGE_STAFF = "core.change_user"

PORTAL_APPS = ["core", "committee", "elections", "affairs", "assistance", "notices"]
# Street offices sit above every community: only superusers change them.
_SUPERUSER_ONLY = {("core", "streetoffice")}
# The chair runs the community's own staff accounts and its holiday calendar entries (scoped to
# their communities by committee.accounts and the admin). Accounts are deactivated, never deleted,
# and their change log is written by the services only.
_CHAIR_ONLY = {("core", "user"), ("core", "accountevent"), ("core", "officialday")}
_CHAIR_MAY = {
    ("core", "user"): {"add", "change", "view"},
    ("core", "accountevent"): {"view"},
    ("core", "officialday"): {"add", "change", "delete", "view"},
}
# What other roles may do with those: everybody reads the holiday calendar, nothing else.
_OTHERS_MAY = {("core", "officialday"): {"view"}}

# Which roles each role may hand out (superusers: any). 街道 and superuser status reach beyond one
# community, so only a superuser grants them.
GRANTABLE_ROLES = {CHAIR: frozenset({CHAIR, MEMBER, CASE_OFFICER, GROUP_LEADER, SUPERVISOR})}
# Which existing accounts a role may change, reset or deactivate: every role it holds must be in
# this set. A chair creates supervisors' accounts but then leaves them alone: the committee must not
# be able to lock out, or log in as, the supervision committee that oversees it.
MANAGEABLE_ROLES = {CHAIR: frozenset({CHAIR, MEMBER, CASE_OFFICER, GROUP_LEADER})}
# Roles one account may not hold together. DOMAIN.md: no committee member sits on the supervision
# committee; and a supervisor "changes nothing", which any second staff role would undo.
EXCLUSIVE_ROLES = {SUPERVISOR: frozenset({CHAIR, MEMBER, CASE_OFFICER, GROUP_LEADER, STREET})}


def _perms(
    actions: set[str], apps: list[str], *, only: set[str] | None = None, chair: bool = False
) -> list[Permission]:
    qs = Permission.objects.filter(content_type__app_label__in=apps).select_related("content_type")
    out = []
    for p in qs:
        action, _sep, model = p.codename.partition("_")
        key = (p.content_type.app_label, p.content_type.model)
        if key in _SUPERUSER_ONLY and action != "view":
            continue
        if key in _CHAIR_ONLY and action not in (_CHAIR_MAY if chair else _OTHERS_MAY).get(key, set()):
            continue
        if only is not None and key not in only:
            continue
        if action in actions or p.codename in actions:
            out.append(p)
    return out


def role_permissions() -> dict[str, list[Permission]]:
    everything = {"add", "change", "delete", "view"}
    registry = {
        ("committee", m)
        for m in [
            "household",
            "resident",
            "kinship",
            "buildingcaptain",
            "captainobjection",
            "residentsgroup",
            "building",
        ]
    }
    # Case officers and group leaders keep the registry and their own app's records.
    case_work = (
        registry
        | {("assistance", m) for m in _models("assistance")}
        | {("affairs", m) for m in _models("affairs")}
    )
    return {
        # release_posting: release, withdraw and correct board postings (notices admin actions).
        CHAIR: _perms(everything | {"release_posting"}, PORTAL_APPS, chair=True),
        MEMBER: _perms(everything - {"delete"} | {"release_posting"}, PORTAL_APPS),
        CASE_OFFICER: _perms(everything - {"delete"}, PORTAL_APPS, only=case_work)
        + _perms({"view"}, PORTAL_APPS),
        GROUP_LEADER: _perms({"add", "change", "view"}, ["committee"], only=registry)
        + _perms({"view"}, PORTAL_APPS),
        # Supervisors read everything and file objections from the admin (file_objection). Answering
        # an objection (change_objection) belongs to the committee, never to its overseers.
        SUPERVISOR: _perms({"view", "file_objection"}, PORTAL_APPS),
        STREET: _perms({"view"}, PORTAL_APPS),
    }


def _models(app_label: str) -> set[str]:
    from django.apps import apps

    return {m._meta.model_name for m in apps.get_app_config(app_label).get_models()}


def roles_sync() -> None:
    """Create the role groups and set their permissions (idempotent)."""
    for name, perms in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(perms)


def user_roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def require_permission(user, permission: str, message) -> None:
    """Refuse ``user`` (a :class:`RoleDenied` with ``message``) unless a role grants ``permission``.

    ``user=None`` is a system job (imports, the demo seed, Celery) and is never refused.
    """
    if user is not None and not user.has_perm(permission):
        raise RoleDenied(message)


def grantable_roles(user) -> frozenset[str]:
    """The roles ``user`` may give an account (superusers: all)."""
    if user.is_superuser:
        return frozenset(ALL_ROLES)
    held = user_roles(user)
    return frozenset().union(*(GRANTABLE_ROLES.get(r, frozenset()) for r in held))


def manageable_roles(user) -> frozenset[str]:
    """An existing account may be changed by ``user`` only if all its roles are in this set."""
    if user.is_superuser:
        return frozenset(ALL_ROLES)
    held = user_roles(user)
    return frozenset().union(*(MANAGEABLE_ROLES.get(r, frozenset()) for r in held))


def roles_conflict(names) -> str | None:
    """Why these roles cannot be held by one account (a message), or None."""
    names = set(names)
    for role, excluded in EXCLUSIVE_ROLES.items():
        clash = sorted(names & excluded, key=ALL_ROLES.index)
        if role in names and clash:
            from django.utils.translation import gettext

            return gettext(
                "%(role)s不能同时担任%(others)s：居务监督委员会成员只查看和提出异议，不参与居委会工作。"
            ) % {
                "role": role,
                "others": "、".join(clash),
            }
    return None
