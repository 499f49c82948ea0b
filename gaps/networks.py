"""Which networks a gap concerns: its centroid against the network's topics and summary.

A network's profile is its topics' names (in sv/da/en) and its summary in every language
it is written in, each encoded as search encodes a query and compared with the gap's
centroid on the scale gaps are grouped on (``similarity.centred``). Measured by
``bench/bench_gap_grouping.py`` (the grouping's 27 queries against five profiles: IT costs,
HR, climate, archives, a generic one): a need's queries scored 0.42–0.77 against the
network about it (except data-scientist recruitment against an HR network, 0.25–0.28),
other needs at most 0.35 ("e-underskrift avtal" against archives; 0.34 for an IT-cost
query against the generic "a network for agencies that learn from each other"). Hence
``NETWORK_SIMILARITY`` 0.40, above the grouping threshold: a gap shown to the wrong
network costs its coordinators' attention, one missed shows on the network it belongs to.

Runs in the background only (``grouping.find_gaps``): a request never encodes profiles.
"""

from __future__ import annotations

import numpy as np
from django.db import transaction

from network.models import NetworkPage
from search.saved_queries import encode_saved_queries

from .models import SearchGap
from .similarity import centred

NETWORK_SIMILARITY = 0.40


def profile_texts(network: NetworkPage) -> list[str]:
    texts = [
        name
        for topic in network.topics.all()
        for name in (topic.name_sv, topic.name_da, topic.name_en)
    ]
    texts += [network.summary, network.summary_sv, network.summary_da, network.summary_en]
    return list(dict.fromkeys(text.strip() for text in texts if text and text.strip()))


def match_networks(model_id: str, centre: np.ndarray) -> int:
    """Link every open gap with the networks it concerns (answered gaps keep theirs);
    returns how many links there are now."""
    gaps = list(SearchGap.objects.open().filter(model_id=model_id).order_by("pk"))
    through = SearchGap.networks.through
    links = []
    centroids = centred(np.vstack([gap.centroid_array() for gap in gaps]), centre) if gaps else None
    for network in NetworkPage.objects.live().prefetch_related("topics").order_by("pk"):
        texts = profile_texts(network)
        if centroids is None or not texts:
            continue
        encoded_by, profile = encode_saved_queries(texts)
        if encoded_by != model_id:
            continue
        best = (centroids @ centred(profile, centre).T).max(axis=1)
        links += [
            through(searchgap_id=gap.pk, networkpage_id=network.pk)
            for gap, score in zip(gaps, best, strict=True)
            if score >= NETWORK_SIMILARITY
        ]
    # Encoded first, swapped at once: the tab never sees a gap without its networks.
    with transaction.atomic():
        through.objects.filter(searchgap__status=SearchGap.Status.OPEN).delete()
        through.objects.bulk_create(links)
    return len(links)
