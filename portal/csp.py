"""Which Content-Security-Policy a response gets: the site's strict one, or the admin's.

django-csp's middleware writes ``CONTENT_SECURITY_POLICY`` on every response, and views may
adjust it with django-csp's decorators. Wagtail's admin cannot run under the strict policy
(it still has inline scripts and inline styles), so responses under
``ERFA_ADMIN_PATH_PREFIXES`` get ``ERFA_ADMIN_CONTENT_SECURITY_POLICY`` instead, unless a view
chose a policy of its own. The README's "Security" section explains both policies.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.ERFA_ADMIN_PATH_PREFIXES))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.ERFA_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts
