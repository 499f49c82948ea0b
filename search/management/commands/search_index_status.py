import socket

from django.core.management.base import BaseCommand

from search.encoders import model_id_for
from search.generations import lag_behind
from search.models import Chunk, IndexState
from search.sweep import pages_behind
from search.vectors import index_directory, kind_for_size, read_metadata


class Command(BaseCommand):
    help = (
        "Show each search index: model, dimension, chunks, pages, index type, generation, and "
        "this node's copy (its index file's generation and how far it lags the database). "
        "A running web process reports its own at /health/."
    )

    def handle(self, *args, **options):
        configured = model_id_for()
        self.stdout.write(f"configured encoder: {configured}")
        states = IndexState.objects.order_by("status", "model_id")
        if not states:
            self.stdout.write("no index yet: run `manage.py rebuild_search_index`")
        behind = pages_behind()
        if behind:
            self.stdout.write(
                f"pages behind: {len(behind.stale)} to index, {len(behind.gone)} to remove "
                "(run `manage.py index_sweep`)"
            )
        for state in states:
            chunks = Chunk.objects.filter(model_id=state.model_id)
            chunk_count = chunks.count()
            metadata = read_metadata(index_directory(state.model_id))
            if metadata is None:
                file_state = "missing (rebuilt from chunks on first query)"
            elif metadata.generation != state.generation or metadata.count < chunk_count:
                file_state = f"stale (file at generation {metadata.generation})"
            else:
                file_state = "current"
            node_generation = metadata.generation if metadata else None
            lag, lag_seconds = lag_behind(state, node_generation)
            rows = [
                ("model", state.model_id),
                ("status", state.status),
                ("dimension", state.dimension),
                ("chunks", chunk_count),
                ("pages", chunks.values("page_id").distinct().count()),
                ("index type", metadata.kind if metadata else kind_for_size(chunk_count).value),
                ("generation", state.generation),
                ("index file", file_state),
                ("node", socket.gethostname()),
                ("node generation", node_generation if node_generation is not None else "none"),
                ("node lag", _describe_lag(lag, lag_seconds)),
                ("directory", index_directory(state.model_id)),
            ]
            if state.model_id != configured:
                rows.append(("note", "not the configured encoder: run rebuild_search_index"))
            self.stdout.write("")
            for label, value in rows:
                self.stdout.write(f"{label:>15}: {value}")


def _describe_lag(generations: int | None, seconds: float | None) -> str:
    if generations is None:
        return "no index file on this node yet"
    if not generations:
        return "none (current)"
    since = f", {seconds:.1f} s since the first change it lacks" if seconds is not None else ""
    return f"{generations} generation(s) behind{since}; the next query catches up"
