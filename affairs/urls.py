"""Public pages of the affairs app (paths start with c/<slug>/, like the board's)."""

from django.urls import path

from affairs.views import meetings

app_name = "affairs"
urlpatterns: list = [
    path("c/<slug:slug>/meetings/", meetings.meetings_page, name="meetings"),
    path("c/<slug:slug>/meetings.ics", meetings.meetings_ics_view, name="meetings_ics"),
    path("c/<slug:slug>/meetings/<int:pk>/minutes.pdf", meetings.minutes_pdf, name="meeting_minutes_pdf"),
    path("c/<slug:slug>/consultations/<int:pk>/", meetings.consultation_page, name="consultation"),
]
