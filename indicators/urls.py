from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("organisation/<slug:slug>/", views.organisation_page, name="organisation"),
    path(
        "organisation/<slug:slug>/data/<slug:chart>/",
        views.organisation_data,
        name="organisation_data",
    ),
    path("indicator/<slug:series>/<slug:code>/", views.indicator_page, name="indicator"),
    path(
        "indicator/<slug:series>/<slug:code>/data/<slug:chart>/",
        views.indicator_data,
        name="indicator_data",
    ),
]
