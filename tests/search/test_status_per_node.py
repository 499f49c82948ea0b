"""search_index_status reports this node's copy of the index: its generation and its lag."""

import socket
from io import StringIO

from django.core.management import call_command

from search.generations import bump_generation, lag_behind
from search.models import IndexState


def status() -> str:
    out = StringIO()
    call_command("search_index_status", stdout=out)
    return out.getvalue()


def test_status_reports_this_nodes_generation_and_lag(make_page):
    page = make_page("Nodläge", "Vi mäter hur långt efter en nod ligger.")
    state = IndexState.objects.active()
    text = status()
    assert f"node: {socket.gethostname()}" in text
    assert f"node generation: {state.generation}" in text
    assert "node lag: none (current)" in text

    # Another process moved the database on; this node's file has not followed yet.
    file_generation = state.generation
    bump_generation(state, page.pk, announce=False)
    bump_generation(state, page.pk, announce=False)
    text = status()
    assert f"node generation: {file_generation}" in text
    assert "node lag: 2 generation(s) behind" in text
    generations, seconds = lag_behind(state, file_generation)
    assert generations == 2 and seconds is not None and seconds >= 0
    assert lag_behind(state, None) == (None, None)
