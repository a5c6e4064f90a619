"""The public board (公开栏): read-only pages for residents, no login; one form to file an objection.

Views are thin: reads go through ``notices.selectors``, the one write through
``notices.services.objection_file``; caching and conditional GET are ``notices.pagecache``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import month_bounds
from core.idnumbers import normalize_phone
from core.models import Community
from notices import ledger, objections, pagecache, selectors, services
from notices.filters import PostingFilter
from notices.models import Attachment, Category, Posting
from notices.views_objections import address_over_limit

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20
# Above this many communities the index gets a search box.
INDEX_SEARCH_FROM = 8
# Objections accepted per hour from one phone number (one resident; invalid posts do not count, so
# nobody can lock a resident out by posting rubbish with their number), and attempts per hour from
# one address (behind a proxy many residents share one address, hence the higher figure).
OBJECTIONS_PER_HOUR = 5
OBJECTIONS_PER_ADDRESS_PER_HOUR = 30


def _objection_flood(request: HttpRequest, at: dt.datetime) -> bool:
    """Count this attempt against the address; True once the address is over its hourly limit."""
    return address_over_limit(request, at, "objection-rate", OBJECTIONS_PER_ADDRESS_PER_HOUR)


def _phone_over_limit(phone: str, at: dt.datetime) -> bool:
    """True when this phone number already had its objections of the hour accepted."""
    return objections.accepted_recently(phone=normalize_phone(phone), at=at) >= OBJECTIONS_PER_HOUR


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


# --- Index ------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """All communities grouped by street office, or straight to the only one."""
    communities = list(selectors.communities_public())
    if len(communities) == 1:
        return redirect("notices:board", slug=communities[0].slug)
    query = request.GET.get("q", "").strip()[:50]
    shown = (
        [c for c in communities if query in c.name or query in c.street_office.name] if query else communities
    )
    groups: dict[str, list[Community]] = {}
    for community in shown:
        groups.setdefault(community.street_office.name, []).append(community)
    return render(
        request,
        "notices/home.html",
        {
            "groups": groups,
            "query": query,
            "show_search": len(communities) >= INDEX_SEARCH_FROM or bool(query),
            "total": len(communities),
        },
    )


# --- Board ------------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told its count (we already have it from the category counts: one query less)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def board(request: HttpRequest, slug: str) -> HttpResponse:
    return pagecache.serve(request, slug, lambda community, at: _render_board(request, community, at))


def _render_board(request: HttpRequest, community: Community, at: dt.datetime) -> HttpResponse:
    """At most 4 queries whatever the page size: boundary (by pagecache), category counts, page rows."""
    visible = selectors.postings_visible(community=community, at=at)
    data = request.GET.copy()
    filterset = PostingFilter(data, queryset=visible)
    applied = filterset.cleaned()
    # Counts per category under the search and month filters but not the category filter.
    without_category = data.copy()
    without_category.pop("category", None)
    counts = selectors.category_counts(PostingFilter(without_category, queryset=visible).qs)
    category = applied.get("category")
    total = counts.get(category, 0) if category else sum(counts.values())
    rows = filterset.qs.annotate(has_attachments=Exists(Attachment.objects.filter(posting=OuterRef("pk"))))
    paginator = CountedPaginator(rows, _page_size(request), count=total)
    page = paginator.get_page(request.GET.get("page"))
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Category.choices
        if counts.get(value) or value == category
    ]
    context = pagecache.render_context(
        {
            "community": community,
            "filter": filterset,
            "applied": applied,
            "category": category,
            "tabs": tabs,
            "all_count": sum(counts.values()),
            "page_obj": page,
            "postings": list(page.object_list),
            "page_size": paginator.per_page,
            "page_sizes": PAGE_SIZES,
            "bad_filters": sorted(filterset.form.errors),
            "now": at,
        }
    )
    return render(request, "notices/board.html", context)


# --- One posting ------------------------------------------------------------------------------


class TelInput(forms.TextInput):
    input_type = "tel"


class ObjectionForm(forms.Form):
    """Field lengths only: what a filing must hold is checked by the service (notices.objections)."""

    name = forms.CharField(
        label=_("真实姓名"),
        max_length=objections.NAME_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        # Room for "+86 138 1234 5678"; normalized to 11 digits by the service.
        max_length=30,
        help_text=_("手机或座机均可，如 138 1234 5678、010-12345678"),
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    body = forms.CharField(
        label=_("异议内容"),
        max_length=objections.BODY_MAX_CHARS,
        help_text=_("请写明哪一项内容有误、您了解的实际情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _posting_or_404(community: Community, pk: int, at: dt.datetime) -> Posting:
    posting = selectors.posting_public(community=community, pk=pk, at=at)
    if posting is None:
        raise Http404("not public")
    return posting


def _detail_context(
    community: Community, posting: Posting, at: dt.datetime, form: ObjectionForm | None
) -> dict:
    versions = selectors.series_versions(posting=posting, at=at)
    newer = [v for v in versions if v.version > posting.version]
    visible_now = posting.is_visible(at)
    objections_accepted = visible_now and posting.objections_open
    attachments = list(posting.attachments.all())
    withdrawn = posting.withdrawn_at is not None and posting.withdrawn_at <= at
    replaced = posting.replaced_at is not None and posting.replaced_at <= at
    return {
        "community": community,
        "posting": posting,
        # Recomputed from what this page shows, not read from the ledger: a posting changed behind
        # the record then shows a hash the verify page does not find.
        "content_hash": ledger.content_hash(posting, attachments=attachments),
        "visible_now": visible_now,
        "withdrawn": withdrawn,
        "replaced": replaced,
        # Kept readable after its window as the record of what was published (selectors.viewable_q).
        "expired": not (withdrawn or replaced) and posting.expire_at is not None and posting.expire_at <= at,
        "latest": newer[-1] if newer else None,
        "versions": versions if len(versions) > 1 else [],
        "attachments": attachments,
        "objections": selectors.objection_counts(posting=posting),
        "objections_accepted": objections_accepted,
        "form": form if form is not None else (ObjectionForm() if objections_accepted else None),
        "now": at,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def posting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _file_objection(request, pagecache.community_or_404(slug), pk)

    def _render(community: Community, at: dt.datetime) -> HttpResponse:
        posting = _posting_or_404(community, pk, at)
        context = pagecache.render_context(_detail_context(community, posting, at, None))
        return render(request, "notices/detail.html", context)

    return pagecache.serve(request, slug, _render)


def _file_objection(request: HttpRequest, community: Community, pk: int) -> HttpResponse:
    at = timezone.now()
    posting = _posting_or_404(community, pk, at)
    form = ObjectionForm(request.POST)
    error = None
    too_often = gettext("提交过于频繁，请一小时后再试，或直接到居委会当面提出。")
    if _objection_flood(request, at):
        context = _detail_context(community, posting, at, form)
        context["objection_error"] = too_often
        return render(request, "notices/detail.html", context, status=429)
    if form.is_valid():
        data = form.cleaned_data
        previous = objections.duplicate_of(
            posting=posting, name=data["name"], phone=data["phone"], body=data["body"]
        )
        if previous is None and _phone_over_limit(data["phone"], at):
            context = _detail_context(community, posting, at, form)
            context["objection_error"] = too_often
            return render(request, "notices/detail.html", context, status=429)
        try:
            objection = services.objection_file(
                posting, name=data["name"], phone=data["phone"], body=data["body"], at=at
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    if field in form.fields:
                        form.add_error(field, errors)
                    else:
                        error = " ".join(errors)
            else:
                error = " ".join(exc.messages)
        else:
            url = reverse(
                "notices:objection_filed",
                kwargs={"slug": community.slug, "pk": posting.pk, "reference": objection.reference},
            )
            return redirect(f"{url}?again=1" if objection.duplicate else url)
    context = _detail_context(community, posting, at, form)
    context["objection_error"] = error or gettext("提交未成功，请检查下面标出的内容。")
    return render(request, "notices/detail.html", context, status=400)


@require_GET
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """How to follow the board in a feed reader, with the feed's address to copy."""
    community = pagecache.community_or_404(slug)
    feed_url = request.build_absolute_uri(reverse("notices:feed", kwargs={"slug": community.slug}))
    return render(request, "notices/subscribe.html", {"community": community, "feed_url": feed_url})


@require_GET
def attachment_download(request: HttpRequest, slug: str, pk: int, attachment_id: int) -> FileResponse:
    """Attachments are served only while their posting may be opened (not from a public media URL)."""
    community = pagecache.community_or_404(slug)
    posting = _posting_or_404(community, pk, timezone.now())
    attachment = Attachment.objects.filter(posting=posting, pk=attachment_id).first()
    if attachment is None:
        raise Http404("no attachment")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("file missing")
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


# --- Feed, archive, verify --------------------------------------------------------------------


def feed(request: HttpRequest, slug: str) -> HttpResponse:
    from notices.feeds import BoardFeed

    return pagecache.serve(
        request, slug, lambda community, at: BoardFeed(community=community, at=at)(request, slug=slug)
    )


def archive(request: HttpRequest, slug: str) -> HttpResponse:
    def _render(community: Community, at: dt.datetime) -> HttpResponse:
        months = selectors.archive_months(community=community, at=at)
        years: dict[int, list[dict]] = {}
        for row in months:
            month = timezone.localtime(row["month"]) if timezone.is_aware(row["month"]) else row["month"]
            years.setdefault(month.year, []).append({"month": month, "n": row["n"]})
        context = pagecache.render_context({"community": community, "years": years, "now": at})
        return render(request, "notices/archive.html", context)

    return pagecache.serve(request, slug, _render)


def archive_month(request: HttpRequest, slug: str, month: dt.date) -> HttpResponse:
    """``month`` comes parsed and in range from the URL converter (``notices.urls``)."""

    def _render(community: Community, at: dt.datetime) -> HttpResponse:
        start, end = month_bounds(month)
        postings = list(selectors.archive_postings(community=community, start=start, end=end, at=at))
        context = pagecache.render_context(
            {"community": community, "month": start, "postings": postings, "now": at}
        )
        return render(request, "notices/archive_month.html", context)

    return pagecache.serve(request, slug, _render)


@require_GET
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """A resident pastes a hash from a paper notice or a monthly sheet; we say what the record has.

    The form sends ``hash``; the QR code printed on the monthly sheet links with ``h``.
    """
    community = pagecache.community_or_404(slug)
    value = (request.GET.get("hash") or request.GET.get("h") or "").strip()[:200]
    context: dict = {
        "community": community,
        "value": value,
        "checked": False,
        "min_prefix": ledger.MIN_PREFIX,
        "head": ledger.latest_published_head(community),
    }
    if value:
        found = ledger.answer(community, value)
        if found is None:
            context["malformed"] = True
        else:
            context["checked"] = True
            context["answer"] = found
            if found.entry is not None and not found.sheets:
                posting = found.entry.posting
                context["posting_viewable"] = (
                    selectors.posting_public(community=community, pk=posting.pk, at=timezone.now())
                    is not None
                )
    return render(request, "notices/verify.html", context)
