"""The researchers' analysis (findings/*.md): references to quotes and numbers, checked; study text escaped."""

from pathlib import Path

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.core.i18n import messages
from helpers.report.analysis import Analysis, References, numbers, render, used_quotes_table

from hostile_fixtures import HOST, HOSTILE, MarkupScan

SEGMENTS = pd.DataFrame({
    "segment_id": ["P01-001", "P01-002", "P02-004"],
    "participant_id": ["P01", "P01", "P02"], "organisation": ["Älvby kommun", "Älvby kommun", "Sexan IT"],
    "role": ["kommundirektör", "kommundirektör", "IT-chef"],
    "speaker_role": ["interviewer", "respondent", "respondent"],
    "text": ["Hur styrs samverkan?", "Styrgruppen saknar mandat att säga nej, och därför drar besluten ut på "
             "tiden i alla sex kommuner, år efter år, trots att alla vet vad som borde göras nu.",
             "Vi ses som en leverantör."],
})
FACTS = {"interviews": 12, "members": 7, "roles": 7, "words": 18878}
PREVALENCE = pd.DataFrame({"theme_id": ["governance"], "n_participants": [9], "n_organisations": [7],
                           "n_segments": [36], "pct_participants": [75.0]})
PRIORITIES = pd.DataFrame({"challenge_id": ["C01"], "votes": [22], "rank": [1], "voters_choosing": [14]})
FILE = Path("findings/summary.md")


def refs(level="id+organisation", language="en") -> References:
    return References.build(SEGMENTS, numbers(FACTS, PREVALENCE, PRIORITIES, messages(language)), level)


def test_a_quote_on_its_own_line_is_a_block_quote_with_its_attribution():
    r = refs()
    out = render("Så här:\n\n[[P01-002]]\n", FILE, r)
    assert '<blockquote>Styrgruppen saknar mandat' in out and "— P01, Älvby kommun</small>" in out
    assert [(u.segment_id, u.file, u.line) for u in r.used] == [("P01-002", "summary.md", 3)]


def test_a_quote_inside_a_sentence_is_inline_and_short_is_an_excerpt():
    out = render("Som en sa: [[P01-002|short]] och [[P02-004]].", FILE, refs())
    assert "<p>Som en sa: <q>Styrgruppen saknar mandat" in out
    assert "göras nu." not in out and "…</q>" in out  # cut to the excerpt's length, marked
    assert "<q>Vi ses som en leverantör.</q> (P02, Sexan IT)" in out


@pytest.mark.parametrize("name, shown", [("study.interviews", "12"), ("study.words", "18,878"),
                                         ("theme.governance.participants", "9"), ("theme.governance.members", "7"),
                                         ("theme.governance.segments", "36"), ("theme.governance.share", "75%"),
                                         ("challenge.C01.votes", "22"), ("challenge.C01.rank", "1"),
                                         ("challenge.C01.voters", "14")])
def test_every_number_name_is_replaced_by_its_value(name, shown):
    assert render(f"Det var {{{{ {name} }}}} stycken.", FILE, refs()) == f"<p>Det var {shown} stycken.</p>\n"


@pytest.mark.parametrize("name, shown", [("study.words", "18\u00a0878"), ("theme.governance.share", "75\u00a0%")])
def test_numbers_are_written_as_the_report_language_writes_them(name, shown):
    assert render(f"{{{{ {name} }}}}", FILE, refs(language="sv")) == f"<p>{shown}</p>\n"


@pytest.mark.parametrize("text, line, message", [
    ("Ett.\n\nTvå [[P01-099]].", 3, "there is no segment 'P01-099'"),
    ("Ett.\n[[P01-001]]", 2, "is the interviewer's turn"),
    ("{{theme.governance.participant}}", 1, "names no number (did you mean theme.governance.participants"),
    ("\n\n\n[[P01-002|lång]]", 4, "'lång' is not an option of a quote"),
])
def test_a_bad_reference_names_the_file_the_line_and_the_reference(text, line, message):
    with pytest.raises(InputError, match=rf"summary\.md, line {line}: .*") as err:
        render(text, FILE, refs())
    assert message in str(err.value)


@pytest.mark.parametrize("level, shown", [("id", "— P01</small>"), ("id+organisation", "— P01, Älvby kommun</small>"),
                                          ("id+role", "— P01, kommundirektör</small>"),
                                          ("id+organisation+role", "— P01, Älvby kommun, kommundirektör</small>")])
def test_quotes_are_attributed_at_the_study_level(level, shown):
    assert shown in render("[[P01-002]]", FILE, refs(level))


@pytest.mark.parametrize("hostile", [s for s in HOSTILE if "{{" not in s])
def test_markup_links_and_images_in_the_analysis_stay_text(hostile):
    scan = MarkupScan()
    scan.feed(render(f"Text {hostile} och [länk](javascript:alert(1)) ![bild](http://{HOST}/x.png)", FILE, refs()))
    assert scan.problems == []


def test_in_page_and_relative_links_are_kept_and_headings_sit_below_the_report_sections():
    out = render("# Rubrik\n\n[se metoden](#method) och [bilaga](bilaga.html)", FILE, refs())
    assert "<h4>Rubrik</h4>" in out and '<a href="#method">se metoden</a>' in out and 'href="bilaga.html"' in out


def test_a_quote_in_the_data_is_not_read_as_markdown():
    segments = SEGMENTS.assign(text=["x", "[klick](javascript:alert(1)) **fet**", "y"])
    out = render("[[P01-002]]", FILE, References.build(segments, {}, "id"))
    assert "[klick](javascript:alert(1)) **fet**" in out and "<strong>" not in out


def make_study(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "findings").mkdir()
    for name, text in files.items():
        (tmp_path / "findings" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_analysis_reads_sections_and_theme_files_and_marks_what_is_missing(tmp_path):
    study = make_study(tmp_path, {"summary.md": "Sammanfattning.", "governance.md": "Om styrning.",
                                  "README.md": "Om mappen."})
    analysis = Analysis(study, ["governance", "trust"])
    assert analysis.has("summary") and analysis.has("governance") and not analysis.has("trust")
    assert "Om styrning." in analysis.block("governance", refs()).html
    pending = analysis.block("trust", refs()).html
    assert "not written yet" in pending and "findings/trust.md" in pending


def test_a_study_without_findings_has_only_pending_sections(tmp_path):
    analysis = Analysis(tmp_path, ["governance"])
    assert not analysis.has("summary") and "not written yet" in analysis.block("summary", refs()).html


def test_a_file_that_names_no_section_or_theme_is_an_error_with_a_suggestion(tmp_path):
    study = make_study(tmp_path, {"governanse.md": "Stavfel."})
    with pytest.raises(InputError, match=r"governanse\.md: 'governanse' is neither a section .*did you mean "
                                         r"governance\.md"):
        Analysis(study, ["governance"])


def test_a_findings_file_linked_from_outside_the_study_is_refused(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("hemligt", encoding="utf-8")
    study = tmp_path / "study"
    (study / "findings").mkdir(parents=True)
    (study / "findings" / "summary.md").symlink_to(outside)
    with pytest.raises(InputError, match="outside the study folder"):
        Analysis(study, [])


def test_used_quotes_table_lists_every_quote_with_file_and_line():
    r = refs()
    render("[[P01-002]]\n\nOch [[P02-004|short]].", FILE, r)
    table = used_quotes_table(r)
    assert table.to_dict("records") == [
        {"segment": "P01-002", "attribution": "P01, Älvby kommun", "used_in": "findings/summary.md", "line": 1},
        {"segment": "P02-004", "attribution": "P02, Sexan IT", "used_in": "findings/summary.md", "line": 3}]


def test_a_heading_with_a_member_name_starts_its_part_for_the_members_brief(tmp_path):
    folder = tmp_path / "findings"
    folder.mkdir()
    (folder / "needs.md").write_text("Alla.\n\n### Granvik kommun\n\nFör Granvik: [[P01-002|short]]\n\n### Sexan IT\n\n"
                                     "Annat.\n\n## Slut\n\nMer.\n", encoding="utf-8")
    analysis = Analysis(tmp_path, [])
    [(path, first, body)] = analysis.member_parts("granvik kommun")  # the name as in study.yml, in any case
    assert (path.name, first) == ("needs.md", 4) and "För Granvik" in body and "Annat" not in body
    [(_, _, other)] = analysis.member_parts("Sexan IT")
    assert "Annat" in other and "Mer" not in other  # a part ends at the next heading of its level or higher
    assert analysis.member_parts("Älvby kommun") == []
    [block] = analysis.member_blocks("Granvik kommun", refs())
    assert "<q>Styrgruppen saknar mandat" in block.html and "(P01, Älvby kommun)" in block.html
    (folder / "needs.md").write_text("Alla.\n\n### Granvik kommun\n\nFör Granvik: [[P01-099]]\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 5"):  # the line of the file, not of the part
        Analysis(tmp_path, []).member_blocks("Granvik kommun", refs())
