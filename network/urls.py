from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("my-meetings/", views.my_meetings, name="my_meetings"),
    path("networks/<id:network_id>/join/", views.join_network, name="join"),
    path("networks/<id:network_id>/leave/", views.leave_network, name="leave"),
    path(
        "memberships/<id:membership_id>/approve/",
        views.approve_membership,
        name="approve_membership",
    ),
    path(
        "memberships/<id:membership_id>/decline/",
        views.decline_membership,
        name="decline_membership",
    ),
    path("meetings/<id:meeting_id>/register/", views.register, name="register"),
    path("meetings/<id:meeting_id>/cancel/", views.cancel_registration, name="cancel"),
    path("feeds/new/", views.regenerate_feed, name="regenerate_feed"),
]
