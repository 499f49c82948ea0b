from django.urls import path

from . import views

app_name = "gaps"
urlpatterns = [
    path("networks/<id:network_id>/gaps/", views.network_gaps, name="network_gaps"),
    path(
        "networks/<id:network_id>/gaps/<id:gap_id>/agenda/",
        views.add_to_agenda,
        name="add_to_agenda",
    ),
    path(
        "networks/<id:network_id>/gaps/<id:gap_id>/call/",
        views.call_for_experiences,
        name="call_for_experiences",
    ),
    path("networks/<id:network_id>/calls/<id:call_id>/close/", views.close_call, name="close_call"),
]
