"""``manage.py generate_disclosure --community <slug> --month YYYY-MM`` (or ``--all``).

Generates the monthly disclosure sheet (居务公开月报) like the Celery task and the admin action do:
identical content keeps the stored version ("unchanged"), changed content adds a version. The
current month (not ended) gets a draft, which is not public.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.dates import parse_month, previous_month
from core.models import Community
from notices.disclosure import disclosure_generate


class Command(BaseCommand):
    help = "生成居务公开月报（内容未变则不新增版本）"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--community", metavar="SLUG", help="社区在网址中的简称，如 xingfu")
        target.add_argument("--all", action="store_true", help="为全部社区生成")
        parser.add_argument("--month", metavar="YYYY-MM", help="月份，如 2026-10（默认为上个月）")

    def handle(self, *args, community=None, all=False, month=None, **options):
        now = timezone.now()
        if month:
            first = parse_month(month)
            if first is None:
                raise CommandError(f"月份格式不正确：{month!r}，应为 YYYY-MM，例如 2026-10")
        else:
            first = previous_month(timezone.localtime(now).date())
        if all:
            communities = list(Community.objects.order_by("slug"))
        else:
            found = Community.objects.filter(slug=community).first()
            if found is None:
                raise CommandError(f"没有网址简称为 {community!r} 的社区")
            communities = [found]
        failed = 0
        for c in communities:
            try:
                sheet, created = disclosure_generate(community=c, month=first, at=now)
            except ValidationError as e:
                failed += 1
                self.stderr.write(f"{c.slug} {first:%Y-%m}: {'；'.join(e.messages)}")
                continue
            # A month not yet ended gets a draft (not public), numbered apart from the final sheets.
            label = (
                f"v{sheet.version}"
                if sheet.is_final
                else f"draft {sheet.version} (not public until the month ends)"
            )
            if created:
                self.stdout.write(
                    f"{c.slug} {first:%Y-%m}: created {label} ({sheet.pages} pages) {sheet.pdf.name}"
                )
            else:
                self.stdout.write(f"{c.slug} {first:%Y-%m}: unchanged {label}")
        if failed:
            raise CommandError(f"{failed} 个社区生成失败")
