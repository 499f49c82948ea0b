"""System checks: the stored index must belong to the configured encoder (one model per index)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .encoders import encoder_model_id
from .vectors import index_directory, read_metadata


@register(Tags.database)
def check_index_matches_encoder(app_configs=None, databases=None, **kwargs):
    """Runs with database checks (``migrate``, ``check --database default``)."""
    try:
        configured = encoder_model_id(settings.ERFA_ENCODER)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="search.E001")]
    if not databases:
        return []
    from .models import Chunk, IndexState

    try:
        active = IndexState.objects.active()
        if active is None:
            return []
        messages = []
        if active.model_id != configured:
            messages.append(
                Warning(
                    f"The search index holds vectors of {active.model_id}, but ERFA_ENCODER "
                    f"selects {configured}.",
                    hint="Run `manage.py rebuild_search_index`; search keeps serving the "
                    "current index until the new one is complete.",
                    id="search.W001",
                )
            )
        sample = Chunk.objects.filter(model_id=active.model_id).values_list("vector", flat=True)
        vector = sample.first()
        if vector is not None and len(bytes(vector)) != active.dimension * 4:
            messages.append(
                Error(
                    f"Stored vectors of {active.model_id} have {len(bytes(vector)) // 4} "
                    f"dimensions; the index expects {active.dimension}.",
                    hint="Run `manage.py rebuild_search_index --reencode`.",
                    id="search.E002",
                )
            )
        metadata = read_metadata(index_directory(active.model_id))
        if metadata and (
            metadata.model_id != active.model_id or metadata.dimension != active.dimension
        ):
            messages.append(
                Error(
                    f"The index file holds {metadata.model_id} ({metadata.dimension} "
                    f"dimensions), the database {active.model_id} ({active.dimension}).",
                    hint="Delete the file or run `manage.py rebuild_search_index`.",
                    id="search.E003",
                )
            )
        return messages
    except DatabaseError:
        return []  # not migrated yet
