from django.urls import path

from . import admin_views

app_name = "network_admin"
urlpatterns = [
    path("", admin_views.meeting_list, name="meetings"),
    path("requests/", admin_views.membership_requests, name="membership_requests"),
    path("meetings/<id:meeting_id>/", admin_views.attendees, name="attendees"),
    path("meetings/<id:meeting_id>/attendees.csv", admin_views.attendees_csv, name="attendees_csv"),
    path(
        "meetings/<id:meeting_id>/attendees.xlsx",
        admin_views.attendees_xlsx,
        name="attendees_xlsx",
    ),
    path("meetings/<id:meeting_id>/message/", admin_views.message_participants, name="message"),
    path("meetings/<id:meeting_id>/copy/", admin_views.copy_meeting, name="copy"),
    path("meetings/<id:meeting_id>/lessons/", admin_views.publish_lessons, name="publish_lessons"),
    path(
        "registrations/<id:registration_id>/attendance/",
        admin_views.set_attendance,
        name="set_attendance",
    ),
]
