"""Automatic cross-checks of hardship cases (DOMAIN.md: relatives of staff flagged and registered
apart; the same person in two households or two open cases; a household already receiving;
per-capita income from the investigation against the current standard; two investigations that
differ by more than the tolerance; registry changes of a declared member).

:func:`cross_check` is set-based: it checks any number of cases in a fixed number of queries (eight,
whatever the number of cases), so the whole community's open cases can be re-checked at once
(``make bench``: 2,000 open cases against 100,000 households). :func:`refresh_flags` stores the
findings as :class:`~assistance.models.CaseFlag` rows (two more queries), which the case officer,
the committee, the supervision committee and the street office read.

Investigator conflicts are not flags but refusals: :func:`investigator_conflicts`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import Case, CaseFlag, CaseMember, Investigation, ProgrammeStandard
from committee.models import CommitteeSeat, Kinship, Resident
from committee.selectors import close_relative_ids

F = CaseFlag.Code
OPEN = [
    "applied",
    "visited",
    "investigated",
    "checked",
    "disputed",
    "cross_investigated",
    "compared",
    "reviewed",
    "scored",
    "posted",
    "reported",
]
# Same as committee.selectors._FAMILY: members of one household who are close kin of each other.
FAMILY = {
    "head",
    "spouse",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "grandparent",
    "child_in_law",
    "parent_in_law",
}
DEFAULT_TOLERANCE = Decimal("10")


@dataclass(frozen=True)
class Finding:
    case_id: int
    code: str
    message: str


def cross_check(case_ids: Iterable[int], *, at: dt.datetime | None = None) -> list[Finding]:
    """Every finding for the cases ``case_ids``, in eight queries whatever their number."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    ids = list(case_ids)
    if not ids:
        return []
    in_cases = Case.objects.filter(pk__in=ids)
    standard = (
        ProgrammeStandard.objects.filter(programme=OuterRef("programme"), effective_from__lte=day)
        .order_by("-effective_from")
        .values("amount")[:1]
    )
    # The approved case of the same household, if any (other than the case and the one it renews).
    receiving = (
        Case.objects.filter(household=OuterRef("household"), state=Case.State.APPROVED)
        .exclude(pk=OuterRef("pk"))
        .exclude(pk=Coalesce(OuterRef("renews_id"), Value(0)))  # NULL would exclude all
        .values("programme__kind")[:1]
    )
    # 1. The cases, their current standard, the community's tolerance, an approved case of the household.
    cases = list(
        in_cases.annotate(standard=Subquery(standard), receiving=Subquery(receiving)).values(
            "pk",
            "community_id",
            "household_id",
            "household__number",
            "renews_id",
            "standard",
            "community__assistance_rules__tolerance_percent",
            "receiving",
        )
    )
    by_household: dict[int, list[dict]] = defaultdict(list)
    for c in cases:
        by_household[c["household_id"]].append(c)
    out: list[Finding] = []

    def flag(case_id: int, code: str, message: str) -> None:
        out.append(Finding(case_id, code, message))

    # 2. Current residents of the cases' households, and everyone else holding one of their ID numbers.
    households = in_cases.values("household_id")
    residents = list(
        Resident.objects.filter(
            id_number__in=Resident.objects.filter(household_id__in=households).values("id_number"),
            moved_out_on__isnull=True,
            deceased_on__isnull=True,
        ).values("pk", "household_id", "household__number", "id_number", "name")
    )
    homes: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for r in residents:
        homes[r["id_number"]].add((r["household_id"], r["household__number"]))
    for r in residents:
        for c in by_household.get(r["household_id"], ()):
            others = sorted(n for h, n in homes[r["id_number"]] if h != r["household_id"])
            if others:
                flag(
                    c["pk"],
                    F.TWO_HOUSEHOLDS,
                    _("%(name)s同时登记在%(others)s户。") % {"name": r["name"], "others": "、".join(others)},
                )

    # 3. Declared members: moved out, died, or no longer in the household since the application.
    members = list(
        CaseMember.objects.filter(case_id__in=ids).values(
            "case_id",
            "resident__name",
            "resident__id_number",
            "resident__household_id",
            "resident__moved_out_on",
            "resident__deceased_on",
        )
    )
    household_of = {c["pk"]: c["household_id"] for c in cases}
    for m in members:
        name = m["resident__name"]
        if m["resident__deceased_on"]:
            reason = _("%(name)s已于%(day)s去世。") % {"name": name, "day": m["resident__deceased_on"]}
        elif m["resident__moved_out_on"]:
            reason = _("%(name)s已于%(day)s迁出。") % {"name": name, "day": m["resident__moved_out_on"]}
        elif m["resident__household_id"] != household_of[m["case_id"]]:
            reason = _("%(name)s已不在申请户中。") % {"name": name}
        else:
            continue
        flag(m["case_id"], F.REGISTRY_CHANGED, _("户籍变动：") + reason + _("请重新核定家庭人口和收入。"))

    # 4. The same person in another open case (any household, any programme).
    memberships = CaseMember.objects.filter(
        case__state__in=OPEN,
        resident__id_number__in=CaseMember.objects.filter(case_id__in=ids).values("resident__id_number"),
    ).values_list("case_id", "resident__id_number", "case__household__number")
    cases_of: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for case_id, id_number, number in memberships:
        cases_of[id_number].add((case_id, number))
    for m in members:
        others = sorted(n for cid, n in cases_of[m["resident__id_number"]] if cid != m["case_id"])
        if others:
            flag(
                m["case_id"],
                F.TWO_CASES,
                _("%(name)s同时是%(others)s户在办申请的家庭成员。")
                % {"name": m["resident__name"], "others": "、".join(others)},
            )

    # The household already receives (found by query 1).
    labels = dict(_programme_labels())
    for c in cases:
        if c["receiving"]:
            label = labels.get(c["receiving"], c["receiving"])
            flag(c["pk"], F.ALREADY_RECEIVING, _("该户已在享受%(p)s。") % {"p": label})

    # 5. Committee members (sitting today) and staff of the cases' communities. Staff are few, so
    # the next two queries look them up by primary key and household (indexes, no scan).
    communities = {c["community_id"] for c in cases}
    seats = (
        CommitteeSeat.objects.filter(
            ended_on__isnull=True,
            term__starts_on__lte=day,
            term__ends_on__gt=day,
            term__community_id__in=communities,
        )
        .order_by()
        .values("resident_id")
    )
    accounts = (
        Resident.objects.filter(
            staff_user__isnull=False, staff_user__is_active=True, community_id__in=communities
        )
        .order_by()
        .values("pk")
    )
    # A union, not an OR: each side is an index lookup, so no resident table scan.
    staff_rows = list(
        Resident.objects.filter(pk__in=seats.union(accounts))
        .order_by()
        .values("pk", "household_id", "relation_to_head", "name")
    )
    staff_names = {r["pk"]: r["name"] for r in staff_rows}
    related: dict[int, str] = dict(staff_names)  # resident -> the staff member they are kin of
    # 6. Family members in the staff members' own households (close kin by relation to the head).
    family_staff = [r for r in staff_rows if r["relation_to_head"] in FAMILY]
    if family_staff:
        by_home: dict[int, list[dict]] = defaultdict(list)
        for r in family_staff:
            by_home[r["household_id"]].append(r)
        for pk, household_id in Resident.objects.filter(
            household_id__in=list(by_home), relation_to_head__in=FAMILY
        ).values_list("pk", "household_id"):
            related.setdefault(pk, by_home[household_id][0]["name"])
    # 7. Registered kinship in either direction.
    if staff_names:
        for person_id, relative_id in Kinship.objects.filter(
            Q(person_id__in=list(staff_names)) | Q(relative_id__in=list(staff_names))
        ).values_list("person_id", "relative_id"):
            if person_id in staff_names:
                related.setdefault(relative_id, staff_names[person_id])
            if relative_id in staff_names:
                related.setdefault(person_id, staff_names[relative_id])
    for r in residents:
        if r["pk"] in related:
            for c in by_household.get(r["household_id"], ()):
                staff_name = related[r["pk"]]
                message = (
                    _("申请户成员%(name)s是居委会成员或工作人员本人，按规定单独登记、重点审核。")
                    if staff_name == r["name"] and r["pk"] in staff_names
                    else _(
                        "申请户成员%(name)s是居委会成员或工作人员%(staff)s的近亲属，按规定单独登记、重点审核。"
                    )
                )
                flag(c["pk"], F.STAFF_RELATIVE, message % {"name": r["name"], "staff": staff_name})

    # 8. Investigations: per-capita income against the standard; first against cross.
    found: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    for case_id, kind, income, size in Investigation.objects.filter(case_id__in=ids).values_list(
        "case_id", "kind", "monthly_income", "household_size"
    ):
        found[case_id][kind] = (income, size)
    for c in cases:
        inv = found.get(c["pk"])
        if not inv:
            continue
        income, size = inv.get("cross") or inv["first"]
        per_capita = (income / size).quantize(Decimal("0.01"))
        if c["standard"] is not None and per_capita > c["standard"]:
            flag(
                c["pk"],
                F.OVER_STANDARD,
                _("经调查人均月收入%(pc)s元，高于现行标准%(std)s元。")
                % {"pc": per_capita, "std": c["standard"]},
            )
        if "first" in inv and "cross" in inv:
            tolerance = c["community__assistance_rules__tolerance_percent"]
            tolerance = DEFAULT_TOLERANCE if tolerance is None else tolerance
            diff = difference_percent(inv["first"][0], inv["cross"][0])
            if diff > tolerance:
                flag(
                    c["pk"],
                    F.INVESTIGATIONS_DIFFER,
                    _("两次调查的家庭月收入分别为%(a)s元和%(b)s元，相差%(d)s%%，超出容差%(t)s%%。")
                    % {"a": inv["first"][0], "b": inv["cross"][0], "d": diff, "t": tolerance},
                )
    return out


def difference_percent(a: Decimal, b: Decimal) -> Decimal:
    """How far apart two incomes are, in percent of the larger one (0 when both are 0)."""
    top = max(a, b)
    if top == 0:
        return Decimal("0")
    return (abs(a - b) * 100 / top).quantize(Decimal("0.1"))


def _programme_labels():
    from assistance.models import Programme

    return Programme.Kind.choices


def refresh_flags(case_ids: Iterable[int], *, at: dt.datetime | None = None) -> list[Finding]:
    """Re-run the cross-checks for ``case_ids`` and store what they found (two more queries)."""
    at = at or timezone.now()
    ids = list(case_ids)
    findings = cross_check(ids, at=at)
    CaseFlag.objects.filter(case_id__in=ids).delete()
    CaseFlag.objects.bulk_create(
        [
            CaseFlag(case_id=f.case_id, code=f.code, message=f.message[:300], found_at=at)
            for f in _unique(findings)
        ]
    )
    return findings


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.case_id, f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def refresh_open_flags(*, community_ids: Iterable[int] | None = None, at: dt.datetime | None = None) -> int:
    """Re-check every open case (of ``community_ids``, or all): what the nightly task runs."""
    qs = Case.objects.filter(state__in=OPEN)
    if community_ids is not None:
        qs = qs.filter(community_id__in=list(community_ids))
    ids = list(qs.values_list("pk", flat=True))
    refresh_flags(ids, at=at)
    return len(ids)


# --- Refusals: who may investigate --------------------------------------------------------------


def investigator_conflicts(
    *, case: Case, people: Iterable[Resident], group_id: int, cross: bool
) -> list[str]:
    """Why these investigators may not investigate ``case`` (empty: they may).

    DOMAIN.md: an investigator may not investigate a relative; a cross-investigation is done by
    **another** group's leader and representatives.
    """
    reasons = []
    household_ids = set(
        Resident.objects.filter(household_id=case.household_id).values_list("pk", flat=True)
    ) | set(case.members.values_list("resident_id", flat=True))
    for person in people:
        if person.household_id == case.household_id or person.pk in household_ids:
            reasons.append(_("%(name)s是申请户成员，不能参与调查。") % {"name": person.name})
        elif close_relative_ids(person) & household_ids:
            reasons.append(
                _("%(name)s是申请户成员的近亲属，应当回避，不能参与调查。") % {"name": person.name}
            )
    if cross:
        first = (
            case.investigations.filter(kind=Investigation.Kind.FIRST)
            .values_list("group_id", flat=True)
            .first()
        )
        if group_id in {first, case.household.group_id}:
            reasons.append(
                _("交叉调查须由另一居民小组的组长和居民代表进行，不能由申请户所在小组或原调查小组进行。")
            )
    return reasons
