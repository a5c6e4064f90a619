"""Public pages of the affairs app (paths start with c/<slug>/, like the board's)."""

from django.urls import path

from affairs.views import meetings, opinions

app_name = "affairs"
urlpatterns = [
    # Meetings, motions and opinion rounds (affairs/views/meetings.py).
    path("c/<slug:slug>/meetings/", meetings.meetings_page, name="meetings"),
    path("c/<slug:slug>/meetings.ics", meetings.meetings_ics_view, name="meetings_ics"),
    path("c/<slug:slug>/meetings/<int:pk>/minutes.pdf", meetings.minutes_pdf, name="meeting_minutes_pdf"),
    path("c/<slug:slug>/consultations/<int:pk>/", meetings.consultation_page, name="consultation"),
    # Opinions and reports (affairs/views/opinions.py).
    path("c/<slug:slug>/opinions/", opinions.opinion_figures, name="opinion_figures"),
    path("c/<slug:slug>/opinions/new/", opinions.opinion_new, name="opinion_new"),
    path("c/<slug:slug>/opinions/track/", opinions.opinion_lookup, name="opinion_lookup"),
    path("c/<slug:slug>/opinions/report/", opinions.captain_report, name="captain_report"),
    path("c/<slug:slug>/opinions/<str:code>/", opinions.opinion_track, name="opinion_track"),
    path("c/<slug:slug>/opinions/<str:code>/rate/", opinions.opinion_rate, name="opinion_rate"),
]
