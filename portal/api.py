"""The JSON API: one NinjaAPI; each feature app contributes a router from its own api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Erfa API", version="1", urls_namespace="api")

# Feature apps register their routers here (e.g. api.add_router("/", "search.api.router")).
api.add_router("/", "search.api.router")
