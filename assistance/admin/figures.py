"""The figures page of the case admin (统计): per month and year, and average days per step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext


def figures_view(model_admin, request):
    """统计: applications, approved, rejected, returned per month of a year, average days per step."""
    from assistance.figures import figures

    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    data = figures(cases=model_admin.get_queryset(request), year=year)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("救助审核统计（%(year)d年）") % {"year": year},
        "figures": data,
        "years": list(range(today.year - 4, today.year + 1)),
    }
    return TemplateResponse(request, "admin/assistance/case/figures.html", context)
