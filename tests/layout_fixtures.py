"""Transcript fixtures in the layouts that transcription tools and people produce, with the expected turns.

Every fixture is fictional (invented people, places and municipalities) and short. A :class:`Case` names a
file, the function that writes it, the layout the reader should detect, and turn by turn the expected
``(speaker as read, first three words of the text, speaker_role after build_segments)``. Files are written
into a test's ``tmp_path`` with the encoding and line endings that the tool in question uses:

- plain text: :func:`write_text`, :func:`label_line_txt`, :func:`paragraphs_txt`, :func:`timed_colon_txt`;
- Word (.docx, built with python-docx): :func:`write_docx` with plain paragraphs, :class:`Bold` labels and
  :class:`Table` rows, and :func:`label_line_docx`, :func:`paragraphs_docx`, :func:`table_docx`;
- subtitles: :func:`write_vtt` (Teams voices, Zoom labels, Whisper without labels) and :func:`write_srt`.

The roles are the contract of ``helpers.interviews.segments.build_segments``: ``interviewer``, ``respondent``, or
``unknown`` when the roles cannot be established (then nothing is ``respondent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

import docx

I, R, U = "interviewer", "respondent", "unknown"
PID = "P07"

Expected = tuple[str | None, str, str]  # (speaker, first three words of the turn, speaker_role)
Cue = tuple[float, float, str | None, str]  # (start s, end s, speaker or None, text)


# --- writers --------------------------------------------------------------------------------------------


def write_text(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    """Write ``text`` (written with ``\\n``) with the given encoding (``utf-8-sig``, ``utf-16``: with BOM)."""
    path.write_bytes(text.replace("\n", newline).encode(encoding))


@dataclass(frozen=True)
class Bold:
    """A Word paragraph that starts with a bold run (the label) followed by plain text."""

    label: str
    text: str = ""


@dataclass(frozen=True)
class Table:
    """A Word table, one tuple of cell texts per row."""

    rows: tuple[tuple[str, ...], ...]


def write_docx(path: Path, blocks: Sequence[str | Bold | Table]) -> None:
    """A Word document whose body is ``blocks``: plain paragraphs (Normal style), bold-label paragraphs, tables."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, Table):
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            for row, cells in zip(table.rows, block.rows):
                for cell, value in zip(row.cells, cells):
                    cell.text = value
        elif isinstance(block, Bold):
            paragraph = document.add_paragraph()
            paragraph.add_run(block.label).bold = True
            if block.text:
                paragraph.add_run(block.text)
        else:
            document.add_paragraph(block)
    document.save(path)


def _clock(seconds: float, decimal: str = ".", hours: bool = True) -> str:
    """``00:01:02.500`` (or ``01:02.500`` without hours, as Whisper writes it)."""
    whole, millis = divmod(round(seconds * 1000), 1000)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    head = f"{h:02d}:{m:02d}" if hours else f"{h * 60 + m:02d}"
    return f"{head}:{s:02d}{decimal}{millis:03d}"


def _otter_clock(seconds: float) -> str:
    """Otter.ai's ``0:21`` / ``1:02:03``."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _cue_text(cue: Cue, voice: bool) -> str:
    _, _, speaker, text = cue
    if speaker is None:
        return text
    return f"<v {speaker}>{text}</v>" if voice else f"{speaker}: {text}"


def write_vtt(path: Path, cues: Sequence[Cue], ids: str = "", voice: bool = False, hours: bool = True) -> None:
    """WebVTT: Teams (``ids="uuid"``, ``voice=True``), Zoom (``ids="number"``), Whisper (no ids, no hours)."""
    blocks = []
    for n, cue in enumerate(cues, start=1):
        cue_id = {"number": f"{n}\n", "uuid": f"6b1e0c2a-3f4d-4a5b-9c8d-7e6f5a4b3c2d/{10 + n}-0\n"}.get(ids, "")
        timing = f"{_clock(cue[0], hours=hours)} --> {_clock(cue[1], hours=hours)}"
        blocks.append(f"{cue_id}{timing}\n{_cue_text(cue, voice)}\n")
    write_text(path, "WEBVTT\n\n" + "\n".join(blocks))


def write_srt(path: Path, cues: Sequence[Cue], encoding: str = "utf-8", newline: str = "\n") -> None:
    """SubRip: numbered cues, ``00:01:02,500`` times, a label (or none) at the start of the cue text."""
    blocks = [f"{n}\n{_clock(c[0], ',')} --> {_clock(c[1], ',')}\n{_cue_text(c, False)}\n"
              for n, c in enumerate(cues, start=1)]
    write_text(path, "\n".join(blocks), encoding, newline)


Script = tuple[tuple[str, tuple[str, ...]], ...]  # (label as it should be read, its paragraphs)


def _label_line(label: str, time: float | None, colon: bool, trailing: str, time_first: bool) -> str:
    label += ":" if colon else ""
    if time is None:
        return label + trailing
    return f"{_clock(time)} {label}" if time_first else f"{label}  {_otter_clock(time)}{trailing}"


def label_line_txt(path: Path, script: Script, *, header: Sequence[str] = (), times: Sequence[float] = (),
                   colon: bool = False, trailing: str = "", encoding: str = "utf-8", newline: str = "\n") -> None:
    """A label alone on its line, its text on the lines below; a blank line between paragraphs and turns."""
    parts = list(header)
    for n, (label, paragraphs) in enumerate(script):
        line = _label_line(label, times[n] if times else None, colon, trailing, time_first=False)
        parts.append(line + "\n" + "\n\n".join(paragraphs))
    write_text(path, "\n\n".join(parts) + "\n", encoding, newline)


def label_line_docx(path: Path, script: Script, *, times: Sequence[float] = (), trailing: str = "",
                    time_first: bool = False) -> None:
    """Word: one paragraph per label (not bold), then one paragraph per paragraph of speech."""
    blocks: list[str] = []
    for n, (label, paragraphs) in enumerate(script):
        blocks.append(_label_line(label, times[n] if times else None, False, trailing, time_first))
        blocks.extend(paragraphs)
    write_docx(path, blocks)


def paragraphs_txt(path: Path, header: Sequence[str], body: Sequence[str], footer: Sequence[str],
                   encoding: str = "utf-8", newline: str = "\n") -> None:
    """No labels: header lines (one paragraph), body paragraphs separated by blank lines, footer lines."""
    write_text(path, "\n\n".join(["\n".join(header), *body, *footer]) + "\n", encoding, newline)


def paragraphs_docx(path: Path, header: Sequence[str], body: Sequence[str], footer: Sequence[str]) -> None:
    """No labels: every line of the header, body and footer is its own Normal paragraph."""
    write_docx(path, [*header, *body, *footer])


def table_docx(path: Path, rows: Sequence[tuple[str, str, str]], columns: tuple[int, ...]) -> None:
    """Word table: a header row, then the rows' cells in the order ``columns`` (indices into (speaker, time, text))."""
    head = ("Talare", "Tid", "Text")
    write_docx(path, [Table(tuple(tuple(row[i] for i in columns) for row in (head, *rows)))])


def timed_colon_txt(path: Path, lines: Sequence[tuple[float, str, str]], header: Sequence[str], before: bool,
                    encoding: str = "utf-8", newline: str = "\n") -> None:
    """``[00:01:02] Label: text`` (``before``) or ``Label (00:01:02): text``, one turn per line."""
    def line(start: float, label: str, text: str) -> str:
        stamp = _clock(start)[:8]
        return f"[{stamp}] {label}: {text}" if before else f"{label} ({stamp}): {text}"
    write_text(path, "\n".join([*header, "", *(line(*entry) for entry in lines)]) + "\n", encoding, newline)


# --- cases ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One fixture file and what reading and segmenting it must give."""

    id: str
    file: str  # file name; its extension picks the reader
    write: Callable[[Path], None]  # writes the fixture at the path it is given
    layout: str  # Transcript.layout and quality["layout"]
    turns: tuple[Expected, ...]
    language: str = "en"
    interviewer: str = ""  # the participants file's interviewer column
    name: str = ""  # the respondent's name in the participants file
    participant_layout: str = ""  # the participants file's layout column
    role_source: tuple[str, ...] = ("interviewer column",)  # accepted prefixes of every segment's role_source
    confident: bool = True  # quality["roles_confident"]
    interviewer_match: str = ""
    starts: tuple[float | None, ...] = ()  # Turn.start of each turn, where the file has times
    inside: tuple[tuple[int, str], ...] = ()  # (turn index, text that turn must hold)
    nowhere: tuple[str, ...] = ()  # text (titles, dates, headings) that must be in no turn
    labelled: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labelled", any(speaker is not None for speaker, _, _ in self.turns))

    def build(self, folder: Path) -> Path:
        path = folder / self.file
        self.write(path)
        return path

    def participant(self) -> dict:
        return {"participant_id": PID, "interviewer": self.interviewer, "name": self.name,
                "language": self.language, "layout": self.participant_layout}

    def expected_runs(self) -> list[tuple[str, str]]:
        """(role, first words) per run of consecutive turns with one role (see :func:`role_runs`)."""
        return role_runs([(role, words) for _, words, role in self.turns])


def role_runs(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Collapse consecutive ``(role, first words)`` pairs of one role into the first of them.

    The cleaning stage may merge consecutive turns of one speaker (subtitle cues, a respondent-only file) and
    split long turns into several segments; the runs of roles are what neither changes.
    """
    runs: list[tuple[str, str]] = []
    for role, words in pairs:
        if not runs or runs[-1][0] != role:
            runs.append((role, words))
    return runs


# 1, 2: a label alone on its line without a colon, trailing spaces, an answer of two paragraphs.
LABEL_LINE_EN: Script = (
    ("Researcher", ("Thank you for taking the time today. Could you start by describing your role?",)),
    ("Unknown Speaker", ("Sure. I coordinate the digital services team in Lakeside, about twelve people in two "
                         "offices.", "We started in 2019 with a single e-service for school meals, and it grew "
                                     "from there.")),
    ("Researcher", ("What changed when the shared IT organisation was formed?",)),
    ("Unknown Speaker", ("Mostly the pace. Decisions that used to take a year now take a quarter, because the six "
                         "municipalities agree on one backlog.",)),
    ("Researcher", ("Would you recommend the shared service desk to other municipalities?",)),
    ("Unknown Speaker", ("On balance yes. The first months were rough, but the desk now solves most tickets on "
                         "the first call.",)),
)
LABEL_LINE_EN_TURNS: tuple[Expected, ...] = (
    ("Researcher", "Thank you for", I), ("Unknown Speaker", "Sure. I coordinate", R),
    ("Researcher", "What changed when", I), ("Unknown Speaker", "Mostly the pace.", R),
    ("Researcher", "Would you recommend", I), ("Unknown Speaker", "On balance yes.", R),
)
_LABEL_LINE_EN_CASE = dict(layout="label-line", turns=LABEL_LINE_EN_TURNS, role_source=("speaker label", "inferred"),
                           inside=((1, "offices.\nWe started in 2019"),))

# 3: Word and text without labels: title and date on top, short questions and long answers, an end line.
QA_EN_HEADER = ("Interview 4 – Head of digital services, Lakeside (fictional)", "14 March 2024")
QA_EN = (
    "How long have you worked with digital services in the municipality?",
    "Since 2017. I started as a systems administrator in the school office and moved to the digital services "
    "unit when it was created two years later, so I have seen most of the changes from the inside.",
    "What was the hardest part of joining the shared IT organisation?",
    "Giving up control, honestly. We had our own servers and our own way of ordering things, and suddenly every "
    "request went through a common portal and a common budget, which felt slow at first.",
    "Has that changed since then?",
    "Yes, quite a lot. The portal is faster now, and we have a monthly meeting where the six municipalities decide "
    "together which requests go first, so people understand why they wait.",
    "What would you change if you could decide alone?",
    "I would give each municipality a small budget of its own for experiments, because the common process is good "
    "for large systems but too heavy for trying out a simple idea.",
)
QA_EN_TURNS: tuple[Expected, ...] = (
    (None, "How long have", I), (None, "Since 2017. I", R), (None, "What was the", I), (None, "Giving up control,", R),
    (None, "Has that changed", I), (None, "Yes, quite a", R), (None, "What would you", I), (None, "I would give", R),
)
QA_SV_HEADER = ("Intervju med IT-strateg, Norrbacka kommun (fiktiv)", "2024-03-14")
QA_SV = (
    "Hur länge har du arbetat med digitalisering i kommunen?",
    "Sedan 2016. Jag började som systemförvaltare på socialförvaltningen och gick över till "
    "digitaliseringsenheten när den bildades, så jag har följt nästan hela resan inifrån.",
    "Vad var svårast när ni gick in i den gemensamma IT-organisationen?",
    "Att släppa kontrollen, faktiskt. Vi hade egna servrar och egna rutiner för beställningar, och plötsligt "
    "skulle allt gå via en gemensam portal och en gemensam budget, vilket kändes trögt i början.",
    "Har det blivit bättre sedan dess?",
    "Ja, mycket. Portalen är snabbare nu, och vi har ett månadsmöte där de sex kommunerna tillsammans prioriterar "
    "beställningarna, så att alla förstår varför de får vänta.",
    "Vad skulle du ändra om du fick bestämma själv?",
    "Jag skulle ge varje kommun en liten egen budget för försök, eftersom den gemensamma processen passar stora "
    "system men är för tung när man vill pröva en enkel idé.",
)
QA_SV_TURNS: tuple[Expected, ...] = (
    (None, "Hur länge har", I), (None, "Sedan 2016. Jag", R), (None, "Vad var svårast", I),
    (None, "Att släppa kontrollen,", R), (None, "Har det blivit", I), (None, "Ja, mycket. Portalen", R),
    (None, "Vad skulle du", I), (None, "Jag skulle ge", R),
)

# 4: Word without labels whose paragraphs are alike, with no questions: the roles cannot be told.
MONOLOGUE_HEADER = ("Workshop reflections – Lakeside (fictional)", "2 May 2024")
MONOLOGUE = (
    "The first thing we noticed was that every municipality had its own name for the same service, which made "
    "the shared catalogue hard to read for citizens and for staff alike.",
    "The second thing was the budget cycle. Two members plan their budgets in spring and the others in autumn, "
    "so a common decision often waits half a year for the last signature.",
    "The third thing was training. Staff in the smaller municipalities wanted short videos, while the larger ones "
    "preferred classroom days with the suppliers present in the room.",
    "The fourth thing was the data. Nobody disagreed that it should be shared, but each member wanted the others "
    "to clean their records first before anything was merged.",
    "The last thing was trust. It grew slowly, mostly through the small projects that worked, and much less "
    "through the formal agreements that everyone had signed at the start.",
)
MONOLOGUE_WORDS = ("The first thing", "The second thing", "The third thing", "The fourth thing", "The last thing")

# 5: Zoom: "Name (tag): text" in numbered cues; a long utterance split over two cues.
ZOOM_CUES: tuple[Cue, ...] = (
    (2.14, 6.9, "Elin Strand (HK)", "Okay, the recording is on. Thanks for joining me today, Omar."),
    (7.31, 9.02, "Omar Haddad", "Happy to be here."),
    (9.8, 14.45, "Elin Strand (HK)", "Could you tell me how your team uses the shared ticket system?"),
    (15.02, 21.78, "Omar Haddad", "We log everything there now, from password resets to new e-services,"),
    (21.78, 27.3, "Omar Haddad", "and once a month we go through the open tickets with the other municipalities."),
    (28.0, 31.15, "Elin Strand (HK)", "What do you think works less well?"),
    (31.9, 39.42, "Omar Haddad", 'The categories. Half of our tickets end up in "other", so the statistics say '
                                 "very little."),
)
ZOOM_TURNS: tuple[Expected, ...] = (
    ("Elin Strand (HK)", "Okay, the recording", I), ("Omar Haddad", "Happy to be", R),
    ("Elin Strand (HK)", "Could you tell", I), ("Omar Haddad", "We log everything", R),
    ("Omar Haddad", "and once a", R), ("Elin Strand (HK)", "What do you", I),
    ("Omar Haddad", "The categories. Half", R),
)
_ZOOM_CASE = dict(layout="cue-label", turns=ZOOM_TURNS, interviewer="Elin Strand",
                  interviewer_match="Elin Strand (HK)", starts=tuple(cue[0] for cue in ZOOM_CUES))

# 6: Swedish parliamentary record: "Anf. 116 NAME (party):" alone on its line, the speech below.
RIKSDAG: Script = (
    ("Anf. 116 KARIN ÖSTLUND (M)", ("Fru talman! Jag vill tacka statsrådet för svaret. Men hur ska regeringen "
                                    "hjälpa de små kommunerna som inte har råd att bygga egna e-tjänster?",)),
    ("Anf. 117 Statsrådet PER ALMGREN (S)", ("Fru talman! Regeringen har gett en myndighet i uppdrag att ta fram "
                                             "gemensamma byggblock som alla kommuner kan använda.",
                                             "Det gäller inloggning, betalning och ärendehantering, och arbetet "
                                             "redovisas i höst.")),
    ("Anf. 118 KARIN ÖSTLUND (M)", ("Fru talman! Byggblock är bra, men när kan kommunerna använda dem på "
                                    "riktigt?",)),
    ("Anf. 119 Statsrådet PER ALMGREN (S)", ("Fru talman! De första blocken ska finnas på plats nästa år, och "
                                             "kommunerna ska själva vara med och prioritera.",)),
)
RIKSDAG_HEADER = ("§ 4 Svar på interpellation 2023/24:418 om digital samverkan mellan kommuner",)
RIKSDAG_SPEAKERS = ("KARIN ÖSTLUND (M)", "Statsrådet PER ALMGREN (S)")
RIKSDAG_WORDS = ("Fru talman! Jag", "Fru talman! Regeringen", "Fru talman! Byggblock", "Fru talman! De")


def _riksdag_case(interviewer: str, matched: str) -> Case:
    turns = tuple((RIKSDAG_SPEAKERS[n % 2], words, I if RIKSDAG_SPEAKERS[n % 2] == matched else R)
                  for n, words in enumerate(RIKSDAG_WORDS))
    return Case(f"riksdag_txt_interviewer_{interviewer.split()[0].lower()}", "riksdag.txt",
                partial(label_line_txt, script=RIKSDAG, header=RIKSDAG_HEADER, colon=True), "label-line", turns,
                language="sv", interviewer=interviewer, interviewer_match=matched,
                inside=((1, "byggblock som alla kommuner kan använda.\nDet gäller"),),
                nowhere=("§ 4", "2023/24:418"))


# 7: colon labels with a hyphenated name and accents, a timestamp before or after the label, one in the text.
TIMED_SV = (
    (4.0, "Åsa Öhman", "Välkommen! Kan du börja med att berätta vad du arbetar med?"),
    (11.0, "Anna-Karin Öberg", "Jag är digitaliseringsstrateg sedan 2021 och sitter i den gemensamma styrgruppen."),
    (62.0, "Åsa Öhman", "Hur ofta träffas styrgruppen?"),
    (70.0, "Anna-Karin Öberg", "Varannan vecka. Vi har tre stående punkter på dagordningen. [00:02:15] Den första "
                               "är alltid läget i de gemensamma projekten."),
    (151.0, "Åsa Öhman", "Och de andra två?"),
    (155.0, "Anna-Karin Öberg", "Budgeten och informationssäkerheten, i den ordningen."),
)
TIMED_SV_HEADER = ("Intervju 12, Vänersby kommun (fiktiv)", "Datum: 2024-02-08")
_TIMED_CASE = dict(
    layout="colon", language="sv", interviewer="Asa Ohman", interviewer_match="Åsa Öhman",
    turns=(("Åsa Öhman", "Välkommen! Kan du", I), ("Anna-Karin Öberg", "Jag är digitaliseringsstrateg", R),
           ("Åsa Öhman", "Hur ofta träffas", I), ("Anna-Karin Öberg", "Varannan vecka. Vi", R),
           ("Åsa Öhman", "Och de andra", I), ("Anna-Karin Öberg", "Budgeten och informationssäkerheten,", R)),
    starts=tuple(line[0] for line in TIMED_SV), inside=((3, "dagordningen. [00:02:15] Den första"),),
    nowhere=("Vänersby", "2024-02-08"))

# 8: Otter.ai: "Name  0:21" alone on its line.
OTTER: Script = (
    ("Henrik Sjöberg", ("Hi, and welcome. Today I'm talking with Lena Ek, who runs the e-services team in "
                        "Northvale.",)),
    ("Lena Ek", ("Thanks, Henrik. Happy to be here.",)),
    ("Henrik Sjöberg", ("Let's start with the basics. How big is the team?",)),
    ("Lena Ek", ("We are seven people. Four developers, two service designers, and me. Most of our time goes into "
                 "forms that citizens fill in, like parking permits and school applications.",)),
    ("Henrik Sjöberg", ("And how do you decide what to build first?",)),
    ("Lena Ek", ("We have a shared backlog with the other municipalities, so the order is decided together once a "
                 "quarter.",)),
    ("Henrik Sjöberg", ("That's all the time we have. Thank you, Lena.",)),
)
OTTER_TIMES = (21.0, 35.0, 39.0, 44.0, 72.0, 76.0, 3723.0)

# 10: Word table speaker | text and speaker | time | text.
TABLE_SV = (
    ("Intervjuare", "00:00:05", "Hur kom ni igång med det gemensamma e-arkivet?"),
    ("Deltagare", "00:00:12", "Vi började med en förstudie 2022 där alla sex kommunerna deltog, och sedan "
                              "upphandlade vi en gemensam leverantör."),
    ("Intervjuare", "00:00:40", "Vilka hinder mötte ni?"),
    ("Deltagare", "00:00:44", "Framför allt olika dokumenthanteringsplaner. Varje kommun hade sina egna regler för "
                              "vad som ska bevaras."),
    ("Intervjuare", "00:01:15", "Hur löste ni det?"),
    ("Deltagare", "00:01:19", "Med en gemensam arbetsgrupp av arkivarier som gick igenom planerna rad för rad."),
)
TABLE_SV_TURNS: tuple[Expected, ...] = (
    ("Intervjuare", "Hur kom ni", I), ("Deltagare", "Vi började med", R), ("Intervjuare", "Vilka hinder mötte", I),
    ("Deltagare", "Framför allt olika", R), ("Intervjuare", "Hur löste ni", I), ("Deltagare", "Med en gemensam", R),
)

# 11: Teams: <v Name> voices in cues with uuid ids; one utterance split over two cues.
TEAMS_CUES: tuple[Cue, ...] = (
    (3.12, 7.53, "Lina Berg", "Välkommen, och tack för att du ställer upp. Vi spelar in för transkriptionen."),
    (8.0, 9.4, "Farid Khan", "Inga problem, det går bra."),
    (10.1, 13.9, "Lina Berg", "Hur ser din vardag ut som e-tjänstutvecklare?"),
    (14.5, 19.0, "Farid Khan", "Mycket möten med verksamheterna, för att förstå vad de behöver,"),
    (19.0, 24.2, "Farid Khan", "och sedan bygger vi i plattformen som alla sex kommunerna delar."),
    (25.0, 28.3, "Lina Berg", "Vad fungerar bäst med den gemensamma plattformen?"),
    (29.0, 33.6, "Farid Khan", "Att vi slipper bygga samma formulär sex gånger. Det sparar veckor."),
)
TEAMS_TURNS: tuple[Expected, ...] = (
    ("Lina Berg", "Välkommen, och tack", I), ("Farid Khan", "Inga problem, det", R), ("Lina Berg", "Hur ser din", I),
    ("Farid Khan", "Mycket möten med", R), ("Farid Khan", "och sedan bygger", R),
    ("Lina Berg", "Vad fungerar bäst", I),
    ("Farid Khan", "Att vi slipper", R),
)

# 11: subtitles without any labels (Whisper-style): the roles cannot be told, whatever the cues say.
UNLABELLED_CUES: tuple[Cue, ...] = (
    (0.8, 3.9, None, "Välkommen hit, och tack för att du tar dig tid."),
    (4.2, 7.0, None, "Kan du börja med att berätta vad du arbetar med?"),
    (7.6, 10.3, None, "Ja, jag är enhetschef för kundtjänsten"),
    (10.3, 13.1, None, "och har varit det i ungefär fyra år nu."),
    (13.5, 17.2, None, "Vi tog över telefonin från IT-förbundet förra våren."),
    (17.9, 19.0, None, "Hur gick det?"),
    (19.4, 21.5, None, "Bättre än väntat, faktiskt."),
)
_UNLABELLED_CUES_CASE = dict(
    layout="cues", language="sv", confident=False, role_source=("inferred",),
    turns=tuple((None, " ".join(cue[3].split()[:3]), U) for cue in UNLABELLED_CUES),
    starts=tuple(cue[0] for cue in UNLABELLED_CUES))

# 12: diarisation placeholders.
SPEAKERS_EN: Script = (
    ("Speaker 1", ("Okay, we are recording. Could you say a few words about your role first?",)),
    ("Speaker 2", ("I lead the procurement unit, so I end up in most of the shared IT contracts in one way or "
                   "another.",)),
    ("Speaker 1", ("What is the biggest change since the joint procurement started?",)),
    ("Speaker 2", ("We write one specification instead of six. That alone saves months, even if the meetings are "
                   "longer.",)),
    ("Speaker 1", ("Any downsides?",)),
    ("Speaker 2", ("Smaller suppliers find it hard to bid when one contract covers all six municipalities.",)),
)
PYANNOTE_SV = """\
SPEAKER_00: Då kör vi. Kan du berätta lite om hur ni arbetar med informationssäkerhet?
SPEAKER_01: Vi har en gemensam säkerhetssamordnare för alla sex kommunerna, och varje kommun har en kontaktperson.
SPEAKER_00: Hur ofta ses ni?
SPEAKER_01: En gång i månaden, och oftare när det har hänt något.
SPEAKER_00: Tack, då går vi vidare.
"""
TALARE_SV: Script = (
    ("Talare 1", ("Då börjar vi. Hur länge har du arbetat i förbundet?",)),
    ("Talare 2", ("I tre år. Innan dess var jag IT-chef i en av medlemskommunerna.",)),
    ("Talare 1", ("Vad är den största skillnaden?",)),
    ("Talare 2", ("Att jag nu måste förankra allt i sex kommuner i stället för i en.",)),
)

# 13: what must not be taken for a label.
COLON_NEGATIVES_EN = """\
Background

Interviewer: Thanks for agreeing to talk. Where does the shared service desk stand today?
Nora Feldt: It works, mostly. The point is: we never agreed on what "urgent" means, so everything is urgent.
The point is: we need one definition across all six members before the new contract starts.
Interviewer: Who should decide on that definition?
Nora Feldt: The steering group. Honestly: nobody else has the mandate to say no to a department head.
Interviewer: Thank you, that was my last question.
"""
YES_ABSOLUTELY: Script = (
    ("Karl Nyberg", ("Would you say the collaboration has changed how you plan your own projects?",)),
    ("Mira Holm", ("Yes absolutely\nWe used to plan alone and tell the others afterwards. Now the plans are shared "
                   "before anyone starts.",)),
    ("Karl Nyberg", ("Was that an easy change?",)),
    ("Mira Holm", ("Not at all. The first year we spent more time in meetings than on the projects themselves.",)),
    ("Karl Nyberg", ("Thank you, that is all from me.",)),
)
LABEL_COLON_LINE_SV: Script = (
    ("Intervjuare", ("Hur började samarbetet kring e-tjänsterna?",)),
    ("Lars Åberg", ("Det började med att tre av kommunerna hade samma leverantör och insåg att de betalade tre "
                    "gånger för samma utveckling.",)),
    ("Intervjuare", ("Och de andra tre?",)),
    ("Lars Åberg", ("De anslöt året efter, när deras avtal löpte ut.",)),
)

# 9: bracketed ids; a bracketed transcription mark at the start of a line.
BRACKETS_EN = """\
[id1] Thanks for coming. What made you choose the evening course?

[id2] Mostly the timing. I work days at the library, so evenings were the only option for me.
[laughs] I did not expect it to be this much work, though.

[id1] Which part was the most work?

[id2] The written assignments. There were five in eight weeks, and each one needed a visit to the archive.

[id1] Would you take another course with us?

[id2] Probably, if the assignments were spread out more evenly over the term.
"""

# 10: Word bold labels without a colon; one bold first word that is emphasis, not a label.
BOLD_SV = (
    Bold("Intervjuare", " Hur länge har du varit IT-samordnare i förbundet?"),
    Bold("Maria Lundgren", " I snart sex år. Jag började när förbundet bildades och hade då ansvar för skolornas "
                           "nätverk."),
    Bold("Aldrig", " har vi haft så många projekt samtidigt som nu, och det märks i hela organisationen."),
    Bold("Intervjuare", " Vad tror du att det beror på?"),
    Bold("Maria Lundgren", " Att kommunerna till slut har bestämt sig för att göra saker tillsammans."),
    Bold("Intervjuare", " Tack, det var allt för i dag."),
)


CASES: tuple[Case, ...] = (
    # label alone on its line
    Case("label_line_txt_trailing_spaces_crlf_bom", "p.txt",
         partial(label_line_txt, script=LABEL_LINE_EN, trailing="  ", encoding="utf-8-sig", newline="\r\n"),
         **_LABEL_LINE_EN_CASE),
    Case("label_line_docx_plain_paragraphs", "p.docx",
         partial(label_line_docx, script=LABEL_LINE_EN, trailing="  "), **_LABEL_LINE_EN_CASE),
    Case("label_line_txt_with_colon_sv", "p.txt", partial(label_line_txt, script=LABEL_COLON_LINE_SV, colon=True,
                                                          encoding="cp1252"),
         "label-line", (("Intervjuare", "Hur började samarbetet", I), ("Lars Åberg", "Det började med", R),
                        ("Intervjuare", "Och de andra", I), ("Lars Åberg", "De anslöt året", R)),
         language="sv", name="Lars Åberg", role_source=("speaker label",)),
    Case("label_line_otter_name_and_time", "otter.txt", partial(label_line_txt, script=OTTER, times=OTTER_TIMES,
                                                                trailing="  "),
         "label-line", (("Henrik Sjöberg", "Hi, and welcome.", I), ("Lena Ek", "Thanks, Henrik. Happy", R),
                        ("Henrik Sjöberg", "Let's start with", I), ("Lena Ek", "We are seven", R),
                        ("Henrik Sjöberg", "And how do", I), ("Lena Ek", "We have a", R),
                        ("Henrik Sjöberg", "That's all the", I)),
         interviewer="Henrik Sjöberg", interviewer_match="Henrik Sjöberg", starts=OTTER_TIMES),
    Case("label_line_short_answer_line_is_text_utf16", "p.txt",
         partial(label_line_txt, script=YES_ABSOLUTELY, encoding="utf-16", newline="\r\n"),
         "label-line", (("Karl Nyberg", "Would you say", I), ("Mira Holm", "Yes absolutely We", R),
                        ("Karl Nyberg", "Was that an", I), ("Mira Holm", "Not at all.", R),
                        ("Karl Nyberg", "Thank you, that", I)),
         interviewer="Karl Nyberg", interviewer_match="Karl Nyberg", inside=((1, "Yes absolutely"),)),
    Case("label_line_speaker_n_placeholders", "p.txt", partial(label_line_txt, script=SPEAKERS_EN),
         "label-line", (("Speaker 1", "Okay, we are", I), ("Speaker 2", "I lead the", R),
                        ("Speaker 1", "What is the", I), ("Speaker 2", "We write one", R),
                        ("Speaker 1", "Any downsides?", I), ("Speaker 2", "Smaller suppliers find", R)),
         interviewer="Speaker 1", interviewer_match="Speaker 1"),
    Case("label_line_docx_word_transcribe_talare_n", "p.docx",
         partial(label_line_docx, script=TALARE_SV, times=(3.0, 9.0, 15.0, 18.0), time_first=True),
         "label-line", (("Talare 1", "Då börjar vi.", I), ("Talare 2", "I tre år.", R),
                        ("Talare 1", "Vad är den", I), ("Talare 2", "Att jag nu", R)),
         language="sv", interviewer="Talare 1", interviewer_match="Talare 1", starts=(3.0, 9.0, 15.0, 18.0)),
    # Name: text
    _riksdag_case("Karin Östlund", "KARIN ÖSTLUND (M)"),
    _riksdag_case("Per Almgren", "Statsrådet PER ALMGREN (S)"),
    Case("colon_timestamp_before_label_sv", "p.txt",
         partial(timed_colon_txt, lines=TIMED_SV, header=TIMED_SV_HEADER, before=True), **_TIMED_CASE),
    Case("colon_timestamp_after_label_sv_cp1252", "p.txt",
         partial(timed_colon_txt, lines=TIMED_SV, header=TIMED_SV_HEADER, before=False, encoding="cp1252",
                 newline="\r\n"), **_TIMED_CASE),
    Case("colon_pyannote_speaker_nn", "p.txt", partial(write_text, text=PYANNOTE_SV),
         "colon", (("SPEAKER_00", "Då kör vi.", I), ("SPEAKER_01", "Vi har en", R), ("SPEAKER_00", "Hur ofta ses", I),
                   ("SPEAKER_01", "En gång i", R), ("SPEAKER_00", "Tack, då går", I)),
         language="sv", interviewer="SPEAKER_00", interviewer_match="SPEAKER_00"),
    Case("colon_sentence_colons_and_heading_are_not_labels", "p.txt", partial(write_text, text=COLON_NEGATIVES_EN),
         "colon", (("Interviewer", "Thanks for agreeing", I), ("Nora Feldt", "It works, mostly.", R),
                   ("Interviewer", "Who should decide", I), ("Nora Feldt", "The steering group.", R),
                   ("Interviewer", "Thank you, that", I)),
         name="Nora Feldt", role_source=("speaker label",),
         inside=((1, "The point is: we never agreed"), (1, "The point is: we need one definition"),
                 (3, "Honestly: nobody")),
         nowhere=("Background",)),
    # [id]
    Case("bracket_ids_and_a_bracketed_mark", "p.txt", partial(write_text, text=BRACKETS_EN),
         "bracket", (("id1", "Thanks for coming.", I), ("id2", "Mostly the timing.", R), ("id1", "Which part was", I),
                     ("id2", "The written assignments.", R), ("id1", "Would you take", I),
                     ("id2", "Probably, if the", R)),
         role_source=("inferred",), inside=((1, "[laughs] I did not expect"),)),
    # Word: bold labels, tables
    Case("bold_labels_without_colon_docx", "p.docx", partial(write_docx, blocks=BOLD_SV),
         "bold", (("Intervjuare", "Hur länge har", I), ("Maria Lundgren", "I snart sex", R),
                  ("Intervjuare", "Vad tror du", I), ("Maria Lundgren", "Att kommunerna till", R),
                  ("Intervjuare", "Tack, det var", I)),
         language="sv", name="Maria Lundgren", role_source=("speaker label",),
         inside=((1, "nätverk.\nAldrig har vi haft"),)),
    Case("table_speaker_text_with_header_row", "p.docx", partial(table_docx, rows=TABLE_SV, columns=(0, 2)),
         "table", TABLE_SV_TURNS, language="sv", role_source=("speaker label",), nowhere=("Talare",)),
    Case("table_speaker_time_text", "p.docx", partial(table_docx, rows=TABLE_SV, columns=(0, 1, 2)),
         "table", TABLE_SV_TURNS, language="sv", role_source=("speaker label",), nowhere=("Talare", "Tid"),
         starts=(5.0, 12.0, 40.0, 44.0, 75.0, 79.0)),
    # subtitles
    Case("cue_label_zoom_vtt", "zoom.vtt", partial(write_vtt, cues=ZOOM_CUES, ids="number"), **_ZOOM_CASE),
    Case("cue_label_srt", "p.srt", partial(write_srt, cues=ZOOM_CUES, newline="\r\n"), **_ZOOM_CASE),
    Case("cue_voice_teams_vtt", "teams.vtt", partial(write_vtt, cues=TEAMS_CUES, ids="uuid", voice=True),
         "cue-voice", TEAMS_TURNS, language="sv", interviewer="lina berg", interviewer_match="Lina Berg",
         starts=tuple(cue[0] for cue in TEAMS_CUES)),
    Case("cues_without_labels_srt", "p.srt", partial(write_srt, cues=UNLABELLED_CUES, encoding="cp1252"),
         **_UNLABELLED_CUES_CASE),
    Case("cues_without_labels_whisper_vtt", "p.vtt", partial(write_vtt, cues=UNLABELLED_CUES, hours=False),
         **_UNLABELLED_CUES_CASE),
    # no labels at all
    Case("paragraphs_questions_and_answers_docx", "p.docx",
         partial(paragraphs_docx, header=QA_EN_HEADER, body=QA_EN, footer=("End of transcript",)),
         "paragraphs", QA_EN_TURNS, role_source=("inferred",), nowhere=(*QA_EN_HEADER, "End of transcript")),
    Case("paragraphs_questions_and_answers_txt_sv_cp1252", "p.txt",
         partial(paragraphs_txt, header=QA_SV_HEADER, body=QA_SV, footer=("Slut på intervjun",), encoding="cp1252"),
         "paragraphs", QA_SV_TURNS, language="sv", role_source=("inferred",),
         nowhere=(*QA_SV_HEADER, "Slut på intervjun")),
    Case("paragraphs_alike_without_questions_docx", "p.docx",
         partial(paragraphs_docx, header=MONOLOGUE_HEADER, body=MONOLOGUE, footer=()),
         "paragraphs", tuple((None, words, U) for words in MONOLOGUE_WORDS), role_source=("inferred",),
         confident=False, nowhere=MONOLOGUE_HEADER),
)
BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"


def with_layout_column(case: Case, layout: str) -> Case:
    """``case`` read with the participants file's layout column set: strict alternation from the first turn
    (or every turn the respondent's), decided by the column with confidence 1."""
    first, second = {"alternating-interviewer-first": (I, R), "alternating-respondent-first": (R, I),
                     "respondent-only": (R, R)}[layout]
    turns = tuple((speaker, words, first if n % 2 == 0 else second) for n, (speaker, words, _) in enumerate(case.turns))
    return replace(case, id=f"{case.id}+{layout}", participant_layout=layout, turns=turns,
                   role_source=("layout column",), confident=True)


LAYOUT_COLUMN_CASES: tuple[Case, ...] = (
    with_layout_column(BY_ID["paragraphs_alike_without_questions_docx"], "alternating-respondent-first"),
    with_layout_column(BY_ID["paragraphs_alike_without_questions_docx"], "alternating-interviewer-first"),
    with_layout_column(BY_ID["paragraphs_alike_without_questions_docx"], "respondent-only"),
    with_layout_column(BY_ID["paragraphs_questions_and_answers_docx"], "alternating-interviewer-first"),
    with_layout_column(BY_ID["paragraphs_questions_and_answers_txt_sv_cp1252"], "alternating-interviewer-first"),
)


def colon_pair(path: Path, interviewer_label: str, respondent_label: str) -> None:
    """A four-turn ``Label: text`` interview between two labels, the interviewer asking."""
    write_text(path, f"{interviewer_label}: How did the shared e-service platform start?\n"
                     f"{respondent_label}: With three municipalities and one supplier, back in 2020.\n"
                     f"{interviewer_label}: And the other three?\n"
                     f"{respondent_label}: They joined when their own contracts ran out.\n")
