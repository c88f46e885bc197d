"""A coverage report for one interview, with the quotes: Markdown (prints well) or HTML."""

from __future__ import annotations

import html

from ..coverage.report import REASON_WORDS, STATUS_SYMBOLS, STATUS_WORDS, CoverageReport, disagreement_words
from ..model.timefmt import hms


def report_markdown(report: CoverageReport, name: str, rewrite=lambda t: t, notes=()) -> str:
    lines = [f"# Coverage: {name}", "", f"Guide: *{report.guide_title}*", ""]
    for warning in report.warnings:
        lines += [f"> **Note:** {warning}", ""]
    missed = [i.id for i in report.items if i.kind == "question" and i.status == "not_covered"]
    lines += [f"**Not covered:** {', '.join(missed) if missed else 'none'}", ""]
    differ = report.disagreements()
    if differ:
        lines += ["**You and the check disagree on:** " +
                  "; ".join(f"{i.id} ({disagreement_words(i)})" for i in differ), ""]
    lines += [f"*Found by {report.scorer}; each quote says why it is evidence.*", ""]
    for item in report.items:
        heading = "##" if item.kind == "theme" else ("###" if item.kind == "question" else "####")
        source = " — marked by the interviewer" if item.source == "interviewer" else ""
        lines.append(f"{heading} {STATUS_SYMBOLS[item.status]} {item.id} {item.text}")
        lines.append(f"*{STATUS_WORDS[item.status]}{source}*" + (f", score {item.score:.2f}" if item.kind != "theme" else "")
                     + (" — answered without being asked" if item.answered_unasked else "")
                     + (f" — **disagreement:** {disagreement_words(item)}" if item.disagreement else ""))
        lines.append("")
        for evidence in item.evidence[:4]:
            lines.append(f"- {evidence.role} ({REASON_WORDS[evidence.reason]}) {report.at(evidence.start, '`[{}]` ')}"
                         f"**{evidence.speaker}**: {rewrite(evidence.text)}")
        if item.evidence:
            lines.append("")
    if notes:
        lines += ["## Notes from the call", ""] + [f"- `[{hms(at)}]` {rewrite(text)}" for at, text in notes] + [""]
    return "\n".join(lines)


def report_html(report: CoverageReport, name: str, rewrite=lambda t: t, notes=()) -> str:
    esc = html.escape
    rows = []
    for item in report.items:
        quotes = "".join(f"<li>{esc(e.role)} ({esc(REASON_WORDS[e.reason])}) {report.at(e.start)}<b>{esc(e.speaker)}</b>: "
                         f"{esc(rewrite(e.text))}</li>" for e in item.evidence[:4])
        rows.append(f'<tr class="{item.kind} {item.status}"><td>{esc(item.id)}</td><td>{esc(item.text)}</td>'
                    f'<td>{STATUS_SYMBOLS[item.status]} {STATUS_WORDS[item.status]}'
                    f'{" (interviewer)" if item.source == "interviewer" else ""}'
                    f'{"<br><i>answered without being asked</i>" if item.answered_unasked else ""}'
                    f'{"<br><b>≠ " + esc(disagreement_words(item)) + "</b>" if item.disagreement else ""}'
                    f'</td><td><ul>{quotes}</ul></td></tr>')
    warnings = "".join(f"<p><b>Note:</b> {esc(w)}</p>" for w in report.warnings)
    call_notes = ("<h2>Notes from the call</h2><ul>" + "".join(f"<li>[{hms(at)}] {esc(rewrite(text))}</li>"
                                                             for at, text in notes) + "</ul>") if notes else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Coverage: {esc(name)}</title><style>'
            "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
            "td{border:1px solid #bbb;padding:.3em .5em;vertical-align:top}tr.theme td{font-weight:bold;background:#eee}"
            ".covered td:nth-child(3){background:#d9f2d9}.partly td:nth-child(3){background:#fff3c4}"
            ".not_covered td:nth-child(3){background:#f8d7d7}</style></head><body>"
            f"<h1>Coverage: {esc(name)}</h1><p>Guide: <i>{esc(report.guide_title)}</i></p>{warnings}"
            f"<table>{''.join(rows)}</table>{call_notes}</body></html>")
