"""The review's export keys: `x` exports the transcript in every format, anonymised, and `n`
opens the names to decide. Mixed into the review screen, which has ``editor``, ``guide`` and
``store``.

The export runs in a worker: an hour's transcript took 53 s on the UI thread (its coverage check
embedded every segment again), and the screen stood still with no word of what it was doing."""

from __future__ import annotations

import copy

from ...errors import UserError
from ..dialogs.names_dialog import NamesDialog


class ExportKeys:
    def action_export(self) -> None:
        """Anonymised exports in every format (stops, and says why, if a name seems left in)."""
        from ...coverage.check import CoverageInput
        from ...coverage.embeddings import vectors_path
        from ...core.review import guide_for_export

        study = self.app.study
        name = self.store.session.pseudonym if self.store else self.editor.path.stem
        try:
            guide = self.guide or guide_for_export(study, self.editor.transcript)
        except UserError as exc:
            self.notify(str(exc), severity="warning", timeout=15)
            return
        inside = self.editor.path.resolve().is_relative_to(study.root.resolve())
        # Copies go to the thread: the researcher may go on editing (and the session be saved) meanwhile.
        store = copy.copy(self.store)
        if store is not None:
            store.session = self.store.session.model_copy(deep=True)
        source = CoverageInput(name, self.editor.transcript.model_copy(deep=True), guide, store,
                               vectors_file=vectors_path(self.editor.path) if inside else None,
                               vectors=self._coverage[1] if self._coverage else None)  # the review's, shared
        self.notify("Exporting (the coverage check runs first)…", timeout=5)
        self.app.run_worker(lambda: self._export(study, source), thread=True, exclusive=True, group="export",
                            exit_on_error=False, description="The export")

    def _export(self, study, source) -> None:
        from ...export.service import ALL_FORMATS, NamesLeftError, NamesUndecidedError, export

        try:
            result = export(source, study.root, study.transcripts_dir / "exports", ALL_FORMATS)
        except NamesLeftError as exc:
            # Undecided capitalised words, or words close to a real name ("Karri", or "annen" by
            # "Anne"): there is no --force here, so the names list opens to decide them.
            undecided = isinstance(exc, NamesUndecidedError)
            if not undecided and not exc.near:  # an initial: the message says where
                self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=15)
                return
            what = (f"{len(exc.words)} capitalised word(s) to decide first — a real name gets a replacement, other "
                    "words are kept" if undecided else ", ".join(dict.fromkeys(f"'{w}'" for _, w, _ in exc.near))
                    + " close to a real name — a misspelt name gets its replacement, a word that is no name is kept (k)")
            self.app.call_from_thread(self._names_first, f"Not exported: {what}. Then press x again.")
            return
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=15)
            return
        # Which names: an earlier export is never overwritten, so a second one is "…-2.docx", and
        # the researcher must know which files to import (seen in tmux: nothing said so).
        names = ", ".join(sorted({path.name.split(".")[0] + ".*" for path in result.files}))
        self.app.call_from_thread(
            self.notify, f"Exported {len(result.files)} files to {study.transcripts_dir / 'exports'}: {names}"
            + (" (the earlier export is kept beside them)" if result.kept_earlier else "") + ".", timeout=10)

    def _names_first(self, message: str) -> None:
        self.notify(message, severity="warning", timeout=15)
        self.action_names()

    def action_names(self) -> None:
        """The names and places the export replaces, decided word by word (pseudonyms.yaml)."""
        from ...coverage.check import CoverageInput
        from ...export.service import words_to_decide

        source = CoverageInput(self.editor.path.stem, self.editor.transcript, self.guide, self.store)
        NamesDialog.open_over(self, words_to_decide(source))  # the call's notes too
