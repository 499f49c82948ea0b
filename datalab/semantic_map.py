"""The semantic map: every visible case placed in 2D by what it is about.

A case's vector is the mean of its passage vectors in the search index (search's
``page_vectors``), so a Swedish and a Danish case about the same thing lie close together
whatever their language. PCA projects the vectors to two dimensions, FAISS k-means groups
them into themes (on the full vectors, not the projection), and each theme is named by the
words most distinctive of its cases: class-based TF-IDF over Snowball stems without stop
words (search's own analysis), each stem shown as the word its cases use most for it.

Computing all this takes longer than a request may: it is stored in a ``DatalabSnapshot``
and refreshed by a background task when the content's fingerprint changes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from cases.models import CaseStudyPage
from portal.language import STOPWORDS
from portal.models import Country, Organisation, Topic
from search.analysis import stem_words
from search.encoders import normalise_rows
from search.page_vectors import (
    indexed_passages,
    indexed_versions,
    page_vectors,
    served_model_id,
)
from search.visibility import public_pages

from .charts import PALETTE, Chart, PlotLabel, Point, ScatterPlot, Series, spread
from .models import DatalabSnapshot

# Bump when the payload's shape or the method changes: old snapshots become stale.
PAYLOAD_VERSION = 3  # 3: theme words from stems
KMEANS_SEED = 1234
MIN_THEMES = 4
MAX_THEMES = 12
# Themes are found among the strongest principal components only (see _reduce).
CLUSTER_DIMENSIONS = 8
TERMS_PER_THEME = 3
LABEL_LANGUAGES = ("sv", "da", "en")
MIN_TERM_COUNT = 2  # a term named once or twice is an accident, not a theme

# Words that say nothing about a theme, on top of search's stop words: function words and
# the vocabulary every case shares (project, result, agency ...), in sv, da and en.
_MORE_STOPWORDS = """
    den det dem deras denna dessa detta där dock efter eftersom ett fick finns flera
    från genom hade han har hela hon här hos inom kunde kommer mer mellan mot många
    måste nya när också olika sedan sina sitt ska skulle som till utan vara varit
    vilka vilket våra även än över samt sätt ofta bara nu nya göra gjorde
    månad månader vecka veckor dagar dag året åren
    blev blive bliver både dag denne dette disse efter eller end flere fik findes
    gennem havde hele her hos hvor hvis ikke inden jeres kan kunne mange mellem
    mod meget nye når også omkring skal skulle selv siden sine sit som til uden
    var været vores være år nu bare gøre gjorde måned måneder uge uger dage året
    about after all also been before between both but can could did does each
    more most new not now only other our over same should such than their them
    then there these they this those through under used using very was were
    when where which while who will would year years month months week weeks days
    projekt projektet projektets resultat resultatet myndighet myndigheten
    myndigheter myndigheterna arbete arbetet procent
    projektet resultater myndighed myndigheden myndigheder arbejde arbejdet procent
    project projects result results agency agencies work percent
    problem approach lesson lessons success pitfall problemet tilgang
"""
STOP_WORDS = sorted(STOPWORDS | frozenset(_MORE_STOPWORDS.split()))
_WORD = re.compile(r"(?u)\b[^\W\d_]{3,}\b")


def visible_cases():
    return public_pages(CaseStudyPage.objects.all())


def theme_count(points: int) -> int:
    """About sqrt(n/2) themes, 4 to 12, never more than there are cases."""
    wanted = round(math.sqrt(points / 2)) if points else 0
    return min(points, max(MIN_THEMES, min(MAX_THEMES, wanted)))


def content_fingerprint() -> str:
    """Changes whenever what the map shows could change: a case published, unpublished,
    moved or re-indexed, or another encoder served."""
    model_id = served_model_id()
    cases = list(visible_cases().order_by("pk").values_list("pk", "last_published_at", "url_path"))
    chunks = indexed_versions([pk for pk, *_ in cases])
    content = [
        PAYLOAD_VERSION,
        model_id,
        [[*case, *chunks.get(case[0], (0, None))] for case in cases],
    ]
    return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()


def compute_map(*, progress: bool = False) -> dict:
    """The map's payload for the cases visible now (see the module docstring)."""
    steps = tqdm(total=4, desc="semantic map", unit="step", disable=not progress)
    cases = {
        case.pk: case
        for case in visible_cases().prefetch_related("organisations", "topics").order_by("pk")
    }
    vectors = page_vectors()
    placed_ids, matrix = _case_vectors(vectors, cases)
    steps.update()

    # Matrices this small gain nothing from threads, and BLAS and OpenMP pools fighting
    # over two cores cost more than the work itself.
    with threadpool_limits(limits=1):
        reduced, explained = _reduce(matrix)
        steps.update()
        themes = theme_count(len(placed_ids))
        labels = _cluster(reduced, themes)
    steps.update()
    texts = _case_texts(placed_ids)
    terms = _distinctive_terms(
        [texts[pk] for pk in placed_ids],
        [cases[pk].language for pk in placed_ids],
        labels,
        themes,
    )
    steps.update()
    steps.close()

    points = [
        {
            "page_id": pk,
            "title": cases[pk].title,
            "url": cases[pk].get_url() or "",
            "country": cases[pk].country,
            "language": cases[pk].language,
            "organisations": [organisation.slug for organisation in cases[pk].organisations.all()],
            "topics": [topic.slug for topic in cases[pk].topics.all()],
            "x": round(float(reduced[position, 0]), 5),
            "y": round(float(reduced[position, 1]), 5),
            "theme": int(labels[position]),
        }
        for position, pk in enumerate(placed_ids)
    ]
    clusters = []
    for theme in range(themes):
        members = [point for point in points if point["theme"] == theme]
        clusters.append(
            {
                "theme": theme,
                "terms": terms[theme],
                "size": len(members),
                "x": round(float(np.mean([point["x"] for point in members])), 5)
                if members
                else 0.0,
                "y": round(float(np.mean([point["y"] for point in members])), 5)
                if members
                else 0.0,
            }
        )
    return {
        "version": PAYLOAD_VERSION,
        "model_id": served_model_id(),
        "explained_variance": [round(float(value), 4) for value in explained],
        "points": points,
        "themes": clusters,
        "unplaced": [pk for pk in cases if pk not in set(placed_ids)],
    }


@dataclass(frozen=True)
class RefreshResult:
    snapshot: DatalabSnapshot
    computed: bool  # False: the snapshot was already current


def refresh_semantic_map(*, force: bool = False, progress: bool = False) -> RefreshResult:
    """Recompute the map's snapshot unless it is already current (or ``force``)."""
    fingerprint = content_fingerprint()
    snapshot = DatalabSnapshot.objects.filter(kind=DatalabSnapshot.Kind.SEMANTIC_MAP).first()
    if snapshot is not None and snapshot.fingerprint == fingerprint and not force:
        return RefreshResult(snapshot, computed=False)
    started = time.perf_counter()
    payload = compute_map(progress=progress)
    snapshot, _created = DatalabSnapshot.objects.update_or_create(
        kind=DatalabSnapshot.Kind.SEMANTIC_MAP,
        defaults={
            "fingerprint": fingerprint,
            "payload": payload,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return RefreshResult(snapshot, computed=True)


@dataclass(frozen=True)
class MapState:
    snapshot: DatalabSnapshot | None
    stale: bool


def map_state() -> MapState:
    """The stored map, and whether content has changed since it was computed."""
    snapshot = DatalabSnapshot.objects.filter(kind=DatalabSnapshot.Kind.SEMANTIC_MAP).first()
    if snapshot is None or snapshot.payload.get("version") != PAYLOAD_VERSION:
        return MapState(None, stale=True)  # a payload of another shape cannot be drawn
    return MapState(snapshot, stale=snapshot.fingerprint != content_fingerprint())


# Internals ---------------------------------------------------------------------------


def _case_vectors(vectors, cases: dict) -> tuple[list[int], NDArray[np.float32]]:
    """The cases that have vectors (a case not indexed yet waits for the next refresh)."""
    if vectors is None:
        return [], np.empty((0, 0), dtype=np.float32)
    position_of = {int(page_id): position for position, page_id in enumerate(vectors.page_ids)}
    placed = [pk for pk in cases if pk in position_of]
    rows = [position_of[pk] for pk in placed]
    return placed, np.ascontiguousarray(vectors.matrix[rows], dtype=np.float32)


def _reduce(matrix: NDArray[np.float32]) -> tuple[NDArray[np.float64], list[float]]:
    """The centred vectors' first principal components, strongest first.

    Centring removes what every case shares (public-sector digitalisation, mostly), and the
    few strongest components carry what tells cases apart: clustering on them groups the
    demo's same-initiative cases far better than clustering on the full vectors.
    """
    count = matrix.shape[0]
    if count < 2:
        return np.zeros((count, 2)), []
    from sklearn.decomposition import PCA

    components = min(CLUSTER_DIMENSIONS, count - 1, matrix.shape[1])
    pca = PCA(n_components=components, random_state=0)
    reduced = pca.fit_transform(matrix)  # PCA centres the vectors itself
    if components < 2:
        reduced = np.hstack([reduced, np.zeros((count, 2 - components))])
    return reduced, list(pca.explained_variance_ratio_[:2])


def _cluster(reduced: NDArray[np.float64], themes: int) -> NDArray[np.int64]:
    count = reduced.shape[0]
    if count == 0:
        return np.empty(0, dtype=np.int64)
    if themes >= count:
        return np.arange(count, dtype=np.int64)
    import faiss

    points = normalise_rows(reduced)
    kmeans = faiss.Kmeans(
        points.shape[1],
        themes,
        niter=50,
        nredo=5,
        seed=KMEANS_SEED,
        spherical=True,
        verbose=False,
        # A small corpus is the normal case here, not a mistake worth a warning.
        min_points_per_centroid=1,
    )
    kmeans.train(points)
    _distances, assignment = kmeans.index.search(points, 1)
    return _renumber(assignment.ravel().astype(np.int64), themes)


def _renumber(labels: NDArray[np.int64], themes: int) -> NDArray[np.int64]:
    """Themes numbered by size, largest first, then by first case: stable across runs."""
    order = sorted(
        range(themes),
        key=lambda theme: (-int(np.sum(labels == theme)), int(np.argmax(labels == theme))),
    )
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[int(label)] for label in labels], dtype=np.int64)


def _case_texts(page_ids: list[int]) -> dict[int, str]:
    texts: dict[int, list[str]] = {pk: [] for pk in page_ids}
    titles = dict(CaseStudyPage.objects.filter(pk__in=page_ids).values_list("pk", "title"))
    for pk, title in titles.items():
        texts[pk].append(title)
    for page_id, passages in indexed_passages(page_ids).items():
        texts[page_id].extend(passages)
    return {pk: "\n".join(parts) for pk, parts in texts.items()}


def _distinctive_terms(
    texts: list[str], languages: list[str], labels: NDArray[np.int64], themes: int
) -> list[dict[str, list[str]]]:
    """Each theme's most distinctive words in each language its cases are written in."""
    terms: list[dict[str, list[str]]] = [{} for _ in range(themes)]
    for language in LABEL_LANGUAGES:
        chosen = [position for position, value in enumerate(languages) if value == language]
        if not chosen:
            continue
        found = _class_tfidf_terms(
            [texts[position] for position in chosen], labels[chosen], themes, language
        )
        for theme, words in enumerate(found):
            if words:
                terms[theme][language] = words
    return terms


def _stems(texts: list[str], language: str) -> tuple[list[list[str]], dict[str, str]]:
    """Each text's stems without stop words, and the word most often written for each stem.

    Stemming joins "chattbot", "chattbotten" and "chattbotar" into one term, so a theme's
    three words are three different things rather than one word's forms; a stem that is
    a stop word's stem ("projekt" of "projektet") is left out with the stop words.
    """
    stopped = set(STOP_WORDS) | set(stem_words(STOP_WORDS, language))
    written: dict[str, Counter] = defaultdict(Counter)
    stemmed = []
    for text in texts:
        words = [word for word in _WORD.findall(text.lower()) if word not in stopped]
        stems = stem_words(words, language)
        for stem, word in zip(stems, words, strict=True):
            written[stem][word] += 1
        stemmed.append([stem for stem in stems if stem not in stopped])
    # The commonest form, the shorter one on a tie ("chattbot" before "chattbotten").
    shown = {
        stem: min(forms.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        for stem, forms in written.items()
    }
    return stemmed, shown


def _class_tfidf_terms(
    texts: list[str], labels: NDArray[np.int64], themes: int, language: str
) -> list[list[str]]:
    """Class-based TF-IDF on stems: the terms frequent within a theme and rare in the others.

    A term scores its share of the theme's words times the log of how much more often it
    occurs there than in the whole corpus, so a word all themes use often ("data") scores
    nothing while a theme's own words rise.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    stemmed, shown = _stems(texts, language)
    documents = [
        [
            stem
            for stems, label in zip(stemmed, labels, strict=True)
            if label == theme
            for stem in stems
        ]
        for theme in range(themes)
    ]
    vectorizer = CountVectorizer(analyzer=lambda stems: stems)
    try:
        counts = vectorizer.fit_transform(documents).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(themes)]
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    corpus_share = counts.sum(axis=0) / max(counts.sum(), 1)
    lift = np.log(np.maximum(share, 1e-12) / np.maximum(corpus_share, 1e-12))
    scores = np.where(counts >= MIN_TERM_COUNT, share * lift, 0.0)
    vocabulary = vectorizer.get_feature_names_out()
    return [
        [
            shown[str(vocabulary[i])]
            for i in np.argsort(-scores[theme], kind="stable")[:TERMS_PER_THEME]
            if scores[theme, i] > 0
        ]
        for theme in range(themes)
    ]


# Presentation ----------------------------------------------------------------------------


class ColourBy(StrEnum):
    COUNTRY = "country"
    TOPIC = "topic"
    THEME = "theme"


def theme_label(terms: dict[str, list[str]], language: str) -> str:
    """A theme's terms in the reader's language, or in the languages its cases are in."""
    if terms.get(language):
        return ", ".join(terms[language])
    return ", ".join(words[0] for words in terms.values() if words)


def map_chart(
    payload: dict,
    *,
    visible_ids: set[int],
    colour_by: ColourBy,
    language: str,
) -> Chart:
    """The map as a chart: a table of the placed cases and a scatter plot of the same.

    Only cases visible now are drawn, even if the snapshot is older than an unpublishing.
    The table says what a reader needs (which theme, which case, whose, where); the map's
    coordinates mean nothing on their own and stay out of it.
    """
    organisation_names = dict(Organisation.objects.values_list("slug", "name"))
    topic_names = {topic.slug: topic.name for topic in Topic.objects.all()}
    country_names = dict(Country.choices)
    themes = {theme["theme"]: theme for theme in payload["themes"]}
    labels = {
        number: f"{number + 1}: {theme_label(theme['terms'], language)}"
        for number, theme in themes.items()
    }
    points = sorted(
        (point for point in payload["points"] if point["page_id"] in visible_ids),
        key=lambda point: (point["theme"], point["title"].lower()),
    )
    chart = Chart(
        key="semantic-map",
        title=_("Semantic map of the cases"),
        description=_(
            "Cases close together are about similar things, whatever their language. "
            "Themes are groups of similar cases, named by their most distinctive words."
        ),
        columns=[_("Case"), _("Theme"), _("Organisations"), _("Country")],
        rows=[
            [
                point["title"],
                labels.get(point["theme"], str(point["theme"] + 1)),
                ", ".join(organisation_names.get(slug, slug) for slug in point["organisations"]),
                country_names.get(point["country"], point["country"]),
            ]
            for point in points
        ],
        links=[point["url"] for point in points],
    )
    chart.plot = _scatter_plot(chart, points, labels, colour_by, topic_names)
    return chart


def _scatter_plot(chart, points, labels, colour_by, topic_names) -> ScatterPlot:
    groups = []
    order: dict[str, tuple] = {}
    for position, point in enumerate(points):
        if colour_by is ColourBy.TOPIC:
            group = topic_names.get(point["topics"][0], "") if point["topics"] else ""
            group = group or str(_("No topic"))
        elif colour_by is ColourBy.THEME:
            group = chart.rows[position][1]
        else:
            group = chart.rows[position][3]
        groups.append(group)
        # Themes in their numbers' order (10 after 9), anything else alphabetically.
        order[group] = (point["theme"], group) if colour_by is ColourBy.THEME else (0, group)
    legend = [
        Series(group, PALETTE[number % len(PALETTE)])
        for number, group in enumerate(sorted(order, key=order.__getitem__))
    ]
    colours = {item.name: item.colour for item in legend}
    xs = spread([point["x"] for point in points])
    ys = spread([point["y"] for point in points], flip=True)
    drawn = [
        Point(
            x=xs[position],
            y=ys[position],
            colour=colours[groups[position]],
            url=point["url"],
            text=" – ".join(str(cell) for cell in chart.rows[position][:3] if cell),
        )
        for position, point in enumerate(points)
    ]
    # Each theme's number over the middle of its cases as drawn: short enough to stay inside
    # the map on a phone; its words are in its tooltip, the legend, the list of themes and
    # the table.
    members: dict[int, list[int]] = defaultdict(list)
    for position, point in enumerate(points):
        members[point["theme"]].append(position)
    theme_labels = [
        PlotLabel(
            x=round(min(96.0, max(4.0, float(np.mean([xs[i] for i in at])))), 2),
            y=round(max(6.0, float(np.mean([ys[i] for i in at]))), 2),
            text=str(theme + 1),
            full=labels.get(theme, str(theme + 1)),
        )
        for theme, at in sorted(members.items())
    ]
    return ScatterPlot(points=drawn, labels=theme_labels, legend=legend)
