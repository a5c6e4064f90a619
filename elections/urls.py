"""Public pages of the elections app (paths start with c/<slug>/, like the board's)."""

from django.urls import path

from elections import ballot_views, station_views, views

app_name = "elections"
urlpatterns = [
    path("c/<slug:slug>/elections/", views.elections_index, name="index"),
    path("c/<slug:slug>/elections/<int:pk>/roll/", views.roll_lookup_view, name="roll_lookup"),
    path("c/<slug:slug>/elections/<int:pk>/candidacy/", views.candidacy_view, name="candidacy"),
    path("c/<slug:slug>/elections/<int:pk>/tally/", views.tally_view, name="tally"),
    path(
        "c/<slug:slug>/elections/<int:pk>/station/<int:number>/", station_views.station_screen, name="station"
    ),
    path(
        "c/<slug:slug>/elections/<int:pk>/station/<int:number>/check-in/",
        station_views.station_check_in,
        name="station_check_in",
    ),
    path(
        "c/<slug:slug>/elections/<int:pk>/station/<int:number>/ballots/",
        ballot_views.ballot_screen,
        name="station_ballots",
    ),
]
