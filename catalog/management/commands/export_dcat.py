"""``manage.py export_dcat [--format ttl|jsonld] [--output FILE]``: the catalogue served at
/catalog.ttl and /catalog.jsonld, written to a file (or standard output) for harvesters that
take a file, or to check it before it goes live."""

from pathlib import Path

from django.core.management.base import BaseCommand
from rdflib import RDF
from rdflib.namespace import DCAT

from catalog.dcat import build_catalog, serialize


class Command(BaseCommand):
    help = "Write the DCAT-AP catalogue of the case library and public indicator series."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["ttl", "jsonld"], default="ttl")
        parser.add_argument("--output", help="File to write; standard output by default.")

    def handle(self, *args, **options):
        graph = build_catalog()
        text = serialize(graph, options["format"])
        datasets = len(set(graph.subjects(RDF.type, DCAT.Dataset)))
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(
                f"Wrote {options['output']}: {datasets} datasets, {len(graph)} triples."
            )
        else:
            self.stdout.write(text)
