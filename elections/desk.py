"""The elections' to-dos on the staff work desk (core.desk): each election's next step with its
deadline, and objections to a roll whose 3-day answer deadline has passed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import desk
from elections.flow import ELECTION_FLOW, day_text, roll_postings
from elections.models import Election, VoterRoll

S = Election.Status


def next_step(election: Election) -> tuple[str, dt.date | None, str]:
    """(the next step's label, its deadline, one line saying what the deadline is)."""
    roll = getattr(election, "roll", None)
    if election.status == S.DRAFT:
        due = election.roll_due()
        return "post_roll", due, _("选民名单须于%(day)s前公布") % {"day": day_text(due)}
    if election.status == S.ROLL_POSTED:
        end = roll.objections_close_at if roll and roll.objections_close_at else None
        day = timezone.localdate(end) if end else None
        hint = _("异议期至%(day)s，异议须在3日内答复") % {"day": day_text(day)} if day else ""
        return "open_nominations", day, hint
    if election.status in (S.NOMINATIONS, S.VETTING):
        due = election.candidates_due()
        name = "start_vetting" if election.status == S.NOMINATIONS else "post_candidates"
        if not election.has_candidates and election.status == S.NOMINATIONS:
            name = "ready_ballot"
        return name, due, _("正式候选人名单须于%(day)s前公布") % {"day": day_text(due)}
    if election.status in (S.CANDIDATES_POSTED, S.VOTING):
        name = "open_voting" if election.status == S.CANDIDATES_POSTED else "close_voting"
        return name, election.election_day, _("选举日：%(day)s") % {"day": day_text(election.election_day)}
    if election.status == S.COUNTING:
        return "post_results", None, _("各投票站计票结果两次录入一致、经选举委员会和监督委员会确认后公布")
    return "close", None, _("结果已公布，归档结束")


@desk.provider
def elections_next_steps(user, communities, at):
    if not user.has_perm("elections.view_election"):
        return []
    today = timezone.localdate(at)
    todos = []
    for election in (
        Election.objects.filter(community__in=communities, rehearsal=False)
        .exclude(status=S.CLOSED)
        .select_related("community", "roll")
        .order_by("election_day")
    ):
        name, due, hint = next_step(election)
        if due is None:
            level = desk.Level.OPEN
        elif due < today:
            level = desk.Level.OVERDUE
        elif (due - today).days <= 1:
            level = desk.Level.TODAY
        else:
            level = desk.Level.OPEN
        todos.append(
            desk.Todo(
                _("%(election)s：%(step)s")
                % {"election": election.title, "step": ELECTION_FLOW.transition(name).label},
                1,
                reverse("admin:elections_election_change", args=[election.pk]),
                level,
                due,
                hint,
                group="elections",
            )
        )
    return todos


@desk.provider
def roll_objections_overdue(user, communities, at):
    """DOMAIN.md: each objection to the roll is answered within 3 days."""
    from notices.models import Objection

    if not user.has_perm("notices.change_objection"):
        return []
    todos = []
    for roll in VoterRoll.objects.filter(
        election__community__in=communities, posting_id__isnull=False
    ).select_related("election__community"):
        days = roll.election.community.rules.roll_objection_answer_days
        late = Objection.objects.filter(
            posting__in=roll_postings(roll),
            status=Objection.Status.PENDING,
            filed_at__lt=at - dt.timedelta(days=days),
        )
        n = late.count()
        if n:
            first = late.order_by("filed_at").values_list("filed_at", flat=True).first()
            todos.append(
                desk.Todo(
                    _lazy("选民名单异议超期未答复"),
                    n,
                    f"{reverse('admin:notices_objection_changelist')}?status__exact=pending",
                    desk.Level.OVERDUE,
                    first + dt.timedelta(days=days),
                    _("%(election)s：异议须在提出后%(days)d日内答复")
                    % {"election": roll.election.title, "days": days},
                    group="elections",
                )
            )
    return todos
