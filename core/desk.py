"""The staff work desk (工作台): what needs doing today, per role, as the admin's front page.

Each app registers a *provider* in its ``AppConfig.ready()``::

    from core import desk

    @desk.provider
    def objections_to_answer(user, communities, at):
        qs = Objection.objects.filter(posting__community__in=communities, status="pending")
        if not user.has_perm("notices.change_objection") or not qs.exists():
            return []
        return [desk.Todo(label=_("待答复的异议"), count=qs.count(), url=..., due=...)]

``communities`` is the queryset of communities the user serves (all of them for a superuser), so a
provider never shows another community's work. A provider returns the to-dos the user can act on
(or, for read-only roles such as the street office, follow); each links to the admin list filtered
to exactly those records. The desk also groups the admin's models by task, in plain words, instead
of by Django app.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Level:
    OVERDUE = "overdue"  # past its deadline
    TODAY = "today"  # due today or tomorrow
    OPEN = "open"  # waiting, no deadline pressure
    FOLLOW = "follow"  # for reading roles: something to look at, nothing to do


@dataclass(frozen=True)
class Todo:
    label: str | Promise
    count: int
    url: str
    level: str = Level.OPEN
    due: dt.datetime | dt.date | None = None
    hint: str | Promise = ""  # one line on what to do, e.g. "公示期满后确认任职"
    group: str = "board"


Provider = Callable[..., Iterable[Todo]]
_providers: list[Provider] = []


def provider(fn: Provider) -> Provider:
    """Register a to-do provider (idempotent, so a reloaded module does not register twice)."""
    if fn not in _providers and not any(
        p.__qualname__ == fn.__qualname__ and p.__module__ == fn.__module__ for p in _providers
    ):
        _providers.append(fn)
    return fn


_LEVEL_ORDER = {Level.OVERDUE: 0, Level.TODAY: 1, Level.OPEN: 2, Level.FOLLOW: 3}


def todos_for(user, *, at: dt.datetime | None = None) -> list[Todo]:
    """Every provider's to-dos for ``user``, most pressing first. A provider that fails is logged
    and skipped: the desk must open even when one app has a bug."""
    from core.scoping import communities_for_user

    at = at or timezone.now()
    communities = communities_for_user(user)
    out: list[Todo] = []
    for fn in _providers:
        try:
            out.extend(t for t in fn(user, communities, at) if t.count)
        except Exception:  # noqa: BLE001 - one broken provider must not take the desk down
            logger.exception("work desk provider %s failed", fn.__qualname__)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def when(t: Todo):
        if t.due is None:
            return far
        if isinstance(t.due, dt.datetime):
            return t.due
        return dt.datetime.combine(t.due, dt.time(0), tzinfo=timezone.get_current_timezone())

    return sorted(out, key=lambda t: (_LEVEL_ORDER.get(t.level, 9), when(t)))


# --- The admin's models grouped by task --------------------------------------------------------------

# (key, label, app labels whose models fall in it by default)
TASK_GROUPS: list[tuple[str, Promise, tuple[str, ...]]] = [
    ("registry", _("登记：户、居民与组织"), ("committee",)),
    ("board", _("公开：公开栏与月报"), ("notices",)),
    ("elections", _("选举"), ("elections",)),
    ("affairs", _("议事：会议、议题与居民意见"), ("affairs",)),
    ("assistance", _("帮扶：低保与困难户"), ("assistance",)),
    ("settings", _("设置：社区、账号与日历"), ("core", "auth", "django_celery_beat", "mfa", "account")),
]
# Individual models that belong to another task than their app's: "app_label.model_name" -> key.
_MODEL_GROUPS: dict[str, str] = {}
# The order staff meet models in, within a group (the rest follow in Django's order).
MODEL_ORDER = [
    "committee.household",
    "committee.resident",
    "committee.kinship",
    "committee.residentsgroup",
    "committee.building",
    "committee.buildingcaptain",
    "committee.committeeterm",
    "committee.committeeseat",
    "committee.representative",
    "committee.supervisionmember",
    # Elections in the order the work happens: the election, its roll, candidates, stations, the count.
    "elections.election",
    "elections.voter",
    "elections.candidatecondition",
    "elections.candidate",
    "elections.pollingstation",
    "elections.proxy",
    "elections.checkin",
    "elections.countentry",
    "elections.ballot",
    "elections.ballotcorrection",
    "elections.stationcount",
    "notices.posting",
    "notices.objection",
    "notices.monthlydisclosure",
    "notices.ledgerentry",
    "notices.windowevent",
    "core.community",
    "core.streetoffice",
    "core.user",
    "core.officialday",
]


def place_model(label: str, group: str) -> None:
    """Put one model (``"app_label.model_name"``) in another task group than its app's."""
    _MODEL_GROUPS[label.lower()] = group


def group_app_list(app_list: list[dict]) -> list[dict]:
    """Regroup Django's per-app list (AdminSite.get_app_list) into the task groups, in order."""
    by_app = {app: key for key, _label, apps in TASK_GROUPS for app in apps}
    groups: dict[str, list[dict]] = {key: [] for key, _label, _apps in TASK_GROUPS}
    for app in app_list:
        for model in app["models"]:
            label = f"{app['app_label']}.{model['object_name']}".lower()
            key = _MODEL_GROUPS.get(label) or by_app.get(app["app_label"], "settings")
            groups.setdefault(key, []).append({**model, "portal_label": label})
    rank = {label: i for i, label in enumerate(MODEL_ORDER)}
    for models in groups.values():
        models.sort(key=lambda m: rank.get(m["portal_label"], len(rank)))
    out = []
    for key, label, _apps in TASK_GROUPS:
        if groups.get(key):
            out.append(
                {
                    "name": label,
                    "app_label": key,
                    "app_url": "",
                    "has_module_perms": True,
                    "models": groups[key],
                }
            )
    return out
