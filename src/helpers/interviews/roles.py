"""Who is speaking: the interviewer or the respondent, turn by turn, and how sure that is.

Stage 01 reads a transcript into turns (:mod:`helpers.interviews.transcripts`); this module decides each turn's
role before anything is cleaned or quoted. In order:

1. The ``layout`` column of participants.csv settles it when filled in: ``respondent-only`` (every turn
   is the respondent's), ``alternating-interviewer-first`` / ``alternating-respondent-first`` (turns
   alternate strictly from the first one after the title; not trusted where the alternation model below
   finds the stated roles all but impossible, as after an answer written as two paragraphs), ``labelled``
   (the file must have labels). :func:`check_layout` refuses what cannot apply (alternating cues).
2. In a labelled file, the ``interviewer`` column names the interviewer's label(s). Labels are compared
   by :func:`name_key`: case, accents, whitespace, a ``(tag)`` suffix, titles and speech numbers do not
   matter, so ``Lina Björk`` matches ``LINA BJÖRK (S)`` and ``Lina Bjork``; a name of two words or more
   also matches a label that contains it (``Statsrådet Lina Björk``). Then well-known codes (``I``,
   ``R``, ``Intervjuare`` ...) and the respondent's name. Else the roles are inferred from the words
   and questions per speaker.
3. A file without labels whose paragraphs are its turns is read as an interview that alternates
   questions and answers: a two-state hidden Markov model over the paragraphs (questions, length,
   alternation) gives each paragraph a role and a confidence; a paragraph whose role stays unclear is
   ``unknown`` on its own.

Whatever the path, a confidence below :data:`CONFIDENT` makes every turn ``unknown``: such an interview is
never quoted or coded as a respondent's words, and the quality table, the end of the run and the
report's method section say so. Diarisation placeholders (``Unknown Speaker``, ``Speaker 2``) are
speakers of their own.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.errors import InputError
from ..core.textio import strip_invisible
from .pseudonymise import label_name
from .transcripts import REPLY_WORDS, SPEECH_NUMBER, Transcript, Turn

INTERVIEWER_ROLE, RESPONDENT_ROLE, UNKNOWN_ROLE, UNLABELLED_ROLE = "interviewer", "respondent", "unknown", "unlabelled"
CONFIDENT = 0.6  # roles decided with less confidence than this are not used: every turn is "unknown"
CONTRADICTED = 0.1  # a stated role this improbable under the alternation model contradicts the text
TURN_CONFIDENT = 0.7  # in an unlabelled file, a paragraph whose role is less probable than this is "unknown"

# The alternation model: P(question | role), the typical length of a turn (words, log-normal), P(switch).
_QUESTION = {INTERVIEWER_ROLE: 0.8, RESPONDENT_ROLE: 0.2}  # answers may end in a rhetorical question
_LOG_WORDS = {INTERVIEWER_ROLE: (math.log(14), 0.7), RESPONDENT_ROLE: (math.log(60), 0.7)}
_SWITCH = 0.9
_MAX_Z = 2.5
_STATES = (INTERVIEWER_ROLE, RESPONDENT_ROLE)


@dataclass
class Attribution:
    """The turns of one transcript with a role each, how the roles were decided, and how sure that is."""

    turns: list[Turn]  # merged: consecutive turns of one speaker (or of one role, in an unlabelled file) are one
    roles: list[str]  # per turn: interviewer, respondent, unlabelled (header before the first label) or unknown
    how: str  # the role_source of every segment
    confidence: float  # 0..1
    matched: list[str] = field(default_factory=list)  # labels the interviewer column matched
    notes: list[str] = field(default_factory=list)  # for the quality table's warnings

    @property
    def confident(self) -> bool:
        """Whether the roles may be used: a confidence of at least :data:`CONFIDENT`."""
        return self.confidence >= CONFIDENT


def name_key(label: str) -> str:
    """A speaker label or name in the form they are compared in: no title, tag, time or accents, lower case."""
    label = strip_invisible(label).strip()
    if speech := SPEECH_NUMBER.fullmatch(label):  # "Anf. 116 NAME (M)": the number of a speech in a debate
        label = speech["rest"]
    name = label_name(label) or label  # also turns "Björk, Lina" (a register's order) into "Lina Björk"
    name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s-]", " ", name).casefold().split())


def _names_match(label_key: str, given_key: str) -> bool:
    """Same name, or a name of two words or more inside the label ("statsrådet lina björk")."""
    if label_key == given_key:
        return True
    given, words = given_key.split(), label_key.split()
    return len(given) >= 2 and any(words[i:i + len(given)] == given for i in range(len(words) - len(given) + 1))


def matching_labels(labels: Sequence[str], names: Sequence[str], loose: bool = True) -> list[str]:
    """The labels that one of ``names`` (the interviewer column, or the respondent's name) matches.

    With ``loose``, a one-word name ("Lina") also matches the one label that has it as a word ("Lina
    Björk"), when no other label does: the same first name on two labels is no match at all.
    """
    found = []
    for key in (name_key(n) for n in names if n.strip()):
        if not key:
            continue
        hits = [label for label in labels if _names_match(name_key(label), key)]
        if not hits and loose and len(key.split()) == 1:
            hits = [label for label in labels if key in name_key(label).split()]
            hits = hits if len(hits) == 1 else []
        found += [label for label in hits if label not in found]
    return [label for label in labels if label in found]


def merge_turns(turns: list[Turn]) -> list[Turn]:
    """Merge consecutive turns of the same speaker; an unlabelled turn continues the previous speaker.

    In a file without any labels nothing is merged: its turns are paragraphs or cues.
    """
    if all(turn.speaker is None for turn in turns):
        return [turn for turn in turns if turn.text.strip()]
    merged: list[Turn] = []
    for turn in turns:
        if not turn.text.strip():
            continue
        if merged and (turn.speaker == merged[-1].speaker or (turn.speaker is None and merged[-1].speaker)):
            merged[-1] = _joined(merged[-1], turn)
        else:
            merged.append(Turn(turn.speaker, turn.text.strip(), turn.start, turn.end, turn.line))
    return merged


def _joined(first: Turn, second: Turn) -> Turn:
    """Two turns as one: cues join with a space, paragraphs with a line break."""
    joiner = " " if first.end is not None and second.start is not None else "\n"
    return Turn(first.speaker, first.text.rstrip() + joiner + second.text.strip(), first.start,
                second.end if second.end is not None else first.end, first.line)


def _merge_roles(turns: list[Turn], roles: list[str]) -> tuple[list[Turn], list[str]]:
    """Consecutive turns with the same role as one turn (an answer over two paragraphs is one answer)."""
    out_turns: list[Turn] = []
    out_roles: list[str] = []
    for turn, role in zip(turns, roles):
        if out_roles and out_roles[-1] == role:
            out_turns[-1] = _joined(out_turns[-1], turn)
        else:
            out_turns.append(turn)
            out_roles.append(role)
    return out_turns, out_roles


def count_words(text: str) -> int:
    """Number of words (runs of letters or digits)."""
    return len(re.findall(r"\w+", text))


def _is_question(text: str) -> bool:
    """A turn that asks: its last sentence is a question ("Honestly? I think ..." is an answer)."""
    return text.strip().rstrip("\"'”») ").endswith("?")


def _is_reply(text: str) -> bool:
    """A paragraph of nothing but short replies ("Okay", "Right", "Mm"): either speaker says those."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return bool(words) and all(word in REPLY_WORDS for word in words)


def words_per_speaker(turns: list[Turn]) -> dict[str | None, int]:
    """How many words each speaker label says, in order of first appearance."""
    words: dict[str | None, int] = {}
    for turn in turns:
        words[turn.speaker] = words.get(turn.speaker, 0) + count_words(turn.text)
    return words


# ---- labelled files ------------------------------------------------------------------------------


def _code_role(label: str, interviewer_codes: frozenset[str], respondent_codes: frozenset[str]) -> str | None:
    """The role a well-known code names ("I", "Intervjuare", "R", "IP"), or None for any other label.

    A number after the code does not change it: "Q1"/"A1" number the questions, "IP1"/"IP2" are two
    interviewees, "Participant 3" is one of several.
    """
    key = re.sub(r"[\s_-]*\d+$", "", " ".join(label.split()).strip(":").lower())
    if "/" in key:  # "Intervjuare/Interviewer": the same code in two languages
        roles = {_code_role(part, interviewer_codes, respondent_codes) for part in key.split("/")}
        return roles.pop() if len(roles) == 1 else None
    return INTERVIEWER_ROLE if key in interviewer_codes else RESPONDENT_ROLE if key in respondent_codes else None


def assign_roles(turns: list[Turn], interviewer_labels: list[str], respondent_name: str,
                 interviewer_codes: frozenset[str], respondent_codes: frozenset[str]) -> Attribution:
    """Roles of a labelled transcript's (merged) turns; see the module docstring for the order of evidence.

    Roles from codes are checked against the questions: when the "respondent" asks clearly more of them
    than the "interviewer" (``R:`` written for *Researcher* beside ``P:``), the codes are not trusted.
    """
    words = words_per_speaker(turns)
    labels = [label for label in words if label is not None]
    coded = {label: role for label in labels
             if (role := _code_role(label, interviewer_codes, respondent_codes)) is not None}
    # A one-word interviewer name ("Maria") may match a label loosely, unless a code already names the
    # interviewer: then "Maria" is more likely the respondent's first name.
    matched = matching_labels(labels, interviewer_labels, loose=INTERVIEWER_ROLE not in coded.values())
    named = [label for label in matching_labels(labels, [respondent_name]) if label not in matched]
    roles: dict[str | None, str] = {}
    notes = []
    if matched:
        how, confidence = "interviewer column", 1.0
        roles = {label: INTERVIEWER_ROLE if label in matched else RESPONDENT_ROLE for label in labels}
        if len(labels) > len(matched) + 1:
            how = "interviewer column, other speakers taken as respondents"
    else:
        if interviewer_labels:
            notes.append(f"the interviewer column ({', '.join(interviewer_labels)}) matches no speaker label "
                         f"(labels: {', '.join(labels[:6])})")
        roles = {**coded, **{label: RESPONDENT_ROLE for label in named}}
        how, confidence = "speaker label", 0.95
        undecided = [label for label in labels if label not in roles]
        if undecided:
            roles, how, confidence = _infer_labelled(turns, roles, undecided, words)
        asked = {role: _question_share(turns, [lab for lab, r in roles.items() if r == role])
                 for role in _STATES}
        if INTERVIEWER_ROLE not in roles.values() and (hidden := _hidden_questions(turns)) >= 2:
            notes.append(f"no interviewer is labelled, but {hidden} paragraphs inside the respondent's turns are "
                         "questions: the interviewer's turns may have no labels")
            confidence = min(confidence, 0.4)
        if coded and asked[RESPONDENT_ROLE] > max(2 * asked[INTERVIEWER_ROLE], 0.3):
            notes.append(f"the speaker labels say {', '.join(coded)}, but the respondent asks "
                         f"{asked[RESPONDENT_ROLE]:.0%} questions and the interviewer {asked[INTERVIEWER_ROLE]:.0%}")
            confidence = min(confidence, 0.4)
    if None in words:
        # Text before the first label is a header, nobody's answer.
        roles[None] = UNLABELLED_ROLE
    return Attribution(turns, [roles[turn.speaker] for turn in turns], how, confidence, matched, notes)


def _hidden_questions(turns: list[Turn]) -> int:
    """Paragraphs that are questions inside labelled turns (unlabelled interviewer turns, merged into answers)."""
    return sum(part.strip().endswith("?") for turn in turns if turn.speaker is not None
               for part in turn.text.split("\n")[1:])


def _question_share(turns: list[Turn], labels: Sequence[str]) -> float:
    """The share of the turns of ``labels`` that ask a question."""
    own = [turn for turn in turns if turn.speaker in labels]
    return sum(_is_question(turn.text) for turn in own) / len(own) if own else 0.0


def _infer_labelled(turns: list[Turn], roles: dict[str | None, str], undecided: list[str],
                    words: dict[str | None, int]) -> tuple[dict[str | None, str], str, float]:
    """Roles of the undecided labels: the one who speaks most answers, unless the evidence says otherwise.

    The confidence counts three signs: the respondent says most of the words, the others ask more
    questions than the respondent, and the others ask questions at all. With three or more speakers who
    speak more than once (a focus group, or two interviewers) it stays below :data:`CONFIDENT`. When a code
    already names the interviewer (``Moderator:``), the others are respondents.
    """
    roles = dict(roles)
    if RESPONDENT_ROLE in roles.values():
        roles.update({label: INTERVIEWER_ROLE for label in undecided})
        return roles, "speaker label, other speakers taken as interviewers", 0.8
    if INTERVIEWER_ROLE in roles.values():  # "Moderator:" with P1 ... P4: a focus group
        roles.update({label: RESPONDENT_ROLE for label in undecided})
        return roles, "speaker label, other speakers taken as respondents", 0.8
    top = max(undecided, key=lambda label: words[label])
    others = [label for label in words if label is not None and label != top]
    if not others:
        roles[top] = RESPONDENT_ROLE
        return roles, "inferred: the only speaker is the respondent", CONFIDENT
    total = sum(words[label] for label in words if label is not None)
    asks_more = _question_share(turns, others) > _question_share(turns, [top])
    signs = (words[top] / total >= 0.55) + asks_more + (_question_share(turns, others) >= 0.3)
    for label in undecided:
        roles[label] = RESPONDENT_ROLE if label == top else INTERVIEWER_ROLE
    confidence = 0.4 + 0.15 * signs
    regular = [label for label in undecided if sum(turn.speaker == label for turn in turns) >= 2]
    if len(regular) >= 3:  # a focus group or two interviewers: who speaks most says little
        confidence = min(confidence, 0.5)
    return roles, "inferred: the speaker with the most words is the respondent", confidence


# ---- unlabelled files ----------------------------------------------------------------------------


def _log_emission(turn: Turn, role: str) -> float:
    """log P(turn | role): whether it asks, and its length (log-normal, clipped); a bare reply tells nothing."""
    if _is_reply(turn.text):
        return 0.0
    question = _QUESTION[role] if _is_question(turn.text) else 1 - _QUESTION[role]
    mean, sd = _LOG_WORDS[role]
    # Clipped: a one-line answer ("In 2015.") or a long question is unusual, not impossible.
    z = max(-_MAX_Z, min(_MAX_Z, (math.log(max(count_words(turn.text), 1)) - mean) / sd))
    return math.log(question) - 0.5 * z * z - math.log(sd)


def _posteriors(turns: list[Turn]) -> list[dict[str, float]]:
    """P(role | all turns) per turn, by the forward-backward algorithm of the alternation model."""
    def step(prev: dict[str, float], emit: dict[str, float]) -> dict[str, float]:
        out = {s: emit[s] + _logsumexp([prev[r] + math.log(_SWITCH if r != s else 1 - _SWITCH) for r in _STATES])
               for s in _STATES}
        return out
    emits = [{s: _log_emission(turn, s) for s in _STATES} for turn in turns]
    forward = [{s: math.log(0.5) + emits[0][s] for s in _STATES}]
    for emit in emits[1:]:
        forward.append(step(forward[-1], emit))
    backward = [{s: 0.0 for s in _STATES}]
    for emit in reversed(emits[1:]):
        nxt = backward[0]
        backward.insert(0, {r: _logsumexp([math.log(_SWITCH if r != s else 1 - _SWITCH) + emit[s] + nxt[s]
                                           for s in _STATES]) for r in _STATES})
    out = []
    for f, b in zip(forward, backward):
        norm = _logsumexp([f[s] + b[s] for s in _STATES])
        out.append({s: math.exp(f[s] + b[s] - norm) for s in _STATES})
    return out


def _logsumexp(values: list[float]) -> float:
    """log(sum(exp(values))), without overflow."""
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def infer_alternation(turns: list[Turn]) -> tuple[list[str], float]:
    """Roles of an unlabelled interview's paragraphs and the confidence in them (0..1).

    Each paragraph gets its most probable role; a paragraph whose role is less probable than
    :data:`TURN_CONFIDENT` (the second paragraph of a long answer, say) is ``unknown``: it is neither
    quoted nor coded, and the rest of the interview is. The confidence is the mean probability of the
    roles, capped at 0.4 unless the interviewer asks at least two questions and at least half of all
    questions (answers may hold rhetorical ones; an interviewer also says "Okay"), and the respondent says
    most of the words.
    """
    if not turns:
        return [], 0.0
    posteriors = _posteriors(turns)
    roles = [max(p, key=p.get) for p in posteriors]
    confidence = sum(p[r] for p, r in zip(posteriors, roles)) / len(roles)
    asked = {role: sum(_is_question(t.text) for t, r in zip(turns, roles) if r == role) for role in _STATES}
    answer_words = sum(count_words(t.text) for t, r in zip(turns, roles) if r == RESPONDENT_ROLE)
    all_words = sum(count_words(t.text) for t in turns)
    if (asked[INTERVIEWER_ROLE] < 2 or asked[INTERVIEWER_ROLE] < asked[RESPONDENT_ROLE]
            or answer_words < all_words / 2):
        confidence = min(confidence, 0.4)
    roles = [role if p[role] >= TURN_CONFIDENT else UNKNOWN_ROLE for p, role in zip(posteriors, roles)]
    return roles, round(confidence, 3)


# ---- every file ----------------------------------------------------------------------------------


def _one_turn(turns: list[Turn]) -> list[Turn]:
    """Subtitle cues without labels as one turn: cues break sentences, so they are no units of speech."""
    merged = turns[:1]
    for turn in turns[1:]:
        merged[-1] = _joined(merged[-1], turn)
    return merged


def _stated(transcript: Transcript, layout: str) -> Attribution:
    """Roles from the layout column: strict alternation, or a respondent-only file (its cues as one turn)."""
    turns = [turn for turn in transcript.turns if turn.text.strip()]
    if layout == "respondent-only":
        turns = _one_turn(turns) if transcript.layout == "cues" else merge_turns(turns)
        return Attribution(turns, [RESPONDENT_ROLE] * len(turns), "layout column: respondent only", 1.0)
    turns = merge_turns(turns)  # labelled turns of one speaker are one turn before they alternate
    first = 0 if layout == "alternating-interviewer-first" else 1
    roles = [_STATES[(i + first) % 2] for i in range(len(turns))]
    # Strict alternation gone wrong: one answer over two paragraphs flips every turn after it. The
    # alternation model then finds the stated role of those turns all but impossible.
    against = [t.line for t, r, p in zip(turns, roles, _posteriors(turns) if turns else []) if p[r] < CONTRADICTED]
    if len(against) >= 2:
        note = (f"the layout '{layout}' contradicts the text at line {', '.join(str(n) for n in against[:5])} "
                "(questions read as answers, or answers as questions): an answer over two paragraphs flips every "
                "turn after it; join such paragraphs in the file, or label the speakers")
        return Attribution(turns, roles, f"layout column: {layout}", 0.4, notes=[note])
    return Attribution(turns, roles, f"layout column: {layout}", 1.0)


def _how_to_settle(transcript: Transcript, layout: str, labelled: bool) -> str:
    """What the researcher can do about an interview whose roles are uncertain."""
    if layout.startswith("alternating"):
        return "join the paragraphs of one answer in the file, or label the speakers"
    if transcript.layout == "cues":
        return "label the speakers in the file, or write respondent-only in its layout column if one person speaks"
    if labelled:
        return "fill in its interviewer column, or its layout column (e.g. alternating-interviewer-first)"
    return "write its layout column (e.g. alternating-interviewer-first), or label the speakers in the file"


def check_layout(transcript: Transcript, layout: str) -> None:
    """An InputError when the layout column of participants.csv cannot apply to the file as read.

    ``labelled`` needs labels; the alternating layouts need turns (paragraphs or labelled turns), not
    subtitle cues, which break sentences. Checked before any notebook runs (``--check``) and in stage 01.
    """
    layout = (layout or "").strip().lower()
    labelled = any(turn.speaker is not None for turn in transcript.turns)
    if layout == "labelled" and not labelled:
        raise InputError(transcript.path, "participants.csv gives layout 'labelled', but no speaker labels were "
                         "found in the file", fix="check the file, or write the layout of its turns, e.g. "
                         "alternating-interviewer-first")
    if layout.startswith("alternating") and transcript.layout == "cues":
        raise InputError(transcript.path, f"participants.csv gives layout '{layout}', but the file is subtitle cues "
                         "without speaker labels: cues break sentences, so they cannot alternate between speakers",
                         fix="write respondent-only if one person speaks, or label the speakers in the file")


def attribute(transcript: Transcript, participant: dict, interviewer_codes: frozenset[str],
              respondent_codes: frozenset[str]) -> Attribution:
    """Every turn of ``transcript`` with its role (see the module docstring); ``participant`` is its row."""
    layout = str(participant.get("layout") or "").strip().lower()  # checked by helpers.core.study
    check_layout(transcript, layout)
    labelled = any(turn.speaker is not None for turn in transcript.turns)
    if layout and layout != "labelled":
        result = _stated(transcript, layout)
    elif labelled:
        interviewers = [x for x in str(participant.get("interviewer") or "").split(";") if x.strip()]
        result = assign_roles(merge_turns(transcript.turns), interviewers, str(participant.get("name") or ""),
                              interviewer_codes, respondent_codes)
    elif transcript.layout == "paragraphs":
        turns = merge_turns(transcript.turns)
        roles, confidence = infer_alternation(turns)
        unclear = [turn.line for turn, role in zip(turns, roles) if role == UNKNOWN_ROLE]
        if confidence >= CONFIDENT:
            turns, roles = _merge_roles(turns, roles)
        result = Attribution(turns, roles, "inferred: alternating questions and answers", confidence)
        if unclear and result.confident:
            result.notes.append(f"{len(unclear)} paragraph(s) whose speaker is unclear (line "
                                f"{', '.join(str(n) for n in unclear[:5])}) are left out of coding and quotes")
    else:  # subtitle cues without labels: nothing tells who speaks
        result = Attribution(_one_turn(merge_turns(transcript.turns)), [UNKNOWN_ROLE], "inferred: no speaker labels",
                             0.0)
    if not result.confident:
        settle = _how_to_settle(transcript, layout, labelled)
        result.notes.append(f"roles uncertain ({result.how}, confidence {result.confidence:.2f}): "
                            f"nothing in this interview is quoted or coded as the respondent's; to settle it, {settle}")
        result.how = f"{result.how}, roles uncertain"
        result.roles = [UNKNOWN_ROLE if role != UNLABELLED_ROLE else role for role in result.roles]
    return result
