from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.importing import MAX_FILE_SIZE
from cases.models import CaseStudyPage

ARTICLE = """<!DOCTYPE html>
<html lang="da"><head><title>Sidetitel | Styrelsen</title><style>body { color: red }</style>
<script>trackVisitor();</script></head>
<body>
<header><a href="/">Forside</a></header>
<nav><ul><li>Om os</li><li>Nyheder</li></ul></nav>
<div id="cookie-banner">Vi bruger cookies. <button>Accepter</button></div>
<div class="breadcrumb">Forside / Cases</div>
<main>
  <h1>Robotter i sagsbehandlingen</h1>
  <p>Styrelsen har indført <strong>softwarerobotter</strong> til rutineopgaver i sagsbehandlingen.</p>
  <h2>Resultater</h2>
  <ul><li>Sagsbehandlingstiden faldt med 30 procent.</li></ul>
  <div class="share-buttons">Del på Facebook</div>
  <aside>Relaterede nyheder</aside>
  <div class="contact-box">Kontakt: jens@example.org</div>
</main>
<footer>© Styrelsen</footer>
</body></html>
"""


def run_import(*args):
    out = StringIO()
    call_command("import_documents", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_html_is_imported_without_boilerplate(case_index, tmp_path):
    """Navigation, scripts, cookie banners and share/contact boxes stay out; h1 is the title."""
    (tmp_path / "robotter.html").write_text(ARTICLE, encoding="utf-8")
    output = run_import(tmp_path / "robotter.html")

    page = CaseStudyPage.objects.get()
    assert page.title == "Robotter i sagsbehandlingen"
    assert page.language == "da" and page.country == "DK"
    assert not page.live
    assert page.get_parent().specific == case_index
    assert "<strong>" not in page.approach  # inline markup does not split paragraphs
    assert "<p>Styrelsen har indført softwarerobotter til rutineopgaver" in page.approach
    assert "<h3>Resultater</h3>" in page.approach
    assert "Sagsbehandlingstiden faldt med 30 procent." in page.approach
    for boilerplate in ("Forside", "cookies", "Om os", "Facebook", "Relaterede", "jens@", "©"):
        assert boilerplate not in page.approach
    assert page.summary.startswith("Styrelsen har indført softwarerobotter")
    assert "1 imported, 0 updated, 0 skipped as duplicate, 0 failed" in output


def test_title_falls_back_to_the_title_element(case_index, tmp_path):
    path = tmp_path / "utan-rubrik.htm"
    path.write_text(
        "<html><head><title>Öppna data i kommunen</title></head>"
        "<body><p>Vi publicerade våra data som öppna data.</p></body></html>",
        encoding="utf-8",
    )
    run_import(path)
    assert CaseStudyPage.objects.get().title == "Öppna data i kommunen"


def test_text_and_markdown_files(case_index, tmp_path):
    """A text file's first non-empty line is the title; Markdown headings lose their #."""
    (tmp_path / "plain.txt").write_text(
        "\n\nDigital mognadsmätning\n\nVi mätte mognaden i alla enheter.\nResultatet var ojämnt.\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text(
        "# Open data portal\n\nWe opened **our** data.\n\n## What we learned\n\n- Start small\n- Ask users\n",
        encoding="utf-8",
    )
    output = run_import(tmp_path, "--publish")
    assert "2 imported" in output
    text_case = CaseStudyPage.objects.get(title="Digital mognadsmätning")
    assert text_case.live and text_case.language == "sv"
    assert "<p>Vi mätte mognaden i alla enheter. Resultatet var ojämnt.</p>" in text_case.approach
    markdown_case = CaseStudyPage.objects.get(title="Open data portal")
    assert markdown_case.language == "en"
    assert "<h3>What we learned</h3>" in markdown_case.approach
    assert "#" not in markdown_case.approach
    assert "<p>- Start small</p><p>- Ask users</p>" in markdown_case.approach


def test_language_option_overrides_detection(case_index, tmp_path):
    (tmp_path / "a.txt").write_text("Titel\n\nVi gjorde något bra.", encoding="utf-8")
    run_import(tmp_path / "a.txt", "--language", "en")
    assert CaseStudyPage.objects.get().language == "en"


def test_bad_files_are_reported_and_skipped_while_good_ones_are_imported(case_index, tmp_path):
    """Empty, binary, oversized, undecodable and unsupported files fail with a reason."""
    (tmp_path / "good.txt").write_text("Bra fall\n\nDet här gick bra.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "title-only.md").write_text("# Bara en rubrik\n", encoding="utf-8")
    (tmp_path / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "garbled.txt").write_bytes(b"Titel\n\n\x81\x8d\x8f\x90\x9d text")
    (tmp_path / "huge.txt").write_bytes(b"a" * (MAX_FILE_SIZE + 1))
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "notes.rtf").write_bytes(b"{\\rtf1 text}")
    output = run_import(tmp_path)

    assert CaseStudyPage.objects.get().title == "Bra fall"
    assert "1 imported, 0 updated, 0 skipped as duplicate, 7 failed" in output
    assert "empty.txt: the file is empty" in output
    assert "title-only.md: no content besides the title" in output
    assert "binary.html: binary file" in output
    assert "garbled.txt: not readable as UTF-8 or Windows-1252 text" in output
    assert "huge.txt: too large" in output
    assert "report.pdf: the PDF" in output
    assert "notes.rtf: unsupported file type .rtf" in output


def test_windows_1252_text_is_read(case_index, tmp_path):
    (tmp_path / "old.txt").write_bytes(
        "Gammal rapport\n\nÅtgärder för bättre service.".encode("cp1252")
    )
    run_import(tmp_path / "old.txt")
    assert "Åtgärder för bättre service." in CaseStudyPage.objects.get().approach


def test_exit_code_is_non_zero_only_when_every_file_failed(case_index, tmp_path):
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run_import(tmp_path / "empty.md")
    assert error.value.returncode == 1
    with pytest.raises(CommandError):
        run_import(tmp_path / "missing.html")


def test_reimporting_updates_instead_of_duplicating(case_index, tmp_path):
    """Same file unchanged: skipped. Same file changed: a new revision of the same page."""
    path = tmp_path / "case.txt"
    path.write_text("Första versionen\n\nText ett.", encoding="utf-8")
    run_import(path, "--publish")
    page = CaseStudyPage.objects.get()

    output = run_import(path)
    assert "0 imported, 0 updated, 1 skipped as duplicate" in output
    assert "unchanged since the last import" in output

    path.write_text("Andra versionen\n\nText två.", encoding="utf-8")
    output = run_import(path, "--publish")
    assert "0 imported, 1 updated" in output
    page.refresh_from_db()
    assert CaseStudyPage.objects.count() == 1
    assert page.title == "Andra versionen" and "Text två." in page.approach
    assert page.revisions.count() == 2

    # The same content under another name is a duplicate too, and says of what.
    (tmp_path / "copy.txt").write_text("Andra versionen\n\nText två.\r\n", encoding="utf-8")
    output = run_import(tmp_path / "copy.txt")
    assert "same content as “Andra versionen”" in output
    assert CaseStudyPage.objects.count() == 1


def test_reimporting_a_changed_draft_compares_with_the_latest_import(case_index, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("Utkast\n\nEtt.", encoding="utf-8")
    run_import(path)
    path.write_text("Utkast\n\nTvå.", encoding="utf-8")
    assert "1 updated" in run_import(path)
    assert "1 skipped as duplicate" in run_import(path)


def test_parent_option_picks_the_case_index(case_index, tmp_path):
    (tmp_path / "a.txt").write_text("Titel\n\nText.", encoding="utf-8")
    with pytest.raises(CommandError, match="No case index page with slug 'nowhere'"):
        run_import(tmp_path / "a.txt", "--parent", "nowhere")
    run_import(tmp_path / "a.txt", "--parent", "cases")
    assert CaseStudyPage.objects.child_of(case_index).count() == 1
