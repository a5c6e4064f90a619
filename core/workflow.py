"""Workflows as data (STYLE.md #8): states, allowed transitions, preconditions with reasons, a log.

A workflow is declared once, next to the model it drives, as a table of transitions::

    CAPTAIN_FLOW = Workflow(
        "captain",
        states=BuildingCaptain.Status,
        transitions=[
            Transition("post", _("公示"), sources=[S.NOMINATED], target=S.POSTED,
                       permission="committee.change_buildingcaptain"),
            Transition("confirm", _("确认任职"), sources=[S.POSTED], target=S.CONFIRMED,
                       checks=[window_closed]),
        ],
    )

and the service that performs a step asks the workflow first, inside its transaction, after
locking the row::

    @transaction.atomic
    def captain_confirm(*, captain, actor, at=None):
        captain = BuildingCaptain.objects.select_for_update().get(pk=captain.pk)
        CAPTAIN_FLOW.apply(captain, "confirm", actor=actor, at=at)   # raises RuleViolation
        save_governed(captain, actor=actor, reason=...)

A *check* is a function ``(obj, step) -> str | None`` returning a Chinese reason when the step may
not happen yet (``None`` when it may). The admin asks :meth:`Workflow.offered` for the steps of the
current state, showing each as a button, disabled with its reasons when a check fails, so staff see
exactly what the state allows and what is missing. Every applied step writes a
:class:`~core.models.TransitionLog` row (who, when, from, to, note) in the same transaction.

Some states are not stored but computed (a posting is "public" or "expired" by its window, at read
time): pass ``state_of`` and ``field=None``; the service then changes the fields that make up the
state, and the log records the transition's ``target`` as the state the step leads to.

Why not django-fsm-2: its conditions are booleans (no reason to show a committee worker), its
transitions are model methods (our rules live in services), and django-fsm-log's state log has no
Chinese labels and forgets the actor when a user is deleted. What we need is this small table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.errors import RuleViolation


@dataclass(frozen=True)
class Step:
    """What a check is given besides the record: who asks, and at what instant."""

    actor: Any
    at: dt.datetime
    transition: Transition


Check = Callable[[Any, Step], "str | Promise | None"]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str | None = None  # None: the step leaves the state as it is
    permission: str | None = None
    checks: tuple[Check, ...] = field(default_factory=tuple)

    def __init__(
        self,
        name: str,
        label: str | Promise,
        *,
        sources: Iterable[str],
        target: str | None = None,
        permission: str | None = None,
        checks: Iterable[Check] = (),
    ):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "sources", tuple(str(s) for s in sources))
        object.__setattr__(self, "target", None if target is None else str(target))
        object.__setattr__(self, "permission", permission)
        object.__setattr__(self, "checks", tuple(checks))


@dataclass(frozen=True)
class Offer:
    """A step the admin shows for a record: enabled when ``reasons`` is empty."""

    transition: Transition
    reasons: list[str]

    @property
    def enabled(self) -> bool:
        return not self.reasons


class Workflow:
    def __init__(
        self,
        name: str,
        *,
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        field: str | None = "state",
        state_of: Callable[[Any, dt.datetime], str] | None = None,
    ):
        self.name = name
        self.states = states
        self.field = field
        self._state_of = state_of
        self.transitions: dict[str, Transition] = {}
        known = set(states.values)
        for t in transitions:
            if t.name in self.transitions:
                raise ValueError(f"workflow {name}: transition {t.name!r} declared twice")
            unknown = (set(t.sources) | ({t.target} if t.target else set())) - known
            if unknown:
                raise ValueError(
                    f"workflow {name}: transition {t.name!r} names unknown states {sorted(unknown)}"
                )
            self.transitions[t.name] = t

    # --- reading ---------------------------------------------------------------------------------

    def state(self, obj, at: dt.datetime | None = None) -> str:
        if self._state_of is not None:
            return str(self._state_of(obj, at or timezone.now()))
        return str(getattr(obj, self.field))

    def state_label(self, obj, at: dt.datetime | None = None) -> str:
        value = self.state(obj, at)
        return str(dict(self.states.choices).get(value, value))

    def transition(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise ValueError(f"workflow {self.name}: no transition {name!r}") from None

    def reasons(self, obj, name: str, *, actor=None, at: dt.datetime | None = None) -> list[str]:
        """Why ``name`` may not happen now (empty: it may). Chinese, ready to show."""
        at = at or timezone.now()
        t = self.transition(name)
        state = self.state(obj, at)
        if state not in t.sources:
            return [
                _("当前状态为“%(state)s”，不能办理“%(step)s”。")
                % {"state": self.state_label(obj, at), "step": t.label}
            ]
        if not self._permitted(t, actor):
            return [_("您没有办理“%(step)s”的权限。") % {"step": t.label}]
        step = Step(actor=actor, at=at, transition=t)
        return [str(r) for r in (check(obj, step) for check in t.checks) if r]

    def offered(self, obj, *, actor=None, at: dt.datetime | None = None) -> list[Offer]:
        """The steps of the current state the actor may take, each with what still blocks it."""
        at = at or timezone.now()
        state = self.state(obj, at)
        return [
            Offer(t, self.reasons(obj, t.name, actor=actor, at=at))
            for t in self.transitions.values()
            if state in t.sources and self._permitted(t, actor)
        ]

    def allowed(self, obj, *, actor=None, at: dt.datetime | None = None) -> list[str]:
        """Names of the steps that may happen now."""
        return [o.transition.name for o in self.offered(obj, actor=actor, at=at) if o.enabled]

    # --- writing ---------------------------------------------------------------------------------

    def apply(self, obj, name: str, *, actor=None, note: str = "", at: dt.datetime | None = None):
        """Check ``name``, move ``obj`` to its target state (unsaved) and log the step.

        Call inside the service's transaction, after locking ``obj``; the service saves ``obj``.
        Raises :class:`RuleViolation` with every reason when the step may not happen.
        """
        from core.models import TransitionLog

        at = at or timezone.now()
        reasons = self.reasons(obj, name, actor=actor, at=at)
        if reasons:
            raise RuleViolation(reasons)
        t = self.transition(name)
        before = self.state(obj, at)
        if t.target is not None and self.field is not None:
            setattr(obj, self.field, t.target)
        return TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
            workflow=self.name,
            transition=t.name,
            label=str(t.label)[:100],
            source_state=before,
            target_state=t.target if t.target is not None else before,
            actor=actor if getattr(actor, "pk", None) else None,
            at=at,
            note=(note or "").strip(),
        )

    def log(self, obj):
        """The steps recorded for ``obj``, oldest first."""
        from core.models import TransitionLog

        return TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
            workflow=self.name,
        ).select_related("actor")

    @staticmethod
    def _permitted(t: Transition, actor) -> bool:
        if t.permission is None or actor is None:
            return True  # system jobs (actor=None) are not limited by staff permissions
        return actor.has_perm(t.permission)
