"""``manage.py demo_logins``: the demo accounts that still have the demo password (for ``make run``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from committee.demo.accounts import demo_logins


class Command(BaseCommand):
    help = "列出演示账号（用户名 / 密码 / 角色）。"

    def handle(self, *args, **options):
        rows = demo_logins()
        if not rows:
            self.stdout.write("  （没有使用演示密码的账号）")
            return
        self.stdout.write("  演示账号（用户名 / 密码 / 角色 / 范围）：")
        width = max(len(r[0]) for r in rows)
        for username, password, role, scope in rows:
            self.stdout.write(f"    {username.ljust(width)}  {password}  {role}  {scope}")
