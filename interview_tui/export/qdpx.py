"""REFI-QDA project export (.qdpx): the transcript as a text source, the guide's themes,
questions and follow-ups as codes, and the coverage evidence and the researcher's own tags as
coded segments — the interview arrives in NVivo, ATLAS.ti, MAXQDA or QualCoder coded by guide item.

A .qdpx is a zip with ``project.qde`` (namespace urn:QDA-XML:project:1.0) and ``sources/``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from ..coverage.report import REASON_WORDS, CoverageReport
from ..fileio import atomic_write_bytes
from ..guide.model import Guide
from ..model.transcript import Transcript, rejected_item
from ..model.timefmt import hms
from .transcript_formats import check_marks

NAMESPACE = "urn:QDA-XML:project:1.0"
THEME_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def _guid(*parts: str) -> str:
    """Stable GUIDs, so exporting twice gives the same codes (importers can merge projects)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "interview-tui:" + ":".join(parts)))


def source_text(transcript: Transcript, rewrite=lambda t: t) -> tuple[str, list[tuple[int, int]]]:
    """The text QDA tools show: one paragraph per segment, ``[hh:mm:ss] Speaker: text``, what to
    check before quoting it after the words (as in every export); and each segment's (start, end)
    character positions in it — the words only, so a coding never takes the mark in."""
    parts, spans, position = [], [], 0
    for segment in sorted(transcript.segments, key=lambda s: s.start):
        prefix = f"[{hms(segment.start)}] {segment.speaker}: "
        body = rewrite(segment.text)
        spans.append((position + len(prefix), position + len(prefix) + len(body)))
        marks = check_marks(segment)
        line = prefix + body + (f" {marks}" if marks else "") + "\n"
        parts.append(line)
        position += len(line)
    return "".join(parts), spans


def code_name(item_id: str, text: str, limit: int = 80) -> str:
    """``id text`` short enough for a code list, cut between words (never mid-word)."""
    full = f"{item_id} {text}"
    if len(full) <= limit:
        return full
    cut = full[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _codes_xml(guide: Guide, code_ids: dict[str, str]) -> str:
    out = ["<CodeBook><Codes>"]
    for index, theme in enumerate(guide.themes):
        colour = THEME_COLOURS[index % len(THEME_COLOURS)]
        out.append(f'<Code guid="{code_ids[theme.id]}" name={quoteattr(f"{theme.id} {theme.title}")} '
                   f'isCodable="true" color="{colour}"><Description>{escape(theme.title)}</Description>')
        for question in theme.questions:
            out.append(f'<Code guid="{code_ids[question.id]}" name={quoteattr(code_name(question.id, question.text))} '
                       f'isCodable="true" color="{colour}"><Description>{escape(question.text)}</Description>')
            for followup in question.followups:
                out.append(f'<Code guid="{code_ids[followup.id]}" name={quoteattr(code_name(followup.id, followup.text))} '
                           f'isCodable="true" color="{colour}"><Description>{escape(followup.text)}</Description></Code>')
            out.append("</Code>")
        out.append("</Code>")
    out.append("</Codes></CodeBook>")
    return "".join(out)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive indices as (first, last) runs: [3, 4, 5, 9] → [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indices):
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


_REPLY = f"answered ({REASON_WORDS['answer']})"


def _why(evidence) -> str:
    """"asked (meaning, score 0.81)"; a reply or a researcher's mark has no score to give."""
    if evidence.reason in ("keywords", "semantic"):
        return f"{evidence.role} ({REASON_WORDS[evidence.reason]}, score {evidence.score:.2f})"
    return f"{evidence.role} ({REASON_WORDS[evidence.reason]})"


def _codings(report: CoverageReport | None, segments: list, talk: dict[str, list[int]]) -> dict[tuple[int, int, str], str]:
    """(first segment, last segment, item id) → why it is coded so.

    Why whole stretches: a researcher codes a question's answer, not only the turn that asked it —
    the thesis sorts the informants' answers by theme. Each question's and follow-up's talk is one
    coding per unbroken run of turns; the evidence that found it (asked, answered, a mark) and the
    researcher's own tags inside the run are named in its description instead of coded twice over
    the same turn. Evidence and tags outside the talk keep their own coding."""
    reasons: dict[tuple[int, str], list[str]] = {}
    if report is not None:
        for item in report.items:
            if item.status == "not_covered":
                continue
            for evidence in item.evidence:
                if 0 <= evidence.segment < len(segments):
                    reasons.setdefault((evidence.segment, item.id), []).append(_why(evidence))
    for index, segment in enumerate(segments):
        for tag in segment.tags:
            if rejected_item(tag) is not None:  # the researcher's "not this item": no code to give
                continue
            if not any("researcher's coding" in why for why in reasons.get((index, tag), [])):
                reasons.setdefault((index, tag), []).append("tagged by the researcher")
    codings: dict[tuple[int, int, str], str] = {}
    for item_id, indices in talk.items():
        for first, last in _runs([i for i in indices if 0 <= i < len(segments)]):
            # a reply inside the talk goes without saying: the talk is the question and its replies
            inside = [f"[{hms(segments[i].start)}] {why}" for i in range(first, last + 1)
                      for why in reasons.pop((i, item_id), []) if why != _REPLY]
            codings[(first, last, item_id)] = (f"{item_id}: its talk, [{hms(segments[first].start)}] to "
                                               f"[{hms(segments[last].end)}]" + (f" — {'; '.join(inside)}" if inside else ""))
    for (index, item_id), whys in reasons.items():
        codings[(index, index, item_id)] = f"{item_id}: {'; '.join(whys)}"
    return codings


@dataclass
class QdaInterview:
    """One interview as a source of a REFI-QDA project: its transcript (already anonymised), the
    check's report, each item's stretch of talk (``coverage.answers``, coded as a whole), the
    interviewer's timed notes (memos), and the recording's name inside the archive, if linked."""

    name: str
    informant: str
    transcript: Transcript
    report: CoverageReport | None
    talk: dict[str, list[int]] = field(default_factory=dict)
    notes: list[tuple[float, str]] = field(default_factory=list)
    audio_name: str | None = None
    rewrite: Callable[[str], str] = lambda text: text


def build_project(guide: Guide, transcript: Transcript, report: CoverageReport | None, *,
                  name: str, informant: str, rewrite=lambda t: t, notes: list[tuple[float, str]] = (),
                  audio_name: str | None = None, talk: dict[str, list[int]] | None = None) -> tuple[str, str, str]:
    """(project.qde XML, source file name, source text) for one interview."""
    interview = QdaInterview(name, informant, transcript, report, talk or {}, list(notes), audio_name, rewrite)
    xml, sources = build_study_project(guide, [interview], title=name)
    return xml, *sources[0]


def build_study_project(guide: Guide, interviews: list[QdaInterview], title: str) -> tuple[str, list[tuple[str, str]]]:
    """(project.qde XML, [(source file name, source text)]): one project, the guide's codes, each
    interview a source of its own and a case named by its informant's pseudonym — the whole study
    opens in a QDA program at once, its answers sorted by the guide across interviews."""
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    user = _guid("user", "interview-tui")
    code_ids = {item.id: _guid("code", guide.sha256(), item.id) for item in guide.items()}
    sources, cases, notes, files = [], [], [], []
    for interview in interviews:
        source_xml, case_xml, notes_xml, file_name, text = _interview_parts(guide, code_ids, user, now, interview)
        sources.append(source_xml)
        cases.append(case_xml)
        notes.append(notes_xml)
        files.append((file_name, text))
    xml = (f'<?xml version="1.0" encoding="utf-8"?>\n'
           f'<Project xmlns="{NAMESPACE}" name={quoteattr(title)} origin="interview-tui" '
           f'creatingUserGUID="{user}" creationDateTime="{now}">'
           f'<Users><User guid="{user}" name="interview-tui"/></Users>'
           f'{_codes_xml(guide, code_ids)}'
           f'<Cases>{"".join(cases)}</Cases>'
           f'<Sources>{"".join(sources)}</Sources>'
           + (f'<Notes>{"".join(notes)}</Notes>' if any(notes) else "")
           + f'<Description>{escape(guide.title)}</Description></Project>')
    return xml, files


def _interview_parts(guide: Guide, code_ids: dict[str, str], user: str, now: str,
                     interview: QdaInterview) -> tuple[str, str, str, str, str]:
    """(its sources' XML, its case's XML, its notes' XML, source file name, source text)."""
    name, transcript, notes = interview.name, interview.transcript, interview.notes
    source_id = _guid("source", transcript.audio_sha256 or name, name)
    text, spans = source_text(transcript, interview.rewrite)
    segments = sorted(transcript.segments, key=lambda s: s.start)
    # One selection per (first segment, last segment, code), each with its own description: an
    # importer that stores the description as the coding's memo then gives each its own reason.
    codings = _codings(interview.report, segments, interview.talk)
    selections = []
    for (first, last, item_id), why in sorted(codings.items()):
        if item_id not in code_ids:
            continue  # a tag that is no item of this guide (a guide changed since the review)
        start, end = spans[first][0], spans[last][1]
        where = str(first) if first == last else f"{first}-{last}"
        selections.append(
            f'<PlainTextSelection guid="{_guid("selection", source_id, where, item_id)}" '
            f'name={quoteattr(f"[{hms(segments[first].start)}] {segments[first].speaker}")} '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{user}" creationDateTime="{now}">'
            f'<Description>{escape(why)}</Description>'
            f'<Coding guid="{_guid("coding", source_id, where, item_id)}" creatingUser="{user}" '
            f'creationDateTime="{now}"><CodeRef targetGUID="{code_ids[item_id]}"/></Coding></PlainTextSelection>')
    note_ids = [_guid("note", source_id, str(i)) for i in range(len(notes))]
    note_refs = "".join(f'<NoteRef targetGUID="{note_id}"/>' for note_id in note_ids)
    notes_xml = "".join(f'<Note guid="{note_id}" name={quoteattr(f"[{hms(at)}] note")} creatingUser="{user}" '
                        f'creationDateTime="{now}"><PlainTextContent>{escape(f"[{hms(at)}] {body}")}'
                        f'</PlainTextContent></Note>' for note_id, (at, body) in zip(note_ids, notes))
    file_name = f"{source_id}.txt"
    sources = (f'<TextSource guid="{source_id}" name={quoteattr(name)} plainTextPath="internal://{file_name}" '
               f'creatingUser="{user}" creationDateTime="{now}">'
               f'<Description>{escape(f"Interview transcript ({transcript.audio_file}), coded by guide item: {guide.title}")}</Description>'
               f'{"".join(selections)}{note_refs}</TextSource>')
    case_refs = f'<SourceRef targetGUID="{source_id}"/>'
    if interview.audio_name is not None:
        audio_id = _guid("audio", source_id)
        sync = "".join(f'<SyncPoint guid="{_guid("sync", source_id, str(i))}" timeStamp="{int(seg.start * 1000)}" '
                       f'position="{spans[i][0]}"/>' for i, seg in enumerate(segments))
        sources += (f'<AudioSource guid="{audio_id}" name={quoteattr(name)} path="internal://{interview.audio_name}" '
                    f'creatingUser="{user}" creationDateTime="{now}"><Transcript guid="{_guid("transcript", source_id)}" '
                    f'name={quoteattr(name)} plainTextPath="internal://{file_name}">{sync}</Transcript></AudioSource>')
        case_refs += f'<SourceRef targetGUID="{audio_id}"/>'
    case = f'<Case guid="{_guid("case", name)}" name={quoteattr(interview.informant)}>{case_refs}</Case>'
    return sources, case, notes_xml, file_name, text


def write_qdpx(path: Path, guide: Guide, transcript: Transcript, report: CoverageReport | None, *,
               name: str, informant: str, rewrite=lambda t: t, notes: list[tuple[float, str]] = (),
               audio: Path | None = None, talk: dict[str, list[int]] | None = None) -> Path:
    audio_name = f"{_guid('audio-file', name)}{audio.suffix.lower()}" if audio is not None else None
    xml, file_name, text = build_project(guide, transcript, report, name=name, informant=informant,
                                         rewrite=rewrite, notes=notes, audio_name=audio_name, talk=talk)
    return _write_archive(path, xml, [(file_name, text)], [(audio, audio_name)] if audio is not None else [])


def write_study_qdpx(path: Path, guide: Guide, interviews: list[QdaInterview], title: str) -> Path:
    """Every interview of a study in one .qdpx (no recordings: a study's voices stay out)."""
    xml, files = build_study_project(guide, interviews, title)
    return _write_archive(path, xml, files, [])


def _write_archive(path: Path, xml: str, texts: list[tuple[str, str]], recordings: list[tuple[Path, str]]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for file_name, text in texts:
            archive.writestr(f"sources/{file_name}", text)
        for audio, audio_name in recordings:
            archive.write(audio, f"sources/{audio_name}", compress_type=zipfile.ZIP_STORED)
    atomic_write_bytes(path, buffer.getvalue())
    return path
