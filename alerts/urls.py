from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.saved_searches, name="saved_searches"),
    path("save/", views.save_search, name="save"),
    path("<int:pk>/", views.update_search, name="update"),
    path("<int:pk>/delete/", views.delete_search, name="delete"),
    path("pause/", views.pause_all, name="pause"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
