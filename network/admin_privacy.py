"""What a coordinator may read in the Wagtail admin: their own networks' pages and public pages.

Coordinators use the Wagtail admin for their networks' meetings. The Coordinators group holds
page permissions on the network index (``demo._grant_coordinators``), and ``permissions``
narrows editing to each coordinator's own networks; but Wagtail lists pages from its permission
policy and, in some views, from the whole tree, so without this module a coordinator reads the
titles of other networks' drafts and of drafts, pending submissions, unpublished and restricted
pages anywhere in the tree.

One rule, ``readable_pages``: an admin user reads a page's title when Wagtail lets them explore
it (their page permissions, less the networks they do not manage), or when it is public (live,
under no view restriction and no unpublished page). Applied by:

- ``NetworkPagePermissionPolicy``: Wagtail's page policy without other networks' subtrees, for
  the explorer, page search, type listings, the admin API and the filtered reports;
- ``chooser_pages`` (hook ``construct_page_chooser_queryset``): the page chooser's browse and
  search lists;
- ``AdminPagePrivacyMiddleware``: refuses the admin URLs that take page ids with no hook to
  filter them (the chooser's parent page and chosen pages, the explorer's parent page) and the
  reports that only moderators may see;
- ``BULK_ACTIONS``: the page bulk actions, whose confirmation pages list the pages the user may
  not act on only where the user may read them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.admin.views.chooser import page_models_from_string
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from portal.models import is_moderator
from search.visibility import public_pages

from .models import NetworkPage, coordinated_networks

_CACHE = "_erfa_unmanaged_network_paths"

# Reports over the whole tree with nothing to filter by permission: moderators only (the
# views by URL name, and their entries in the reports menu).
MODERATORS_ONLY_VIEWS = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}
MODERATORS_ONLY_MENU_ITEMS = {"page-types-usage"}
# Admin views that print the title of the page named by the URL's ``parent_page_id``.
PARENT_PAGE_VIEWS = {
    "wagtailadmin_choose_page_child",
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
}
# Admin views that print the titles of the pages named by the query's ``id`` values.
CHOSEN_PAGES_VIEWS = {"wagtailadmin_choose_page_chosen_multiple"}
# The chooser's first view, which opens at the common ancestor of the page types asked for.
CHOOSER_VIEW = "wagtailadmin_choose_page"
_GUARDED_VIEWS = MODERATORS_ONLY_VIEWS | PARENT_PAGE_VIEWS | CHOSEN_PAGES_VIEWS | {CHOOSER_VIEW}


def unmanaged_network_paths(user) -> list[str]:
    """Tree paths of the networks ``user`` does not manage (none for moderators and
    administrators); cached on the user for the request, as Wagtail caches permissions."""
    if not hasattr(user, _CACHE):
        paths = []
        if not (user.is_superuser or is_moderator(user)):
            managed = coordinated_networks(user).values("pk")
            paths = list(NetworkPage.objects.exclude(pk__in=managed).values_list("path", flat=True))
        setattr(user, _CACHE, paths)
    return getattr(user, _CACHE)


def _outside(paths) -> Q:
    """Pages in none of the subtrees at ``paths``."""
    excluded = Q()
    for path in paths:
        excluded |= Q(path__startswith=path)
    return ~excluded if excluded else Q()


class NetworkPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, less the subtrees of networks the user does not manage: the
    Coordinators group's permissions on the network index do not reach other networks."""

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        return pages.filter(_outside(unmanaged_network_paths(user)))

    def explorable_instances(self, user):
        pages = super().explorable_instances(user)
        return pages.filter(_outside(unmanaged_network_paths(user)))


def register_page_permission_policy() -> None:
    """Make ``NetworkPagePermissionPolicy`` Wagtail's policy for pages (from ``ready()``)."""
    from wagtail.models import AbstractPage
    from wagtail.permissions import register_permission_policy

    register_permission_policy(AbstractPage, NetworkPagePermissionPolicy())


def readable_pages(user):
    """The pages whose titles ``user`` may read in the admin (a lazy queryset)."""
    pages = Page.objects.all()
    if user.is_active and user.is_superuser:
        return pages
    explorable = policy_registry.get_by_type(Page).explorable_instances(user)
    # A live page below an unpublished one would print that page's title as its parent.
    unpublished_parents = Page.objects.filter(live=False, numchild__gt=0, depth__gt=1)
    public = public_pages(Page.objects.all()).filter(
        _outside(unpublished_parents.values_list("path", flat=True))
    )
    return pages.filter(Q(pk__in=explorable.values("pk")) | Q(pk__in=public.values("pk")))


def can_read(user, page_ids) -> bool:
    """Whether ``user`` may read the titles of all the pages ``page_ids`` that exist."""
    try:
        ids = {int(page_id) for page_id in page_ids}
    except (TypeError, ValueError):
        return False
    if not ids or (user.is_active and user.is_superuser):
        return True
    existing = set(Page.objects.filter(pk__in=ids).values_list("pk", flat=True))
    readable = set(readable_pages(user).filter(pk__in=existing).values_list("pk", flat=True))
    return readable == existing


def chooser_pages(pages, request):
    """Hook ``construct_page_chooser_queryset``: the chooser lists readable pages only."""
    user = request.user
    if user.is_active and user.is_superuser:
        return pages
    return pages.filter(pk__in=readable_pages(user).values("pk"))


def hide_moderator_reports(request, menu_items):
    """Hook ``construct_reports_menu``: no menu entry for reports the user may not open."""
    if not is_moderator(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in MODERATORS_ONLY_MENU_ITEMS]


def _chooser_parent(request):
    """The page the chooser opens at when no parent is given but page types are: their first
    common ancestor, as Wagtail's ``BrowseView`` finds it."""
    try:
        models = page_models_from_string(request.GET.get("page_type", ""))
    except (ValueError, LookupError):
        return None  # Wagtail answers 404
    if models == (Page,):
        return None
    return Page.objects.type(*models).first_common_ancestor()


class AdminPagePrivacyMiddleware:
    """Refuses the admin views that would print the titles of pages ``readable_pages`` keeps
    from the user, where Wagtail has no hook to filter them (a 404, as for no such page), and
    the moderators' reports to everyone else (a 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match is not None else None
        if name not in _GUARDED_VIEWS:
            return None  # before touching the user: most requests are none of these
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_superuser:
            return None  # Wagtail sends visitors who are not signed in to its login
        if name in MODERATORS_ONLY_VIEWS and not is_moderator(user):
            raise PermissionDenied
        if name in PARENT_PAGE_VIEWS and "parent_page_id" in view_kwargs:
            ids = [view_kwargs["parent_page_id"]]
        elif name in CHOSEN_PAGES_VIEWS:
            ids = request.GET.getlist("id")
        elif name == CHOOSER_VIEW and request.GET.get("page_type"):
            parent = _chooser_parent(request)
            ids = [parent.pk] if parent is not None else []
        else:
            return None
        if not can_read(user, ids):
            raise Http404
        return None


class ReadableNoAccessMixin:
    """Lists the pages the user may not act on only where the user may read their titles:
    a page id typed into the URL never prints the title of someone else's draft."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        no_access = extra["items_with_no_access"]
        if no_access:
            readable = set(
                readable_pages(self.request.user)
                .filter(pk__in=[page.pk for page in no_access])
                .values_list("pk", flat=True)
            )
            extra["items_with_no_access"] = [page for page in no_access if page.pk in readable]
        return objects, extra


class PrivateDeleteBulkAction(ReadableNoAccessMixin, DeleteBulkAction):
    pass


class PrivateMoveBulkAction(ReadableNoAccessMixin, MoveBulkAction):
    pass


class PrivatePublishBulkAction(ReadableNoAccessMixin, PublishBulkAction):
    pass


class PrivateUnpublishBulkAction(ReadableNoAccessMixin, UnpublishBulkAction):
    pass


# Registered after Wagtail's own (a later registration of an action type replaces it).
BULK_ACTIONS = [
    PrivateDeleteBulkAction,
    PrivateMoveBulkAction,
    PrivatePublishBulkAction,
    PrivateUnpublishBulkAction,
]
