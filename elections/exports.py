"""Exports for reporting upward (CSV or XLSX): the roll, the candidates, per-station results.
ID numbers appear masked (core.idnumbers), phones never."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from core.idnumbers import mask_id
from elections.models import Candidate, CandidateVotes, Election, StationCount, Voter

KINDS = ("roll", "candidates", "stations")


def rows_for(election: Election, kind: str) -> list[list]:
    if kind == "roll":
        head = [
            _("序号"),
            _("姓名"),
            _("身份证号码"),
            _("居民小组"),
            _("户号"),
            _("投票站"),
            _("补登"),
            _("除名原因"),
        ]
        body = [
            [
                i,
                v.name,
                mask_id(v.resident.id_number),
                v.group.name if v.group else "",
                v.household.number,
                str(v.station) if v.station else "",
                _("是") if v.added else "",
                v.removed_reason,
            ]
            for i, v in enumerate(
                Voter.objects.filter(roll__election=election.root)
                .select_related("resident", "group", "household", "station")
                .order_by("group__number", "household__number", "pk"),
                start=1,
            )
        ]
    elif kind == "candidates":
        head = [_("姓名"), _("性别"), _("职务"), _("提名方式"), _("状态"), _("未通过的条件及依据")]
        body = []
        for c in (
            Candidate.objects.filter(election=election).select_related("resident").order_by("office", "pk")
        ):
            failed = "；".join(
                f"{v.condition.text}：{v.grounds}"
                for v in c.vettings.filter(passed=False).select_related("condition")
            )
            body.append(
                [
                    c.resident.name,
                    c.resident.get_sex_display(),
                    c.get_office_display(),
                    c.get_kind_display(),
                    c.get_status_display(),
                    failed,
                ]
            )
    elif kind == "stations":
        names = {
            c.pk: c.resident.name
            for c in Candidate.objects.filter(election=election).select_related("resident")
        }
        head = [
            _("投票站"),
            _("登记投票"),
            _("发出选票"),
            _("收回选票"),
            _("有效票"),
            _("无效票"),
            _("空白票"),
            _("本站投票无效"),
            _("得票"),
        ]
        body = []
        for c in (
            StationCount.objects.filter(election=election)
            .select_related("station")
            .order_by("station__number")
        ):
            votes = "；".join(
                f"{names.get(v.candidate_id) or v.write_in or v.get_choice_display()} {v.votes}"
                for v in CandidateVotes.objects.filter(count=c).order_by(
                    "office", "candidate_id", "write_in", "choice"
                )
            )
            body.append(
                [
                    str(c.station),
                    c.checkins,
                    c.issued,
                    c.returned,
                    c.valid,
                    c.void,
                    c.blank,
                    c.void_reason,
                    votes,
                ]
            )
    else:
        raise ValueError(kind)
    return [head, *body]


def as_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 CSV correctly


def as_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
