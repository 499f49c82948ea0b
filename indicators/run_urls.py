from django.urls import path

from . import run_views

app_name = "indicator_runs"

urlpatterns = [
    path("", run_views.run_list, name="list"),
    path("new/", run_views.run_create, name="create"),
    path("<uuid:share_token>/", run_views.run_detail, name="detail"),
    path("<uuid:share_token>/rerun/", run_views.run_rerun, name="rerun"),
    # ?format=csv, xlsx or json, as the data lab's chart downloads.
    path("<uuid:share_token>/data/", run_views.run_download, name="download"),
]
