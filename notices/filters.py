"""Search and filters of the public board (django-filter).

Unknown, malformed or out-of-range values (``?category=nope``, ``?month=2024-13``,
``?month=9999-12``) fail their field's validation and are simply not applied, with a note on the
page: a visitor never gets an error page for a bad query string.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import month_bounds, month_message, parse_month
from notices.models import Category


class MonthField(forms.CharField):
    """``YYYY-MM`` -> the first day of that month (``core.dates.parse_month``)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        first = parse_month(value)
        if first is None:
            raise forms.ValidationError(month_message())
        return first


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
