"""The self-containment checks themselves, on small pages that break them one way each."""

from pathlib import Path

from helpers.runner.htmlcheck import is_external, missing_images, scan_page

PNG = "data:image/png;base64,iVBORw0KGgo="


def test_clean_page_passes(tmp_path):
    page = f'<html><head><style>body {{ color: red }}</style></head><body><img src="{PNG}"/>' \
           '<a href="https://example.org/about">a link is only followed when clicked</a></body></html>'
    report = scan_page(page)
    assert report.external == [] and report.error_outputs == 0
    assert missing_images(report, tmp_path / "page.html") == []


def test_external_script_stylesheet_font_and_image_are_found():
    page = ('<script src="https://cdn.example/require.js"></script><link rel="stylesheet" href="//fonts.example/css">'
            '<style>@import "https://x.example/a.css"; @font-face { src: url(https://f.example/font.woff) }</style>'
            '<img src="http://img.example/a.png"><div style="background: url(\'https://bg.example/b.png\')"></div>')
    found = scan_page(page).external
    assert len(found) == 6
    assert any("require.js" in f for f in found) and any("font.woff" in f for f in found)


def test_missing_local_image_is_reported(tmp_path: Path):
    (tmp_path / "here.png").write_bytes(b"png")
    report = scan_page('<img src="here.png"><img src="gone.png"><img>')
    assert missing_images(report, tmp_path / "page.html") == ["gone.png", "(empty src)"]


def test_error_and_stderr_outputs_are_counted():
    page = ('<div class="jp-OutputArea-output" data-mime-type="application/vnd.jupyter.stderr">warn</div>'
            '<div class="jp-RenderedText jp-OutputArea-output jp-OutputArea-error">Traceback</div>')
    assert scan_page(page).error_outputs == 2


def test_is_external():
    assert is_external("https://a.b") and is_external("//a.b/x") and not is_external("data:image/png;base64,")
    assert not is_external("briefs/x.html") and not is_external("#section")
