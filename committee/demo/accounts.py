"""Demo staff accounts (one per role for the first community) and the logins still valid."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from committee.models import CommitteeSeat
from core.models import Community, StaffProfile, StreetOffice, User
from core.roles import ALL_ROLES, CASE_OFFICER, CHAIR, GROUP_LEADER, MEMBER, STREET, SUPERVISOR, roles_sync

DEMO_PASSWORD = "juwei-demo-2026"

# Staff accounts of the first community: username, role, what they stand for.
DEMO_USERS = [
    ("zhuren", CHAIR, "居委会主任"),
    ("weiyuan", MEMBER, "居委会委员"),
    ("zhuanguanyuan", CASE_OFFICER, "专管员"),
    ("zuzhang", GROUP_LEADER, "第一居民小组组长"),
    ("jiandu", SUPERVISOR, "居务监督委员会主任"),
    ("jiedao", STREET, "街道办事处工作人员"),
]
SUPERUSER = "admin"


def _seed_users(office: StreetOffice, communities: list[Community]) -> list[str]:
    """Staff accounts: one per role for the first community, a 主任 for every other one."""
    roles_sync()
    groups = {g.name: g for g in Group.objects.filter(name__in=ALL_ROLES)}
    password = make_password(DEMO_PASSWORD)
    created = []

    def user(username: str, full_name: str, *, superuser: bool = False) -> User | None:
        if User.objects.filter(username=username).exists():
            return None
        u = User.objects.create(
            username=username,
            full_name=full_name,
            password=password,
            is_staff=True,
            is_superuser=superuser,
        )
        created.append(username)
        return u

    user(SUPERUSER, "系统管理员", superuser=True)
    first = communities[0]
    seats = {s.role: s.resident for s in first._seed_seats}
    members = [s.resident for s in first._seed_seats if s.role == CommitteeSeat.Role.MEMBER]
    linked = {
        "zhuren": seats.get(CommitteeSeat.Role.CHAIR),
        "weiyuan": members[0] if members else None,
        "zhuanguanyuan": members[1] if len(members) > 1 else None,
        "zuzhang": first._seed_groups[0].leader,
        "jiandu": first._seed_supervisors[0] if first._seed_supervisors else None,
    }
    for username, role, title in DEMO_USERS:
        resident = linked.get(username)
        u = user(username, resident.name if resident else title)
        if u is None:
            continue
        u.groups.add(groups[role])
        profile = StaffProfile.objects.create(
            user=u, title=title, street_office=office if role == STREET else None
        )
        if resident is not None:
            resident.staff_user = u
            resident.save(update_fields=["staff_user"])
        if role != STREET:
            profile.communities.add(first)
    for community in communities[1:]:
        chair = {s.role: s.resident for s in community._seed_seats}.get(CommitteeSeat.Role.CHAIR)
        u = user(f"zhuren_{community.slug}", chair.name if chair else f"{community.name}主任")
        if u is None:
            continue
        u.groups.add(groups[CHAIR])
        profile = StaffProfile.objects.create(user=u, title="居委会主任")
        if chair is not None:
            chair.staff_user = u
            chair.save(update_fields=["staff_user"])
        profile.communities.add(community)
    return created


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, scope) of every demo account that still has the demo password."""
    rows = []
    known_good: set[str] = set()
    users = (
        User.objects.filter(is_active=True)
        .filter(username__in=[SUPERUSER] + [u for u, _r, _t in DEMO_USERS])
        .prefetch_related("groups", "staff_profile__communities")
        .select_related("staff_profile__street_office")
    )
    order = {name: k for k, name in enumerate([SUPERUSER] + [u for u, _r, _t in DEMO_USERS])}
    for u in sorted(users, key=lambda u: order[u.username]):
        if u.password not in known_good:
            if not u.check_password(DEMO_PASSWORD):
                continue
            known_good.add(u.password)
        if u.is_superuser:
            role, scope = "超级管理员", "全部社区"
        else:
            role = "、".join(g.name for g in u.groups.all()) or "—"
            profile = getattr(u, "staff_profile", None)
            if profile is not None and profile.street_office_id:
                scope = profile.street_office.name
            elif profile is not None:
                scope = "、".join(c.name for c in profile.communities.all()) or "—"
            else:
                scope = "—"
        rows.append((u.username, DEMO_PASSWORD, role, scope))
    return rows
