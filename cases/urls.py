from django.urls import path

from . import outcome_views, views

app_name = "cases"
urlpatterns = [
    path("share/", views.share_case, name="share"),
    path("mine/", views.my_submissions, name="my_submissions"),
    path("<id:case_id>/results/new/", outcome_views.report_outcome, name="report_outcome"),
]
