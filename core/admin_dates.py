"""Dates from 1900 to 2100 only (``core.dates``) in every admin form, action page and date
drill-down: 9999-12-31 or 0001-01-01 get a message instead of an overflow further on."""

from __future__ import annotations

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models

from core.dates import EARLIEST, LATEST, validate_in_range


class DateRangeFormfieldsMixin:
    """Every date and datetime field of every admin form takes dates from 1900 to 2100 only
    (``core.dates``): 9999-12-31 or 0001-01-01 get a message on the field instead of an
    overflow further on (a term's end date, a posting's working days, the time-zone conversion)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.DateField):  # datetimes included
            formfield.validators.append(validate_in_range)
        return formfield


class DateRangeFormMixin:
    """The same range for forms the admin does not build itself (action pages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
                field.validators.append(validate_in_range)


class RangeCheckedChangeList(ChangeList):
    """The date drill-down (``date_hierarchy``) of a list refuses years outside 1900-2100:
    Django computes the next year or month from the one in the URL and overflows on 9999."""

    def get_filters(self, request):
        if self.date_hierarchy:
            years = self.get_filters_params().get(f"{self.date_hierarchy}__year")
            if years:
                try:
                    year = int(years[-1])
                except (TypeError, ValueError) as e:
                    raise IncorrectLookupParameters(e) from e
                if not EARLIEST.year <= year <= LATEST.year:
                    raise IncorrectLookupParameters(f"year {year} out of range")
        return super().get_filters(request)
