"""Public pages of the elections app (paths start with c/<slug>/, like the board's)."""

app_name = "elections"
urlpatterns: list = []
