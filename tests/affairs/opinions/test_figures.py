"""Monthly figures: the definitions at their edges, one query for many communities, and the
monthly sheet's opinions section (no longer 本月无数据)."""

import datetime as dt

import pytest

from affairs.models.opinions import Opinion
from affairs.services import opinions as svc
from affairs.sheet_opinions import figures_by_month, monthly_figures
from notices.disclosure.content import build_content
from tests.affairs.opinions.conftest import at
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def handled(community, chair, officer, *, day, resolved=True, rating="", late=False, kind="facility", n=0):
    o = svc.opinion_file(
        community=community, category=kind, body=f"第{n}件需要办理的事", address=f"a{n}", at=at(day)
    )
    svc.opinion_assign(opinion=o, owner=officer, actor=chair, at=at(day, 11))
    answered = at(o.answer_due + dt.timedelta(days=1 if late else 0), 9)
    svc.opinion_answer(opinion=o, answer="已经办理完毕", actor=officer, at=answered)
    svc.opinion_close(opinion=o, resolved=resolved, actor=officer, at=answered)
    if rating:
        svc.opinion_rate(opinion=o, rating=rating, at=answered)
    return o


def test_figures_of_a_month(community, chair, officer):
    handled(community, chair, officer, day=dt.date(2026, 11, 2), rating="satisfied", n=1)
    handled(community, chair, officer, day=dt.date(2026, 11, 3), rating="fair", kind="hazard", n=2)
    handled(
        community,
        chair,
        officer,
        day=dt.date(2026, 11, 4),
        resolved=False,
        rating="unsatisfied",
        late=True,
        n=3,
    )
    svc.opinion_file(
        community=community,
        category="inquiry",
        body="一直没人受理的事",
        address="w",
        at=at(dt.date(2026, 11, 5)),
    )
    held = svc.opinion_file(
        community=community,
        category="other",
        body="被暂扣的刷屏内容",
        address="h",
        at=at(dt.date(2026, 11, 5)),
    )
    Opinion.objects.filter(pk=held.pk).update(held=True)
    svc.opinion_file(
        community=community,
        category="other",
        body="十月的旧事情",
        address="o",
        at=at(dt.date(2026, 10, 31), 23),
    )
    spam = svc.opinion_file(
        community=community,
        category="other",
        body="购买请加微信的广告",
        address="s",
        at=at(dt.date(2026, 11, 6)),
    )
    svc.opinion_dismiss(opinion=spam, reason="广告，不予受理", actor=chair, at=at(dt.date(2026, 11, 6), 12))
    f = monthly_figures(community_ids=[community.pk], month=NOV, at=at(dt.date(2026, 12, 1)))[community.pk]
    assert (f["received"], f["solved"], f["urgent"], f["overdue"]) == (4, 2, 1, 2)
    assert f["handling_rate"] == "50.00%"
    assert (f["rated"], f["satisfied"], f["satisfaction"]) == (3, 2, "66.67%")


def test_empty_month_and_many_communities_in_one_query(community, django_assert_num_queries):
    others = [CommunityFactory(slug=f"c{n}") for n in range(5)]
    ids = [community.pk] + [c.pk for c in others]
    with django_assert_num_queries(1):
        figures = monthly_figures(community_ids=ids, month=NOV)
    assert figures[community.pk]["received"] == 0 and figures[community.pk]["handling_rate"] == "-"


def test_monthly_sheet_section(community, chair, officer):
    handled(community, chair, officer, day=dt.date(2026, 11, 2), rating="satisfied", n=1)
    content = build_content(community=community, month=NOV, at=at(dt.date(2026, 12, 1)))
    section = next(s for s in content["sections"] if s["key"] == "opinions")
    data = section["data"]
    assert "empty" not in data
    assert ["办结率", "100.00%"] in data["summary"] and ["收到", 1] in data["summary"]
    assert data["rows"] == [["公共设施损坏", "1", "1"]]
    empty = build_content(community=community, month=dt.date(2026, 9, 1), at=at(dt.date(2026, 12, 1)))
    assert next(s for s in empty["sections"] if s["key"] == "opinions")["data"] == {"empty": "本月无数据"}


def test_several_months_in_one_query_match_month_by_month(
    community, chair, officer, django_assert_num_queries
):
    other = CommunityFactory(slug="other")
    handled(community, chair, officer, day=dt.date(2026, 10, 12), rating="satisfied", n=1)
    handled(community, chair, officer, day=dt.date(2026, 11, 3), resolved=False, late=True, n=2)
    svc.opinion_file(
        community=other, category="help", body="另一个社区的求助", address="b", at=at(dt.date(2026, 11, 4))
    )
    # 23:00 on 31 October, Beijing time, is 15:00 UTC: it counts for October, not November.
    svc.opinion_file(
        community=community,
        category="other",
        body="月末最后一件",
        address="z",
        at=at(dt.date(2026, 10, 31), 23),
    )
    months = [dt.date(2026, 9, 1), dt.date(2026, 10, 1), NOV]
    when = at(dt.date(2026, 12, 1))
    with django_assert_num_queries(1):
        together = figures_by_month(community_ids=[community.pk, other.pk], months=months, at=when)
    for month in months:
        alone = monthly_figures(community_ids=[community.pk, other.pk], month=month, at=when)
        for cid in (community.pk, other.pk):
            assert together[cid, month] == alone[cid], (cid, month)
    assert together[community.pk, dt.date(2026, 10, 1)]["received"] == 2
    assert together[community.pk, NOV]["handling_rate"] == "0.00%"
    assert (together[other.pk, NOV]["received"], together[other.pk, NOV]["satisfaction"]) == (1, "-")
    assert together[community.pk, dt.date(2026, 9, 1)]["received"] == 0
