"""Results from the rules (DOMAIN.md "Voting and meetings"): turnout over one half of the roll,
elected with over one half of the votes of those who voted, seats left empty → a further round
(另行选举) among the top remaining names, won by plurality with at least one third of votes cast;
at least one woman on the committee (a seat kept for her when none is elected: the rule is in
``elections.services.women``). Posted on the board with the per-station breakdown."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from core.governed import save_governed
from core.models import User
from elections.flow import day_text
from elections.models import Candidate, CandidateVotes, CheckIn, Election, Seat, StationCount, Voter
from elections.services.common import lock, step
from elections.services.standings import Results, Standing
from elections.services.women import keep_for_women, office_for_woman, women_seat_notes

S = Election.Status


def _ballot_results(election: Election, r: Results) -> Results:
    """DOMAIN.md: a household ballot passes with yes over one half of the valid votes (participation
    and approval reported); a recall passes when more than half of the voters voted and more than
    half of those voting are in favour."""
    rules = election.community.rules
    votes = dict(
        CandidateVotes.objects.filter(count__election=election, count__box_void=False)
        .exclude(choice="")
        .values_list("choice")
        .annotate(n=Sum("votes"))
    )
    r.yes, r.no = votes.get("yes", 0), votes.get("no", 0)
    r.valid_ballots = sum(c.valid for c in r.stations if not c.box_void)
    if election.kind == Election.Kind.HOUSEHOLD_BALLOT:
        r.valid_election = True  # participation is reported, not a condition
        r.problems = []
        r.passed = r.yes > rules.fraction("household_ballot_pass_share") * r.valid_ballots
    else:
        r.passed = r.valid_election and r.yes > Fraction(1, 2) * r.voted
    return r


def compute_results(election: Election) -> Results:
    rules = election.community.rules
    registered = Voter.objects.filter(roll__election=election.root, removed_at__isnull=True).count()
    voted = CheckIn.objects.filter(election=election).count()
    turnout = rules.fraction("election_turnout")
    valid_election = voted > turnout * registered
    counts = list(
        StationCount.objects.filter(election=election).select_related("station").order_by("station__number")
    )
    totals: dict[tuple, int] = defaultdict(int)
    for row in (
        CandidateVotes.objects.filter(count__election=election, count__box_void=False)
        .values("office", "candidate_id", "write_in")
        .annotate(n=Sum("votes"))
    ):
        totals[(row["office"], row["candidate_id"], row["write_in"])] += row["n"]
    candidates = {
        c.pk: c
        for c in Candidate.objects.filter(election=election, status=Candidate.Status.OFFICIAL).select_related(
            "resident"
        )
    }
    for c in candidates.values():
        totals.setdefault((c.office, c.pk, ""), 0)
    further = election.parent_id is not None
    threshold = voted * rules.fraction("further_round_min_share" if further else "election_win_share")
    results = Results(registered, voted, valid_election, threshold, stations=counts)
    if not valid_election:
        results.problems.append(
            _("参加投票%(voted)d人，未超过选民%(registered)d人的%(share)s，选举无效。")
            % {"voted": voted, "registered": registered, "share": rules.election_turnout}
        )
    if not election.has_candidates:
        return _ballot_results(election, results)
    seats = list(Seat.objects.filter(election=election).order_by("office"))
    passing: dict[str, list[Standing]] = {}
    for seat in seats:
        rows = []
        for (office, cid, write_in), votes in totals.items():
            if office != seat.office:
                continue
            c = candidates.get(cid)
            rows.append(
                Standing(
                    name=c.resident.name if c else write_in,
                    office=office,
                    votes=votes,
                    candidate_id=cid,
                    sex=c.resident.sex if c else "",
                )
            )
        rows.sort(key=lambda s: (-s.votes, s.name))
        passing[seat.office] = (
            [s for s in rows if (s.votes >= threshold if further else s.votes > threshold)]
            if valid_election
            else []
        )
        # Seats go down the list; a tie across the last seat elects neither (a further round decides).
        filled = 0
        for i, s in enumerate(passing[seat.office]):
            if filled >= seat.count:
                break
            following = passing[seat.office][i + 1 : i + 2]
            if filled == seat.count - 1 and following and following[0].votes == s.votes:
                break
            s.elected = True
            filled += 1
        results.standings[seat.office] = rows
    if valid_election:
        for seat in seats:
            if seat.women_reserved:  # a further round for seats an earlier round kept for women
                keep_for_women(results, seat, passing[seat.office], need=seat.women_reserved, further=True)
        if (
            election.kind == Election.Kind.COMMITTEE
            and not further
            and not any(s.woman for s in results.elected)
        ):
            seat = office_for_woman(seats, results)
            if seat is None:
                results.problems.append(_("当选人中没有女性成员，须在另行选举中保证至少一名女性当选。"))
            else:
                keep_for_women(results, seat, passing[seat.office], need=1)
    for seat in seats if valid_election else []:
        rows = results.standings[seat.office]
        left = seat.count - sum(1 for s in rows if s.elected)
        if not left:
            continue
        results.remaining[seat.office] = left
        rest = [s for s in rows if not s.elected and s.candidate_id]
        women = results.women_left.get(seat.office, 0)
        names = _top(rest, left) if women < left else []
        names += [s for s in _top([s for s in rest if s.woman], women) if s not in names]
        results.runoff_names[seat.office] = sorted(names, key=lambda s: (-s.votes, s.name))
    return results


def _top(rest: list[Standing], left: int) -> list[Standing]:
    """The top remaining names for ``left`` seats: one more than the seats, and everyone tied with the
    last of them."""
    if not left:
        return []
    cut = rest[: left + 1]
    if cut:
        cut += [s for s in rest[left + 1 :] if s.votes == cut[-1].votes]
    return cut


def recall_route_text(election: Election) -> str:
    """The recall's petition route for the posted results and the report ("" for other kinds)."""
    if election.kind != Election.Kind.RECALL or not election.recall_route:
        return ""
    return _("本次罢免表决的被罢免人为%(member)s，罢免要求经%(route)s（达到法定比例）提出。") % {
        "member": election.recall_member.name if election.recall_member_id else "",
        "route": election.get_recall_route_display(),
    }


def results_posting_body(election: Election, r: Results) -> str:
    lines = [
        _("%(election)s于%(day)s举行。本次选举登记选民%(registered)d人，参加投票%(voted)d人。")
        % {
            "election": election.title,
            "day": day_text(election.election_day),
            "registered": r.registered,
            "voted": r.voted,
        },
    ]
    if recall_route_text(election):
        lines.append(recall_route_text(election))
    if r.passed is not None:
        lines.append(
            _(
                "参与率%(participation).2f%%；有效票%(valid)d张，赞成%(yes)d票，反对%(no)d票，赞成率%(approval).2f%%。"
            )
            % {
                "participation": float(r.participation * 100),
                "valid": r.valid_ballots,
                "yes": r.yes,
                "no": r.no,
                "approval": float(r.approval * 100),
            }
        )
        lines.append(_("表决结果：通过。") if r.passed else _("表决结果：未通过。"))
    elif not r.valid_election:
        lines.append(_("参加投票人数未超过选民半数，选举无效。"))
    for office, rows in r.standings.items():
        label = dict(Candidate._meta.get_field("office").choices)[office]
        lines.append("")
        lines.append(_("%(office)s得票情况：") % {"office": label})
        for s in rows:
            mark = _("（当选）") if s.elected else ""
            if s.reserved:
                mark = _("（当选，保留女性名额）")
            elif s.gave_way:
                mark = _("（得票达到当选票数，让出保留女性名额）")
            lines.append(_("%(name)s %(votes)d票%(mark)s") % {"name": s.name, "votes": s.votes, "mark": mark})
    notes = women_seat_notes(r)
    if notes:
        lines.append("")
        lines.extend(notes)
    if r.remaining:
        lines.append("")
        for office, left in r.remaining.items():
            label = dict(Candidate._meta.get_field("office").choices)[office]
            names = "、".join(s.name for s in r.runoff_names.get(office, []))
            lines.append(
                _("%(office)s尚缺%(left)d名，将在%(names)s中另行选举。")
                % {"office": label, "left": left, "names": names}
            )
    lines.append("")
    lines.append(_("各投票站计票情况："))
    for c in r.stations:
        text = _(
            "%(station)s：发出%(issued)d张，收回%(returned)d张，有效%(valid)d张，无效%(void)d张，空白%(blank)d张"
        ) % {
            "station": c.station,
            "issued": c.issued,
            "returned": c.returned,
            "valid": c.valid,
            "void": c.void,
            "blank": c.blank,
        }
        if c.box_void:
            text += _("（本站投票无效：%(reason)s）") % {"reason": c.void_reason}
        lines.append(text)
    return "\n".join(lines)


@transaction.atomic
def election_post_results(
    *, election: Election, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> Results:
    """Every station's count definitive and validated by both committees (the step's check), then
    the results are computed and posted on the board with the per-station breakdown."""
    from notices.models import Category
    from notices.services import publish

    at = at or timezone.now()
    election = lock(election)
    step(election, "post_results", actor=actor, at=at, note=note)
    r = compute_results(election)
    election.results_posted_at = at
    if not election.rehearsal:
        posting = publish(
            community=election.community,
            category=Category.ELECTION,
            title=_("%(election)s选举结果公告") % {"election": election.title},
            body=results_posting_body(election, r),
            expire_at=at + dt.timedelta(days=30),
            sources=[election],
            actor=actor,
            at=at,
        )
        election.results_posting_id = posting.pk
    save_governed(election, actor=actor, reason=_("公布选举结果"), validate=False)
    return r


@transaction.atomic
def runoff_create(
    *, election: Election, election_day: dt.date, actor: User | None, at: dt.datetime | None = None
) -> Election:
    """The further round (另行选举) for the seats left empty, among the top remaining names (for a
    seat kept for a woman, the women only; the round's seat records how many are kept for women); it
    uses the first round's roll and stations and opens with its candidates already official."""
    at = at or timezone.now()
    election = lock(election)
    if election.status not in (S.RESULTS_POSTED, S.CLOSED):
        raise RuleViolation(_("选举结果公布后才能另行选举。"))
    if election.further_rounds.exists():
        raise RuleViolation(_("本次选举已安排另行选举。"))
    r = compute_results(election)
    if not r.remaining:
        raise RuleViolation(_("应选名额已全部选出，无需另行选举。"))
    runoff = Election(
        community=election.community,
        kind=election.kind,
        title=_("%(election)s（另行选举）") % {"election": election.title},
        election_day=election_day,
        parent=election.root,
        status=S.CANDIDATES_POSTED,
        rehearsal=election.rehearsal,
        candidates_posted_at=at,
    )
    save_governed(runoff, actor=actor, reason=_("另行选举"))
    for office, left in r.remaining.items():
        save_governed(
            Seat(election=runoff, office=office, count=left, women_reserved=r.women_left.get(office, 0)),
            actor=actor,
            reason=_("另行选举"),
        )
        for s in r.runoff_names[office]:
            c = Candidate.objects.get(pk=s.candidate_id)
            save_governed(
                Candidate(
                    election=runoff,
                    resident=c.resident,
                    office=office,
                    kind=Candidate.Kind.RUNOFF,
                    status=Candidate.Status.OFFICIAL,
                    nominated_at=at,
                ),
                actor=actor,
                reason=_("另行选举"),
            )
    return runoff
