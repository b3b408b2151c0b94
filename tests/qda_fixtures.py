"""REFI-QDA projects (.qdpx) as QDA programs write them, for the tests of importing and placing their codings."""

from __future__ import annotations

import zipfile
from pathlib import Path


def project_xml(namespace: str | None, plain_text_path: str, start: int, end: int,
                code_name: str = "Fördelning") -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="NVivo export"{xmlns}>
  <Users><User guid="{{0F000000-0000-4000-8000-00000000000A}}" name="Karin"/></Users>
  <CodeBook><Codes>
    <Code guid="{{0F000000-0000-4000-8000-000000000001}}" name="Pengar" isCodable="true">
      <Code guid="{{0F000000-0000-4000-8000-000000000002}}" name="{code_name}" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{{0F000000-0000-4000-8000-0000000000F1}}" name="Intervju 1" plainTextPath="{plain_text_path}">
      <PlainTextSelection guid="{{0F000000-0000-4000-8000-0000000000E1}}" startPosition="{start}" endPosition="{end}"
          creatingUser="0f000000-0000-4000-8000-00000000000a">
        <Coding guid="{{0F000000-0000-4000-8000-0000000000C1}}">
          <CodeRef targetGUID="0f000000-0000-4000-8000-000000000002"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Cases><Case guid="{{0F000000-0000-4000-8000-0000000000A1}}" name="T01">
    <SourceRef targetGUID="{{0F000000-0000-4000-8000-0000000000F1}}"/></Case></Cases>
  <Sets/>
</Project>"""


def write_qdpx(path: Path, xml: str, sources: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        for name, data in sources.items():
            archive.writestr(name, data)
    return path
