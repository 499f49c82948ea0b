from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("catalog.ttl", views.catalog_turtle, name="turtle"),
    path("catalog.jsonld", views.catalog_jsonld, name="jsonld"),
    path("catalog/cases.csv", views.cases_csv, name="cases_csv"),
    path("catalog/cases.json", views.cases_json, name="cases_json"),
]
