from django.urls import path

from . import views

app_name = "datalab"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("charts/<slug:key>/", views.chart_data, name="chart_data"),
    path("map/", views.semantic_map, name="semantic_map"),
    path("experts/", views.experts, name="experts"),
    path("compare/", views.compare_organisations, name="compare"),
]
