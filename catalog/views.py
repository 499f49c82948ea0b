"""The catalogue and the case library's files, at addresses outside the language prefixes:
harvesters (dataportal.se, data.gov.dk) fetch one address, whatever the language."""

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.http import require_GET

from portal.csv_export import csv_response

from .case_library import COLUMNS, case_record, csv_row, public_cases
from .dcat import build_catalog, serialize
from .freshness import cached_serialisation, fingerprint

CONTENT_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
}


def _catalog_response(request, export_format: str) -> HttpResponse:
    key = fingerprint()
    etag = quote_etag(f"{key}-{export_format}")
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        body = cached_serialisation(
            export_format, key, lambda: serialize(build_catalog(), export_format)
        )
        response = HttpResponse(body, content_type=CONTENT_TYPES[export_format])
    response["ETag"] = etag
    # A cache in between must ask again each time: a page made private leaves at once.
    patch_cache_control(response, no_cache=True)
    response["Access-Control-Allow-Origin"] = "*"  # public metadata, meant to be harvested
    return response


@require_GET
def catalog_turtle(request):
    return _catalog_response(request, "ttl")


@require_GET
def catalog_jsonld(request):
    return _catalog_response(request, "jsonld")


@require_GET
def cases_csv(request):
    rows = (csv_row(case_record(case)) for case in public_cases())
    return csv_response("erfa-cases.csv", COLUMNS, rows)


@require_GET
def cases_json(request):
    records = [case_record(case) for case in public_cases()]
    return JsonResponse(
        {"columns": list(COLUMNS), "cases": records}, json_dumps_params={"ensure_ascii": False}
    )
