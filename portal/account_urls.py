from django.urls import path

from . import account_views

app_name = "account"
urlpatterns = [
    path("", account_views.account, name="account"),
    path("data.json", account_views.download_data, name="download"),
    path("close/", account_views.close_account, name="close"),
    path("closed/", account_views.account_closed, name="closed"),
    path("api-tokens/", account_views.api_tokens, name="api_tokens"),
    path(
        "api-tokens/<id:token_id>/revoke/",
        account_views.revoke_api_token,
        name="revoke_api_token",
    ),
]
