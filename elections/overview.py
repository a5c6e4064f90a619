"""The elections column of the communities overview (core/overview.py): each election in progress,
where it stands and what comes next."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import overview
from elections.desk import next_step
from elections.models import Election


def elections_in_progress(communities, at):
    out: dict[int, list[str]] = {}
    first: dict[int, int] = {}
    for election in (
        Election.objects.filter(community__in=communities, rehearsal=False)
        .exclude(status=Election.Status.CLOSED)
        .select_related("roll", "community")
        .order_by("election_day", "pk")
    ):
        _name, _due, hint = next_step(election)
        text = f"{election.title}：{election.get_status_display()}"
        out.setdefault(election.community_id, []).append(f"{text}（{hint}）" if hint else text)
        first.setdefault(election.community_id, election.pk)
    return {
        cid: overview.Cell("；".join(lines), reverse("admin:elections_election_change", args=[first[cid]]))
        for cid, lines in out.items()
    } | {c.pk: _("无") for c in communities if c.pk not in out}


def register() -> None:
    overview.register_column("elections", gettext_lazy("进行中的选举"), elections_in_progress, order=20)
