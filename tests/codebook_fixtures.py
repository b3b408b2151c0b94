"""REFI-QDA codebooks (``.qdc``) written the way three QDA programs write them, for the codebook-shape tests.

- Taguette (flat tags): as ``codebook_xml`` in Taguette's ``taguette/export.py`` writes it: SAX output on
  one line, the codebook namespace as default namespace, one ``<Code>`` per tag named by the tag's path,
  an upper-case uuid5 GUID, ``isCodable``, no ``<Description>`` (Taguette leaves descriptions out of the
  .qdc) and an empty ``<Sets/>``.
- ATLAS.ti (flat codes, code groups as ``<Sets>``): as ATLAS.ti Win 23 writes it, indented, with the
  schema location ATLAS.ti gives, colours and comments as ``<Description>``.
- MAXQDA (a deep code tree): nested ``<Code>`` elements with colours and memos, on one line.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from xml.sax.saxutils import XMLGenerator, escape, quoteattr
from xml.sax.xmlreader import AttributesNSImpl

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
TAGUETTE_NAMESPACE = uuid.UUID("51B2B2B7-27EB-4ECB-9D56-E75B0A0496C2")  # Taguette's GUID namespace
ATLAS_COLOURS = ("#46AA00", "#FF8000", "#0064C8")


def _guid(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key)).upper()


def write_taguette_qdc(path: Path, tags: list[str], version: str = "1.5.2") -> Path:
    """The tags of a Taguette project, exported as Taguette exports its codebook."""
    def element(name: str, attributes: dict[str, str]) -> None:
        out.startElementNS((None, name), name, AttributesNSImpl({(None, k): v for k, v in attributes.items()},
                                                                {(None, k): k for k in attributes}))

    with path.open("wb") as file:
        out = XMLGenerator(file, encoding="utf-8", short_empty_elements=True)
        out.startDocument()
        out.startPrefixMapping(None, CODEBOOK_NS)
        element("CodeBook", {"origin": f"Taguette {version}"})
        element("Codes", {})
        for tag in tags:
            element("Code", {"guid": str(uuid.uuid5(TAGUETTE_NAMESPACE, tag)).upper(), "name": tag,
                             "isCodable": "true"})
            out.endElementNS((None, "Code"), "Code")
        out.endElementNS((None, "Codes"), "Codes")
        element("Sets", {})
        out.endElementNS((None, "Sets"), "Sets")
        out.endElementNS((None, "CodeBook"), "CodeBook")
        out.endPrefixMapping(None)
        out.endDocument()
    return path


def write_atlasti_qdc(path: Path, codes: dict[str, str], groups: dict[str, list[str]]) -> Path:
    """Flat ATLAS.ti codes (name -> comment) and code groups (group -> code names), as ATLAS.ti exports them."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:'
             f'codebook:0:4 Codebook.xsd" origin="ATLAS.ti Win 23.4.0" xmlns="{CODEBOOK_NS}">', "  <Codes>"]
    for i, (name, comment) in enumerate(codes.items()):
        lines += [f'    <Code guid="{_guid(name)}" name={quoteattr(name)} color="{ATLAS_COLOURS[i % 3]}" '
                  'isCodable="true">', f"      <Description>{escape(comment)}</Description>", "    </Code>"]
    lines += ["  </Codes>", "  <Sets>"]
    for group, members in groups.items():
        lines += [f'    <Set name={quoteattr(group)} guid="{_guid("set:" + group)}">']
        lines += [f'      <MemberCode guid="{_guid(name)}" />' for name in members]
        lines += ["    </Set>"]
    path.write_text("\n".join(lines + ["  </Sets>", "</CodeBook>"]) + "\n", encoding="utf-8")
    return path


def write_maxqda_qdc(path: Path, tree: dict[str, tuple[str, dict]]) -> Path:
    """A MAXQDA code system (name -> (memo, sub-codes)), nested as MAXQDA exports it."""
    def codes(nodes: dict[str, tuple[str, dict]]) -> str:
        return "".join(f'<Code isCodable="true" name={quoteattr(name)} color="#2364a2" guid="{_guid(name)}">'
                       + (f"<Description>{escape(memo)}</Description>" if memo else "") + codes(children) + "</Code>"
                       for name, (memo, children) in nodes.items())

    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook origin="MAXQDA 2022 (Release 22.4.0)" '
                    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:codebook:'
                    '1.0 http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd" '
                    f'xmlns="{CODEBOOK_NS}"><Codes>{codes(tree)}</Codes></CodeBook>', encoding="utf-8")
    return path
