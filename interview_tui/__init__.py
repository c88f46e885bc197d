"""interview-tui: conduct, record, transcribe and check semi-structured phone interviews.

The packages are laid out as the pipeline runs: ``guide`` (what to cover), ``session`` (what
happened), ``record`` (the audio), ``transcribe`` (the words), ``coverage`` (which guide items the
words covered) and ``export``. None of them imports textual; ``ui`` is the only front end that does.
"""

__version__ = "0.1.0"
