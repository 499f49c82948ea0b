"""The semantic map as a reader sees it: themes named by distinctive words (stems, not word
forms; no stop words), and a table of cases with their themes instead of coordinates."""

import numpy as np
import pytest
from bs4 import BeautifulSoup

from datalab.models import DatalabSnapshot
from datalab.semantic_map import PAYLOAD_VERSION, _class_tfidf_terms
from search.analysis import stem_words


def test_a_theme_is_named_by_its_distinctive_words_once_per_stem():
    texts = [
        "Chattbot svarar medborgarna. Chattbotten svarar dygnet runt i projektet.",
        "Chattboten svarar på frågor om skatt; chattbot i kundtjänsten.",
        "Parkering och parkeringstillstånd: parkeringen digitaliseras i projektet.",
        "Digitala parkeringstillstånd och parkering för boende i projekten.",
    ]
    labels = np.array([0, 0, 1, 1])
    chatbots, parking = _class_tfidf_terms(texts, labels, 2, "sv")
    assert chatbots[0] == "chattbot"  # the commonest form of the stem "chattbot"
    assert "svarar" in chatbots
    assert parking[0] == "parkering"
    for words in (chatbots, parking):
        assert not {"och", "på", "projektet", "projekten", "projekt"} & set(words)
        # One word per stem: never "chattbot" and "chattbotten" side by side.
        assert len(set(stem_words(words, "sv"))) == len(words)


def test_words_shared_by_every_theme_name_none():
    texts = ["data data chattbot chattbot", "data data parkering parkering"]
    first, second = _class_tfidf_terms(texts, np.array([0, 1]), 2, "sv")
    assert "data" not in first + second
    assert first == ["chattbot"] and second == ["parkering"]


@pytest.mark.django_db
def test_the_map_table_names_theme_case_organisation_and_country_not_coordinates(
    client, make_case, organisations
):
    case = make_case("Chattbot för kundtjänst", organisations=[organisations["skv"]])
    DatalabSnapshot.objects.create(
        kind=DatalabSnapshot.Kind.SEMANTIC_MAP,
        fingerprint="test",
        payload={
            "version": PAYLOAD_VERSION,
            "model_id": "test",
            "explained_variance": [],
            "points": [
                {
                    "page_id": case.pk,
                    "title": case.title,
                    "url": case.url,
                    "country": "SE",
                    "language": "sv",
                    "organisations": ["skatteverket"],
                    "topics": [],
                    "x": -0.123456,
                    "y": 0.654321,
                    "theme": 0,
                }
            ],
            # The same words in every language: the label is the same whichever is read.
            "themes": [
                {
                    "theme": 0,
                    "terms": {code: ["chattbot", "kundtjänst"] for code in ("sv", "da", "en")},
                    "size": 1,
                }
            ],
            "unplaced": [],
        },
    )
    response = client.get("/datalab/map/")
    chart = response.context["chart"]
    assert chart.rows == [
        ["Chattbot för kundtjänst", "1: chattbot, kundtjänst", "Skatteverket", chart.rows[0][3]]
    ]
    html = BeautifulSoup(response.content, "html.parser")
    section = html.find("section", id="semantic-map")
    headers = [th.get_text() for th in section.find("table").find("thead").find_all("th")]
    assert len(headers) == 4 and not {"x", "y"} & set(headers)
    assert "0.12" not in section.find("table").get_text()
    assert "0,65" not in section.find("table").get_text()
    # The drawing: one point, linked to its case, and the theme's label over it.
    svg = section.find("svg", class_="datalab-map")
    assert svg["role"] == "img" and svg["aria-labelledby"]
    (point,) = svg.find_all("circle", class_="point")
    assert point["data-url"].endswith(f"/cases/{case.slug}/")
    assert "Chattbot för kundtjänst" in point.find("title").get_text()
    label = svg.find("text", class_="datalab-map__label")
    assert label.find("title").get_text() == "1: chattbot, kundtjänst"  # the tooltip
    assert label.find(string=True, recursive=False) == "1"  # the theme's number, drawn
