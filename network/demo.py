"""Demo networks, meetings, memberships and registrations.

Idempotent: pages are found by slug and updated in place, memberships and registrations
by user. Meeting dates are computed from today, so upcoming meetings stay upcoming.
"""

from datetime import datetime, time, timedelta
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission

from cases.models import CaseStudyPage
from portal.models import COORDINATORS_GROUP, HomePage, Topic

from .models import (
    MeetingPage,
    Membership,
    NetworkIndexPage,
    NetworkPage,
    NetworkSharedCase,
    Registration,
)
from .planning import publish_meeting_lessons

STOCKHOLM, COPENHAGEN = "Europe/Stockholm", "Europe/Copenhagen"

INDEX = {
    "title": "Nätverk",
    "slug": "networks",
    "intro": (
        "I nätverken träffas medarbetare från svenska och danska myndigheter några gånger om "
        "året för att dela erfarenheter. Gå med, anmäl dig till mötena och läs vad tidigare "
        "möten kom fram till."
    ),
}

NETWORKS = [
    {
        "slug": "intern-styrning-och-kontroll",
        "shared_cases": [
            "internkontroll-riskanalys-bolagsverket",
            "intern-styrning-leverantorer-arbetsformedlingen",
        ],
        "title": "Nätverket för intern styrning och kontroll",
        "country": "SE",
        "language": "sv",
        "join_policy": "request",
        "topics": ["internal-governance", "efficiency"],
        "summary": (
            "För dig som arbetar med intern styrning och kontroll, riskanalys och "
            "internrevision i staten."
        ),
        "purpose": (
            "<p>Nätverket samlar handläggare, controllers och internrevisorer som arbetar med "
            "förordningen om intern styrning och kontroll. Vi jämför hur myndigheterna gör "
            "riskanalyser, följer upp åtgärder och rapporterar till ledningen.</p>"
        ),
        "member_information": (
            "<p>Mötesanteckningar och mallar finns i den gemensamma mappen. Kontakta Karin "
            "Holm på ESV för behörighet.</p>"
        ),
        "coordinators": ["samordnare"],
        "members": ["member", "anna", "sofia"],
        "requests": ["lars"],
    },
    {
        "slug": "analysnatverket",
        "shared_cases": [
            "datalabb-arbetsmarknadsanalys-arbetsformedlingen",
            "prognoser-vardplatser-region-stockholm",
        ],
        "title": "Analysnätverket i staten",
        "country": "SE",
        "language": "sv",
        "join_policy": "open",
        "topics": ["data-and-analytics", "open-data"],
        "summary": "Analytiker och datalabb i staten delar metoder, verktyg och erfarenheter.",
        "purpose": (
            "<p>Analysnätverket är öppet för alla som arbetar med analys, statistik och "
            "datalabb på en statlig myndighet. Vi visar varandra pågående projekt, diskuterar "
            "metodval och hjälps åt med juridiska frågor kring data.</p>"
        ),
        "member_information": (
            "<p>Nätverkets chattkanal heter #analysnatverket i myndigheternas gemensamma "
            "samarbetsyta.</p>"
        ),
        "coordinators": ["samordnare"],
        "members": ["anna", "sofia", "member"],
        "requests": [],
    },
    {
        "slug": "digital-forvaltning",
        "shared_cases": [
            "gevinstrealisering-statslige-it-projekter-digst",
            "selvbetjening-enkeltydelser-aarhus-kommune",
        ],
        "title": "Netværk for digital forvaltning",
        "country": "DK",
        "language": "da",
        "join_policy": "request",
        "topics": ["digitalisation-follow-up", "e-services"],
        "summary": (
            "Et netværk for medarbejdere, der arbejder med digitalisering og opfølgning på "
            "digitale projekter i staten og kommunerne."
        ),
        "purpose": (
            "<p>Netværket udveksler erfaringer med gevinstrealisering, digitale "
            "selvbetjeningsløsninger og styring af it-projekter. Møderne veksler mellem "
            "København og Aarhus.</p>"
        ),
        "member_information": (
            "<p>Præsentationer fra møderne ligger i netværkets fælles mappe hos "
            "Digitaliseringsstyrelsen.</p>"
        ),
        "coordinators": ["coordinator"],
        "members": ["medlem", "lars", "jens"],
        "requests": ["sofia"],
    },
    {
        "slug": "tilsynsnetvaerket",
        "shared_cases": [
            "risikobaseret-udvaelgelse-tilsyn-arbejdstilsynet",
            "riskbaserat-urval-yrkestrafik-transportstyrelsen",
        ],
        "title": "Tilsynsnetværket",
        "country": "DK",
        "language": "da",
        "join_policy": "open",
        "topics": ["supervision"],
        "summary": "Tilsynsmyndigheder deler metoder til risikobaseret tilsyn og udvælgelse.",
        "purpose": (
            "<p>Tilsynsnetværket er for alle, der planlægger eller udfører tilsyn. Vi drøfter "
            "risikomodeller, datagrundlag og hvordan man måler effekten af tilsyn.</p>"
        ),
        "member_information": "<p>Næste års mødeplan aftales på decembermødet.</p>",
        "coordinators": ["coordinator"],
        "members": ["jens", "lars"],
        "requests": [],
    },
    {
        "slug": "nordiskt-ai-natverk",
        "shared_cases": ["ai-triage-skatteverket", "ai-visitering-skattestyrelsen"],
        "title": "Nordiskt nätverk för AI i offentlig förvaltning",
        "country": "nordic",
        "language": "en",
        "join_policy": "request",
        "topics": ["ai-in-casework", "information-security"],
        "summary": (
            "Swedish and Danish agencies share what works, and what does not, when AI is "
            "used in casework."
        ),
        "purpose": (
            "<p>The network brings together people who build, buy or govern AI systems in "
            "public administration in Sweden and Denmark. Meetings are held in English and "
            "alternate between Stockholm, Copenhagen and online.</p>"
        ),
        "member_information": (
            "<p>Members share model cards and risk assessments in the network's workspace. "
            "Ask a coordinator for access.</p>"
        ),
        "coordinators": ["samordnare", "coordinator"],
        "members": ["anna", "lars", "member", "medlem", "sofia", "jens"],
        "requests": [],
    },
]

# Each meeting: network slug, slug, title, days from today, start hour, hours, time zone,
# format, venue, address, capacity, audience, summary, agenda, minutes, lessons,
# registrations (usernames in order; beyond capacity they wait).
MEETINGS = [
    {
        "network": "intern-styrning-och-kontroll",
        "slug": "riskanalys-i-praktiken",
        "publish_lessons": True,
        "title": "Riskanalys i praktiken",
        "days": -75,
        "hour": 9,
        "hours": 4,
        "tz": STOCKHOLM,
        "format": "in_person",
        "venue": "Ekonomistyrningsverket",
        "address": "Drottninggatan 89, Stockholm",
        "capacity": 30,
        "summary": "Hur gör myndigheterna sina riskanalyser, och vad händer sedan med dem?",
        "agenda": [
            ("09:00", "Välkommen och kort presentationsrunda", "Karin Holm, ESV"),
            (
                "09:30",
                "Så arbetar Skatteverket med verksamhetsövergripande risker",
                "Erik Johansson",
            ),
            ("10:30", "Gruppdiskussion: från riskanalys till åtgärdsplan", ""),
            ("12:00", "Lunch", ""),
        ],
        "minutes": (
            "<p>Elva myndigheter deltog. Flera beskrev att riskanalysen görs en gång om året "
            "men sällan följs upp under året. Skatteverket visade hur de kopplar varje risk "
            "till en ansvarig chef och följer upp kvartalsvis.</p>"
        ),
        "lessons": [
            (
                "Koppla varje risk till en ansvarig chef",
                "Risker utan en namngiven ägare blev sällan åtgärdade. När varje risk fick en "
                "ansvarig chef och en uppföljning per kvartal stängdes fler åtgärder i tid.",
                "success",
            ),
            (
                "En årlig riskanalys räcker inte",
                "Myndigheter som bara gjorde analysen i samband med årsredovisningen "
                "upptäckte nya risker för sent.",
                "pitfall",
            ),
        ],
        "registrations": ["member", "anna", "sofia"],
    },
    {
        "network": "intern-styrning-och-kontroll",
        "slug": "internrevision-och-ledning",
        "title": "Internrevisionen och ledningen",
        "days": 21,
        "hour": 13,
        "hours": 3,
        "tz": STOCKHOLM,
        "format": "hybrid",
        "venue": "Försäkringskassan, huvudkontoret",
        "address": "Klara Västra Kyrkogata 11, Stockholm",
        "online_link": "https://meet.example/ist-internrevision",
        "capacity": 25,
        "summary": "Hur får internrevisionens iakttagelser genomslag i ledningens beslut?",
        "agenda": [
            ("13:00", "Inledning", "Karin Holm, ESV"),
            ("13:15", "Revisionsplanen som styrverktyg", "Anna Berg, Försäkringskassan"),
            ("14:15", "Erfarenhetsutbyte i mindre grupper", ""),
        ],
        "registrations": ["anna", "member"],
    },
    {
        "network": "intern-styrning-och-kontroll",
        "slug": "arsplanering",
        "title": "Årsplanering och uppföljning av åtgärder",
        "days": 70,
        "hour": 9,
        "hours": 3,
        "tz": STOCKHOLM,
        "format": "online",
        "online_link": "https://meet.example/ist-arsplanering",
        "capacity": None,
        "summary": "Vi planerar nätverkets år och jämför hur vi följer upp beslutade åtgärder.",
        "agenda": [
            ("09:00", "Förslag på teman för nästa år", "Karin Holm"),
            ("10:00", "Verktyg för åtgärdsuppföljning – tre exempel", "Sofia Ek, Lantmäteriet"),
        ],
        "registrations": ["sofia"],
    },
    {
        "network": "analysnatverket",
        "slug": "prognoser-med-maskininlarning",
        "title": "Prognoser med maskininlärning",
        "days": -40,
        "hour": 10,
        "hours": 3,
        "tz": STOCKHOLM,
        "format": "in_person",
        "venue": "Lantmäteriet",
        "address": "Lantmäterigatan 2C, Gävle",
        "capacity": 20,
        "audience": "signed_in",
        "summary": "Två myndigheter visar hur de byggt prognosmodeller och vad de lärde sig.",
        "agenda": [
            ("10:00", "Ärendeprognoser med gradient boosting", "Sofia Ek, Lantmäteriet"),
            ("11:00", "Varför vi gick tillbaka till en enklare modell", "Anna Berg"),
            ("12:00", "Diskussion", ""),
        ],
        "minutes": (
            "<p>Diskussionen handlade mest om förklarbarhet: verksamheten litade mer på "
            "prognoser som kunde förklaras, även när de var något mindre träffsäkra.</p>"
        ),
        "lessons": [
            (
                "Förklarbarhet slår några procents träffsäkerhet",
                "Handläggarna använde prognosen först när de förstod vad den byggde på. En "
                "enklare modell som gick att förklara fick större genomslag.",
                "success",
            ),
        ],
        "registrations": ["sofia", "anna", "member"],
    },
    {
        "network": "analysnatverket",
        "slug": "datadelning-och-juridik",
        "title": "Datadelning mellan myndigheter – juridiken",
        "days": 10,
        "hour": 13,
        "hours": 2,
        "tz": STOCKHOLM,
        "format": "online",
        "online_link": "https://meet.example/analys-datadelning",
        "capacity": 3,
        "audience": "signed_in",
        "summary": "Vad får vi dela, och hur? Ett kort seminarium med gott om tid för frågor.",
        "agenda": [
            ("13:00", "Sekretess och dataskydd vid datadelning", "Jurist från Digg"),
            ("14:00", "Frågor och exempel från deltagarna", ""),
        ],
        # Full: three seats, two on the waiting list.
        "registrations": ["anna", "sofia", "member", "lars", "jens"],
    },
    {
        "network": "analysnatverket",
        "slug": "visualisering-for-ledningen",
        "title": "Visualisering för ledningen",
        "days": 45,
        "hour": 9,
        "hours": 3,
        "tz": STOCKHOLM,
        "format": "in_person",
        "venue": "Ekonomistyrningsverket",
        "address": "Drottninggatan 89, Stockholm",
        "capacity": 40,
        "audience": "signed_in",
        "registration_opens_days": 5,
        "summary": "Hur visar man analysresultat så att ledningen fattar bättre beslut?",
        "agenda": [
            ("09:00", "Dashboards som ingen tittar på – och varför", "Karin Holm"),
            ("10:00", "Workshop: en sida till generaldirektören", ""),
        ],
        "registrations": [],
    },
    {
        "network": "digital-forvaltning",
        "slug": "gevinstrealisering",
        "publish_lessons": True,
        "title": "Gevinstrealisering i praksis",
        "days": -60,
        "hour": 10,
        "hours": 4,
        "tz": COPENHAGEN,
        "format": "in_person",
        "venue": "Digitaliseringsstyrelsen",
        "address": "Landgreven 4, København K",
        "capacity": 30,
        "summary": "Hvordan sikrer vi, at de forventede gevinster faktisk bliver hentet hjem?",
        "agenda": [
            ("10:00", "Velkomst", "Henrik Sørensen, Digst"),
            ("10:15", "Gevinstkort i STAR's digitaliseringsprojekter", "Mette Kristensen"),
            ("11:30", "Erfaringer fra Københavns Kommune", "Lars Nielsen"),
        ],
        "minutes": (
            "<p>Deltagerne var enige om, at gevinsterne skal have en ejer i linjen og ikke "
            "i projektet. Flere havde oplevet, at gevinsterne forsvandt, når projektet "
            "blev lukket.</p>"
        ),
        "lessons": [
            (
                "Gevinster skal ejes af linjen",
                "Når projektet lukkede, forsvandt ansvaret for gevinsterne. En navngiven "
                "ejer i driften gjorde, at gevinsterne blev fulgt op.",
                "success",
            ),
        ],
        "registrations": ["medlem", "lars", "jens"],
    },
    {
        "network": "digital-forvaltning",
        "slug": "selvbetjening-og-brugertest",
        "title": "Selvbetjening og brugertest",
        "days": 28,
        "hour": 9,
        "hours": 3,
        "tz": COPENHAGEN,
        "format": "hybrid",
        "venue": "Aarhus Kommune, Rådhuset",
        "address": "Rådhuspladsen 2, Aarhus C",
        "online_link": "https://meet.example/dk-selvbetjening",
        "capacity": 20,
        "summary": "Erfaringer med brugertest af digitale selvbetjeningsløsninger.",
        "agenda": [
            ("09:00", "Brugertest med få ressourcer", "Lars Nielsen"),
            ("10:00", "Tilgængelighed i praksis", "Jens Madsen, Skattestyrelsen"),
        ],
        "registrations": ["lars", "medlem"],
    },
    {
        "network": "digital-forvaltning",
        "slug": "it-projekter-i-staten",
        "title": "Styring af store it-projekter",
        "days": 90,
        "hour": 13,
        "hours": 3,
        "tz": COPENHAGEN,
        "format": "in_person",
        "venue": "Statens It",
        "address": "Borgergade 16, København K",
        "capacity": 35,
        "summary": "Statens it-projektråd fortæller om de typiske faldgruber.",
        "agenda": [("13:00", "Faldgruber i store it-projekter", "Statens It")],
        "registrations": [],
    },
    {
        "network": "tilsynsnetvaerket",
        "slug": "risikobaseret-tilsyn",
        "publish_lessons": True,
        "title": "Risikobaseret udvælgelse til tilsyn",
        "days": -30,
        "hour": 10,
        "hours": 3,
        "tz": COPENHAGEN,
        "format": "in_person",
        "venue": "Arbejdstilsynet",
        "address": "Landskronagade 33, København Ø",
        "capacity": 25,
        "audience": "signed_in",
        "summary": "Hvordan udvælger vi virksomheder til tilsyn ud fra data?",
        "agenda": [
            ("10:00", "Arbejdstilsynets risikomodel", "Arbejdstilsynet"),
            ("11:00", "Skattestyrelsens kontroludvælgelse", "Jens Madsen"),
        ],
        "minutes": (
            "<p>Begge modeller bruger historiske fund, men Skattestyrelsen udvælger også en "
            "tilfældig stikprøve for at kunne måle modellens træfsikkerhed.</p>"
        ),
        "lessons": [
            (
                "Behold en tilfældig stikprøve",
                "Uden tilfældigt udvalgte tilsyn kan man ikke måle, om risikomodellen rammer "
                "bedre end tilfældigheden, og modellen forstærker sine egne antagelser.",
                "pitfall",
            ),
        ],
        "registrations": ["jens", "lars"],
    },
    {
        "network": "tilsynsnetvaerket",
        "slug": "effekt-af-tilsyn",
        "title": "Hvordan måler vi effekten af tilsyn?",
        "days": 35,
        "hour": 10,
        "hours": 2,
        "tz": COPENHAGEN,
        "format": "online",
        "online_link": "https://meet.example/tilsyn-effekt",
        "capacity": None,
        "audience": "signed_in",
        "summary": "Metoder til at måle, om tilsyn ændrer adfærd.",
        "agenda": [("10:00", "Effektmåling med kontrolgrupper", "Danmarks Statistik")],
        "registrations": ["jens"],
    },
    {
        "network": "tilsynsnetvaerket",
        "slug": "tilsyn-decembermode",
        "title": "Decembermødet: planer for næste år",
        "days": 120,
        "hour": 13,
        "hours": 3,
        "tz": COPENHAGEN,
        "format": "in_person",
        "venue": "Erhvervsstyrelsen",
        "address": "Langelinie Allé 17, København Ø",
        "capacity": 30,
        "summary": "Vi ser tilbage på året og lægger mødeplanen for det kommende år.",
        "agenda": [("13:00", "Årets erfaringer og næste års temaer", "Henrik Sørensen")],
        "registrations": [],
    },
    {
        "network": "nordiskt-ai-natverk",
        "slug": "ai-in-casework-kickoff",
        "title": "AI in casework: where are we?",
        "days": -100,
        "hour": 13,
        "hours": 3,
        "tz": STOCKHOLM,
        "format": "online",
        "online_link": "https://meet.example/nordic-ai-kickoff",
        "capacity": None,
        "language": "en",
        "summary": "Each agency presents its AI use cases in five minutes.",
        "agenda": [
            ("13:00", "Welcome and purpose of the network", "Karin Holm and Henrik Sørensen"),
            ("13:20", "Lightning talks from eight agencies", ""),
            ("15:00", "Choosing themes for the year", ""),
        ],
        "minutes": (
            "<p>Most use cases were about sorting incoming mail and summarising case "
            "files. Few agencies had measured the effect on processing time.</p>"
        ),
        "lessons": [
            (
                "Measure processing time before the pilot starts",
                "Agencies that had no baseline could not show whether the AI support made "
                "casework faster, which made the decision to scale up difficult.",
                "pitfall",
            ),
        ],
        "registrations": ["anna", "lars", "member", "medlem"],
    },
    {
        "network": "nordiskt-ai-natverk",
        "slug": "ai-governance-copenhagen",
        "publish_lessons": True,
        "title": "Governing AI models in production",
        "days": -20,
        "hour": 10,
        "hours": 5,
        "tz": COPENHAGEN,
        "format": "hybrid",
        "venue": "Digitaliseringsstyrelsen",
        "address": "Landgreven 4, København K",
        "online_link": "https://meet.example/nordic-ai-governance",
        "capacity": 40,
        "language": "en",
        "summary": "Model cards, monitoring and who signs off a model update.",
        "agenda": [
            ("10:00", "Model cards at Skattestyrelsen", "Jens Madsen"),
            ("11:00", "Monitoring drift in a document classifier", "Anna Berg"),
            ("13:00", "Panel: who is accountable?", ""),
        ],
        "minutes": (
            "<p>The panel agreed that a model update is a change to casework and needs the "
            "same approval as a change to written guidance.</p>"
        ),
        "lessons": [
            (
                "Treat a model update as a change to casework",
                "Updates approved only by the IT department surprised caseworkers. Routing "
                "them through the same approval as new guidance kept the business on board.",
                "success",
            ),
        ],
        "registrations": ["jens", "anna", "sofia", "lars"],
    },
    {
        "network": "nordiskt-ai-natverk",
        "slug": "ai-procurement-stockholm",
        "title": "Buying AI: procurement and contracts",
        "days": 14,
        "hour": 9,
        "hours": 6,
        "tz": STOCKHOLM,
        "format": "in_person",
        "venue": "Myndigheten för digital förvaltning",
        "address": "Stora Nygatan 25, Stockholm",
        "capacity": 30,
        "language": "en",
        "summary": "What to ask for in tenders and contracts for AI systems.",
        "agenda": [
            ("09:00", "Requirements that suppliers can actually meet", "Digg"),
            ("10:30", "Contract clauses on training data and logs", "Kammarkollegiet"),
            ("13:00", "Case discussion in mixed groups", ""),
        ],
        "registrations": ["anna", "medlem", "member"],
    },
    {
        "network": "nordiskt-ai-natverk",
        "slug": "ai-language-models-online",
        "title": "Language models in public services",
        "days": 60,
        "hour": 14,
        "hours": 2,
        "tz": STOCKHOLM,
        "format": "online",
        "online_link": "https://meet.example/nordic-ai-llm",
        "capacity": None,
        "language": "en",
        "registration_closes_days": 55,
        "summary": "Experiences with chat assistants for citizens and for caseworkers.",
        "agenda": [("14:00", "Three pilots, three lessons", "Lars Nielsen and Sofia Ek")],
        "registrations": ["lars"],
    },
]


@transaction.atomic
def load() -> None:
    home = HomePage.objects.first()
    index = _upsert_page(
        home, NetworkIndexPage, INDEX["slug"], title=INDEX["title"], intro=INDEX["intro"]
    )
    _grant_coordinators(index)
    networks = {spec["slug"]: _load_network(index, spec) for spec in NETWORKS}
    for spec in MEETINGS:
        _load_meeting(networks[spec["network"]], spec)


def _upsert_page(parent, model, slug, **fields):
    """Find the page by slug below ``parent`` (or create it) and publish the given content."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def _grant_coordinators(index: NetworkIndexPage) -> None:
    """Coordinators plan meetings in the admin; models.NetworkPermissionTester keeps each to
    their own networks."""
    group = Group.objects.get(name=COORDINATORS_GROUP)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def _user(username):
    return get_user_model().objects.get(username=username)


def _load_network(index, spec) -> NetworkPage:
    network = _upsert_page(
        index,
        NetworkPage,
        spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        purpose=spec["purpose"],
        country=spec["country"],
        language=spec["language"],
        join_policy=spec["join_policy"],
        member_information=spec["member_information"],
    )
    network.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
    cases = {
        case.slug: case for case in CaseStudyPage.objects.filter(slug__in=spec["shared_cases"])
    }
    network.shared_cases = [
        NetworkSharedCase(case=cases[slug]) for slug in spec["shared_cases"] if slug in cases
    ]
    network.save_revision().publish()
    since = timezone.now() - timedelta(days=365)
    people = [(u, "coordinator", "active") for u in spec["coordinators"]]
    people += [(u, "member", "active") for u in spec["members"]]
    people += [(u, "member", "requested") for u in spec["requests"]]
    for username, role, status in people:
        Membership.objects.update_or_create(
            network=network,
            user=_user(username),
            defaults={
                "role": role,
                "status": status,
                "since": since if status == "active" else None,
            },
        )
    return NetworkPage.objects.get(pk=network.pk)


def _local(days: int, hour: int, zone_name: str) -> datetime:
    """``hour`` o'clock local time, ``days`` from today."""
    zone = ZoneInfo(zone_name)
    day = timezone.localdate(timezone=zone) + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=zone)


def _load_meeting(network, spec) -> MeetingPage:
    start = _local(spec["days"], spec["hour"], spec["tz"])
    agenda = [
        (
            "item",
            {
                "time": time.fromisoformat(clock),
                "title": title,
                "speaker": speaker,
                "description": "",
            },
        )
        for clock, title, speaker in spec["agenda"]
    ]
    # Stable block ids: publishing the lessons as pages is keyed on them.
    lessons = [
        {
            "type": "lesson",
            "id": str(uuid5(NAMESPACE_URL, f"erfa-demo/{spec['slug']}/lesson/{number}")),
            "value": {"title": title, "text": text, "kind": kind},
        }
        for number, (title, text, kind) in enumerate(spec.get("lessons", []))
    ]
    opens = spec.get("registration_opens_days")
    closes = spec.get("registration_closes_days")
    meeting = _upsert_page(
        network,
        MeetingPage,
        spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        start=start,
        end=start + timedelta(hours=spec["hours"]),
        time_zone=spec["tz"],
        format=spec["format"],
        venue=spec.get("venue", ""),
        address=spec.get("address", ""),
        online_link=spec.get("online_link", ""),
        capacity=spec["capacity"],
        audience=spec.get("audience", "members"),
        language=spec.get("language", network.language),
        agenda=agenda,
        minutes=spec.get("minutes", ""),
        lessons=lessons,
        registration_opens=_local(opens, 8, spec["tz"]) if opens is not None else None,
        registration_closes=_local(closes, 23, spec["tz"]) if closes is not None else None,
    )
    _load_registrations(meeting, spec["registrations"], past=spec["days"] < 0)
    if spec.get("publish_lessons"):
        publish_meeting_lessons(meeting)
    return meeting


def _load_registrations(meeting: MeetingPage, usernames: list[str], *, past: bool) -> None:
    created = meeting.start - timedelta(days=30)
    for position, username in enumerate(usernames):
        seated = meeting.capacity is None or position < meeting.capacity
        if seated:
            status = Registration.Status.ATTENDED if past else Registration.Status.REGISTERED
        else:
            status = Registration.Status.WAITLISTED
        Registration.objects.update_or_create(
            meeting=meeting,
            user=_user(username),
            status__in=[s for s in Registration.Status.values if s != "cancelled"],
            defaults={
                "status": status,
                "created_at": created + timedelta(hours=position),
                "dietary_needs": "Vegetarisk" if username == "anna" else "",
            },
        )
