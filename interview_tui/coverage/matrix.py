"""All interviews of a study side by side: guide items × interviews, as the seed's per-theme
tables — in the terminal, as CSV, and as a self-contained HTML page with the quotes."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass

from ..guide.model import Guide
from .report import STATUS_SYMBOLS, STATUS_WORDS, CoverageReport


@dataclass
class Matrix:
    guide: Guide
    names: list[str]
    reports: list[CoverageReport]

    def rows(self):
        for item in self.reports[0].items if self.reports else []:
            cells = [report.item(item.id) for report in self.reports]
            yield item, cells

    def flags(self, item_id: str) -> list[str]:
        cells = [report.item(item_id) for report in self.reports]
        flags = []
        if cells and all(cell.status == "not_covered" for cell in cells):
            flags.append("covered in no interview")
        elif cells and sum(cell.status == "not_covered" for cell in cells) > len(cells) / 2:
            flags.append("missed in most interviews")
        return flags


def build_matrix(guide: Guide, named_reports: list[tuple[str, CoverageReport]]) -> Matrix:
    return Matrix(guide, [name for name, _ in named_reports], [report for _, report in named_reports])


def to_csv(matrix: Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "kind", "item", *matrix.names, "covered in", "flags"])
    for item, cells in matrix.rows():
        covered = sum(cell.status == "covered" for cell in cells)
        writer.writerow([item.id, item.kind, item.text, *[cell.status for cell in cells],
                         f"{covered}/{len(cells)}", "; ".join(matrix.flags(item.id))])
    return out.getvalue()


def to_rich_table(matrix: Matrix):
    from rich.table import Table

    colours = {"covered": "green", "partly": "yellow", "not_covered": "red"}
    table = Table(title=matrix.guide.title, show_lines=False)
    table.add_column("item", no_wrap=True)
    table.add_column("text", max_width=40, no_wrap=True, overflow="ellipsis")
    for name in matrix.names:
        table.add_column(name, justify="center", max_width=12, overflow="ellipsis")
    table.add_column("flags")
    for item, cells in matrix.rows():
        style = "bold" if item.kind == "theme" else ""
        indent = {"theme": "", "question": " ", "followup": "   "}[item.kind]
        marks = [f"[{colours[c.status]}]{STATUS_SYMBOLS[c.status]}[/]" for c in cells]
        table.add_row(f"{indent}{item.id}", item.text, *marks, ", ".join(matrix.flags(item.id)), style=style)
    return table


def to_html(matrix: Matrix, warning: str = "") -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(name)}</th>" for name in matrix.names)
    rows = []
    for item, cells in matrix.rows():
        tds = []
        for cell, report in zip(cells, matrix.reports):
            quotes = "".join(
                f"<li><b>{esc(e.role)}</b> {report.at(e.start)}<i>{esc(e.speaker)}</i>: {esc(e.text)}</li>"
                for e in cell.evidence[:6])
            body = (f"<details><summary>{STATUS_SYMBOLS[cell.status]} {STATUS_WORDS[cell.status]}"
                    f"{' (interviewer)' if cell.source == 'interviewer' else ''}</summary><ul>{quotes}</ul></details>"
                    if quotes else f"{STATUS_SYMBOLS[cell.status]} {STATUS_WORDS[cell.status]}")
            tds.append(f'<td class="{cell.status}" title="{esc(STATUS_WORDS[cell.status])}">{body}</td>')
        flags = esc(", ".join(matrix.flags(item.id)))
        rows.append(f'<tr class="{item.kind}"><td>{esc(item.id)}</td><td>{esc(item.text)}</td>'
                    f'{"".join(tds)}<td class="flag">{flags}</td></tr>')
    return f"""<!DOCTYPE html>
<html lang="{esc(matrix.guide.language)}"><head><meta charset="utf-8">
<title>Coverage: {esc(matrix.guide.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #bbb; padding: .3em .5em; vertical-align: top; }}
tr.theme td {{ font-weight: bold; background: #eee; }} tr.followup td:nth-child(2) {{ padding-left: 2em; font-style: italic; }}
td.covered {{ background: #d9f2d9; }} td.partly {{ background: #fff3c4; }} td.not_covered {{ background: #f8d7d7; }}
td.flag {{ color: #a00; }} details ul {{ margin: .3em 0; padding-left: 1.2em; max-width: 30em; font-weight: normal; }}
</style></head><body>
<h1>{esc(matrix.guide.title)}</h1>
{f'<p style="color:#a00;font-weight:bold">⚠ {esc(warning)}</p>' if warning else ""}
<p>● covered · ◐ partly covered · ○ not covered. Click a cell for the quotes (time stamps point into each transcript).</p>
<table><thead><tr><th>id</th><th>guide item</th>{head}<th>flags</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></body></html>
"""
