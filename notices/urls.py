import datetime as dt

from django.urls import path, register_converter

from core.dates import parse_month
from notices import views, views_objections
from notices.disclosure import views as views_disclosure


class MonthConverter:
    """``YYYY-MM`` in a path -> the month's first day; a month out of range is no match (a 404)."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        first = parse_month(value)
        if first is None:
            raise ValueError(value)
        return first

    def to_url(self, value: dt.date | str) -> str:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


register_converter(MonthConverter, "yyyymm")

app_name = "notices"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.board, name="board"),
    path("c/<slug:slug>/notices/<int:pk>/", views.posting_detail, name="posting"),
    path(
        "c/<slug:slug>/notices/<int:pk>/objection/filed/<str:reference>/",
        views_objections.objection_filed,
        name="objection_filed",
    ),
    path("c/<slug:slug>/objections/", views_objections.objection_lookup, name="objection_lookup"),
    path(
        "c/<slug:slug>/notices/<int:pk>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("c/<slug:slug>/feed/", views.feed, name="feed"),
    path("c/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("c/<slug:slug>/archive/", views.archive, name="archive"),
    path("c/<slug:slug>/archive/<yyyymm:month>/", views.archive_month, name="archive_month"),
    path("c/<slug:slug>/verify/", views.verify, name="verify"),
    path("c/<slug:slug>/disclosure/", views_disclosure.disclosure_index, name="disclosure"),
    path("c/<slug:slug>/disclosure/<str:month>.pdf", views_disclosure.disclosure_pdf, name="disclosure_pdf"),
]
