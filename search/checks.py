"""System checks: search settings, the exported model's files, and the stored index (one model
per index, of the configured encoder)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .conf import FORMER_SETTINGS, SETTINGS_NAME, setting_problems
from .encoders import encoder_config, model_id_for
from .export import MANIFEST_FILE, check_export, default_export_dir
from .vectors import index_directory, read_metadata


@register()
def check_search_settings(app_configs=None, **kwargs):
    """ERFA_SEARCH holds known tunables of the right type; former settings are not left behind."""
    messages = [
        Error(problem, hint="See search/conf.py for each tunable.", id="search.E004")
        for problem in setting_problems()
    ]
    for former, name in FORMER_SETTINGS.items():
        if hasattr(settings, former):
            messages.append(
                Warning(
                    f"{former} is no longer read.",
                    hint=f"Set {SETTINGS_NAME}[{name!r}] instead.",
                    id="search.W002",
                )
            )
    return messages


@register()
def check_exported_model(app_configs=None, **kwargs):
    """Every file of the exported model is intact, by the sha256 its manifest records.

    Loading checks only the manifest and the file sizes (a worker must start fast), so a
    same-size corruption is caught here. Reads the whole export: about a second for fp32.
    """
    messages = []
    for directory in _export_directories():
        problems = check_export(directory, checksums=True)
        if problems:
            messages.append(
                Error(
                    f"The exported model in {directory} is not intact: {'; '.join(problems)}.",
                    hint="Run `manage.py export_encoder_model --force`"
                    + ("" if directory == default_export_dir().resolve() else f" --to {directory}")
                    + ".",
                    id="search.E005",
                )
            )
    return messages


def _export_directories() -> list[Path]:
    """The export in its default place, and one that ERFA_ENCODER names by path, if made."""
    candidates = [default_export_dir()]
    try:
        model = encoder_config()["OPTIONS"].get("model")
    except ImproperlyConfigured:
        model = None  # reported by check_index_matches_encoder
    if isinstance(model, str):
        candidates.append(Path(model))
    found = []
    for directory in candidates:
        if (directory / MANIFEST_FILE).is_file() and directory.resolve() not in found:
            found.append(directory.resolve())
    return found


@register(Tags.database)
def check_index_matches_encoder(app_configs=None, databases=None, **kwargs):
    """Runs with database checks (``migrate``, ``check --database default``)."""
    try:
        configured = model_id_for()
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
