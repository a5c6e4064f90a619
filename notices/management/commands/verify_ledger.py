"""Verify the board's tamper-evident record: ``manage.py verify_ledger [--community SLUG] [--files]``.

Checks each community's hash chain, the chain against the postings on the board, and the chain
against the heads published outside the ledger table (see ``notices.ledger``). Exit status 0 when
everything agrees; 1 naming each problem (the first broken entry of a broken chain; each posting
whose state is not on record; a published head or a monthly sheet's hash the chain no longer has).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.models import Community
from notices.ledger import Break, verify_chain


def _where(brk: Break) -> str:
    where = f"community={brk.community_slug}"
    if brk.sequence is not None:
        where += f" sequence={brk.sequence}"
    if brk.entry_id is not None:
        where += f" entry_id={brk.entry_id}"
    if brk.posting_id is not None:
        where += f" posting={brk.posting_id}"
    return where


class Command(BaseCommand):
    help = "Verify the tamper-evident record of the board (exit 1 when anything disagrees)."

    def add_arguments(self, parser):
        parser.add_argument("--community", help="slug of one community (default: all)")
        parser.add_argument(
            "--files", action="store_true", help="also re-read every attachment file and compare its SHA-256"
        )

    def handle(self, *args, **options):
        community = None
        if options.get("community"):
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"unknown community: {options['community']}")
        result = verify_chain(community, files=options["files"])
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.checked} entries in {result.communities} communities verified"
                )
            )
            return
        for brk in result.breaks:
            self.stderr.write(f"BROKEN: {_where(brk)}: {brk.reason}")
        raise CommandError(f"ledger broken at {_where(result.first_broken)}", returncode=1)
