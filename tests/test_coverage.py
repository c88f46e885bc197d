from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from interview_tui.coverage.matcher import CoverageMatcher
from interview_tui.coverage.plain_text import parse_plain_text, read_any_transcript
from interview_tui.export.transcript_formats import to_txt
from interview_tui.guide.loader import load_guide
from interview_tui.session.store import SessionStore, load_session
from interview_tui.model.transcript import Segment, Transcript

from .conftest import FIXTURES, SEED_GUIDE_EN, SEED_GUIDE_NB, SHARED, run_cli
from .devset import load_devset, precision_recall_f1

DEVSET = {interview.name: interview for interview in load_devset()}


def report_for(name: str):
    interview = DEVSET[name]
    return CoverageMatcher(interview.guide).match(parse_plain_text(interview.text_transcript(), name))


def test_dev_set_f1_on_text_transcripts_by_keywords_alone():
    """The keyword matcher on its own (the fallback without the model), on the interviews whose
    questions stay near the guide's words; the paraphrased ones are the semantic scorer's job."""
    pairs = []
    for interview in DEVSET.values():
        if interview.wrong_guide or interview.held_out or interview.reworded:
            continue
        report = CoverageMatcher(interview.guide, embedder=None).match(parse_plain_text(interview.text_transcript()))
        questions = {i.id for i in report.items if i.kind == "question"}
        pairs.append((report.covered_ids(), interview.covered, questions))
    assert precision_recall_f1(pairs)[2] >= 0.95


def test_paraphrased_question_is_found():
    item = report_for("en-seed-1").item("1.1")  # "how do you usually get in touch with clients who use drugs?"
    assert item.status == "covered"
    assert item.asked[0].text.startswith("To start with, how do you usually get in touch")


def test_distractor_is_rejected():
    report = report_for("nb-seed-1")
    # 3.3 names "chatten i aktivitetsplanen" of the skipped 1.3: 3.3 is asked, 1.3 is not
    assert report.item("3.3").status == "covered"
    assert report.item("1.3").status == "not_covered"
    assert report.item("1.3.a").status == "not_covered"


def test_merged_split_and_out_of_order_questions():
    report = report_for("nb-seed-1")
    assert report.item("3.1").status == report.item("3.2").status == "covered"  # one turn, two questions
    assert report.item("2.3").status == "covered"  # split over two turns
    assert report.item("2.1").asked[0].start < report.item("4.2").asked[0].start


def test_early_answer_counts():
    report = report_for("nb-seed-1")
    item = report.item("4.1")  # the informant talked about freed-up time unasked
    assert item.status == "covered" and not item.asked and item.answered
    assert "frigjort" in item.answered[0].text


def test_a_topic_named_in_passing_is_not_an_early_answer():
    """Seen in tmux: answering how clients are reached, the informant said "sometimes through the
    activity plan", and 1.3 (what the activity plan is for) was shown covered, answered unasked; and
    again when "The activity plan and the chat, I would say." answered which services are used most.
    An early answer by keywords takes two of an item's words or phrases in a turn of some length."""
    text = ("Interviewer: How do you usually get in touch with your clients who use drugs?\n"
            "Informant: Mostly by phone, and sometimes through the activity plan.\n"
            "Interviewer: And what do you do when you cannot reach them at all?\n"
            "Informant: The most common digital services for us are text messages and phone calls, "
            "so I write there and wait.\n"
            "Interviewer: Which of the online services do you rely on most?\n"
            "Informant: The activity plan and the chat, I would say.\n")
    report = CoverageMatcher(load_guide(SEED_GUIDE_EN), embedder=None).match(parse_plain_text(text))
    assert report.item("1.3").status == "not_covered"
    assert report.item("1.3.a").status == "not_covered"  # "How is the chat in the activity plan used?"
    assert report.item("1.2").status == "covered" and report.item("1.2").answered_unasked


def test_the_turn_that_asks_a_question_poses_its_follow_up_only_on_strong_words():
    """Seen in tmux: "how do you normally reach clients who use drugs?" (1.1, reworded) also posed
    1.1.c, "What do you do if you cannot reach the clients?", on "reach" and "clients" (0.53)."""
    from interview_tui.coverage.embeddings import load_text_embedder

    text = ("Interviewer: Thanks for taking the time. To begin, how do you normally reach clients who use drugs?\n"
            "Informant: Usually I call them. If they do not pick up, I send a text message.\n")
    report = CoverageMatcher(load_guide(SEED_GUIDE_EN), embedder=load_text_embedder()).match(parse_plain_text(text))
    assert report.item("1.1").status == "covered"
    assert report.item("1.1.c").status == "not_covered"


def test_a_question_tagged_in_the_review_ends_the_stretch_of_the_one_before():
    """Seen in tmux: the researcher tagged "and was it given you more time…?" with 4.1 (the check
    had missed it); the reply to it stayed in 3.4's stretch and the .qdpx coded it as 3.4's answer."""
    segments = [Segment(start=0, end=3, speaker="Interviewer", text="Was it challenging to get started with the chat?"),
                Segment(start=3, end=6, speaker="Informant", text="Yes, nobody trained us, so we learned it by trying."),
                Segment(start=6, end=9, speaker="Interviewer", text="Okay, and was it given you more time for other work or not?",
                        tags=["4.1"]),
                Segment(start=9, end=13, speaker="Informant", text="Not really, there are more messages now, so the time goes to answering them.")]
    report = CoverageMatcher(load_guide(SEED_GUIDE_EN), embedder=None).match(Transcript(segments=segments))
    assert report.item("3.4").status == "covered"
    assert all(not e.text.startswith("Not really") for e in report.item("3.4").evidence)
    assert report.item("4.1").status == "covered"
    assert any(e.text.startswith("Not really") for e in report.item("4.1").evidence)  # its answer, coded with it
    assert report.item("4.1").disagreement  # the check alone did not find it: the table says so


def test_a_turn_tagged_in_the_review_asks_what_the_researcher_tagged():
    """Seen in tmux: a turn the check read as 4.3, tagged 1.2 by the researcher, still ticked off
    4.3. The researcher's coding of an interviewer's turn wins over the check's reading of it; the
    check's reading of the tagged question's own follow-ups stays."""
    def segments(tags):
        return [Segment(start=0, end=4, speaker="Interviewer",
                        text="Do you have any thoughts on which type of technology works best for this group?", tags=tags),
                Segment(start=4, end=9, speaker="Informant", text="Text messages by far, then the plan on the website.")]

    guide = load_guide(SEED_GUIDE_EN)
    untagged = CoverageMatcher(guide, embedder=None).match(Transcript(segments=segments([])))
    assert untagged.item("4.3").status == "covered"  # the check's own reading
    tagged = CoverageMatcher(guide, embedder=None).match(Transcript(segments=segments(["1.2"])))
    assert tagged.item("4.3").status == "not_covered" and not tagged.item("4.3").evidence
    assert tagged.item("1.2").status == "covered" and tagged.item("1.2").source == "interviewer"
    assert any(e.text.startswith("Text messages") for e in tagged.item("1.2").evidence)  # the reply is 1.2's
    # Tagged with one of its own follow-ups, the turn still asks its question.
    asks_both = [Segment(start=0, end=4, speaker="Interviewer", tags=["4.2.a"],
                         text="Have clients who use drugs got a stronger service with digital services, and why?"),
                 Segment(start=4, end=9, speaker="Informant", text="A weaker one, many of them cannot log on at all.")]
    family = CoverageMatcher(guide, embedder=None).match(Transcript(segments=asks_both))
    assert family.item("4.2").status == "covered" and family.item("4.2.a").status == "covered"


def test_a_turn_tagged_not_an_item_is_no_evidence_for_it():
    """The researcher's no where no other item is right: "-4.3" on the turn the check read as 4.3,
    and on a reply the check took as an early answer. Other evidence for the item still counts."""
    guide = load_guide(SEED_GUIDE_EN)
    asked = "Do you have any thoughts on which type of technology works best for this group?"
    reply = "Text messages by far, then the plan on the website."
    refused = CoverageMatcher(guide, embedder=None).match(Transcript(segments=[
        Segment(start=0, end=4, speaker="Interviewer", text=asked, tags=["-4.3"]),
        Segment(start=4, end=9, speaker="Informant", text=reply, tags=["-4.3"])]))
    assert refused.item("4.3").status == "not_covered" and not refused.item("4.3").evidence
    asked_again = CoverageMatcher(guide, embedder=None).match(Transcript(segments=[
        Segment(start=0, end=4, speaker="Interviewer", text=asked, tags=["-4.3"]),
        Segment(start=4, end=9, speaker="Informant", text=reply),
        Segment(start=60, end=64, speaker="Interviewer", text="So which technology works best for them, do you think?"),
        Segment(start=64, end=70, speaker="Informant", text="A phone they can keep charged, really, nothing fancy.")]))
    assert asked_again.item("4.3").status == "covered"
    assert all(e.start >= 60 for e in asked_again.item("4.3").evidence)


def test_a_transcript_typed_without_times_has_each_answer_in_its_own_questions_talk():
    """Seen in a walk-through: 'Speaker: text' typed without times has every turn at 0:00, every
    reply fell in every question's stretch, and the .qdpx coded all of them to the last question.
    The check orders such turns by their place; the report keeps their own (absent) times."""
    from interview_tui.coverage.answers import question_talk

    typed = parse_plain_text(
        "Interviewer: How do you go about getting in contact with clients who use drugs?\n"
        "Counsellor D: I phone them first, and sometimes I send a text message.\n"
        "Interviewer: Was it challenging to get started with the digital services?\n"
        "Counsellor D: Yes, very. We got almost no training in the beginning.\n"
        "Interviewer: Do you find that the introduction of digital services has freed up more time for you?\n"
        "Counsellor D: No, no time freed up at all, I spend it answering messages.\n")
    assert {s.start for s in typed.segments} == {0.0}
    report = CoverageMatcher(load_guide(SEED_GUIDE_EN), embedder=None).match(typed)
    assert {i for i in ("1.1", "3.4", "4.1") if report.item(i).status == "covered"} == {"1.1", "3.4", "4.1"}
    assert question_talk(report, typed) == {"1.1": [0, 1], "3.4": [2, 3], "4.1": [4, 5]}
    assert [e.segment for e in report.item("3.4").evidence] == [2, 3]  # not the other replies
    assert all(e.start == 0.0 for item in report.items for e in item.evidence)


def test_the_debriefing_heard_ends_the_last_questions_talk():
    """A transcript with no session has no record of when the debriefing began: "How was it doing
    this over the phone?" and its answer were coded as the last question's talk (a walk-through's
    .qdpx). Heard by meaning after the last question asked, it ends that talk; the same words
    before a question change nothing."""
    from interview_tui.coverage.answers import question_talk
    from interview_tui.coverage.embeddings import load_text_embedder

    lines = ["Interviewer: [00:00:05] Was it challenging to get started with the digital services?",
             "Informant: [00:00:09] Yes, very. We got almost no training in the beginning.",
             "Interviewer: [00:00:20] Do you find that clients who use drugs have got a stronger or weaker service?",
             "Informant: [00:00:26] Weaker for the most vulnerable, stronger for the rest of them.",
             "Interviewer: [00:00:35] That was all my questions. How was it doing this over the phone?",
             "Informant: [00:00:40] It was fine, the line was clear the whole time."]
    guide = load_guide(SEED_GUIDE_EN)
    embedder = load_text_embedder()
    report = CoverageMatcher(guide, embedder=embedder).match(parse_plain_text("\n".join(lines)))
    assert report.debriefing_segment == 4
    assert question_talk(report, parse_plain_text("\n".join(lines)))["4.2"] == [2, 3]
    early = ["Interviewer: [00:00:01] Before we start: how is it for you doing this over the phone?",
             "Informant: [00:00:03] It is fine, the line is clear."] + lines[:4]
    assert CoverageMatcher(guide, embedder=embedder).match(parse_plain_text("\n".join(early))).debriefing_segment is None


def test_asr_misspellings_and_dialect():
    report = report_for("nb-seed-2")  # "skriv til os", "aktivitets plan", "korsn", "ka"
    for item_id in ("1.1", "1.3", "1.4", "4.1"):
        assert report.item(item_id).status == "covered", item_id
    for item_id in ("2.1", "2.2", "2.3"):  # the skipped theme
        assert report.item(item_id).status == "not_covered", item_id


def test_manual_marks_win_and_both_are_kept(study):
    interview = DEVSET["nb-seed-1"]
    store = SessionStore.create(study.recordings_dir, interview.guide)
    store.mark("1.3", "covered")   # the interviewer knows better: it came up off the record
    store.mark("1.1", "skipped")
    report = CoverageMatcher(interview.guide).match(parse_plain_text(interview.text_transcript()), store.session)
    assert report.item("1.3").status == "covered" and report.item("1.3").source == "interviewer"
    assert report.item("1.3").auto_status == "not_covered" and report.item("1.3").disagreement
    assert report.item("1.1").status == "not_covered" and report.item("1.1").auto_status == "covered"


def test_empty_transcript_covers_nothing_with_a_note():
    guide = load_guide(SEED_GUIDE_NB)
    report = CoverageMatcher(guide).match(Transcript(audio_file="empty.wav"))
    assert all(item.status == "not_covered" for item in report.items)
    assert report.warnings == ["the transcript has no text: nothing can be covered"]


def test_transcript_from_another_guide_warns():
    interview = DEVSET["wrong-guide"]
    report = CoverageMatcher(interview.guide).match(parse_plain_text(interview.text_transcript()))
    assert any("another guide" in warning for warning in report.warnings)


def test_research_tags_count_as_the_researchers_coding():
    guide = load_guide(SEED_GUIDE_EN)
    transcript = Transcript(segments=[
        Segment(start=1, end=2, speaker="Interviewer", text="Tell me about your week."),
        Segment(start=3, end=9, speaker="Informant", text="Busy, lots of calls.", tags=["4.3"]),
    ])
    item = CoverageMatcher(guide).match(transcript).item("4.3")
    assert item.status == "covered" and item.source == "interviewer"


def test_reads_the_txt_export_and_the_noscribe_format(tmp_path):
    segments = [Segment(start=65, end=70, speaker="Interviewer", text="How do you get in contact with clients?"),
                Segment(start=71, end=80, speaker="Informant", text="Mostly by phone.")]
    text = to_txt(Transcript(audio_file="a.wav", segments=segments))
    parsed = parse_plain_text(text)
    assert [(s.speaker, s.start, s.text) for s in parsed.segments] == [(s.speaker, float(int(s.start)), s.text) for s in segments]
    noscribe = read_any_transcript(FIXTURES / "noscribe-format.txt")
    assert set(noscribe.speakers) == {"S00", "S01", "S02"}
    assert noscribe.segments[0].start == 8.0 and noscribe.segments[0].speaker == "S01"
    assert any(s.speaker == "S02" and s.text == "Ja, gjerne." for s in noscribe.segments)  # //S02: …//
    assert any(s.start == 65.0 and s.speaker == "S02" for s in noscribe.segments)  # a stamp inside a turn
    vtt = read_any_transcript(FIXTURES / "noscribe-format.vtt")
    assert set(vtt.speakers) == {"S00", "S01", "S02"} and vtt.segments[0].start == pytest.approx(8.57)
    report = CoverageMatcher(load_guide(SEED_GUIDE_NB)).match(noscribe)
    assert report.interviewer == "S01" and report.item("1.1").status != "not_covered"
    # Two overlaps in a row share one "//" (as in noScribe's real German sample): the second was
    # left in the first speaker's words, label and all. A colon in the turn's own words is no label.
    two = parse_plain_text("S01: [00:04:20] Merk: war ein anderer schneller? //S00: So genau. //S02: Also "
                           "daran gelegen.// Ja.\n")
    assert [(s.speaker, s.text) for s in two.segments] == [
        ("S01", "Merk: war ein anderer schneller? Ja."), ("S00", "So genau."), ("S02", "Also daran gelegen.")]


@pytest.mark.skipif(not (SHARED / "peer-samples").is_dir(),
                    reason="the real noScribe output lies in ../shared/peer-samples, absent beside this clone")
def test_reads_real_noscribe_output():
    noscribe = read_any_transcript(SHARED / "peer-samples" / "noscribe-interview.txt")
    assert set(noscribe.speakers) == {"S00", "S01", "S02"}
    assert noscribe.segments[0].start == 12.0 and noscribe.segments[0].speaker == "S01"
    assert any(s.speaker == "S02" and s.text == "Ist das herrlich." for s in noscribe.segments)  # //S02: …//
    assert any(s.start == 349.0 for s in noscribe.segments)  # the [00:05:49] inside a long turn
    vtt = read_any_transcript(SHARED / "peer-samples" / "noscribe-interview.vtt")
    assert set(vtt.speakers) == {"S00", "S01", "S02"} and vtt.segments[0].start == pytest.approx(34.57)
    report = CoverageMatcher(load_guide(SEED_GUIDE_EN)).match(noscribe)
    assert report.interviewer == "S01" and any("another guide" in w for w in report.warnings)


def test_cli_coverage_json_and_session_update(study, tmp_path):
    interview = DEVSET["nb-seed-1"]
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    transcript = parse_plain_text(interview.text_transcript())
    transcript.session_id = store.session.id
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    store.mark("1.3", "skipped")
    result = run_cli("--project", str(study.root), "coverage", store.session.id, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    items = {item["id"]: item for item in data["items"]}
    assert items["1.2"]["status"] == "covered"
    evidence = items["1.2"]["evidence"][0]
    assert set(evidence) >= {"start", "end", "speaker", "text"} and evidence["speaker"] == "Intervjuer"
    session = load_session(store.path)
    marks = session.items["1.2"].history
    assert [(m.source, m.state) for m in marks] == [("coverage", "covered")] and marks[0].call_time is not None
    assert session.items["1.3"].latest("interviewer").state == "skipped"
    again = run_cli("--project", str(study.root), "coverage", store.session.id)
    assert again.returncode == 0 and "not covered" in again.stdout
    assert len(load_session(store.path).items["1.2"].history) == 1  # a second run adds nothing new


def test_a_marked_question_the_check_also_finds_is_quoted_once(study):
    """The researcher's mark at the question's call time and the check's own finding are the same
    turn: the table quoted it as a question cut in two ("kan du … kan du få telle om", tmux)."""
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    transcript = Transcript(session_id=store.session.id, segments=[
        Segment(start=9, end=15, speaker="Intervjuer", text="Kan du fortelle om hvordan du går fram for å komme "
                                                              "i kontakt med rusmiddelavhengige brukere?"),
        Segment(start=16, end=24, speaker="Informant", text="Vi ringer dem ofte og sender en melding.")])
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    store.mark("1.1", "covered", call_time=10.0)
    result = run_cli("--project", str(study.root), "coverage", store.session.id, env={"COLUMNS": "220"})
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if " 1.1 " in row)
    assert "(marked)" in line and "Kan du fortelle om hvordan" in line and "…" not in line, line
    data = json.loads(run_cli("--project", str(study.root), "coverage", store.session.id, "--json").stdout)
    evidence = next(item for item in data["items"] if item["id"] == "1.1")["evidence"]
    assert [(e["role"], e["reason"], e["start"]) for e in evidence] == [("asked", "mark", 9), ("answered", "mark", 16)]


def test_cli_matrix_writes_csv_and_html(study, tmp_path):
    paths = []
    for name in ("nb-seed-1", "nb-seed-2"):
        path = tmp_path / f"{name}.txt"
        path.write_text(DEVSET[name].text_transcript())
        paths.append(str(path))
    result = run_cli("--project", str(study.root), "matrix", *paths, "--guide", str(SEED_GUIDE_NB))
    assert result.returncode == 0, result.stderr
    csv_text = (study.transcripts_dir / "coverage-matrix.csv").read_text()
    header, *rows = [line.split(",") for line in csv_text.strip().splitlines()]
    assert header[:3] == ["id", "kind", "item"] and "nb-seed-1" in header and "nb-seed-2" in header
    html = (study.transcripts_dir / "coverage-matrix.html").read_text()
    assert "<details>" in html and "skriv til oss" in html
    assert "covered in no interview" in csv_text  # 3.4 was skipped in both
    # The HTML is made to be shown: its quotes carry the study's pseudonyms, and what the table
    # does not decide is named.
    named = tmp_path / "nb-seed-1.txt"
    named.write_text(named.read_text().replace("Som regel", "Som regel, sier Kari Nordmann fra Bodø,", 1))
    result = run_cli("--project", str(study.root), "matrix", *paths, "--guide", str(SEED_GUIDE_NB))
    assert result.returncode == 0 and "'Kari Nordmann', 'Bodø'" in result.stderr, result.stderr
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\nBodø: Byen\n")
    result = run_cli("--project", str(study.root), "matrix", *paths, "--guide", str(SEED_GUIDE_NB))
    html = (study.transcripts_dir / "coverage-matrix.html").read_text()
    assert result.returncode == 0 and "capitalised" not in result.stderr
    assert "sier Informant A fra Byen" in html and "Kari" not in html and "Bodø" not in html


def test_cli_coverage_errors(study):
    result = run_cli("--project", str(study.root), "coverage", "no-such-session")
    assert result.returncode == 1 and "no session with that id" in result.stderr
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    result = run_cli("--project", str(study.root), "coverage", store.session.id)
    assert result.returncode == 1 and "has no transcript yet" in result.stderr


def test_audio_given_as_a_transcript_is_refused(study, tmp_path):
    wav = tmp_path / "call.wav"
    wav.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40))
    result = run_cli("--project", str(study.root), "coverage", str(wav), "--guide", str(SEED_GUIDE_NB))
    assert result.returncode == 1 and "a recording, not a transcript" in result.stderr
    assert "Traceback" not in result.stderr


def test_evidence_is_listed_in_the_talks_order_when_times_are_whole_seconds():
    """noScribe writes whole seconds: a question and its reply can start in the same second, and
    the reply was listed (and quoted in the table) before the question it answers."""
    text = ("[00:00:12] Interviewer: How do you get in contact with your clients who use drugs?\n"
            "[00:00:12] Informant: Mostly by phone, and I write in the activity plan when they do not answer.\n")
    report = CoverageMatcher(load_guide(SEED_GUIDE_EN)).match(parse_plain_text(text, "noscribe"))
    asked = [item for item in report.items if item.evidence and item.evidence[0].role == "asked"]
    assert asked, [(i.id, [(e.role, e.segment) for e in i.evidence]) for i in report.items if i.evidence]
    for item in report.items:
        assert [e.segment for e in item.evidence] == sorted(e.segment for e in item.evidence)


def test_an_app_session_is_checked_like_its_transcript_alone():
    """Seen in a walk-through: the same transcript, checked with its session (which leaves the
    briefing out) and without, disagreed: two questions 8 s apart were read as one across the
    informant's answer between them (the turns between were looked up by position in a list that
    had left the briefing out), the pair's keywords named 2.1, and 1.1 was lost."""
    from interview_tui.session.model import PhaseChange

    turns = [("Interviewer", "Hello, and thank you for taking part, is it all right that I record this conversation?"),
             ("Informant", "Yes, that is fine with me."),
             ("Interviewer", "Good, how did you end up working as a counselor at the office in Bergen?"),
             ("Informant", "I started eight years ago, before that I worked at a youth centre in Tromsø."),
             ("Interviewer", "How do you usually reach the people you follow up?"),
             ("Informant", "Mostly I call them, many do not pick up, so I write in the activity plan instead."),
             ("Interviewer", "Were there things that made it hard at first to use the digital tools?"),
             ("Informant", "Yes, the first year was slow. The IT team helped us a lot.")]
    transcript = Transcript(speakers=["Interviewer", "Informant"], segments=[
        Segment(start=5.0 + 4 * i, end=8.0 + 4 * i, speaker=who, text=text) for i, (who, text) in enumerate(turns)])
    store = SessionStore.create(Path(tempfile.mkdtemp()), load_guide(SEED_GUIDE_EN), pseudonym="C")
    store.session.phase_changes = [PhaseChange(phase="briefing"), PhaseChange(phase="conduct", call_time=13.5)]
    matcher = CoverageMatcher(load_guide(SEED_GUIDE_EN))
    alone = {i.id: i.auto_status for i in matcher.match(transcript).items}
    with_session = {i.id: i.auto_status for i in matcher.match(transcript, store.session).items}
    assert alone["1.1"] == with_session["1.1"] == "covered"
    assert with_session == alone


def test_the_coverage_table_at_80_columns_leaves_room_for_the_quote(tmp_path):
    """In an 80-column terminal the quote column was squeezed to 9 characters by the others."""
    path = tmp_path / "call.txt"
    path.write_text("Interviewer: [00:00:12] How do you get in contact with your clients who use drugs?\n"
                    "Informant: [00:00:15] Mostly by phone, and I write in the activity plan when they do not answer.\n")
    result = run_cli("coverage", str(path), "--guide", str(SEED_GUIDE_EN), env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    table = [line for line in result.stdout.splitlines() if line.startswith(("│", "┃", "┏", "└"))]
    assert table and all(len(line) <= 80 for line in table)
    quote_column = [line.rsplit("│", 2)[-2] for line in table if line.startswith("│")]
    assert max(len(cell.strip()) for cell in quote_column) >= 16, quote_column


GERMAN_GUIDE = """title: Hörspiel
language: de
themes:
- id: '1'
  title: Anfänge
  questions:
  - id: '1.1'
    text: Erinnern Sie sich an Ihr erstes Hörspiel?
  - id: '1.2'
    text: Wie haben Sie Ihre Sprecherinnen und Sprecher ausgewählt?
- id: '2'
  title: Studio
  questions:
  - id: '2.1'
    text: Wie läuft eine Produktion ab?
  - id: '2.2'
    text: Wie hat sich die Technik verändert?
"""


def test_a_german_guide_is_matched_with_german_function_words(tmp_path):
    """A German guide was matched with Norwegian function words, so "wie", "hat", "haben", "die"
    counted as the question's words: a greeting and a remark ticked off two questions never asked
    (seen with noScribe's real German interview and a guide written for it)."""
    (tmp_path / "g.yaml").write_text(GERMAN_GUIDE, encoding="utf-8")
    text = ("Interviewer: [00:00:05] Guten Tag, ich habe heute die große Ehre, hier mit Ihnen zu sitzen. "
            "Sie haben mir meine Kindheit versüßt.\n"
            "Befragte: [00:00:15] Das ist doch wunderbar.\n"
            "Interviewer: [00:00:18] Können Sie sich noch an Ihr erstes Hörspiel erinnern?\n"
            "Befragte: [00:00:22] Ja, das war die kleine Seejungfrau, ein Märchen von Andersen.\n"
            "Interviewer: [00:00:40] Ja, okay. Haben wir heute gelernt, dass die auch mal mitgemacht hat?\n"
            "Befragte: [00:00:45] Auch da hat er einmal mitgemacht.\n"
            "Interviewer: [00:00:50] Gab es mal eine Zeit, wo Sie am liebsten alles hingeworfen hätten?\n"
            "Befragte: [00:00:55] Nee, nie.\n")
    report = CoverageMatcher(load_guide(tmp_path / "g.yaml")).match(parse_plain_text(text, "de"))
    assert {i: report.item(i).status for i in ("1.1", "1.2", "2.1", "2.2")} == \
        {"1.1": "covered", "1.2": "not_covered", "2.1": "not_covered", "2.2": "not_covered"}


def test_the_matrix_without_names_takes_every_interview_of_the_study_sessions_or_not(study):
    """A study transcribed from dictaphone files (no session), or brought from noScribe for review,
    had an empty matrix: "no transcribed interviews". A session's older version beside its
    reviewed one is not an interview of its own."""
    from interview_tui.coverage.check import study_inputs
    from interview_tui.core.brought import bring_transcript

    for name in ("nb-seed-1", "nb-seed-2"):
        parse_plain_text(DEVSET[name].text_transcript(), name).save(study.transcripts_dir / f"{name}.json")
    noscribe = study.root / "from-noscribe.txt"
    noscribe.write_text((FIXTURES / "noscribe-format.txt").read_text())
    bring_transcript(noscribe, study)
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="P3")
    reviewed = parse_plain_text(DEVSET["nb-seed-3"].text_transcript(), "nb-seed-3")
    reviewed.session_id = store.session.id
    reviewed.save(study.transcripts_dir / "p3-v2.json")
    reviewed.save(study.transcripts_dir / "p3.json")  # the draft it was reviewed from
    store.set_transcript("p3-v2.json")
    assert sorted(source.name for source in study_inputs(study)) == ["P3", "from-noscribe", "nb-seed-1", "nb-seed-2"]
    result = run_cli("--project", str(study.root), "matrix")
    assert result.returncode == 0, result.stderr
    header = (study.transcripts_dir / "coverage-matrix.csv").read_text().splitlines()[0]
    assert all(name in header for name in ("P3", "from-noscribe", "nb-seed-1", "nb-seed-2")), header
    # A transcript named after the informant heads its column with the name: said, as for quotes.
    parse_plain_text(DEVSET["nb-seed-1"].text_transcript()).save(study.transcripts_dir / "Per Olsen.json")
    result = run_cli("--project", str(study.root), "matrix")
    assert result.returncode == 0 and "'Per Olsen'" in result.stderr, result.stderr


def test_a_late_mark_quotes_the_question_it_was_made_for_not_the_next_one(study):
    """Seen in a tmux walk-through: two marks pressed 20 s late (after an undo) took the next
    question, begun 2 s after the key, as their evidence — and the .qdpx coded that question as
    the items marked. A mark's evidence is the turn the check takes for the item, else the last
    turn begun by the key."""
    guide = load_guide(SEED_GUIDE_NB)
    store = SessionStore.create(study.recordings_dir, guide, pseudonym="C")
    turns = [(28, "Intervjuer", "Kan du fortelle om hvordan du går fram for å komme i kontakt med brukerne?"),
             (35, "Informant", "Som regel ringer jeg dem først."),
             (55, "Intervjuer", "vilke ditale kjennester ruke du mest"),  # 1.2, as base heard espeak
             (59, "Informant", "Chatten i aktivitetsplanen, og noen ganger skriv til oss."),
             (76.5, "Intervjuer", "Har du opplevd at brukerne mangler verktøy, for eksempel telefon eller internett?"),
             (83, "Informant", "Ja, mange har tomt kontaktkort på telefonen.")]
    transcript = Transcript(session_id=store.session.id, segments=[
        Segment(start=t, end=t + 5, speaker=who, text=text) for t, who, text in turns])
    store.mark("1.1", "covered", call_time=73.3)
    store.mark("1.2", "covered", call_time=74.2)
    report = CoverageMatcher(guide).match(transcript, store.session)
    asked = {item: [e.start for e in report.item(item).evidence if e.role == "asked" and e.reason == "mark"]
             for item in ("1.1", "1.2")}
    assert asked == {"1.1": [28], "1.2": [55]}  # 1.1: the check's own finding; 1.2: the last turn begun
    assert report.item("2.1").status == "covered"
    assert all(e.reason != "mark" for e in report.item("2.1").evidence)


def test_a_question_that_shares_only_a_keyword_phrase_with_another_does_not_tick_it_off():
    """1.1's keyword phrase "komme i kontakt" is in 2.1's wording too: asking 2.1 (or 1.2) word for
    word showed the must-cover 1.1 as covered — a question the interviewer would then skip."""
    guide = load_guide(SEED_GUIDE_NB)
    for asked in ("2.1", "1.2"):
        transcript = Transcript(segments=[
            Segment(start=2, end=6, speaker="Intervjuer", text=guide.item(asked).text),
            Segment(start=7, end=12, speaker="Informant", text="Ja, mange har tomt kontaktkort, og ikke internett.")])
        report = CoverageMatcher(guide).match(transcript)
        assert report.item(asked).status == "covered" and report.item("1.1").status == "not_covered", asked


def test_matrix_writes_every_interviews_answers_sorted_by_theme(study, tmp_path):
    """The thesis sorted its answers by theme by hand: under each question, what each informant
    said to it. Its turns carry the study's pseudonyms; a name in them is named before it is shown."""
    first = tmp_path / "veileder-a.txt"
    first.write_text(
        "Intervjuer: [00:00:03] Kan du fortelle om hvordan du går fram for å komme i kontakt med brukerne?\n"
        "Informant: [00:00:10] Jeg ringer dem som regel, og sender sms hvis de ikke svarer.\n"
        "Intervjuer: [00:00:18] Mm.\n"
        "Informant: [00:00:20] En gang fikk jeg ikke tak i Per Olsen på tre uker, så jeg dro hjem til ham.\n"
        "Intervjuer: [00:00:40] Hva synes du er de største forskjellene med å jobbe med og uten digitale tjenester?\n"
        "Informant: [00:00:48] Ansikt til ansikt ser du hvordan de har det, det får du ikke på chat.\n",
        encoding="utf-8")
    second = tmp_path / "veileder-b.txt"
    second.write_text(
        "Intervjuer: [00:00:02] Hvilke digitale tjenester er mest vanlig å bruke for å komme i kontakt med dem?\n"
        "Informant: [00:00:09] Sms og telefon, litt skriv til oss.\n", encoding="utf-8")
    args = ("--project", str(study.root), "matrix", str(first), str(second), "--guide", str(SEED_GUIDE_NB))
    result = run_cli(*args)
    assert result.returncode == 0 and "'Per Olsen'" in result.stderr, result.stderr
    # The notice travels with the file: a document of every answer is what gets mailed on.
    for made in ("answers-by-theme.md", "coverage-matrix.html"):
        assert "⚠ Not ready to share: 1 capitalised word(s) are not decided in pseudonyms.yaml yet (Per Olsen)" in \
            (study.transcripts_dir / made).read_text(encoding="utf-8"), made
    (study.root / "pseudonyms.yaml").write_text("Per Olsen: Bruker X\n", encoding="utf-8")
    result = run_cli(*args)
    assert result.returncode == 0 and "capitalised" not in result.stderr, result.stderr
    assert "answers-by-theme.md" in result.stdout
    answers = (study.transcripts_dir / "answers-by-theme.md").read_text(encoding="utf-8")
    q11 = answers.split("### 1.1 ")[1].split("### 1.2 ")[0]
    # The whole talk of 1.1 in the first interview, to the next question asked; nothing of 3.1's.
    assert "ringer dem som regel" in q11 and "tak i Bruker X på tre uker" in q11 and "Ansikt til ansikt" not in q11
    assert "*veileder-b — not covered*" in q11
    q31 = answers.split("### 3.1 ")[1].split("### 3.2 ")[0]
    assert "**veileder-a — covered, [00:00:40]**" in q31 and "Ansikt til ansikt ser du" in q31
    assert "Per Olsen" not in answers and answers.index("## 1 ") < answers.index("## 2 ") < answers.index("## 3 ")
    assert "Not ready to share" not in answers
    import docx  # the same in Word, where the thesis is written

    word = docx.Document(str(study.transcripts_dir / "answers-by-theme.docx"))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    at = paragraphs.index(("Heading 3", "1.1 Kan du fortelle om hvordan du går fram for å komme i kontakt med "
                                        "rusmiddelavhengige brukere?"))
    assert paragraphs[at + 1][1] == "veileder-a — covered, [00:00:03]"
    assert "Informant: En gang fikk jeg ikke tak i Bruker X på tre uker" in paragraphs[at + 5][1]
    assert not any("Per Olsen" in text for _, text in paragraphs)


def test_a_whole_question_is_never_joined_with_the_next_and_a_phrase_needs_all_its_words():
    """Found in a tmux walk-through (en-remote-4, keywords alone): "Hi Anna, is it alright if I
    record this call?" and, after "Yes, go ahead.", "…where do you set yourself up on home days?"
    were read as one question, and "call" + "day" asked 2.1 ("video calls") at the consent; "…when
    you're away from the office?" matched the keyword phrase "home office" character by character."""
    interview = DEVSET["en-remote-4"]
    matcher = CoverageMatcher(interview.guide, embedder=None)
    report = matcher.match(parse_plain_text(interview.text_transcript()))
    asked_21 = [e.text for e in report.item("2.1").asked]
    assert asked_21 and all(not text.startswith("Hi Anna") for text in asked_21)
    assert all("away from the office" not in e.text for e in report.item("1.1").asked)

    def phrases(text: str) -> set[str]:
        return {s for s in matcher._view(0, Segment(start=0, end=1, speaker="I", text=text)).stems if s.startswith("§")}

    assert "§home office" not in phrases("Does your boss check in when you're away from the office?")
    assert "§home office" in phrases("So you have a home offise in the attic?")  # a misspelling still counts
