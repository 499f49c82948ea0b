from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .api import api


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on their own: the SVG icon base.html links to."""

    permanent = False  # the static file's hashed name changes with its content

    def get_redirect_url(self, *args, **kwargs):
        return static("portal/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
    path("search/", include("search.urls")),
    path("members/cases/", include("cases.urls")),
    path("members/network/", include("network.urls")),
    path("members/account/", include("portal.account_urls")),
    path("datalab/", include("datalab.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the page tree.
urlpatterns.append(path("", include(wagtail_urls)))
