"""Reading the error summary (templates/includes/error_summary.html) out of a page."""

from bs4 import BeautifulSoup


def error_summary(html: str):
    """(summary element, [(href, text)] of its links), or (None, []) when there is none."""
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.select_one("[data-error-summary]")
    if summary is None:
        return None, []
    return summary, [(a["href"], a.get_text(strip=True)) for a in summary.select("li a")]


def assert_summary_lists_every_error(html: str, expected_anchors: list[str]):
    """The summary is a focus target titled "There is a problem", and each expected field
    has a link to an element of the page with that id, which also shows the error."""
    soup = BeautifulSoup(html, "html.parser")
    summary, links = error_summary(html)
    assert summary is not None, "no error summary"
    assert summary["tabindex"] == "-1"
    assert summary.select_one("h2").get_text(strip=True) == "There is a problem"
    hrefs = [href for href, _ in links]
    for anchor in expected_anchors:
        assert f"#{anchor}" in hrefs, (anchor, hrefs)
    for href, text in links:
        assert text
        assert soup.find(id=href[1:]) is not None, f"{href} leads nowhere"
    return links
