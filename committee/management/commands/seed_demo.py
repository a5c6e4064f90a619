"""``manage.py seed_demo``: deterministic synthetic demo data (see ``committee.demo``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from committee import demo
from core.models import Community


class Command(BaseCommand):
    help = "生成演示数据：社区、居民小组、楼栋、户、居民、居委会及各角色演示账号（可重复生成相同数据）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--communities", type=int, default=1, help="社区数（默认1，第一个为幸福社区 xingfu）"
        )
        parser.add_argument("--households", type=int, default=1200, help="总户数，平均分到各社区（默认1200）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--if-empty", action="store_true", help="已有任何社区时什么也不做")
        parser.add_argument("--no-postings", action="store_true", help="不生成公开栏演示事项")

    def handle(self, *args, communities, households, seed, if_empty, no_postings, **options):
        if communities < 1 or households < 2 * communities:
            raise CommandError("社区数至少为1，且每个社区至少2户。")
        if if_empty and Community.objects.exists():
            self.stdout.write("已有社区数据，跳过演示数据生成（--if-empty）。")
            return
        taken = set(Community.objects.values_list("slug", flat=True))
        if "xingfu" in taken and not if_empty:
            self.stdout.write(self.style.WARNING("已有幸福社区（xingfu），新社区将使用其他名称。"))
        started = time.perf_counter()
        result = demo.seed(
            communities=communities,
            households=households,
            seed=seed,
            with_postings=not no_postings,
            log=lambda msg: self.stdout.write(msg) if options["verbosity"] >= 1 else None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成：{len(result.communities)} 个社区，{result.households} 户，"
                f"{result.residents} 名居民，{len(result.users)} 个账号，用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
