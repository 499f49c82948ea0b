"""The JSON API: one NinjaAPI; each feature app contributes a router from its own api.py."""

from ninja import NinjaAPI

from .api_auth import ApiTokenAuth, optional_auth_in_schema, visitor


class ErfaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return optional_auth_in_schema(schema)


# Every operation answers what this visitor may see: a personal API token (read-only) speaks
# for its user, else the session does, else the visitor is anonymous (portal/api_auth.py).
api = ErfaAPI(title="Erfa API", version="1", urls_namespace="api", auth=[ApiTokenAuth(), visitor])

# Feature apps register their routers here (e.g. api.add_router("/", "search.api.router")).
api.add_router("/", "search.api.router")
api.add_router("/", "cases.api.router")
api.add_router("/", "network.api.router")
api.add_router("/indicators/", "indicators.api.router")
