"""The interview core: one object owns an interview's lifecycle; the TUI and the CLI drive it.

Nothing here imports textual (an import-linter contract in pyproject.toml keeps it so).
"""
