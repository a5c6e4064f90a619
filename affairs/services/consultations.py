"""Opinion rounds (意见征集): set up, announced on the board, answered by residents without login
(ranking items by urgency), counted, and summarized into the motion before its vote.

Counting: a Borda count (an item ranked k-th of n gets n-k+1 points), plus how often each item was
ranked first, which is how the seeds report such questionnaires ("排第一")."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from affairs.models.consultations import Consultation, ConsultationResponse
from affairs.models.motions import Motion
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from notices.models import Category, Posting
from notices.services import publish

MAX_ITEMS = 8
# Responses accepted from one address per round: a household or a family shares one connection.
MAX_PER_SENDER = 5
OPEN_MOTION_STATES = (Motion.State.PROPOSED, Motion.State.DELIBERATED, Motion.State.REVIEWED)


@transaction.atomic
def consultation_save(*, consultation: Consultation, actor: User | None) -> Consultation:
    check_scope(actor, consultation.community_id)
    n = len(consultation.item_list)
    if not 2 <= n <= MAX_ITEMS:
        raise RuleViolation(_("请填写2至%(max)d个事项，每行一项。") % {"max": MAX_ITEMS})
    if consultation.pk and consultation.responses.exists():
        old = Consultation.objects.get(pk=consultation.pk)
        if old.item_list != consultation.item_list:
            raise RuleViolation(_("已有居民答复，不能再修改事项。"))
    if consultation.motion_id and consultation.motion.community_id != consultation.community_id:
        raise RuleViolation(_("相关议题不属于本社区。"))
    save_governed(consultation, actor=actor, reason=_("意见征集"))
    return consultation


def sender_key(consultation: Consultation, address: str) -> str:
    """A salted hash: the same address is recognised within one round, and never stored."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{consultation.pk}:{address}".encode()).hexdigest()


@transaction.atomic
def response_submit(
    *, consultation: Consultation, ranking: list[int], address: str, at: dt.datetime | None = None
) -> ConsultationResponse:
    at = at or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.is_open(at):
        raise RuleViolation(_("本次意见征集不在征集期内。"))
    n = len(consultation.item_list)
    if sorted(ranking) != list(range(1, n + 1)):
        raise RuleViolation(_("请为每个事项排一个不同的名次（1为最紧迫）。"))
    key = sender_key(consultation, address)
    if consultation.responses.filter(sender=key).count() >= MAX_PER_SENDER:
        raise RuleViolation(
            _("同一网络已提交%(n)d份问卷，不能再提交；如需反映意见，请到居委会填写纸质问卷。")
            % {"n": MAX_PER_SENDER}
        )
    return ConsultationResponse.objects.create(
        consultation=consultation, submitted_at=at, ranking=ranking, sender=key
    )


@dataclass(frozen=True)
class ItemResult:
    item: str
    points: int
    first: int


def results(consultation: Consultation) -> tuple[int, list[ItemResult]]:
    items = consultation.item_list
    n = len(items)
    points, first = [0] * n, [0] * n
    responses = list(consultation.responses.values_list("ranking", flat=True))
    for ranking in responses:
        for i, rank in enumerate(ranking[:n]):
            points[i] += n - rank + 1
            first[i] += rank == 1
    rows = [ItemResult(items[i], points[i], first[i]) for i in range(n)]
    return len(responses), sorted(rows, key=lambda r: (-r.points, -r.first, items.index(r.item)))


def summary(consultation: Consultation) -> str:
    count, rows = results(consultation)
    ranked = "；".join(
        _("%(k)d. %(item)s（%(first)d份排第一）") % {"k": k, "item": r.item, "first": r.first}
        for k, r in enumerate(rows, 1)
    )
    return _("“%(title)s”收回问卷%(n)d份，按紧迫程度排序：%(ranked)s。") % {
        "title": consultation.title,
        "n": count,
        "ranked": ranked,
    }


@transaction.atomic
def consultation_announce(*, consultation: Consultation, url: str, actor: User | None, at=None) -> Posting:
    """Post the questionnaire on the board until it closes, linking to the form."""
    at = at or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    check_scope(actor, consultation.community_id)
    if at >= consultation.closes_at:
        raise RuleViolation(_("本次意见征集已截止，不能再发布。"))
    body = format_html(
        '<p>{}</p><ol>{}</ol><p>{}</p><p><a href="{}">{}</a></p>',
        consultation.question,
        format_html_join("", "<li>{}</li>", ((i,) for i in consultation.item_list)),
        _("征集截止：%(at)s") % {"at": f"{timezone.localtime(consultation.closes_at):%Y-%m-%d %H:%M}"},
        url,
        _("填写问卷"),
    )
    if consultation.posting_id is not None and consultation.posting.withdrawn_at is None:
        raise RuleViolation(_("该问卷已在公开栏发布。"))
    consultation.posting = publish(
        community=consultation.community,
        category=Category.AFFAIRS,
        title=_("意见征集：%(title)s") % {"title": consultation.title},
        body=str(body),
        publish_at=max(at, consultation.opens_at),
        expire_at=consultation.closes_at,
        sources=[consultation],
        actor=actor,
        at=at,
    )
    save_governed(consultation, actor=actor, reason=_("在公开栏发布问卷"))
    return consultation.posting


@transaction.atomic
def consultation_feed_motion(*, consultation: Consultation, actor: User | None) -> Motion:
    """Write the ranked results into the motion's opinion round, before its vote."""
    check_scope(actor, consultation.community_id)
    if consultation.motion_id is None:
        raise RuleViolation(_("该意见征集没有关联议题。"))
    motion = Motion.objects.select_for_update().get(pk=consultation.motion_id)
    if motion.state not in OPEN_MOTION_STATES:
        raise RuleViolation(_("议题已提交表决，不能再更新意见征集情况。"))
    if not consultation.responses.exists():
        raise RuleViolation(_("尚未收到问卷答复。"))
    motion.opinion_summary = summary(consultation)
    save_governed(motion, actor=actor, reason=_("写入意见征集结果"))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    consultation.fed_at = timezone.now()
    save_governed(consultation, actor=actor, reason=_("写入意见征集结果"))
    return motion
