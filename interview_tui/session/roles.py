"""From the canonical roles a session records to the labels a transcript shows."""

from __future__ import annotations

from typing import Iterable

PSEUDONYM_SETTING = "pseudonym"
"""``informant_label: pseudonym`` labels the informant with the session's pseudonym."""

MIXED_LABEL = "Speaker"


def speaker_label(role: str, *, interviewer_label: str = "Interviewer", informant_label: str = "Informant",
                  pseudonym: str | None = None) -> str:
    if role == "interviewer":
        return interviewer_label
    if role == "informant":
        if informant_label.strip().lower() == PSEUDONYM_SETTING:
            return pseudonym or "Informant"
        return informant_label
    if role == "mixed":
        return MIXED_LABEL
    return role


def speaker_labels(roles: Iterable[str], settings, pseudonym: str | None = None) -> tuple[str, ...]:
    """Labels for each recorded channel, as the settings and the session's pseudonym say."""
    return tuple(speaker_label(role, interviewer_label=settings.interviewer_label,
                               informant_label=settings.informant_label, pseudonym=pseudonym)
                 for role in roles)
