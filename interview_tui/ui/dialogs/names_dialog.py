"""Deciding, word by word, what the anonymised export does with each capitalised word: a real
name or place gets a replacement, a word that is not a name is kept. Every decision goes into the
study's pseudonyms.yaml at once, so it holds for every interview of the study."""

from __future__ import annotations

import string

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from ...errors import UserError
from ...export.anonymise import PseudonymTable, sentence_start_words, suggest_names
from ...model.transcript import Transcript, place
from .confirm import ConfirmDialog

HELP = ("Enter: type the replacement (Enter saves it) · k: keep, not a name · K: keep every undecided word from "
        "the top down to here (read them first) · Delete: undecided again · Esc: close. Saved to pseudonyms.yaml "
        "at once, for every interview of the study.")


class NamesDialog(ModalScreen[int]):
    """Dismissed with how many capitalised words inside sentences are still undecided."""

    BINDINGS = [Binding("escape", "close", "Close", priority=True), Binding("k", "keep", "Keep (not a name)"),
                Binding("K", "keep_the_rest", "Keep all down to here"), Binding("delete,backspace", "forget", "Undecided again")]

    def __init__(self, transcript: Transcript, table: PseudonymTable) -> None:
        super().__init__()
        self.transcript, self.table = transcript, table
        inside = suggest_names(transcript, limit=10_000)
        starts = sentence_start_words(transcript, limit=10_000)
        # Words close to a real name first ("annen" by "Anne", "tromsøværinger"), then the undecided
        # capitalised words: both stop the export. Sentence starts after them: maybe names, maybe not.
        self.words = ([(w, c, f"like '{real}'") for w, c, real in table.near_names(transcript)]
                      + [(w, c, "") for w, c in inside if not table.decides(w)]
                      + [(w, c, "sentence start") for w, c in starts if not table.decides(w)]
                      + [(w, c, "") for w, c in inside if table.decides(w)])

    @classmethod
    def open_over(cls, screen, transcript: Transcript) -> None:
        """Open over ``screen`` with the study's table; say what is left undecided when it closes."""
        try:
            table = PseudonymTable.load(screen.app.study.root)
        except UserError as exc:  # pseudonyms.yaml unreadable: its file and line, and what to do
            screen.notify(str(exc), severity="error", timeout=15)
            return

        def closed(undecided: int | None) -> None:
            if undecided:
                screen.notify(f"{undecided} word(s) still undecided: the export waits for them.")

        screen.app.push_screen(cls(transcript, table), closed)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="names-dialog"):
            yield Static("Names and places: what the export writes for each capitalised word", classes="dialog-text")
            yield DataTable(id="names-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="names-context")
            yield Input(placeholder="replacement, e.g. Name A or Town A", id="names-replacement", disabled=True)
            yield Static(HELP, classes="dialog-help")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Word", "Times", "The export writes")
        for word, count, where in self.words:
            # Text, not str: a DataTable reads a str as markup, and "[by]" is a replacement people write
            table.add_row(Text(word), Text(str(count)), Text(self._decision(word, where)), key=word)
        if not self.words:
            self.query_one(".dialog-text", Static).update("No capitalised words in this transcript: nothing to decide.")
        table.focus()

    def _decision(self, word: str, where: str = "") -> str:
        if word in self.table.mapping:
            return f"→ {self.table.mapping[word]}"
        if self.table.decides(word):
            replaced = self.table.apply(word)
            return "kept (not a name)" if replaced == word else f"→ {replaced}"
        if where.startswith("like "):  # holds the export back, as an undecided name does
            return f"? {where}: a misspelt name, or a word?"
        if where:  # does not hold the export back: most words that start a sentence are words
            return "? starts a sentence: a name, or a word?"
        return "? undecided"

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Where the word was said: a name or just a word is often plain only in its sentence."""
        word = self._current()
        segments = self.transcript.segments
        index = next((i for i, s in enumerate(segments) if word and word in s.text), None)
        context = Text()
        if index is not None:
            segment = segments[index]
            text, at = segment.text, segment.text.index(word)
            end = at + len(word)
            context = Text.assemble(f"[{place(segments, index)}] {segment.speaker}: {'…' if at > 50 else ''}"
                                    f"{text[max(0, at - 50): at]}", (word, "bold"),
                                    f"{text[end: end + 50]}{'…' if len(text) > end + 50 else ''}")
        self.query_one("#names-context", Static).update(context)

    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        return self.words[table.cursor_row][0] if self.words else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        word = self._current()
        if word is None:
            return
        field = self.query_one(Input)
        field.disabled = False
        field.value = self.table.mapping.get(word) or self._proposal()
        field.border_title = f"replacement for '{word}'"
        field.focus()

    def _proposal(self) -> str:
        """The next unused "Name A", "Name B"…: a start the researcher edits ("Town A", "Office A")."""
        used = set(self.table.mapping.values())
        letter = next((c for c in string.ascii_uppercase if f"Name {c}" not in used), "Z")
        return f"Name {letter}"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        word = self._current()
        if word is None or not event.value.strip():
            return
        self._decide(word, event.value.strip())
        event.input.value, event.input.border_title, event.input.disabled = "", None, True
        self.query_one(DataTable).focus()

    def action_keep(self) -> None:
        if self.focused is self.query_one(DataTable) and self._current() is not None:
            self._decide(self._current(), None)

    def action_keep_the_rest(self) -> None:
        """In German every noun is capitalised: a 12-minute interview gave 188 words to decide, a
        handful of them names. The researcher reads down the list, replacing the names; K then
        keeps every word still undecided from the top down to the cursor — only words passed on
        the way, and asked first, because a word kept here is written in every export."""
        table = self.query_one(DataTable)
        if self.focused is not table or not self.words:
            return
        rest = [word for word, _, where in self.words[: table.cursor_row + 1]
                if not where and not self.table.decides(word)]
        if not rest:
            self.notify("No word down to here is undecided.")
            return
        sample = ", ".join(rest[-8:]) if len(rest) <= 8 else f"{len(rest) - 8} more and " + ", ".join(rest[-8:])
        question = (f"Keep the {len(rest)} undecided word(s) down to '{rest[-1]}' as they are ({sample})? Only if "
                    "none of them is a name or a place: a word kept is written in every export.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide_all(rest)

        self.app.push_screen(ConfirmDialog(question, yes="Keep them", no="Go back"), answered)

    def _decide_all(self, words: list[str]) -> None:
        try:
            self.table.keep_all(words)
        except (UserError, OSError) as exc:
            self.notify(f"{self.table.path}: not saved — {exc}", severity="error", timeout=15)
            return
        table = self.query_one(DataTable)
        for row, (other, _, where) in enumerate(self.words):
            table.update_cell_at((row, 2), Text(self._decision(other, where)))

    def action_forget(self) -> None:
        if self.focused is self.query_one(DataTable) and self._current() is not None:
            self._decide(self._current(), None, forget=True)

    def _decide(self, word: str, replacement: str | None, forget: bool = False) -> None:
        try:
            self.table.decide(word, replacement, forget=forget)
        except (UserError, OSError) as exc:
            self.notify(f"{self.table.path}: not saved — {exc}", severity="error", timeout=15)
            return
        table = self.query_one(DataTable)
        for row, (other, _, where) in enumerate(self.words):  # a full name decides its parts too
            table.update_cell_at((row, 2), Text(self._decision(other, where)))
        if not forget and table.cursor_row + 1 < len(self.words):
            table.move_cursor(row=table.cursor_row + 1)

    def action_close(self) -> None:
        field = self.query_one(Input)
        if self.focused is field:  # Esc in the field: back to the list, nothing decided
            field.disabled = True
            self.query_one(DataTable).focus()
            return
        self.dismiss(len(self.table.undecided(self.transcript)) + len(self.table.near_names(self.transcript)))
