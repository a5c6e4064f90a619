"""Recompute the board's hash chain: ``python manage.py verify_ledger [--community SLUG]``.

Exit status 0 when every chain is intact; 1 naming the first broken entry of each broken chain
(sequence, community, what differs).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from committee.models import Community
from notices.ledger import verify_chain


class Command(BaseCommand):
    help = "Verify the tamper-evident record of the board (exit 1 at the first broken entry)."

    def add_arguments(self, parser):
        parser.add_argument("--community", help="slug of one community (default: all)")

    def handle(self, *args, **options):
        community = None
        if options.get("community"):
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"unknown community: {options['community']}")
        result = verify_chain(community)
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(f"OK: {result.checked} entries in {result.communities} communities verified")
            )
            return
        for brk in result.breaks:
            self.stderr.write(
                f"BROKEN: community={brk.community_slug} sequence={brk.sequence} entry_id={brk.entry_id}: {brk.reason}"
            )
        raise CommandError(
            f"ledger broken at community={result.first_broken.community_slug} "
            f"sequence={result.first_broken.sequence}",
            returncode=1,
        )
