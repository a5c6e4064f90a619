"""Search and filters of the public board (django-filter).

Unknown or malformed values (``?category=nope``, ``?month=2024-13``) fail their field's validation
and are simply not applied: a visitor never gets an error page for a bad query string.
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Category

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """``YYYY-MM`` -> the first day of that month."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        m = MONTH_RE.match(value.strip())
        if not m:
            raise forms.ValidationError(_("月份格式应为 年-月，如 2025-03"))
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise forms.ValidationError(_("月份格式应为 年-月，如 2025-03"))


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month of ``first`` as aware datetimes in the site's time zone, ``[start, end)``."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(first.year, first.month, 1, tzinfo=tz)
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return start, dt.datetime(nxt.year, nxt.month, 1, tzinfo=tz)


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        start, end = month_bounds(value)
        return qs.filter(publish_at__gte=start, publish_at__lt=end)


class PostingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("搜索"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("搜索标题或正文")}),
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("类别"), empty_label=_("全部类别")
    )
    month = MonthFilter(
        label=_("发布月份"), widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})
    )

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(body__icontains=value))

    def cleaned(self) -> dict:
        """The values actually applied (invalid ones dropped)."""
        self.errors  # noqa: B018 - runs validation
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
