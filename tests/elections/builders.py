"""Objects of the elections admins for tests/test_admin_generic.py (its BUILDERS)."""

from __future__ import annotations

from django.utils import timezone

from elections import services as es
from elections.models import Candidate, CandidateCondition, Election, Voter
from tests import factories as f
from tests.elections.util import to_nominations


def _elections(community):
    draft, _r = f.election_with_roll(community)
    return [draft]


def _voters(community):
    election, _r = f.election_with_roll(community, voters=2)
    return list(Voter.objects.filter(roll__election=election))


def _nominating(community):
    election, residents = f.election_with_roll(community, voters=3)
    es.condition_add(election=election, text="遵纪守法", actor=None)
    return to_nominations(election, None, posted_at=timezone.now()), residents


def _candidates(community) -> list[Candidate]:
    election, residents = _nominating(community)
    return [
        es.candidate_nominate(
            election=election, resident=residents[0], office="member", kind="self", actor=None
        )
    ]


def _conditions(community) -> list[CandidateCondition]:
    election, _r = _nominating(community)
    return list(election.conditions.all())


BUILDERS = {
    Election: _elections,
    Voter: _voters,
    Candidate: _candidates,
    CandidateCondition: _conditions,
}


def _voting(community):
    from elections.models import Election

    election, residents = f.election_with_roll(community, voters=5)
    group = residents[0].household.group
    station = es.station_create(election=election, number=1, name="活动室", group=group, actor=None)
    Election.objects.filter(pk=election.pk).update(status=Election.Status.VOTING)
    election.refresh_from_db()
    return election, station


def _stations(community):
    return [_voting(community)[1]]


def _proxies(community):
    election, _s = _voting(community)
    voters = list(Voter.objects.filter(roll__election=election).order_by("pk"))
    return [
        es.proxy_authorize(
            election=election, grantor=voters[0], proxy=voters[1], authorization="委托书1号", actor=None
        )
    ]


def _checkins(community):
    election, station = _voting(community)
    voter = Voter.objects.filter(roll__election=election).first()
    return es.check_in(election=election, voter=voter, station=station, actor=None)


def _register_more():
    from elections.models import CheckIn, PollingStation, Proxy

    BUILDERS.update({PollingStation: _stations, Proxy: _proxies, CheckIn: _checkins})


_register_more()


def _counting(community):
    from elections.models import Candidate, Election

    election, station = _voting(community)
    voter = Voter.objects.filter(roll__election=election).first()
    candidate = Candidate.objects.create(
        election=election,
        resident=voter.resident,
        office="member",
        kind="self",
        status="official",
        nominated_at=timezone.now(),
    )
    Election.objects.filter(pk=election.pk).update(status=Election.Status.COUNTING)
    election.refresh_from_db()
    return election, station, candidate


def _typists(community):
    return f.staff_user(communities=[community], role="委员"), f.staff_user(
        communities=[community], role="委员"
    )


def _count_entries(community):
    election, station, candidate = _counting(community)
    one, two = _typists(community)
    figures = {"issued": 0, "returned": 0, "valid": 0, "void": 0, "blank": 0}
    es.count_enter(election=election, station=station, figures=figures, lines=[], actor=one)
    figures2 = {**figures, "issued": 1}
    result = es.count_enter(election=election, station=station, figures=figures2, lines=[], actor=two)
    return list(election.count_entries.filter(pk__in=[result.entry.pk]))


def _station_counts(community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    election, station, candidate = _counting(community)
    one, two = _typists(community)
    figures = {"issued": 0, "returned": 0, "valid": 0, "void": 0, "blank": 0}
    es.count_enter(election=election, station=station, figures=figures, lines=[], actor=one)
    count = es.count_enter(election=election, station=station, figures=figures, lines=[], actor=two).count
    return [es.closure_record(count=count, scan=SimpleUploadedFile("r.pdf", b"%PDF"), actor=one)]


def _register_tally():
    from elections.models import CountEntry, StationCount

    BUILDERS.update({CountEntry: _count_entries, StationCount: _station_counts})


_register_tally()


def _ballots(community):
    from elections.services.ballots import ballot_enter

    election, station, candidate = _counting(community)
    recorder, _two = _typists(community)
    return [
        ballot_enter(
            election=election, station=station, number=1, candidate_ids=[candidate.pk], actor=recorder
        ),
        ballot_enter(
            election=election, station=station, number=2, void_reason="字迹无法辨认", actor=recorder
        ),
        ballot_enter(election=election, station=station, number=3, actor=recorder),
    ]


def _ballot_corrections(community):
    from elections.services.ballots import ballot_correct, ballot_remove

    one, _two, three = _ballots(community)
    recorder = one.entered_by
    return [
        ballot_correct(ballot=one, reason="录入时点错", actor=recorder),
        ballot_remove(ballot=three, reason="重复录入", actor=recorder),
    ]


def _register_ballots():
    from elections.models import Ballot, BallotCorrection

    BUILDERS.update({Ballot: _ballots, BallotCorrection: _ballot_corrections})


_register_ballots()
