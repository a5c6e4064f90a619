"""Staff roles as Django groups with permissions (kept in step by ``roles_sync``)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from committee.errors import RoleDenied

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

PORTAL_APPS = ["committee", "elections", "affairs", "assistance", "notices"]
# Models only superusers manage: accounts, the national holiday calendar, street offices.
_SUPERUSER_ONLY = {("committee", "user"), ("committee", "officialday"), ("committee", "streetoffice")}


def _perms(actions: set[str], apps: list[str], *, only: set[str] | None = None) -> list[Permission]:
    qs = Permission.objects.filter(content_type__app_label__in=apps).select_related("content_type")
    out = []
    for p in qs:
        action, _sep, model = p.codename.partition("_")
        key = (p.content_type.app_label, p.content_type.model)
        if key in _SUPERUSER_ONLY and action != "view":
            continue
        if key == ("committee", "user"):
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
        for m in ["household", "resident", "kinship", "buildingcaptain", "captainobjection", "residentsgroup", "building"]
    }
    # Case officers and group leaders keep the registry and their own app's records.
    case_work = registry | {("assistance", m) for m in _models("assistance")} | {("affairs", m) for m in _models("affairs")}
    return {
        # release_posting: release, withdraw and correct board postings (notices admin actions).
        CHAIR: _perms(everything | {"release_posting"}, PORTAL_APPS),
        MEMBER: _perms(everything - {"delete"} | {"release_posting"}, PORTAL_APPS),
        CASE_OFFICER: _perms(everything - {"delete"}, PORTAL_APPS, only=case_work) + _perms({"view"}, PORTAL_APPS),
        GROUP_LEADER: _perms({"add", "change", "view"}, ["committee"], only=registry) + _perms({"view"}, PORTAL_APPS),
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
