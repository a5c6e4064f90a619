"""Nomination (joint with signatures, or self), vetting against the published conditions, the
candidate Q&A meeting, and the official candidate list posted on the board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from core.privacy import community_public_phones, find_personal_data
from elections.flow import day_text
from elections.models import (
    Candidate,
    CandidateCondition,
    Election,
    ElectionCommitteeMember,
    Signature,
    Vetting,
    Voter,
)
from elections.services.common import lock, refuse_personal_data, step

S = Election.Status


@transaction.atomic
def condition_add(*, election: Election, text: str, actor: User | None) -> CandidateCondition:
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.status not in (S.DRAFT, S.ROLL_POSTED, S.NOMINATIONS):
        raise RuleViolation(_("资格审查开始后不能再增加候选人条件。"))
    text = (text or "").strip()
    if not text:
        raise RuleViolation({"text": [_("请填写条件内容。")]})
    # The conditions are posted on the board, which refuses personal data: refuse it here, not at
    # the board's hand-off that opens nominations.
    if find_personal_data(text, public_phones=community_public_phones(election.community)):
        raise RuleViolation({"text": [_("候选人条件将在公开栏公布，不能含有身份证号码或手机号码。")]})
    number = election.conditions.count() + 1
    condition = CandidateCondition(election=election, number=number, text=text[:200])
    save_governed(condition, actor=actor, reason=_("公布候选人条件"))
    if election.status == S.NOMINATIONS:
        conditions_repost(election=election, added=condition, actor=actor)
    return condition


def conditions_repost(
    *, election: Election, added: CandidateCondition, actor: User | None, at: dt.datetime | None = None
) -> None:
    """A condition added while nominations are open: the board's checklist gets a new version (a
    correction naming the added condition), so the conditions vetted are the conditions posted."""
    from elections.services.election import conditions_posting_body
    from notices.handoff import cite, postings_citing
    from notices.services import posting_new_version

    first = election.conditions.exclude(pk=added.pk).order_by("number").first()
    if first is None:
        return
    current = (
        postings_citing(first)
        .filter(replaced_at__isnull=True, withdrawn_at__isnull=True, released_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if current is None:
        return  # a rehearsal, or a posting staff withdrew: nothing on the board to correct
    new = posting_new_version(
        current,
        actor=actor,
        at=at,
        correction_note=_("增加候选人条件：%(text)s") % {"text": added.text},
        body=conditions_posting_body(election),
    )
    cite(new, [added])


def parse_signers(*, election: Election, text: str) -> list[Voter]:
    """Signatures typed from the paper form, one per line: name and the last 4 ID characters."""
    voters, unknown = [], []
    for line in (text or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2 or len(parts[1]) != 4:
            unknown.append(line.strip())
            continue
        v = Voter.objects.filter(
            roll__election=election.root, name=parts[0], id_last4=parts[1].upper(), removed_at__isnull=True
        ).first()
        if v is None:
            unknown.append(line.strip())
        else:
            voters.append(v)
    if unknown:
        raise RuleViolation(
            {
                "signers": [
                    _("以下签名人不在选民名单上（请按“姓名 身份证后四位”逐行填写）：%(list)s")
                    % {"list": "、".join(unknown)}
                ]
            }
        )
    return voters


@transaction.atomic
def candidate_nominate(
    *,
    election: Election,
    resident: Resident,
    office: str,
    kind: str,
    signers: list[Voter] = (),
    actor: User | None,
    at: dt.datetime | None = None,
) -> Candidate:
    """A joint nomination needs ``election.signatures_required`` voters' signatures; a self-nomination
    none. A nominee sitting on the election committee steps down from it (DOMAIN.md), recorded."""
    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.status != S.NOMINATIONS:
        raise RuleViolation(
            _("当前不在提名阶段（%(state)s），不能提名候选人。") % {"state": election.get_status_display()}
        )
    if not election.seats.filter(office=office).exists():
        raise RuleViolation({"office": [_("本次选举没有该职务的应选名额。")]})
    if not Voter.objects.filter(
        roll__election=election.root, resident=resident, removed_at__isnull=True
    ).exists():
        raise RuleViolation(_("%(name)s不在选民名单上，不能被提名为候选人。") % {"name": resident.name})
    signers = list({v.pk: v for v in signers}.values())
    if kind == Candidate.Kind.JOINT:
        if any(v.roll.election_id != election.root.pk or v.removed_at is not None for v in signers):
            raise RuleViolation(_("联名签名人须在本次选举的选民名单上。"))
        if len(signers) < election.signatures_required:
            raise RuleViolation(
                _("联名提名须有%(need)d名选民签名，现有%(have)d名。")
                % {"need": election.signatures_required, "have": len(signers)}
            )
    elif kind == Candidate.Kind.SELF:
        signers = []
    else:
        raise RuleViolation({"kind": [_("请选择提名方式。")]})
    candidate = Candidate(election=election, resident=resident, office=office, kind=kind, nominated_at=at)
    save_governed(candidate, actor=actor, reason=Candidate.Kind(kind).label)
    Signature.objects.bulk_create([Signature(candidate=candidate, voter=v) for v in signers])
    for member in ElectionCommitteeMember.objects.select_for_update().filter(
        election=election, resident=resident, stepped_down_at__isnull=True
    ):
        member.stepped_down_at = at
        member.step_down_reason = _("被提名为候选人，依规退出选举委员会")
        save_governed(member, actor=actor, reason=member.step_down_reason)
    return candidate


@transaction.atomic
def candidate_vet(
    *, candidate: Candidate, results: dict[int, tuple[bool, str]], actor: User, at: dt.datetime | None = None
) -> Candidate:
    """Vet a nominee on every published condition: passed or failed, failures with grounds, the
    officer recorded. One failed condition rejects the nominee (the reason is what they are told)."""
    at = at or timezone.now()
    candidate = (
        Candidate.objects.select_for_update().select_related("election", "resident").get(pk=candidate.pk)
    )
    election = lock(candidate.election)
    check_scope(actor, election.community_id)
    if election.status != S.VETTING:
        raise RuleViolation(_("当前不在资格审查阶段。"))
    if candidate.status != Candidate.Status.NOMINATED:
        raise RuleViolation(_("%(name)s已审查。") % {"name": candidate.resident.name})
    conditions = list(election.conditions.all())
    if not conditions:
        raise RuleViolation(_("尚未公布候选人条件，不能审查。"))
    missing = [c for c in conditions if c.pk not in results]
    if missing:
        raise RuleViolation(_("以下条件尚未审查：%(list)s") % {"list": "；".join(str(c) for c in missing)})
    errors = [str(c) for c in conditions if not results[c.pk][0] and not (results[c.pk][1] or "").strip()]
    if errors:
        raise RuleViolation(_("不符合的条件须写明依据：%(list)s") % {"list": "；".join(errors)})
    for c in conditions:
        passed, grounds = results[c.pk]
        save_governed(
            Vetting(
                candidate=candidate,
                condition=c,
                passed=passed,
                grounds=(grounds or "").strip()[:300],
                officer=actor,
                at=at,
            ),
            actor=actor,
            reason=_("资格审查"),
        )
    candidate.status = (
        Candidate.Status.QUALIFIED if all(results[c.pk][0] for c in conditions) else Candidate.Status.REJECTED
    )
    candidate.vetted_by, candidate.vetted_at = actor, at
    save_governed(candidate, actor=actor, reason=_("资格审查"))
    return candidate


def rejection_reasons(candidate: Candidate) -> list[str]:
    """What the applicant is told: each failed condition with its grounds."""
    return [
        _("不符合“%(condition)s”：%(grounds)s") % {"condition": v.condition.text, "grounds": v.grounds}
        for v in candidate.vettings.filter(passed=False)
        .select_related("condition")
        .order_by("condition__number")
    ]


# The steps during which a Q&A meeting is held: between nominations and election day.
QA_MEETING_STATES = (S.NOMINATIONS, S.VETTING, S.CANDIDATES_POSTED)


@transaction.atomic
def qa_meeting_record(
    *,
    election: Election,
    held_at: dt.datetime | None,
    notes: str,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Election:
    """The candidate Q&A meeting (竞选答辩会): when, and what was said. The record is shown on the
    public elections page, so it may hold no ID number or private mobile number."""
    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    if not election.has_candidates or election.status not in QA_MEETING_STATES:
        raise RuleViolation(
            _("竞选答辩会在提名至正式候选人公布后、投票前记录；当前阶段（%(state)s）不能记录。")
            % {"state": election.get_status_display()}
        )
    if held_at is None:
        raise RuleViolation({"qa_meeting_at": [_("请填写答辩会举行时间。")]})
    if held_at > at:
        raise RuleViolation({"qa_meeting_at": [_("答辩会举行时间不能晚于现在：请在会后记录。")]})
    notes = (notes or "").strip()
    if not notes:
        raise RuleViolation({"qa_meeting_notes": [_("请填写答辩会记录。")]})
    refuse_personal_data(
        notes,
        election=election,
        field="qa_meeting_notes",
        message=_("答辩会记录将公开，不能含有%(what)s，请删去。"),
    )
    election.qa_meeting_at, election.qa_meeting_notes = held_at, notes
    save_governed(election, actor=actor, reason=_("记录竞选答辩会"))
    return election


def candidates_posting_body(election: Election) -> str:
    by_office: dict[str, list[Candidate]] = defaultdict(list)
    for c in election.candidates.filter(status=Candidate.Status.OFFICIAL).select_related("resident"):
        by_office[c.office].append(c)
    lines = [
        _("经选民提名和资格审查，%(election)s正式候选人名单如下（按姓氏笔画为序），选举日为%(day)s。")
        % {"election": election.title, "day": day_text(election.election_day)},
        "",
    ]
    for seat in election.seats.all():
        names = sorted(c.resident.name for c in by_office.get(seat.office, []))
        lines.append(
            _("%(office)s（应选%(seats)d名，候选人%(n)d名）：%(names)s")
            % {
                "office": seat.get_office_display(),
                "seats": seat.count,
                "n": len(names),
                "names": "、".join(names),
            }
        )
    return "\n".join(lines)


@transaction.atomic
def election_post_candidates(
    *, election: Election, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> Election:
    """DOMAIN.md: more candidates than seats, the official list posted at least 5 days before
    election day."""
    from notices.models import Category
    from notices.services import publish

    at = at or timezone.now()
    election = lock(election)
    step(election, "post_candidates", actor=actor, at=at, note=note)
    official = list(election.candidates.filter(status=Candidate.Status.QUALIFIED))
    for c in official:
        c.status = Candidate.Status.OFFICIAL
        save_governed(c, actor=actor, reason=_("公布正式候选人名单"))
    election.candidates_posted_at = at
    if not election.rehearsal and election.has_candidates:
        posting = publish(
            community=election.community,
            category=Category.ELECTION,
            title=_("%(election)s正式候选人名单") % {"election": election.title},
            body=candidates_posting_body(election),
            expire_at=dt.datetime.combine(
                election.election_day + dt.timedelta(days=1),
                dt.time(0),
                tzinfo=timezone.get_default_timezone(),
            ),
            sources=official,
            actor=actor,
            at=at,
        )
        election.candidates_posting_id = posting.pk
    save_governed(election, actor=actor, reason=_("公布正式候选人名单"), validate=False)
    return election
