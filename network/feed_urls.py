"""Calendar feeds: outside the language prefixes (``/members/network/…``), so a feed's address
stays the same whatever language its owner reads the site in; calendar apps keep it for
years."""

from django.urls import path

from . import views

app_name = "network_feeds"
urlpatterns = [
    path("networks/<id:network_id>.ics", views.network_ics, name="network_ics"),
    path("meetings/<id:meeting_id>.ics", views.meeting_ics, name="meeting_ics"),
    # Tokens are URL-safe base64 (CalendarFeed.new_token): anything else is no feed, and
    # never reaches the database (PostgreSQL refuses a NUL in a lookup: a 500).
    path("feeds/<slug:token>.ics", views.personal_feed, name="personal_feed"),
]
