"""The recall petition (罢免联名) by either route, voters (one fifth) or representatives (one third),
and the recalled member's written answer, shown to the voters before they vote."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from elections.models import (
    Election,
    Voter,
)
from elections.services.common import lock, refuse_personal_data

S = Election.Status


@transaction.atomic
def recall_sign(*, election: Election, signers: list[Voter], actor: User | None) -> int:
    """Signatures on a recall petition, each checked against the roll; returns how many there are."""
    from elections.models import RecallSignature

    election = lock(election)
    check_scope(actor, election.community_id)
    if election.kind != Election.Kind.RECALL:
        raise RuleViolation(_("只有罢免表决才有联名签名。"))
    if election.status not in (S.DRAFT, S.ROLL_POSTED, S.NOMINATIONS):
        raise RuleViolation(_("罢免表决已开始，不能再签名。"))
    if any(v.roll.election_id != election.root.pk or v.removed_at is not None for v in signers):
        raise RuleViolation(_("联名签名人须在本次选举的选民名单上。"))
    have = set(RecallSignature.objects.filter(election=election).values_list("voter_id", flat=True))
    RecallSignature.objects.bulk_create(
        [RecallSignature(election=election, voter=v) for v in signers if v.pk not in have]
    )
    return RecallSignature.objects.filter(election=election).count()


# The member's written answer is read by the voters before they vote.
RECALL_ANSWER_STATES = (S.DRAFT, S.ROLL_POSTED, S.NOMINATIONS, S.VETTING, S.CANDIDATES_POSTED)


@transaction.atomic
def recall_answer_record(*, election: Election, answer: str, actor: User | None) -> Election:
    """DOMAIN.md: the member may answer in writing; the answer is kept with the vote and shown to
    the voters on the public elections page, so it is recorded before voting opens and may not carry
    an ID or mobile number."""
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.kind != Election.Kind.RECALL:
        raise RuleViolation(_("只有罢免表决才有被罢免人书面申辩。"))
    if election.status not in RECALL_ANSWER_STATES:
        raise RuleViolation(
            _("书面申辩须在投票开始前记录；当前阶段（%(state)s）不能记录。")
            % {"state": election.get_status_display()}
        )
    answer = (answer or "").strip()
    if not answer:
        raise RuleViolation({"recall_answer": [_("请填写书面申辩内容。")]})
    refuse_personal_data(
        answer,
        election=election,
        field="recall_answer",
        message=_("书面申辩将公开，不能含有%(what)s，请删去。"),
    )
    election.recall_answer = answer
    save_governed(election, actor=actor, reason=_("记录被罢免人书面申辩"))
    return election


def parse_residents(*, election: Election, text: str, field: str = "representatives") -> list[Resident]:
    """Residents of the election's community typed from a paper form, one per line: name and the last
    4 ID characters (as ``parse_signers`` does for voters)."""
    residents, unknown = [], []
    for line in (text or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        found = (
            list(
                Resident.objects.filter(
                    community_id=election.community_id, name=parts[0], id_number__endswith=parts[1].upper()
                )[:2]
            )
            if len(parts) == 2 and len(parts[1]) == 4
            else []
        )
        if len(found) != 1:
            unknown.append(line.strip())
        else:
            residents.append(found[0])
    if unknown:
        raise RuleViolation(
            {
                field: [
                    _("以下签名人不是本社区居民或无法唯一确定（请按“姓名 身份证后四位”逐行填写）：%(list)s")
                    % {"list": "、".join(unknown)}
                ]
            }
        )
    return residents


@transaction.atomic
def recall_representative_sign(
    *, election: Election, residents: list[Resident], actor: User | None, at: dt.datetime | None = None
) -> int:
    """Signatures of residents' representatives on a recall petition (the representatives' route,
    DOMAIN.md: one third of them). Each signer must be a current representative of the election's
    community on the day (``committee.selectors.current_representatives``) and signs once; one bad
    signer refuses the whole sheet, so nothing is half-written. Returns how many have signed."""
    from django.db import IntegrityError

    from committee.selectors import current_representatives
    from elections.models import RecallRepresentativeSignature

    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.kind != Election.Kind.RECALL:
        raise RuleViolation(_("只有罢免表决才有联名签名。"))
    if election.status not in (S.DRAFT, S.ROLL_POSTED, S.NOMINATIONS):
        raise RuleViolation(_("罢免表决已开始，不能再签名。"))
    residents = list({r.pk: r for r in residents}.values())
    if not residents:
        raise RuleViolation({"representatives": [_("请填写签名的居民代表。")]})
    reps = {
        r.resident_id: r
        for r in current_representatives(election.community, timezone.localdate(at)).filter(
            resident__in=residents
        )
    }
    outsiders = [r.name for r in residents if r.pk not in reps]
    if outsiders:
        raise RuleViolation(
            _("%(names)s不是本社区现任居民代表，不能以居民代表身份联名罢免。")
            % {"names": "、".join(outsiders)}
        )
    signed = set(
        RecallRepresentativeSignature.objects.filter(
            election=election, representative__in=reps.values()
        ).values_list("representative__resident__name", flat=True)
    )
    if signed:
        raise RuleViolation(
            _("%(names)s已在本次罢免联名上签名，同一居民代表只能签名一次。")
            % {"names": "、".join(sorted(signed))}
        )
    try:
        with transaction.atomic():
            RecallRepresentativeSignature.objects.bulk_create(
                [
                    RecallRepresentativeSignature(election=election, representative=r, signed_at=at)
                    for r in reps.values()
                ]
            )
    except IntegrityError as e:  # a concurrent sheet with the same representative
        raise RuleViolation(_("同一居民代表对同一罢免只能签名一次。")) from e
    return RecallRepresentativeSignature.objects.filter(election=election).count()
