"""Hostile strings, and a copy of the sample study with them in every field that reaches a page.

Transcripts, workshop notes and spreadsheets come from many hands; any of their fields may hold markup. Each
string below would, if it reached a page as markup, fetch something from ``hostile.example`` or open a dialog,
so a browser that loads the pages with the network cut sees the failure as a request or a dialog.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import yaml

HOST = "hostile.example"
HOSTILE = [
    f"<img src=http://{HOST}/img.png onerror=alert(1)>",
    "<script>alert('script')</script>",
    f'"><svg onload="alert(2)"><image href="http://{HOST}/svg.png"/></svg>',
    "[link](javascript:alert(3))",
    f"![image](http://{HOST}/markdown.png)",
    '<a href="javascript:alert(4)">click</a>',
    f"<style>body{{background:url(http://{HOST}/css.png)}}</style>",
    f'<span style="background-image:url(//{HOST}/style.png)">styled</span>',
    f"<iframe src=http://{HOST}/frame></iframe>",
    f"<link rel=stylesheet href=http://{HOST}/sheet.css>",
    f"<base href=http://{HOST}/>",
    "</style></script><script>alert(5)</script>",
    "{{7*7}} {0} {title} %(x)s",
    f'=HYPERLINK("http://{HOST}/excel","x")',
]
EXCEL = f'=HYPERLINK(""http://{HOST}/owner"",""x"")'  # a whole CSV field (quotes doubled) that Excel would run
PAYLOAD = " ".join(HOSTILE)  # all of them in one field


def _replace_in(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding=encoding)


def hostile_study(sample: Path, target: Path) -> Path:
    """A copy of the sample study whose title, description, a member's name, a role, a theme's label and
    definition, a pseudonym, a challenge, an action and its owner, an interviewee's words and the researchers'
    summary carry
    :data:`HOSTILE`."""
    shutil.copytree(sample, target)
    member = f"Granvik <b onmouseover=alert(6)>kommun</b> <img src=http://{HOST}/member.png>"
    for path in [p for p in target.rglob("*") if p.suffix in (".csv", ".yml")]:
        text = path.read_text(encoding="utf-8-sig")
        if "Granvik kommun" in text:
            path.write_text(text.replace("Granvik kommun", member), encoding="utf-8")
    study = yaml.safe_load((target / "study.yml").read_text(encoding="utf-8"))
    study["title"] = f"Sexan {HOSTILE[0]} (FICTIONAL SAMPLE STUDY)"
    study["description"] = PAYLOAD
    (target / "study.yml").write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    with (target / "findings" / "summary.md").open("a", encoding="utf-8") as summary:  # the researchers' text
        summary.write("\n\n" + " ".join(s for s in HOSTILE if "{{" not in s) + "\n")  # {{…}} is a reference
    _replace_in(target / "participants.csv", "digitaliseringsstrateg", f"digitaliseringsstrateg {HOSTILE[1]}",
                encoding="utf-8-sig")
    _replace_in(target / "codebook.yml", "label: IT eller digitalisering", f"label: 'IT {HOSTILE[5]}'")
    _replace_in(target / "codebook.yml", "label_en: IT versus digitalisation", f"label_en: 'IT {HOSTILE[0]}'")
    _replace_in(target / "codebook.yml", "      Hur digitalisering förstås i organisationen:",
                f"      {HOSTILE[3]} {HOSTILE[4]} Hur digitalisering förstås i organisationen:")
    _replace_in(target / "pseudonyms.csv", "Göran Wallin;[kommundirektör Lindåsa]",
                f"Göran Wallin;[kommundirektör {HOSTILE[0]}]", encoding="utf-8-sig")
    _replace_in(target / "workshop" / "challenges.csv", "Otydligt mandat för Sexans styrgrupp",
                '"Otydligt mandat ' + PAYLOAD.replace('"', '""') + '"')
    _replace_in(target / "workshop" / "actions.csv", "Styrgruppen (kommundirektörerna)",
                '"' + HOSTILE[3] + " " + HOSTILE[2].replace('"', '""') + '"')
    _replace_in(target / "workshop" / "actions.csv", "Ta fram ett förslag", f"{HOSTILE[4]} {HOSTILE[6]} Ta fram")
    _replace_in(target / "workshop" / "actions.csv", "Kommundirektören i Ekhamra kommun", '"' + EXCEL + '"')
    _replace_in(target / "interviews" / "P03.txt", "R: Ja, det är lugnt.",
                f"R: Ja, det är lugnt. {PAYLOAD.encode('cp1252', 'replace').decode('cp1252')}",
                encoding="cp1252")
    return target


class MarkupScan(HTMLParser):
    """What in a page could run or load: script elements, event-handler attributes, URLs that leave the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "base", "form"):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(values.get("content") or "")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset") and value:
                if not (value.startswith(("#", "data:image/")) or re.fullmatch(r"[\w./%-]+\.(html|pdf)", value)):
                    self.problems.append(f"<{tag} {name}={value[:60]}>")
            if name == "style" and "url(" in (value or ""):
                self.problems.append(f"<{tag} style=url(…)>")
