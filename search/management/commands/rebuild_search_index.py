from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from search.encoders import encoder_config, get_encoder
from search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Index every indexable page for the configured encoder (ERFA_ENCODER). Resumable: "
        "pages already current are skipped. A new encoder's vectors are built beside the "
        "served ones, which are replaced only when the build is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reencode", action="store_true", help="encode every passage again")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--device", choices=["cpu", "cuda"], help="where sentence-transformers encodes"
        )
        parser.add_argument(
            "--batch-size", type=int, help="passages per sentence-transformers batch"
        )

    def handle(self, *args, reencode: bool, no_progress: bool, device, batch_size, **options):
        config = encoder_config()
        try:
            encoder = _bulk_encoder(config, device, batch_size)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        summary = rebuild(config, encoder=encoder, reencode=reencode, progress=not no_progress)
        self.stdout.write(
            f"{summary.model_id}: {summary.pages} pages, {summary.passages} passages "
            f"({summary.encoded} encoded, {summary.reused} reused), "
            f"{summary.removed_pages} pages removed, {summary.seconds:.1f} s "
            f"({summary.pages_per_second:.1f} pages/s)"
        )
        if summary.switched_from:
            self.stdout.write(f"Now serving {summary.model_id} (replaced {summary.switched_from}).")
        self.stdout.write(self.style.SUCCESS("Search index is up to date."))


def _bulk_encoder(config: dict, device: str | None, batch_size: int | None):
    """The configured encoder on ``device`` in ``batch_size`` batches, for this run only.

    The index records the configuration without them: where a rebuild ran does not change
    the vectors. sentence-transformers sorts each call's passages by length, so a large batch
    pads little.
    """
    if not (device or batch_size):
        return None
    options = dict(config["OPTIONS"])
    options.update({"device": device} if device else {})
    options.update({"batch_size": batch_size} if batch_size else {})
    return get_encoder({"BACKEND": config["BACKEND"], "OPTIONS": options})
