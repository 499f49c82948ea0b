"""The controlled vocabularies DCAT-AP, DCAT-AP-SE and DCAT-AP-DK ask for, as URIs.

The EU Publications Office authority tables (access rights, countries, languages, file types,
licences, data themes) and the ADMS publisher types. The export declares each term it uses
with its class and label, so that a harvester (or a SHACL validator) needs no lookup.
"""

from rdflib import Namespace

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
ACCESS_RIGHT = Namespace(EU_AUTHORITY + "access-right/")
COUNTRY = Namespace(EU_AUTHORITY + "country/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
LICENCE = Namespace(EU_AUTHORITY + "licence/")
DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
DATA_THEME_SCHEME = EU_AUTHORITY + "data-theme"
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
IANA_MEDIA_TYPE = Namespace("https://www.iana.org/assignments/media-types/")

# ISO 3166 alpha-2 (the portal's Country) -> the EU country table's alpha-3 codes.
COUNTRY_CODES = {"SE": "SWE", "DK": "DNK"}
COUNTRY_LABELS = {"SE": "Sverige", "DK": "Danmark"}
# The portal's content languages -> the EU language table.
LANGUAGE_CODES = {"sv": "SWE", "da": "DAN", "en": "ENG"}

# The licence names an indicator series may carry, as written by people -> the EU licence
# table. A name not found here is published as a licence document with just that name.
LICENCE_CODES = {
    "cc by 4.0": "CC_BY_4_0",
    "cc-by-4.0": "CC_BY_4_0",
    "cc by": "CC_BY_4_0",
    "cc0": "CC0",
    "cc0 1.0": "CC0",
    "cc by-sa 4.0": "CC_BY_SA_4_0",
    "nlod": "NLOD_2_0",
}
# Each distribution's format in the EU file-type table, and its IANA media type.
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "html": ("HTML", "text/html"),
}
# Government and public sector: the EU data theme of experiences between agencies.
CASE_LIBRARY_THEME = "GOVE"
THEME_LABELS = {"GOVE": "Regeringen och den offentliga sektorn"}
