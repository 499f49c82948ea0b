"""factory_boy factories: tests build just what they need."""

from datetime import date, timedelta

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import MEMBERS_GROUP, HomePage, MemberProfile, Organisation, Topic


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Myndighet {n}")
    slug = factory.Sequence(lambda n: f"myndighet-{n}")
    country = "SE"
    kind = Organisation.Kind.GOVERNMENT_AGENCY


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_sv = factory.Sequence(lambda n: f"Ämne {n}")
    name_da = factory.Sequence(lambda n: f"Emne {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in extracted])
        if create:
            self.save()


class MemberFactory(UserFactory):
    """A signed-in network member who works for an organisation."""

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            names = extracted if extracted is not None else [MEMBERS_GROUP]
            self.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in names])
            self.save()

    profile = factory.RelatedFactory(
        "tests.factories.MemberProfileFactory", factory_related_name="user"
    )


class MemberProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberProfile

    organisation = factory.SubFactory(OrganisationFactory)


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Erfa"
    hero_title = "Lär av andra myndigheter"


# --- network -------------------------------------------------------------------------------


class NetworkIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "network.NetworkIndexPage"

    title = "Nätverk"
    slug = "networks"


class NetworkPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "network.NetworkPage"

    title = factory.Sequence(lambda n: f"Nätverk {n}")
    summary = "Ett nätverk för myndigheter som vill lära av varandra."
    purpose = "<p>Vi träffas några gånger om året och delar erfarenheter.</p>"
    country = "SE"
    join_policy = "request"


class MeetingPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "network.MeetingPage"

    title = factory.Sequence(lambda n: f"Nätverksträff {n}")
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=3))
    venue = "Ekonomistyrningsverket"
    address = "Drottninggatan 89, Stockholm"
    audience = "signed_in"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.Membership"

    user = factory.SubFactory(MemberFactory)
    role = "member"
    status = "active"
    since = factory.LazyFunction(timezone.now)


class CaseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "cases.CaseIndexPage"

    title = "Fallstudier"
    slug = "cases"


class CaseStudyPageFactory(wagtail_factories.PageFactory):
    """A published case study; pass ``parent`` (a case index) and, for a draft, ``live=False``."""

    class Meta:
        model = "cases.CaseStudyPage"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Fallstudie {n}")
    summary = "Vi införde digitalt stöd i handläggningen och kortade ledtiderna."
    language = "sv"
    country = "SE"
    status = "completed"
    start_date = date(2022, 1, 1)
    problem = "<p>Handläggningen tog för lång tid.</p>"
    approach = "<p>Vi byggde ett stöd för sortering av ärenden.</p>"

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)
            self.save()

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
            self.save()


class LessonIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "cases.LessonIndexPage"

    title = "Lärdomar"
    slug = "lessons"


class LessonLearnedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "cases.LessonLearnedPage"

    title = factory.Sequence(lambda n: f"Lärdom {n}")
    lesson = "Förankra tidigt hos dem som ska använda lösningen."
    kind = "success"
    language = "sv"
    country = "SE"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A Wagtail document; pass ``file__data`` (bytes) and ``file__filename`` for real content."""

    class Meta:
        model = "wagtaildocs.Document"

    title = factory.Sequence(lambda n: f"Rapport {n}")
    file = factory.django.FileField(filename="rapport.txt", data=b"Rapport.")


def attach(page, *documents):
    """Attach documents to a case as an editor does, so Wagtail's reference index knows."""
    from cases.models import CaseAttachment

    for document in documents:
        page.attachments.add(CaseAttachment(document=document))
    page.save()
    return page
