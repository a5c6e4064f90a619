"""Generating a sheet (a new version only when its content changed) and listing the stored ones."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import RuleViolation
from core.models import Community
from notices.disclosure.content import build_content, content_hash
from notices.disclosure.render import render_disclosure_pdf
from notices.models import MonthlyDisclosure

log = logging.getLogger(__name__)


def disclosure_generate(
    *, community: Community, month: dt.date, actor=None, at: dt.datetime | None = None
) -> tuple[MonthlyDisclosure, bool]:
    """Generate (or find) the sheet of ``community`` for ``month``.

    Returns ``(disclosure, created)``. Identical content returns the stored version unchanged;
    changed content stores version + 1. Generated before the month ends (``at``), the sheet is a
    draft, numbered among the drafts and never public; after, it is final. The community row is
    locked for the duration, so two concurrent runs for one community serialise, and the unique
    (community, month, is_final, content_hash) constraint backs that up.
    """
    at = at or timezone.now()
    month = month.replace(day=1)
    if month > timezone.localtime(at).date():
        raise RuleViolation(_("%(month)s尚未开始，不能生成月报。"), params={"month": f"{month:%Y年%m月}"})
    with transaction.atomic():
        community = Community.objects.select_for_update(no_key=True).get(pk=community.pk)
        content = build_content(community=community, month=month, at=at)
        digest = content_hash(content)
        same_kind = MonthlyDisclosure.objects.filter(
            community=community, month=month, is_final=not content.get("draft", False)
        )
        existing = same_kind.filter(content_hash=digest).first()
        if existing is not None:
            return existing, False
        last = same_kind.order_by("-version").first()
        version = (last.version + 1) if last else 1
        pdf_bytes, pages = render_disclosure_pdf(content, version=version, generated_at=at)
        disclosure = MonthlyDisclosure(
            community=community,
            month=month,
            version=version,
            is_final=not content.get("draft", False),
            content_hash=digest,
            ledger_hash=content["ledger_hash"],
            pages=pages,
            generated_at=at,
            generated_by=actor,
        )
        disclosure.pdf.save(f"{month:%Y-%m}-v{version}.pdf", ContentFile(pdf_bytes), save=False)
        try:
            disclosure.full_clean()
            with transaction.atomic():
                disclosure.save()
        except (IntegrityError, ValidationError) as e:
            disclosure.pdf.delete(save=False)
            existing = same_kind.filter(content_hash=digest).first()
            if existing is not None:
                return existing, False
            raise RuleViolation(_("月报保存失败，请稍后重试。")) from e
        except Exception:
            disclosure.pdf.delete(save=False)
            raise
    log.info(
        "disclosure %s %s %s generated (%s)",
        community.slug,
        f"{month:%Y-%m}",
        disclosure.version_label,
        disclosure.pdf.name,
    )
    return disclosure, True


def disclosure_filename(disclosure: MonthlyDisclosure) -> str:
    return f"{disclosure.community.name}-居务公开月报-{disclosure.month:%Y-%m}.pdf"


def disclosures_latest(*, community: Community) -> list[MonthlyDisclosure]:
    """The latest final version of every month of ``community`` (newest month first), one query.

    Drafts (generated before their month ended) are for staff only and never listed here.
    """
    rows = MonthlyDisclosure.objects.filter(community=community, is_final=True).order_by("-month", "-version")
    latest: dict[dt.date, MonthlyDisclosure] = {}
    for d in rows.defer("content_hash"):
        d.older = []
        if d.month in latest:
            latest[d.month].older.append(d)
        else:
            latest[d.month] = d
    return list(latest.values())
