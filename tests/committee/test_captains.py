"""Building captains, the way DOMAIN.md tells it: nomination -> posted N working days on the board
with real-name objections -> confirmed (or rejected)."""

import datetime as dt

import pytest
from django.utils import timezone

from committee import models as cm
from committee import services as s
from core.errors import RuleViolation
from notices.models import Objection, Posting
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    community = f.CommunityFactory(name="幸福社区")
    chair = f.staff_user(communities=[community], role="主任")
    b1 = f.BuildingFactory(community=community, name="3号楼")
    b2 = f.BuildingFactory(community=community, name="5号楼", group=b1.group)
    r1 = f.ResidentFactory(household=f.HouseholdFactory(community=community, group=b1.group), name="刘洋")
    r2 = f.ResidentFactory(household=f.HouseholdFactory(community=community, group=b1.group), name="陈静")
    c1 = s.captain_nominate(building=b1, resident=r1, actor=chair)
    c2 = s.captain_nominate(building=b2, resident=r2, actor=chair, self_nominated=True)
    return community, chair, c1, c2


def _end(posting: Posting, c: cm.BuildingCaptain) -> dt.datetime:
    if posting.expire_at is not None:
        return posting.expire_at
    return timezone.make_aware(dt.datetime.combine(c.posting_ends_on + dt.timedelta(days=1), dt.time()))


def test_story_nominate_post_wait_confirm(setting):
    community, chair, c1, c2 = setting
    result = s.captains_post(captains=[c1, c2], actor=chair)
    posting = Posting.objects.get(pk=result.posting.pk)
    assert posting.community == community
    assert posting.objections_open
    assert posting.working_days == community.rules.captain_posting_working_days == 5
    assert "刘洋" in posting.body and "陈静" in posting.body and "3号楼" in posting.body
    for c in (c1, c2):
        c.refresh_from_db()
        assert c.status == cm.BuildingCaptain.Status.POSTED
        assert c.posting_id == posting.pk
        assert c.posting_starts_on is not None and c.posting_ends_on >= c.posting_starts_on
    end = _end(posting, c1)
    # Not before the window ends...
    with pytest.raises(RuleViolation, match="公示期满后才能确认") as e:
        s.captain_confirm(captain=c1, actor=chair, at=end - dt.timedelta(minutes=1))
    assert "公示期满后" in " ".join(e.value.messages)
    # ...then confirmed, with the actor in the history.
    s.captain_confirm(captain=c1, actor=chair, at=end + dt.timedelta(minutes=1))
    c1.refresh_from_db()
    assert c1.status == cm.BuildingCaptain.Status.CONFIRMED
    assert c1.history.latest().history_user == chair


def test_pending_or_upheld_objection_blocks_confirmation(setting):
    _community, chair, c1, c2 = setting
    posting = s.captains_post(captains=[c1, c2], actor=chair).posting
    end = _end(posting, c1)
    objection = Objection.objects.create(
        posting=posting,
        name="赵敏",
        phone="13800138000",
        body="刘洋长期不在本楼居住",
        filed_at=end - dt.timedelta(days=1),
    )
    with pytest.raises(RuleViolation, match="1件异议尚未答复") as e:
        s.captain_confirm(captain=c1, actor=chair, at=end + dt.timedelta(hours=1))
    assert "尚未答复" in " ".join(e.value.messages)
    objection.status = Objection.Status.ANSWERED
    objection.answer = "经核实属实"
    objection.upheld = True
    objection.answered_at = end
    objection.save()
    with pytest.raises(RuleViolation, match="异议经核实成立，不能确认") as e:
        s.captain_confirm(captain=c1, actor=chair, at=end + dt.timedelta(hours=1))
    assert "异议经核实成立" in " ".join(e.value.messages)
    c1.refresh_from_db()
    assert c1.status == cm.BuildingCaptain.Status.POSTED
    s.captain_reject(captain=c1, actor=chair, note="异议成立")
    c1.refresh_from_db()
    assert c1.status == cm.BuildingCaptain.Status.REJECTED


def test_answered_not_upheld_objection_allows_confirmation(setting):
    _community, chair, c1, _c2 = setting
    posting = s.captains_post(captains=[c1], actor=chair).posting
    end = _end(posting, c1)
    Objection.objects.create(
        posting=posting,
        name="赵敏",
        phone="13800138000",
        body="疑问",
        filed_at=end - dt.timedelta(days=1),
        status=Objection.Status.ANSWERED,
        answer="经核实不成立",
        upheld=False,
        answered_at=end,
    )
    s.captain_confirm(captain=c1, actor=chair, at=end + dt.timedelta(hours=1))
    c1.refresh_from_db()
    assert c1.status == cm.BuildingCaptain.Status.CONFIRMED


def test_posting_twice_or_unposted_confirm_is_refused(setting):
    _community, chair, c1, c2 = setting
    with pytest.raises(RuleViolation, match="当前状态为“已提名”，不能办理“确认任职”"):
        s.captain_confirm(captain=c1, actor=chair)
    s.captains_post(captains=[c1], actor=chair)
    count = Posting.objects.count()
    with pytest.raises(RuleViolation, match="不是“已提名”状态，不能公示"):
        s.captains_post(captains=[c1, c2], actor=chair)
    assert Posting.objects.count() == count
    c2.refresh_from_db()
    assert c2.status == cm.BuildingCaptain.Status.NOMINATED


def test_captains_follow_their_posting_when_it_is_corrected_or_withdrawn(django_capture_on_commit_callbacks):
    """The board hands each listed nomination the close of its posting (notices.handoff)."""
    from notices import services as notices_services
    from notices.tasks import process_window_boundaries

    community = f.CommunityFactory()
    buildings = [f.BuildingFactory(community=community, name=f"{n}号楼") for n in (1, 2)]
    captains = []
    for b in buildings:
        household = f.HouseholdFactory(community=community, building=b)
        captains.append(
            s.captain_nominate(building=b, resident=f.ResidentFactory(household=household), actor=None)
        )
    now = timezone.now()
    posted = s.captains_post(captains=captains, actor=None, at=now)
    posting = posted.posting
    corrected = notices_services.posting_new_version(
        posting, actor=None, correction_note="更正楼号", at=now + dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=now + dt.timedelta(hours=1))
    for c in captains:
        c.refresh_from_db()
        assert (c.status, c.posting_id) == (cm.BuildingCaptain.Status.POSTED, corrected.pk)

    notices_services.posting_withdraw(
        corrected, actor=None, reason="人选有误", at=now + dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=now + dt.timedelta(hours=2))
    for c in captains:
        c.refresh_from_db()
        assert (c.status, c.posting_id) == (cm.BuildingCaptain.Status.NOMINATED, None)
        assert c.history.first().history_change_reason == "公示已撤回，提名退回待公示"
