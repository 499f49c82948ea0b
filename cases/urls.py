from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("share/", views.share_case, name="share"),
    path("mine/", views.my_submissions, name="my_submissions"),
]
