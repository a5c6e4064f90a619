"""Public pages of the assistance app (paths start with c/<slug>/, like the board's)."""

app_name = "assistance"
urlpatterns: list = []
