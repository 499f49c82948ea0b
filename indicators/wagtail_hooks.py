"""The admin's "Indicators" menu: the import with preview, and the tables administrators
maintain (series, indicators, exchange rates, price indices) as snippets."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import ImportIndicatorsView, ImportPreviewView, can_import_indicators
from .models import ExchangeRate, Indicator, IndicatorSeries, PriceIndex

MENU_HOOK = "register_indicators_menu_item"


class IndicatorSeriesViewSet(SnippetViewSet):
    model = IndicatorSeries
    icon = "table"
    menu_label = _("Series")
    list_display = ["code", "name", "source", "members_only", "is_demo"]
    list_filter = ["members_only", "is_demo"]
    search_fields = ["code", "name_sv", "name_da", "name_en"]


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "list-ul"
    menu_label = _("Indicators")
    list_display = ["code", "name", "series", "unit", "currency", "price_year"]
    list_filter = ["series"]
    search_fields = ["code", "name_sv", "name_da", "name_en"]


class ExchangeRateViewSet(SnippetViewSet):
    model = ExchangeRate
    icon = "resubmit"
    menu_label = _("Exchange rates")
    list_display = ["currency", "year", "to_sek"]
    list_filter = ["currency"]


class PriceIndexViewSet(SnippetViewSet):
    model = PriceIndex
    icon = "order"
    menu_label = _("Price indices")
    list_display = ["currency", "year", "value"]
    list_filter = ["currency"]


class IndicatorsViewSetGroup(SnippetViewSetGroup):
    items = (IndicatorSeriesViewSet, IndicatorViewSet, ExchangeRateViewSet, PriceIndexViewSet)
    menu_label = _("Indicators")
    menu_icon = "table"
    menu_order = 170
    submenu_hook = MENU_HOOK


class ImportIndicatorsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_indicators(request.user)


register_snippet(IndicatorsViewSetGroup)


@hooks.register("register_admin_urls")
def register_import_indicators_urls():
    return [
        path("indicators/import/", ImportIndicatorsView.as_view(), name="indicators_import"),
        path(
            "indicators/import/<int:batch_id>/",
            ImportPreviewView.as_view(),
            name="indicators_import_preview",
        ),
    ]


@hooks.register(MENU_HOOK)
def register_import_indicators_menu_item():
    return ImportIndicatorsMenuItem(
        _("Import indicator data"), reverse("indicators_import"), icon_name="upload", order=0
    )
