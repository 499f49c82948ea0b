import pytest

from portal.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vi införde AI-stöd i handläggningen och minskade väntetiden för de sökande.", "sv"),
        ("Vi indførte AI-støtte i sagsbehandlingen og reducerede ventetiden for borgerne.", "da"),
        ("We introduced AI support in casework and reduced waiting times for applicants.", "en"),
        ("Hur mäter andra myndigheter sin digitala mognad?", "sv"),
        ("Hvordan måler andre styrelser deres digitale modenhed?", "da"),
        ("How do other agencies measure digital maturity?", "en"),
        # Short texts and words that Swedish and Danish share.
        ("IT-kostnader per anställd", "sv"),
        ("Nøgletal for IT", "da"),
        ("Det var en god idé att börja smått", "sv"),
        ("Det var en god idé at starte småt", "da"),
        ("omkostninger per medarbejder", "da"),
        # Mixed: an English sentence naming Nordic agencies stays English.
        ("Open data at Skatteverket and Skattestyrelsen: what we learned from the API", "en"),
        ("Vi har brugt machine learning til risikobaseret udvælgelse af virksomheder", "da"),
        ("Vi har använt machine learning för riskbaserat urval av företag", "sv"),
    ],
)
def test_detects_the_language_of_realistic_sentences(text, expected):
    """Swedish, Danish and English are told apart, also in short and mixed texts."""
    assert detect_language(text) == expected


def test_falls_back_to_the_default_when_nothing_points_anywhere():
    """Empty text, names and abbreviations give the default rather than a guess."""
    assert detect_language("") == "sv"
    assert detect_language("SKV DIGG", default="da") == "da"
