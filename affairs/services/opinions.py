"""Writes of residents' opinions and reports: file, assign, answer, close, dismiss, rate, remind.

DOMAIN.md "Residents' opinions and reports": every item gets a tracking code, an owner and a deadline
(acknowledge in ``rules.opinion_ack_working_days``, answer in ``rules.opinion_answer_working_days``
working days, 3 and 15 by default, on the national calendar of ``core.calendar``); the resident sees
the answer and rates it. Steps go through :data:`OPINION_FLOW`, so the admin, a command and a task
refuse alike and every step leaves a ``TransitionLog`` row.

Flooding: items from one sender (a keyed hash of the address, or the logged-in reporter) beyond
:data:`HOLD_AFTER_PER_HOUR` in an hour are *kept* but held for checking (``held``: out of the figures
and the desk's deadlines) — a shared address (a whole building behind one router) never loses a
legitimate report. Beyond :data:`REFUSE_AFTER_PER_HOUR` the form refuses with a message. The same
text sent twice from one sender within a day is stored once and returns the first tracking code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from affairs.models.opinions import OPEN_STATES, URGENT_KINDS, Opinion, OpinionRoute
from core.calendar import add_working_days
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.idnumbers import normalize_phone, validate_phone
from core.scoping import community_ids_for_user
from core.workflow import Transition, Workflow

S = Opinion.Status
CHANGE = "affairs.change_opinion"

BODY_MIN_CHARS = 4
BODY_MAX_CHARS = 2000
HOLD_AFTER_PER_HOUR = 5
REFUSE_AFTER_PER_HOUR = 60
DUPLICATE_WITHIN = dt.timedelta(days=1)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone
CODE_RE = re.compile(r"^YJ-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
_SPACE = re.compile(r"\s+")


def _not_held(opinion: Opinion, step) -> str | None:
    if opinion.held:
        return _("该件来源短时间内提交过多，待核实；请先核实放行，或不予受理。")
    return None


OPINION_FLOW = Workflow(
    "opinion",
    states=S,
    field="status",
    transitions=[
        Transition("assign", gettext_lazy("受理并分派"), sources=[S.NEW], target=S.ASSIGNED,
                   permission=CHANGE, checks=[_not_held]),
        Transition("reassign", gettext_lazy("转办"), sources=[S.ASSIGNED], permission=CHANGE),
        Transition("answer", gettext_lazy("答复"), sources=[S.ASSIGNED], target=S.ANSWERED,
                   permission=CHANGE),
        Transition("close", gettext_lazy("办结"), sources=[S.ANSWERED], target=S.CLOSED, permission=CHANGE),
        Transition("dismiss", gettext_lazy("不予受理"), sources=[S.NEW], target=S.DISMISSED,
                   permission=CHANGE),
        # The resident's own step (actor None): the state stays, the rating is recorded.
        # A permission no role holds keeps this step off the staff's list (actor None passes).
        Transition("rate", gettext_lazy("居民评价"), sources=[S.ANSWERED, S.CLOSED],
                   permission="affairs.rate_opinion_as_resident"),
    ],
)  # fmt: skip


# --- reading helpers -----------------------------------------------------------------------------


def sender_key(address: str) -> str:
    """A keyed hash of the sender's address (the address itself is never stored)."""
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def normalize_code(value: str) -> str | None:
    """A tracking code as typed (any case, spaces, missing hyphens) in its canonical form, or None."""
    text = re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if text.startswith("YJ"):
        text = text[2:]
    if len(text) != 8:
        return None
    code = f"YJ-{text[:4]}-{text[4:]}"
    return code if CODE_RE.match(code) else None


def _new_code() -> str:
    while True:
        chars = "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))
        code = f"YJ-{chars[:4]}-{chars[4:]}"
        if not Opinion.objects.filter(code=code).exists():
            return code


def deadlines(community, filed: dt.date) -> tuple[dt.date, dt.date]:
    """(acknowledge by, answer by): working days after the day of filing, community rules."""
    rules = community.rules
    return (
        add_working_days(filed, rules.opinion_ack_working_days, community_id=community.pk),
        add_working_days(filed, rules.opinion_answer_working_days, community_id=community.pk),
    )


def route_for(*, community, category: str, building=None):
    """The staff member a new item goes to: the community's rule for its kind, else the staff account
    of the building's group leader, else nobody (then every officer sees it as 待分派)."""
    route = OpinionRoute.objects.filter(community=community, category=category).select_related("assignee")
    route = route.first()
    if route is not None and route.assignee.is_active:
        return route.assignee
    if building is not None and building.group_id:
        leader = building.group.leader
        user = getattr(leader, "staff_user", None) if leader else None
        if user is not None and user.is_active:
            return user
    return None


def clean_fields(*, category: str, body: str, name: str, phone: str) -> tuple[str, str, str, dict]:
    body = (body or "").strip()
    name = _SPACE.sub(" ", unicodedata.normalize("NFKC", name or "")).strip()
    phone = normalize_phone(phone or "")
    errors: dict[str, list[str]] = {}
    if category not in Opinion.Category.values:
        errors["category"] = [_("请选择类别。")]
    if sum(1 for c in body if c.isalnum()) < BODY_MIN_CHARS:
        errors["body"] = [_("请具体写明情况（至少%(n)d个字），以便居委会办理。") % {"n": BODY_MIN_CHARS}]
    elif len(body) > BODY_MAX_CHARS:
        errors["body"] = [_("内容不能超过%(n)d字。") % {"n": BODY_MAX_CHARS}]
    if len(name) > 50:
        errors["name"] = [_("姓名不能超过%(n)d字。") % {"n": 50}]
    if phone:
        try:
            validate_phone(phone)
        except Exception as e:  # noqa: BLE001 - a ValidationError with the Chinese message
            errors["phone"] = list(getattr(e, "messages", [str(e)]))
    if category == Opinion.Category.OBJECTION:
        if not name:
            errors.setdefault("name", []).append(_("投诉与异议须留下姓名，以便核实和答复。"))
        if not phone:
            errors.setdefault("phone", []).append(_("投诉与异议须留下联系电话，以便核实和答复。"))
    return body, name, phone, errors


def _fingerprint(body: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", body)).strip()


def sent_last_hour(*, key: str = "", reporter=None, at: dt.datetime) -> int:
    qs = Opinion.objects.filter(filed_at__gt=at - dt.timedelta(hours=1), filed_at__lte=at)
    if reporter is not None:
        return qs.filter(reporter=reporter).count()
    if not key:
        return 0
    return qs.filter(sender_key=key).count()


# --- writes --------------------------------------------------------------------------------------


@transaction.atomic
def opinion_file(
    *,
    community,
    category: str,
    body: str,
    name: str = "",
    phone: str = "",
    location: str = "",
    building=None,
    source: str = Opinion.Source.PUBLIC,
    reporter=None,
    address: str = "",
    urgent: bool | None = None,
    actor=None,
    at: dt.datetime | None = None,
) -> Opinion:
    """File an item; returns it with ``duplicate`` set when the same text came from the same sender
    within a day (nothing new is stored then) and ``held`` when the sender is flooding."""
    at = at or timezone.now()
    check_scope(actor, community.pk)
    body, name, phone, errors = clean_fields(category=category, body=body, name=name, phone=phone)
    if errors:
        raise RuleViolation(errors)
    if building is not None and building.community_id != community.pk:
        raise RuleViolation({"building": [_("该楼栋不属于本社区。")]})
    key = sender_key(address)
    recent = Opinion.objects.filter(community=community, filed_at__gt=at - DUPLICATE_WITHIN)
    same_sender = recent.filter(reporter=reporter) if reporter is not None else recent.filter(sender_key=key)
    if reporter is not None or key:
        for earlier in same_sender.filter(category=category).only("pk", "body", "code"):
            if _fingerprint(earlier.body) == _fingerprint(body):
                earlier = Opinion.objects.get(pk=earlier.pk)
                earlier.duplicate = True
                return earlier
    count = sent_last_hour(key=key, reporter=reporter, at=at)
    if source == Opinion.Source.PUBLIC and count >= REFUSE_AFTER_PER_HOUR:
        raise RuleViolation(_("提交过于频繁，请一小时后再试，或直接到居委会当面反映。"))
    filed = timezone.localdate(at)
    ack_due, answer_due = deadlines(community, filed)
    opinion = Opinion(
        community=community,
        code=_new_code(),
        category=category,
        source=source,
        urgent=(category in URGENT_KINDS) if urgent is None else urgent,
        body=body,
        location=(location or "").strip()[:100],
        building=building,
        name=name,
        phone=phone,
        reporter=reporter,
        sender_key=key,
        held=source == Opinion.Source.PUBLIC and count >= HOLD_AFTER_PER_HOUR,
        filed_at=at,
        ack_due=ack_due,
        answer_due=answer_due,
        owner=route_for(community=community, category=category, building=building),
    )
    save_governed(opinion, actor=actor or reporter, reason=_("提交居民意见"))
    opinion.duplicate = False
    return opinion


def _lock(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update().get(pk=opinion.pk)


@transaction.atomic
def opinion_assign(
    *, opinion: Opinion, owner, actor, note: str = "", at: dt.datetime | None = None
) -> Opinion:
    """受理并分派 (or 转办 once in hand): the owner must serve the community."""
    at = at or timezone.now()
    opinion = _lock(opinion)
    check_scope(actor, opinion.community_id)
    if owner is None:
        raise RuleViolation({"owner": [_("请选择承办人。")]})
    ids = community_ids_for_user(owner)
    if (
        not owner.is_active
        or not owner.has_perm(CHANGE)
        or (ids is not None and opinion.community_id not in ids)
    ):
        raise RuleViolation({"owner": [_("承办人须是本社区在职的工作人员。")]})
    step = "reassign" if opinion.status == S.ASSIGNED else "assign"
    if step == "reassign" and owner.pk == opinion.owner_id:
        raise RuleViolation({"owner": [_("该件已由%(name)s承办。") % {"name": owner}]})
    OPINION_FLOW.apply(opinion, step, actor=actor, at=at, note=note or str(owner))
    opinion.owner = owner
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = at
    save_governed(opinion, actor=actor, reason=str(OPINION_FLOW.transition(step).label))
    return opinion


@transaction.atomic
def opinion_answer(*, opinion: Opinion, answer: str, actor, at: dt.datetime | None = None) -> Opinion:
    """答复: the public answer the resident reads by tracking code (no contact details in it)."""
    at = at or timezone.now()
    opinion = _lock(opinion)
    check_scope(actor, opinion.community_id)
    answer = (answer or "").strip()
    if sum(1 for c in answer if c.isalnum()) < BODY_MIN_CHARS:
        raise RuleViolation({"answer": [_("请填写答复内容（至少%(n)d个字）。") % {"n": BODY_MIN_CHARS}]})
    _refuse_personal_data(answer)
    OPINION_FLOW.apply(opinion, "answer", actor=actor, at=at)
    opinion.answer = answer
    opinion.answered_at = at
    save_governed(opinion, actor=actor, reason=_("答复"))
    return opinion


@transaction.atomic
def opinion_close(
    *, opinion: Opinion, resolved: bool, actor, note: str = "", at: dt.datetime | None = None
) -> Opinion:
    """办结: solved or not (only solved ones count in the handling rate)."""
    at = at or timezone.now()
    opinion = _lock(opinion)
    check_scope(actor, opinion.community_id)
    OPINION_FLOW.apply(
        opinion, "close", actor=actor, at=at, note=note or (_("已解决") if resolved else _("未能解决"))
    )
    opinion.resolved = bool(resolved)
    opinion.closed_at = at
    save_governed(opinion, actor=actor, reason=_("办结"))
    return opinion


@transaction.atomic
def opinion_dismiss(*, opinion: Opinion, reason: str, actor, at: dt.datetime | None = None) -> Opinion:
    """不予受理 (spam, a duplicate, not the committee's matter): the reason is the public answer."""
    at = at or timezone.now()
    opinion = _lock(opinion)
    check_scope(actor, opinion.community_id)
    reason = (reason or "").strip()
    if sum(1 for c in reason if c.isalnum()) < BODY_MIN_CHARS:
        raise RuleViolation(
            {"answer": [_("请写明不予受理的理由（至少%(n)d个字）。") % {"n": BODY_MIN_CHARS}]}
        )
    OPINION_FLOW.apply(opinion, "dismiss", actor=actor, at=at, note=reason)
    opinion.answer = reason
    opinion.closed_at = at
    save_governed(opinion, actor=actor, reason=_("不予受理"))
    return opinion


@transaction.atomic
def opinion_release_held(*, opinion: Opinion, actor, at: dt.datetime | None = None) -> Opinion:
    """核实放行: an item held as a possible flood is a real one; it is handled as usual."""
    opinion = _lock(opinion)
    check_scope(actor, opinion.community_id)
    if not opinion.held:
        raise RuleViolation(_("该件不在待核实之列。"))
    opinion.held = False
    save_governed(opinion, actor=actor, reason=_("核实放行"))
    return opinion


@transaction.atomic
def opinion_update(*, opinion: Opinion, actor, **fields) -> Opinion:
    """Staff correct the kind, urgency or place of an item (the resident's text stays as sent)."""
    allowed = {"category", "urgent", "location", "building"}
    if set(fields) - allowed:
        raise TypeError(f"opinion_update: cannot change {sorted(set(fields) - allowed)}")
    opinion = _lock(opinion)
    check_scope(actor, opinion.community_id)
    for name, value in fields.items():
        setattr(opinion, name, value)
    save_governed(opinion, actor=actor, reason=_("修改类别、紧急程度或地点"))
    return opinion


@transaction.atomic
def opinion_rate(*, opinion: Opinion, rating: str, at: dt.datetime | None = None) -> Opinion:
    """The resident rates the answer once, from the tracking page (the code is their key)."""
    at = at or timezone.now()
    opinion = _lock(opinion)
    if rating not in Opinion.Rating.values:
        raise RuleViolation(_("请选择满意、基本满意或不满意。"))
    if opinion.rating:
        raise RuleViolation(_("您已评价过，谢谢。"))
    OPINION_FLOW.apply(opinion, "rate", actor=None, at=at, note=str(Opinion.Rating(rating).label))
    opinion.rating = rating
    opinion.rated_at = at
    save_governed(opinion, actor=None, reason=_("居民评价"))
    return opinion


def _refuse_personal_data(text: str) -> None:
    from core.privacy import find_personal_data

    if find_personal_data(text):
        raise RuleViolation({"answer": [_("公开答复中不能含有身份证号或手机号码，请删去后再答复。")]})


# --- deadlines ----------------------------------------------------------------------------------


def reminders_due(*, at: dt.datetime | None = None) -> dict[str, int]:
    """Remind the owner one working day before a deadline and flag an item the day after; each
    item is reminded and flagged at most once per deadline (the fields are the record), so the task
    may run twice or late. Returns how many items were marked in each way."""
    from django.core.mail import send_mail

    at = at or timezone.now()
    today = timezone.localdate(at)
    tomorrow = add_working_days(today, 1)
    live = Opinion.objects.filter(held=False)
    marked = {"ack_reminded": 0, "answer_reminded": 0, "flagged": 0}
    mails: list[tuple[str, str]] = []
    with transaction.atomic():
        soon_ack = live.filter(status=S.NEW, ack_due__lte=tomorrow, ack_due__gte=today, ack_reminded_at=None)
        soon_answer = live.filter(
            status__in=OPEN_STATES, answer_due__lte=tomorrow, answer_due__gte=today, answer_reminded_at=None
        )
        late = live.filter(overdue_flagged_at=None).filter(_late_q(today))
        for qs, field, kind in (
            (soon_ack, "ack_reminded_at", "ack_reminded"),
            (soon_answer, "answer_reminded_at", "answer_reminded"),
            (late, "overdue_flagged_at", "flagged"),
        ):
            rows = list(qs.select_for_update(skip_locked=True, of=("self",)).select_related("owner"))
            for o in rows:
                if o.owner is not None and o.owner.email:
                    mails.append((o.owner.email, _reminder_text(o, kind)))
            marked[kind] = Opinion.objects.filter(pk__in=[o.pk for o in rows]).update(**{field: at})

    def send():
        for to, text in mails:
            send_mail(_("居民意见办理提醒"), text, None, [to], fail_silently=True)

    transaction.on_commit(send)
    return marked


def _late_q(today: dt.date):
    from django.db.models import Q

    return Q(status=S.NEW, ack_due__lt=today) | Q(status__in=OPEN_STATES, answer_due__lt=today)


def _reminder_text(o: Opinion, kind: str) -> str:
    what = {
        "ack_reminded": _("请在%(due)s前受理") % {"due": o.ack_due},
        "answer_reminded": _("请在%(due)s前答复") % {"due": o.answer_due},
        "flagged": _("已超过办理期限"),
    }[kind]
    return f"{o.code} {o.get_category_display()}：{what}。"
