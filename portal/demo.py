"""Demo content for the portal base: the site and home page, organisations, topics and users.

Idempotent: every object is looked up by a natural key and updated in place, so running
`manage.py load_demo` again changes nothing and creates no duplicates.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

from .models import (
    COORDINATORS_GROUP,
    MEMBERS_GROUP,
    MODERATORS_GROUP,
    HomePage,
    MemberProfile,
    Organisation,
    Topic,
)

DEMO_PASSWORD = "erfa-demo"  # noqa: S105 - demo accounts only; printed in the README

ORGANISATIONS = [
    # (slug, name, short name, country, kind, website)
    ("skatteverket", "Skatteverket", "SKV", "SE", "agency", "https://www.skatteverket.se"),
    (
        "forsakringskassan",
        "Försäkringskassan",
        "FK",
        "SE",
        "agency",
        "https://www.forsakringskassan.se",
    ),
    (
        "arbetsformedlingen",
        "Arbetsförmedlingen",
        "AF",
        "SE",
        "agency",
        "https://arbetsformedlingen.se",
    ),
    ("digg", "Myndigheten för digital förvaltning", "Digg", "SE", "agency", "https://www.digg.se"),
    ("esv", "Ekonomistyrningsverket", "ESV", "SE", "agency", "https://www.esv.se"),
    ("statskontoret", "Statskontoret", "", "SE", "agency", "https://www.statskontoret.se"),
    ("lantmateriet", "Lantmäteriet", "LM", "SE", "agency", "https://www.lantmateriet.se"),
    ("bolagsverket", "Bolagsverket", "", "SE", "agency", "https://bolagsverket.se"),
    (
        "transportstyrelsen",
        "Transportstyrelsen",
        "TS",
        "SE",
        "agency",
        "https://www.transportstyrelsen.se",
    ),
    (
        "pensionsmyndigheten",
        "Pensionsmyndigheten",
        "PM",
        "SE",
        "agency",
        "https://www.pensionsmyndigheten.se",
    ),
    ("goteborgs-stad", "Göteborgs Stad", "", "SE", "municipality", "https://goteborg.se"),
    ("region-stockholm", "Region Stockholm", "", "SE", "region", "https://www.regionstockholm.se"),
    ("digst", "Digitaliseringsstyrelsen", "Digst", "DK", "agency", "https://digst.dk"),
    ("skattestyrelsen", "Skattestyrelsen", "", "DK", "agency", "https://skat.dk"),
    ("udbetaling-danmark", "Udbetaling Danmark", "UDK", "DK", "agency", "https://www.borger.dk"),
    (
        "star",
        "Styrelsen for Arbejdsmarked og Rekruttering",
        "STAR",
        "DK",
        "agency",
        "https://star.dk",
    ),
    (
        "erhvervsstyrelsen",
        "Erhvervsstyrelsen",
        "ERST",
        "DK",
        "agency",
        "https://erhvervsstyrelsen.dk",
    ),
    ("arbejdstilsynet", "Arbejdstilsynet", "AT", "DK", "agency", "https://at.dk"),
    ("statens-it", "Statens It", "", "DK", "agency", "https://statens-it.dk"),
    ("danmarks-statistik", "Danmarks Statistik", "DST", "DK", "agency", "https://www.dst.dk"),
    ("kobenhavns-kommune", "Københavns Kommune", "", "DK", "municipality", "https://www.kk.dk"),
    ("aarhus-kommune", "Aarhus Kommune", "", "DK", "municipality", "https://aarhus.dk"),
    ("region-midtjylland", "Region Midtjylland", "", "DK", "region", "https://www.rm.dk"),
    ("finansministeriet", "Finansministeriet", "FM", "DK", "ministry", "https://fm.dk"),
]

TOPICS = [
    # (slug, Swedish, Danish, English)
    (
        "digitalisation-follow-up",
        "Uppföljning av digitalisering",
        "Opfølgning på digitalisering",
        "Digitalisation follow-up",
    ),
    (
        "it-cost-key-figures",
        "IT-kostnader och nyckeltal",
        "IT-omkostninger og nøgletal",
        "IT cost key figures",
    ),
    ("maturity-measurement", "Mognadsmätning", "Modenhedsmåling", "Maturity measurement"),
    (
        "data-and-analytics",
        "Datalabb och analys",
        "Datalaboratorier og analyse",
        "Data labs and analytics",
    ),
    (
        "internal-governance",
        "Intern styrning och kontroll",
        "Intern styring og kontrol",
        "Internal governance and control",
    ),
    (
        "efficiency",
        "Effektiviseringsprogram",
        "Effektiviseringsprogrammer",
        "Efficiency programmes",
    ),
    ("e-services", "E-tjänster", "Digitale selvbetjeningsløsninger", "E-services"),
    ("ai-in-casework", "AI i handläggningen", "AI i sagsbehandlingen", "AI in casework"),
    (
        "supervision",
        "Tillsyn och riskbaserat urval",
        "Tilsyn og risikobaseret udvælgelse",
        "Supervision and inspection targeting",
    ),
    ("open-data", "Öppna data", "Åbne data", "Open data"),
    ("procurement", "Offentlig upphandling", "Offentlige indkøb og udbud", "Public procurement"),
    (
        "information-security",
        "Informationssäkerhet",
        "Informationssikkerhed",
        "Information security",
    ),
    ("citizen-service", "Service till medborgare", "Borgerservice", "Citizen service"),
]

USERS = [
    # (username, first, last, email, organisation slug, groups, staff, superuser)
    ("admin", "Astrid", "Admin", "admin@erfa.example", "digg", [], True, True),
    (
        "moderator",
        "Maja",
        "Lindqvist",
        "maja.lindqvist@esv.example",
        "esv",
        [MODERATORS_GROUP],
        True,
        False,
    ),
    (
        "coordinator",
        "Henrik",
        "Sørensen",
        "henrik.sorensen@digst.example",
        "digst",
        [MEMBERS_GROUP, COORDINATORS_GROUP],
        True,
        False,
    ),
    (
        "samordnare",
        "Karin",
        "Holm",
        "karin.holm@esv.example",
        "esv",
        [MEMBERS_GROUP, COORDINATORS_GROUP],
        True,
        False,
    ),
    (
        "member",
        "Erik",
        "Johansson",
        "erik.johansson@skatteverket.example",
        "skatteverket",
        [MEMBERS_GROUP],
        False,
        False,
    ),
    (
        "medlem",
        "Mette",
        "Kristensen",
        "mette.kristensen@star.example",
        "star",
        [MEMBERS_GROUP],
        False,
        False,
    ),
    (
        "anna",
        "Anna",
        "Berg",
        "anna.berg@forsakringskassan.example",
        "forsakringskassan",
        [MEMBERS_GROUP],
        False,
        False,
    ),
    (
        "lars",
        "Lars",
        "Nielsen",
        "lars.nielsen@kk.example",
        "kobenhavns-kommune",
        [MEMBERS_GROUP],
        False,
        False,
    ),
    (
        "sofia",
        "Sofia",
        "Ek",
        "sofia.ek@lantmateriet.example",
        "lantmateriet",
        [MEMBERS_GROUP],
        False,
        False,
    ),
    (
        "jens",
        "Jens",
        "Madsen",
        "jens.madsen@skat.example",
        "skattestyrelsen",
        [MEMBERS_GROUP],
        False,
        False,
    ),
]

HOME = {
    "title": "Erfa",
    "hero_title": "Lär av andra myndigheter – och dela det ni själva har lärt er",
    "hero_text": (
        "Erfa samlar erfarenheter från svenska och danska myndigheter: fallstudier, lärdomar, "
        "nätverk och möten. Sök på svenska, danska eller engelska och hitta dem som redan har "
        "prövat det ni funderar på."
    ),
}


@transaction.atomic
def load() -> HomePage:
    """Create or update the portal's demo content and return the home page."""
    home = _load_home_page()
    for slug, name, short_name, country, kind, website in ORGANISATIONS:
        Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short_name,
                "country": country,
                "kind": kind,
                "website": website,
            },
        )
    for slug, sv, da, en in TOPICS:
        Topic.objects.update_or_create(
            slug=slug, defaults={"name_sv": sv, "name_da": da, "name_en": en}
        )
    _load_users()
    return home


def _load_home_page() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's placeholder page from its initial migration makes way for the home page.
        Page.objects.filter(depth=2, slug="home").delete()
        home = HomePage(
            title=HOME["title"],
            slug="home",
            hero_title=HOME["hero_title"],
            hero_text=HOME["hero_text"],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    else:
        home.hero_title, home.hero_text = HOME["hero_title"], HOME["hero_text"]
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Erfa"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Erfa"
        site.save()
    return home


def _load_users() -> None:
    user_model = get_user_model()
    for username, first, last, email, org_slug, groups, staff, superuser in USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "is_staff": staff,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(*[Group.objects.get(name=name) for name in groups])
        MemberProfile.objects.update_or_create(
            user=user, defaults={"organisation": Organisation.objects.get(slug=org_slug)}
        )
