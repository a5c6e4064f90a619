"""At least one woman on the committee (DOMAIN.md "Voting and meetings"), in the results of the
first round of a valid committee election: when no woman is among those elected, one seat is kept
for a woman (保留一名女性名额):

- The office that gives the seat: the 委员 (member) office when it has a woman candidate; otherwise
  the office with more than one seat and a woman candidate whose lowest-placed elected has the fewest
  votes. Women of that office only compete for it (votes for different offices do not compare). When
  no office qualifies (e.g. the only women ran for a one-seat office), the results say so and nothing
  else changes.
- In that office, the woman candidate with the most votes who passed the election threshold takes
  the seat of the lowest-placed elected (last in the list's order: fewest votes, then by name); if
  the office already has a seat left empty, she takes that one and nobody gives way.
- If no woman passed the threshold (or the best two are tied), the lowest-placed elected is not
  elected all the same, and that seat stays empty for a further round among the women candidates only
  (the top remaining women: one more than the seats kept, and all tied with the last). The further
  round's seat records how many of its seats are kept for women (``Seat.women_reserved``) and the same
  rule applies in it, so the seat goes to a woman even if a write-in wins on votes.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from committee.models import CommitteeSeat
from elections.models import Candidate, Seat
from elections.services.standings import Results, Standing, WomanSeat


def office_for_woman(seats: list[Seat], r: Results) -> Seat | None:
    """The office that keeps a seat for a woman: 委员 if a woman ran for it, else the office with more
    than one seat (and a woman candidate) whose lowest-placed elected has the fewest votes."""
    fit = [
        seat
        for seat in seats
        if (seat.office == CommitteeSeat.Role.MEMBER or seat.count > 1)
        and any(s.woman and s.candidate_id for s in r.standings[seat.office])
    ]
    for seat in fit:
        if seat.office == CommitteeSeat.Role.MEMBER:
            return seat

    def lowest(seat: Seat) -> int:
        elected = [s.votes for s in r.standings[seat.office] if s.elected]
        return min(elected) if len(elected) == seat.count else -1  # an empty seat comes first

    return min(fit, key=lowest, default=None)


def keep_for_women(r: Results, seat: Seat, passing: list[Standing], *, need: int, further: bool = False):
    """Keep ``need`` seats of ``seat.office`` for women (the rule in the module docstring)."""
    rows = r.standings[seat.office]
    for _i in range(need - sum(1 for s in rows if s.elected and s.woman)):
        gave_way = None
        if sum(1 for s in rows if s.elected) >= seat.count:
            others = [s for s in rows if s.elected and not s.woman]
            if not others:
                break
            gave_way = others[-1]
            gave_way.elected, gave_way.gave_way = False, True
        waiting = [s for s in passing if s.woman and not s.elected and s.candidate_id]
        woman = None
        if waiting and not (len(waiting) > 1 and waiting[1].votes == waiting[0].votes):
            woman = waiting[0]
            woman.elected = woman.reserved = True
        else:
            r.women_left[seat.office] = r.women_left.get(seat.office, 0) + 1
        r.women_seats.append(WomanSeat(seat.office, woman, gave_way, further))


def women_seat_notes(r: Results) -> list[str]:
    """What happened to each seat kept for a woman, in the active language (posting and report)."""
    offices = dict(Candidate._meta.get_field("office").choices)
    out = []
    for w in r.women_seats:
        params = {
            "office": offices[w.office],
            "woman": w.woman.name if w.woman else "",
            "woman_votes": w.woman.votes if w.woman else 0,
            "other": w.gave_way.name if w.gave_way else "",
            "other_votes": w.gave_way.votes if w.gave_way else 0,
            "names": "、".join(s.name for s in r.runoff_names.get(w.office, []) if s.woman),
        }
        head = (
            _("按上一轮选举结果，本轮保留一名%(office)s名额由女性担任") % params
            if w.further
            else _("因当选人中没有女性，保留一名%(office)s名额由女性担任") % params
        )
        if w.woman and w.gave_way:
            tail = _(
                "：女性候选人%(woman)s（%(woman_votes)d票）达到当选票数，当选；%(other)s（%(other_votes)d票）不再当选。"
            )
        elif w.woman:
            tail = _("：女性候选人%(woman)s（%(woman_votes)d票）达到当选票数，当选。")
        elif w.gave_way:
            tail = _(
                "：女性候选人得票均未达到当选票数，%(other)s（%(other_votes)d票）不再当选，"
                "该名额空缺，在女性候选人%(names)s中另行选举。"
            )
        else:
            tail = _("：女性候选人得票均未达到当选票数，该名额空缺，在女性候选人%(names)s中另行选举。")
        out.append(head + tail % params)
    return out
