"""Who publishes the catalogue and under which licence: ``settings.ERFA_CATALOG``, with defaults.

DCAT-AP-SE and DCAT-AP-DK require a named publisher on the catalogue and a contact point with
an e-mail address; the operator of the site sets them in ``ERFA_CATALOG`` (a dict, the keys
below). The defaults describe the portal itself, so that a fresh install exports a valid
catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings

from .vocabularies import LICENCE

DEFAULTS = {
    # The agency that runs the portal and answers for the catalogue.
    "publisher_name": "Erfa",
    # An ADMS publisher type: NationalAuthority, RegionalAuthority, LocalAuthority, ...
    "publisher_type": "NationalAuthority",
    "contact_name": "Erfa",
    "contact_email": "",  # defaults to settings.DEFAULT_FROM_EMAIL
    # What anyone may do with the case library's metadata and texts.
    "licence": str(LICENCE["CC_BY_4_0"]),
}


@dataclass(frozen=True)
class CatalogSettings:
    publisher_name: str
    publisher_type: str
    contact_name: str
    contact_email: str
    licence: str


def catalog_settings() -> CatalogSettings:
    values = {**DEFAULTS, **getattr(settings, "ERFA_CATALOG", {})}
    if not values["contact_email"]:
        values["contact_email"] = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return CatalogSettings(**{key: values[key] for key in DEFAULTS})
