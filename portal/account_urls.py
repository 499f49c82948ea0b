from django.urls import path

from . import account_views

app_name = "account"
urlpatterns = [
    path("", account_views.account, name="account"),
    path("data.json", account_views.download_data, name="download"),
    path("close/", account_views.close_account, name="close"),
    path("closed/", account_views.account_closed, name="closed"),
]
