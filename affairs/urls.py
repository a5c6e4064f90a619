"""Public pages of the affairs app (paths start with c/<slug>/, like the board's)."""

app_name = "affairs"
urlpatterns: list = []
