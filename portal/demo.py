"""Demo content for the portal base: the site and home page, organisations, topics and users.

The content itself is data, in ``demo_content/``: ``home.yaml``, ``organisations.yaml``,
``topics.yaml`` and ``users.yaml``; ``demo_content/README.md`` describes the fields. Edit a
file and run ``load_demo`` again.

Idempotent: every object is looked up by a natural key and updated in place, so running
`manage.py load_demo` again changes nothing and creates no duplicates.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

from .demo_loader import DemoContentError, check_fields, read_yaml, translation_fields
from .models import (
    COORDINATORS_GROUP,
    MEMBERS_GROUP,
    MODERATORS_GROUP,
    HomePage,
    MemberProfile,
    Organisation,
    Topic,
)

CONTENT = Path(__file__).with_name("demo_content")

# The fields of an entry in each file (required, optional); README.md here describes them.
ORGANISATION_FIELDS = ("slug name country kind website", "short_name")
TOPIC_FIELDS = ("slug sv da en", "")
USER_FIELDS = ("username first_name last_name email organisation", "groups staff superuser")

# The groups a demo user may be in, by the name users.yaml gives them.
GROUPS = {
    "members": MEMBERS_GROUP,
    "coordinators": COORDINATORS_GROUP,
    "moderators": MODERATORS_GROUP,
}


@transaction.atomic
def load() -> HomePage:
    """Create or update the portal's demo content and return the home page."""
    home = _load_home_page(_read("home.yaml", "title hero_title hero_text", "translations"))
    organisations = _read("organisations.yaml", "organisations")["organisations"]
    for spec in _entries("organisations.yaml", organisations, ORGANISATION_FIELDS):
        Organisation.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "short_name": spec.get("short_name", ""),
                "country": spec["country"],
                "kind": spec["kind"],
                "website": spec["website"],
            },
        )
    topics = _read("topics.yaml", "topics")["topics"]
    for spec in _entries("topics.yaml", topics, TOPIC_FIELDS):
        Topic.objects.update_or_create(
            slug=spec["slug"],
            defaults={"name_sv": spec["sv"], "name_da": spec["da"], "name_en": spec["en"]},
        )
    users = _read("users.yaml", "password users")
    _load_users(_entries("users.yaml", users["users"], USER_FIELDS), users["password"])
    return home


def _read(name: str, required: str, optional: str = "") -> dict:
    """The fields of ``demo_content/<name>``, once it has those it must and no other."""
    path = CONTENT / name
    return check_fields(path, read_yaml(path), required, optional)


def _entries(name: str, entries, fields: tuple[str, str]) -> list[dict]:
    """``entries``, a list read from ``demo_content/<name>``, once each has the fields it
    must and no other (``fields``: the required and the optional ones)."""
    if not isinstance(entries, list):
        raise DemoContentError(f"{CONTENT / name}: expected a list of entries, found {entries!r}")
    return [
        check_fields(f"{CONTENT / name}, entry {number}", entry, *fields)
        for number, entry in enumerate(entries, 1)
    ]


def _load_home_page(spec: dict) -> HomePage:
    translations = translation_fields(
        CONTENT / "home.yaml", spec.get("translations"), "title seo_title hero_title hero_text"
    )
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's placeholder page from its initial migration makes way for the home page.
        Page.objects.filter(depth=2, slug="home").delete()
        home = HomePage(
            title=spec["title"],
            slug="home",
            hero_title=spec["hero_title"],
            hero_text=spec["hero_text"],
            **translations,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    else:
        home.hero_title, home.hero_text = spec["hero_title"], spec["hero_text"]
        for name, value in translations.items():
            setattr(home, name, value)
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


def _load_users(specs: list[dict], password: str) -> None:
    user_model = get_user_model()
    for number, spec in enumerate(specs, 1):
        unknown = [name for name in spec.get("groups", []) if name not in GROUPS]
        if unknown:
            raise DemoContentError(
                f"{CONTENT / 'users.yaml'}, entry {number}: unknown groups: "
                f"{', '.join(map(str, unknown))} (the groups are: {', '.join(GROUPS)})"
            )
        user, created = user_model.objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": spec["email"],
                "is_staff": spec.get("staff", False),
                "is_superuser": spec.get("superuser", False),
            },
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(*[Group.objects.get(name=GROUPS[name]) for name in spec.get("groups", [])])
        MemberProfile.objects.update_or_create(
            user=user,
            defaults={"organisation": Organisation.objects.get(slug=spec["organisation"])},
        )
