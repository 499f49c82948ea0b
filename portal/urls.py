from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import health, locale, views
from .api import api


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on their own: the SVG icon base.html links to."""

    permanent = False  # the static file's hashed name changes with its content

    def get_redirect_url(self, *args, **kwargs):
        return static("portal/favicon.svg")


# Outside the language prefixes: the admin (it follows each editor's own language), the API,
# documents, the language switch itself and calendar feeds, whose addresses live on in
# calendar apps. They pick their language from the cookie and Accept-Language, as before.
urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    # For load balancers: JSON, the same in every language.
    path("health/", health.health, name="health"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", locale.set_language, name="set_language"),
    path("api/", api.urls),
    path("members/network/", include("network.feed_urls")),
    # The open-data catalogue (DCAT-AP) and its files: one address for every harvester.
    path("", include("catalog.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents and uploads waiting for import are served by views that check
    # who may fetch them (search/attachments.py), never straight from the media folder.
    for public_folder in ("original_images", "images"):
        urlpatterns += static(
            f"{settings.MEDIA_URL}{public_folder}/",
            document_root=settings.MEDIA_ROOT / public_folder,
        )

# The site itself: its language is in the URL, so a shared link keeps its language. Swedish,
# the default, has no prefix (/cases/), Danish and English do (/da/cases/, /en/cases/); an
# unprefixed address is Swedish whatever the visitor's cookie says.
urlpatterns += i18n_patterns(
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("search/", include("search.urls")),
    path("members/cases/", include("cases.urls")),
    path("members/network/", include("network.urls")),
    path("members/network/", include("gaps.urls")),
    path("members/account/searches/", include("alerts.urls")),
    path("members/account/", include("portal.account_urls")),
    path("datalab/", include("datalab.urls")),
    path("data/indicators/", include("indicators.urls")),
    # Saved runs (issue 12): no indicator address starts with "runs/", so the order is free.
    path("data/indicators/runs/", include("indicators.run_urls")),
    # Wagtail serves every other path from the page tree.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
