"""The election's workflow (draft → roll posted → nominations → vetting → candidates posted →
voting → counting → results posted → closed) on ``core.workflow``. Each check returns the Chinese
reason a step may not happen yet; the services in ``elections.services`` apply the steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from committee.selectors import current_representatives
from core.workflow import Transition, Workflow
from elections.models import Candidate, Election, ElectionCommitteeMember, StationCount

S = Election.Status
CHANGE = "elections.change_election"


def day_text(day: dt.date) -> str:
    return formats.date_format(day, _("n月j日"))


def _roll_ready(election: Election, step) -> str | None:
    roll = getattr(election, "roll", None)
    if roll is None:
        return _("尚未生成选民名单。")
    if not roll.voters.filter(removed_at__isnull=True).exists():
        return _("选民名单为空。")
    return None


def _roll_in_time(election: Election, step) -> str | None:
    """DOMAIN.md: roll posted at least 20 days before election day."""
    due = election.roll_due()
    if timezone.localdate(step.at) > due:
        return _("选民名单须于选举日前%(days)d日（%(due)s前）公布，已超过期限；请推迟选举日。") % {
            "days": election.community.rules.roll_posting_days,
            "due": day_text(due),
        }
    return None


def _has_committee(election: Election, step) -> str | None:
    if not election.committee_members.filter(stepped_down_at__isnull=True).exists():
        return _("尚未组成选举委员会。")
    return None


def _has_seats(election: Election, step) -> str | None:
    if election.has_candidates and not election.seats.exists():
        return _("尚未填写各职务的应选人数。")
    return None


def _roll_frozen(election: Election, step) -> str | None:
    roll = getattr(election, "roll", None)
    if roll is None or roll.frozen_at is None:
        return _("选民名单异议期尚未结束。")
    return None


def _objections_answered(election: Election, step) -> str | None:
    from notices.models import Objection

    roll = getattr(election, "roll", None)
    if roll is None or roll.posting_id is None:
        return None
    pending = Objection.objects.filter(
        posting__in=roll_postings(roll), status=Objection.Status.PENDING
    ).count()
    if pending:
        return _("选民名单有%(n)d件异议尚未答复。") % {"n": pending}
    return None


def _has_conditions(election: Election, step) -> str | None:
    """DOMAIN.md: candidates are vetted against published conditions, posted when nominations open."""
    if election.has_candidates and not election.conditions.exists():
        return _("尚未填写候选人条件：提名开始时须公布候选人条件。")
    return None


def _has_nominations(election: Election, step) -> str | None:
    if not election.has_candidates:
        return None
    if not election.candidates.exclude(status=Candidate.Status.WITHDRAWN).exists():
        return _("尚无候选人提名。")
    return None


def _with_candidates(election: Election, step) -> str | None:
    if not election.has_candidates:
        return _("本次表决没有候选人，请直接“准备投票”。")
    return None


def _without_candidates(election: Election, step) -> str | None:
    if election.has_candidates:
        return _("本次选举须经提名和资格审查。")
    return None


def _need(share: Fraction, n: int) -> int:
    """The fewest signatures that reach ``share`` of ``n`` (exactly the share counts)."""
    return -(-share.numerator * n // share.denominator)


@dataclass
class RecallPetition:
    """The two routes of a recall petition (DOMAIN.md: one fifth of the voters or one third of the
    representatives sign) with their figures on one day."""

    voters: int
    voters_signed: int
    voters_need: int
    representatives: int
    representatives_signed: int
    representatives_need: int

    @property
    def route(self) -> str:
        """The route that reached its share (the voters' first), or "" when neither did."""
        if self.voters and self.voters_signed >= self.voters_need:
            return Election.RecallRoute.VOTERS
        if self.representatives and self.representatives_signed >= self.representatives_need:
            return Election.RecallRoute.REPRESENTATIVES
        return ""


def recall_petition(election: Election, day: dt.date) -> RecallPetition:
    """Signatures counted as they stand on ``day``: voters still on the roll, representatives still
    in office (``committee.selectors.current_representatives``); each route against its own share
    (``recall_voter_share``, ``recall_representative_share``) of its own body."""
    rules = election.community.rules
    voters = election.root.roll.voters.filter(removed_at__isnull=True).count()
    voters_signed = election.recall_signatures.filter(voter__removed_at__isnull=True).count()
    reps = current_representatives(election.community, day)
    representatives = reps.count()
    representatives_signed = election.recall_representative_signatures.filter(representative__in=reps).count()
    return RecallPetition(
        voters=voters,
        voters_signed=voters_signed,
        voters_need=max(1, _need(rules.fraction("recall_voter_share"), voters)),
        representatives=representatives,
        representatives_signed=representatives_signed,
        representatives_need=max(1, _need(rules.fraction("recall_representative_share"), representatives)),
    )


def _recall_petition(election: Election, step) -> str | None:
    """DOMAIN.md: a recall needs one fifth of the voters' signatures (checked against the roll) or
    one third of the current representatives' (checked against the committee's registry); either
    route suffices, and exactly the share counts."""
    if election.kind != Election.Kind.RECALL:
        return None
    if election.recall_member_id is None:
        return _("尚未填写被罢免人。")
    p = recall_petition(election, timezone.localdate(step.at))
    if p.route:
        return None
    rules = election.community.rules
    return _(
        "罢免须有选民%(voter_share)s以上联名（%(voters)d名选民，至少%(voters_need)d人），现有%(voters_have)d人签名；"
        "或有居民代表%(rep_share)s以上联名（现任居民代表%(reps)d名，至少%(reps_need)d人），"
        "现有%(reps_have)d人签名。"
    ) % {
        "voter_share": rules.recall_voter_share,
        "voters": p.voters,
        "voters_need": p.voters_need,
        "voters_have": p.voters_signed,
        "rep_share": rules.recall_representative_share,
        "reps": p.representatives,
        "reps_need": p.representatives_need,
        "reps_have": p.representatives_signed,
    }


def _all_vetted(election: Election, step) -> str | None:
    n = election.candidates.filter(status=Candidate.Status.NOMINATED).count()
    if n:
        return _("还有%(n)d名被提名人未完成资格审查。") % {"n": n}
    return None


def _more_candidates_than_seats(election: Election, step) -> str | None:
    """DOMAIN.md: more candidates than seats (差额)."""
    if not election.has_candidates:
        return None
    qualified = dict(
        election.candidates.filter(status=Candidate.Status.QUALIFIED)
        .values_list("office")
        .annotate(n=Count("pk"))
    )
    short = []
    for seat in election.seats.all():
        have = qualified.get(seat.office, 0)
        if have <= seat.count:
            short.append(
                _("%(office)s应选%(seats)d名，审查通过的候选人只有%(have)d名，须多于应选人数（差额选举）")
                % {"office": seat.get_office_display(), "seats": seat.count, "have": have}
            )
    return "；".join(short) + "。" if short else None


def _woman_among_candidates(election: Election, step) -> str | None:
    """DOMAIN.md: at least one woman on the committee, so a committee election's first round needs a
    woman among its qualified candidates (the results keep a seat for her; elections.services.women)."""
    if election.kind != Election.Kind.COMMITTEE or election.parent_id is not None:
        return None
    if election.candidates.filter(
        status=Candidate.Status.QUALIFIED, resident__sex=Resident.Sex.FEMALE
    ).exists():
        return None
    return _("正式候选人中须至少有一名女性（居委会成员中应有女性），审查通过的候选人中没有女性。")


def _candidates_in_time(election: Election, step) -> str | None:
    """DOMAIN.md: official candidate list posted at least 5 days before election day."""
    due = election.candidates_due()
    if timezone.localdate(step.at) > due:
        return _("正式候选人名单须于选举日前%(days)d日（%(due)s前）公布，已超过期限；请推迟选举日。") % {
            "days": election.community.rules.candidate_list_days,
            "due": day_text(due),
        }
    return None


def _no_candidate_on_committee(election: Election, step) -> str | None:
    """DOMAIN.md: a member of the election committee who becomes a candidate steps down."""
    names = list(
        ElectionCommitteeMember.objects.filter(
            election=election,
            stepped_down_at__isnull=True,
            resident_id__in=election.candidates.exclude(
                status__in=[Candidate.Status.REJECTED, Candidate.Status.WITHDRAWN]
            ).values("resident_id"),
        ).values_list("resident__name", flat=True)
    )
    if names:
        return _("%(names)s是候选人，须先退出选举委员会。") % {"names": "、".join(names)}
    return None


def _election_day(election: Election, step) -> str | None:
    today = timezone.localdate(step.at)
    if today < election.election_day:
        return _("选举日为%(day)s，当天才能开始投票。") % {"day": day_text(election.election_day)}
    return None


def _has_stations(election: Election, step) -> str | None:
    if not election.root.stations.exists():
        return _("尚未设立投票站。")
    return None


def _counts_validated(election: Election, step) -> str | None:
    stations = list(election.root.stations.all())
    counts = {c.station_id: c for c in StationCount.objects.filter(election=election)}
    missing = [str(s) for s in stations if s.pk not in counts]
    if missing:
        return _("以下投票站的计票结果尚未形成：%(list)s。") % {"list": "、".join(missing)}
    out = []
    for s in stations:
        c = counts[s.pk]
        if not c.box_void and not c.scan:
            out.append(_("%(station)s未上传签字的计票报告单") % {"station": s})
        if c.committee_validated_at is None:
            out.append(_("%(station)s待选举委员会确认") % {"station": s})
        if c.supervision_validated_at is None:
            out.append(_("%(station)s待监督委员会确认") % {"station": s})
    return "；".join(out) + "。" if out else None


ELECTION_FLOW = Workflow(
    "election",
    states=S,
    field="status",
    transitions=[
        Transition(
            "post_roll",
            _("公布选民名单"),
            sources=[S.DRAFT],
            target=S.ROLL_POSTED,
            permission=CHANGE,
            checks=[_has_committee, _has_seats, _roll_ready, _roll_in_time],
        ),
        Transition(
            "open_nominations",
            _("选民名单定稿，开始提名"),
            sources=[S.ROLL_POSTED],
            target=S.NOMINATIONS,
            permission=CHANGE,
            checks=[_roll_frozen, _objections_answered, _has_conditions],
        ),
        Transition(
            "start_vetting",
            _("提名截止，开始资格审查"),
            sources=[S.NOMINATIONS],
            target=S.VETTING,
            permission=CHANGE,
            checks=[_with_candidates, _has_nominations],
        ),
        Transition(
            "ready_ballot",
            _("准备投票（无候选人的表决）"),
            sources=[S.NOMINATIONS],
            target=S.CANDIDATES_POSTED,
            permission=CHANGE,
            checks=[_without_candidates, _recall_petition],
        ),
        Transition(
            "post_candidates",
            _("公布正式候选人名单"),
            sources=[S.VETTING],
            target=S.CANDIDATES_POSTED,
            permission=CHANGE,
            checks=[
                _all_vetted,
                _more_candidates_than_seats,
                _woman_among_candidates,
                _no_candidate_on_committee,
                _candidates_in_time,
            ],
        ),
        Transition(
            "open_voting",
            _("开始投票"),
            sources=[S.CANDIDATES_POSTED],
            target=S.VOTING,
            permission=CHANGE,
            checks=[_has_stations, _election_day],
        ),
        Transition(
            "close_voting", _("投票结束，开始计票"), sources=[S.VOTING], target=S.COUNTING, permission=CHANGE
        ),
        Transition(
            "post_results",
            _("公布选举结果"),
            sources=[S.COUNTING],
            target=S.RESULTS_POSTED,
            permission=CHANGE,
            checks=[_counts_validated],
        ),
        Transition(
            "close", _("选举结束归档"), sources=[S.RESULTS_POSTED], target=S.CLOSED, permission=CHANGE
        ),
        # The board's hand-off (actor None): the roll's posting was withdrawn before its window ended.
        Transition(
            "roll_withdrawn", _("选民名单公示撤回，退回筹备"), sources=[S.ROLL_POSTED], target=S.DRAFT
        ),
    ],
)

# The steps staff take from the admin's change page, in order (the system ones are not offered there).
STAFF_STEPS = [
    "post_roll",
    "open_nominations",
    "ready_ballot",
    "start_vetting",
    "post_candidates",
    "open_voting",
    "close_voting",
    "post_results",
    "close",
]


def roll_postings(roll):
    """Every version of the board posting that published ``roll`` (objections may sit on any)."""
    from notices.handoff import postings_citing
    from notices.models import Posting

    return Posting.objects.filter(pk=roll.posting_id) | postings_citing(roll)
