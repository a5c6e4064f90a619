"""Atom feed of a community's current postings (django.contrib.syndication)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from core.models import Community
from core.windows import posted_until
from notices.bodytext import excerpt
from notices.models import Posting
from notices.selectors import postings_visible

FEED_ITEMS = 50


class BoardFeed(Feed):
    feed_type = Atom1Feed

    def __init__(self, *, community: Community, at: dt.datetime):
        super().__init__()
        self.community = community
        self.at = at

    def get_object(self, request, slug: str) -> Community:
        return self.community

    def title(self, obj: Community) -> str:
        return gettext("%(name)s 公开栏") % {"name": obj.name}

    def subtitle(self, obj: Community) -> str:
        return gettext("%(name)s居民委员会公开的事项（公示期内）") % {"name": obj.name}

    def link(self, obj: Community) -> str:
        return reverse("notices:board", kwargs={"slug": obj.slug})

    def items(self, obj: Community):
        return postings_visible(community=obj, at=self.at)[:FEED_ITEMS]

    def item_title(self, item: Posting) -> str:
        return f"[{item.get_category_display()}] {item.title}"

    def item_description(self, item: Posting) -> str:
        # Subscribers see the deadline the board shows, in the same words (core.windows).
        return gettext("%(window)s。%(text)s") % {
            "window": posted_until(item.expire_at),
            "text": excerpt(item.body, 500),
        }

    def item_link(self, item: Posting) -> str:
        return reverse("notices:posting", kwargs={"slug": self.community.slug, "pk": item.pk})

    def item_pubdate(self, item: Posting) -> dt.datetime:
        return item.publish_at

    def item_updateddate(self, item: Posting) -> dt.datetime:
        return item.publish_at

    def item_categories(self, item: Posting):
        return [item.get_category_display()]
