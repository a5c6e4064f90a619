"""Public pages of the elections app (paths start with c/<slug>/, like the board's)."""

from django.urls import path

from elections import views

app_name = "elections"
urlpatterns = [
    path("c/<slug:slug>/elections/<int:pk>/roll/", views.roll_lookup_view, name="roll_lookup"),
]
