"""The review screen with Pilot (edits asserted on the transcript file), and playback heard on a
PulseAudio null sink."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest
import soundfile as sf

from interview_tui.guide.loader import load_guide
from interview_tui.review.editing import TranscriptEditor
from interview_tui.session.store import SessionStore, load_session
from interview_tui.session.model import AudioSetup
from interview_tui.settings import Settings
from interview_tui.model.transcript import Segment, Transcript, Word, load_transcript
from interview_tui.ui.app import InterviewApp
from interview_tui.ui.screens.review import ReviewScreen

from .audio_helpers import best_lag, envelope, needs_pulse, wait_for_position
from .conftest import FIXTURES, SEED_GUIDE_EN
from .speech_fixtures import ENGLISH_INTERVIEW, speak_interview


def make_transcript(study, with_audio=None):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_EN), pseudonym="Kari")
    segments = []
    for index, (speaker, text) in enumerate(ENGLISH_INTERVIEW):
        start = 1.0 + index * 5.0
        words = [Word(word=" " + w, start=start + i * 0.3, end=start + i * 0.3 + 0.25,
                      probability=0.2 if (index, i) == (1, 3) else 0.95) for i, w in enumerate(text.split())]
        segments.append(Segment(start=start, end=words[-1].end, speaker=speaker, text=text, words=words,
                                channel=0 if speaker == "Interviewer" else 1))
    if with_audio is not None:
        shutil.copy(with_audio.path, store.folder / f"{store.session.id}.wav")
        store.set_audio(f"{store.session.id}.wav", ["interviewer", "informant"], AudioSetup(mic="pulse:1", line="pulse:2"))
        segments = [Segment(start=s, end=e, speaker=sp, text=t, channel=0 if sp == "Interviewer" else 1)
                    for sp, t, s, e in with_audio.turns]
    transcript = Transcript(audio_file=f"{store.session.id}.wav", session_id=store.session.id, model="tiny.en",
                            software="interview-tui 0.1.0", speakers=["Interviewer", "Informant"], segments=segments)
    path = study.transcripts_dir / f"{store.session.id}.json"
    transcript.save(path)
    store.set_transcript(path.name)
    return store, path


async def open_review(pilot, store):
    pilot.app.push_screen(pilot.app.review_screen(store.session.id))
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)


async def test_edit_split_merge_speaker_find_tag_autosave(study):
    store, path = make_transcript(study)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        # unsure word → jump there
        await pilot.press("w")
        assert app.screen.row == 1
        # edit with a convention key and a stressed word
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end", "f2", *"really", "f6", "enter")
        await pilot.pause()
        edited = load_transcript(path).segments[1]
        assert edited.draft_text == ENGLISH_INTERVIEW[1][1]
        assert edited.text.endswith("(.) *really*")
        # a segment Whisper got wholly wrong is retyped: F7 selects all of it, typing replaces it
        await pilot.press("e")
        await pilot.pause()
        retyped = edited.text.replace("Mostly", "Mainly")
        await pilot.press("f7", *retyped, "enter")
        await pilot.pause()
        assert load_transcript(path).segments[1].text == retyped
        # split segment 3 at "Some clients"
        await pilot.press("down", "down")
        await pilot.press("s")
        await pilot.pause()
        field = app.screen.query_one("#edit-text")
        field.load_text(field.text.replace(" Some clients", " |Some clients"))
        await pilot.press("enter")
        await pilot.pause()
        after_split = load_transcript(path).segments
        assert len(after_split) == 7
        assert after_split[3].text.endswith("write to us.") and after_split[4].text.startswith("Some clients")
        assert after_split[4].start >= after_split[3].start
        # merge them back
        await pilot.press("j")
        await pilot.pause()
        merged = load_transcript(path).segments
        assert len(merged) == 6 and "write to us. Some clients" in merged[3].text
        # change the speaker of the current segment
        await pilot.press("k")
        await pilot.pause()
        assert load_transcript(path).segments[3].speaker == "Interviewer"
        # find and replace everywhere
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"activity plan", "enter", *"aktivitetsplan", "enter")
        await pilot.pause()
        assert "aktivitetsplan" in load_transcript(path).segments[1].text
        # tag with a guide item; a wrong id is refused
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"9.9", "enter")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"3.4.", "enter")  # typed as read from a list, with its full stop
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["3.4"]
        shown = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Tagged 3.4 at ") and "challenging" in m for m in shown), shown
        # or from the guide panel: g, move to the item, t — no id to type
        await pilot.press("g")
        await pilot.pause()
        panel = app.screen.query_one("#coverage")
        panel.highlighted = next(i for i, o in enumerate(panel._options) if o.id == "3.4.a")
        await pilot.press("t")
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["3.4", "3.4.a"]
        await pilot.press("t")  # again: taken off
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["3.4"]
        app.screen.query_one("SegmentTable").focus()
        await pilot.pause()
        # "not 3.1": the researcher's no to the check, as they would say it (and -3.1 takes it back)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("n", "o", "t", "space", "3", ".", "1", "enter")
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["-3.1", "3.4"]
        shown = [str(n.message) for n in app._notifications]
        assert any("is not 3.1" in m for m in shown), shown
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"-3.1", "enter")
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["3.4"]
        await pilot.press("t")  # "not 3.4" where 3.4 is tagged: the newer word stands
        await pilot.pause()
        await pilot.press(*"-3.4", "enter")
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["-3.4"]
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"3.4", "enter")
        await pilot.pause()
        assert load_transcript(path).segments[3].tags == ["3.4"]
        # checked, with the review progress in the session
        await pilot.press("c")
        await pilot.pause()
    final = load_transcript(path)
    assert final.segments[3].checked
    assert load_session(store.path).review == {"checked": 1, "total": 6}
    # reload: everything is on disk, the drafts too
    reopened = TranscriptEditor.open(path)
    assert [s.text for s in reopened.segments] == [s.text for s in final.segments]
    assert reopened.segments[1].draft_text == ENGLISH_INTERVIEW[1][1]


async def test_guide_panel_jumps_to_the_evidence(study):
    store, path = make_transcript(study)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        panel = app.screen.query_one("#coverage")
        for _ in range(300):  # the first check embeds the transcript: a second or two
            if app.screen.report is not None:
                break
            await pilot.pause(0.05)
        index = next(i for i in range(panel.option_count) if panel.get_option_at_index(i).id == "3.4")
        await pilot.press("g")
        panel.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.row == 4  # "Was it challenging to get started…"


async def test_no_sound_still_edits(study):
    store, path = make_transcript(study)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        await pilot.press("space")
        await pilot.pause()
        assert "playback does not" in app.screen.player_error


@pytest.mark.audio
@needs_pulse
async def test_playback_is_heard_on_the_sound_device(study, tmp_path):
    from interview_tui.record.recorder import Recorder
    from interview_tui.core.audio import build_sources

    spoken = speak_interview(ENGLISH_INTERVIEW[:4], tmp_path, stereo=True)
    store, path = make_transcript(study, with_audio=spoken)
    app = InterviewApp(study, Settings(), audio=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        listener = Recorder(build_sources(None, None), tmp_path / "heard.wav")  # phone.monitor
        listener.start()
        wait_for_position(listener, 0.5)
        await pilot.press("down", "down")   # the third turn
        player = app.screen.player
        await pilot.press("r")              # replay the segment
        assert player.started_event.wait(2.0)
        latency = player.start_latency
        while app.screen.player.playing:
            await pilot.pause(0.1)
        # "Done" means handed over; the last of it is still in the device's and the server's
        # buffers for a moment.
        await pilot.pause(player.device_latency + 0.4)
        listener.stop()
    assert latency < 0.3
    heard, rate = sf.read(tmp_path / "heard.wav", dtype="float32")
    source, source_rate = sf.read(spoken.path, dtype="float32")
    _, _, start, end = spoken.turns[2]
    segment = source[int(start * source_rate): int(end * source_rate)].mean(axis=1)
    lag, corr = best_lag(envelope(segment, source_rate), envelope(heard, rate))
    assert corr > 0.8, (f"the replayed segment was not heard (correlation {corr:.2f}, "
                        f"{player.stutters} gaps where the device ran dry)")
    other = source[int(spoken.turns[0][2] * source_rate): int(spoken.turns[0][3] * source_rate)].mean(axis=1)
    assert best_lag(envelope(other, source_rate), envelope(heard, rate))[1] < corr
    assert np.isfinite(heard).all()


@pytest.mark.audio
@needs_pulse
async def test_a_gap_in_playback_is_reported_not_passed_over(study, tmp_path):
    """A real underrun: the Python thread that feeds the sound card is kept from running for
    longer than the card's buffer (as a busy machine does), and the reviewer is told."""
    import sys

    spoken = speak_interview(ENGLISH_INTERVIEW[:4], tmp_path, stereo=True)
    store, _ = make_transcript(study, with_audio=spoken)
    app = InterviewApp(study, Settings(), audio=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        player = app.screen.player
        await pilot.press("space")          # play from the first turn
        assert player.started_event.wait(2.0)
        usual = sys.getswitchinterval()
        sys.setswitchinterval(1.0)          # this thread keeps the interpreter: nothing else runs
        try:
            began = time.perf_counter()
            while time.perf_counter() - began < 0.5:
                pass
        finally:
            sys.setswitchinterval(usual)
        await pilot.pause(0.5)
        assert player.stutters >= 1
        told = [n.message for n in app._notifications if "Playback stuttered" in n.message]
        assert len(told) == 1 and "recording itself is whole" in told[0]
        await pilot.press("space")          # stop


async def test_turn_speaker_and_export_from_the_review_screen(study):
    store, path = make_transcript(study)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        await pilot.press("down")
        await pilot.press("K")
        await pilot.pause()
        assert load_transcript(path).segments[1].speaker == "Interviewer"
        await export_from_review(app, pilot)
    exports = study.transcripts_dir / "exports"
    assert (exports / f"{store.session.id}.qdpx").is_file() and (exports / f"{store.session.id}.docx").is_file()


@pytest.mark.audio
@needs_pulse
def test_jumping_plays_from_the_new_place_never_the_old(tmp_path):
    """Failure 5: the reader of the previous play kept filling the new queue, so a jump from 0 s to
    150 s played the old place first (5 of 10 runs). Heard on the null sink's monitor."""
    from interview_tui.core.audio import build_sources
    from interview_tui.record.recorder import Recorder
    from interview_tui.review.playback import Player

    rate = 16000
    t = np.arange(rate * 10) / rate
    audio = np.zeros(rate * 160, dtype=np.float32)
    audio[: rate * 10] = 0.5 * np.sin(2 * np.pi * 440 * t)          # the old place: 440 Hz
    audio[rate * 150:] = 0.5 * np.sin(2 * np.pi * 1000 * t)          # the new place: 1000 Hz
    path = tmp_path / "two-places.wav"
    sf.write(path, audio, rate)
    listener = Recorder(build_sources(None, None), tmp_path / "heard.wav")  # phone.monitor
    listener.start()
    wait_for_position(listener, 0.5)
    player = Player(path)
    jumps = []
    for _ in range(10):
        player.play(0.0)
        time.sleep(0.05)  # the reader is busy filling the queue from 0 s
        jumps.append(listener.position)
        player.play(150.0)
        time.sleep(0.8)
    player.stop()
    listener.stop()
    heard, heard_rate = sf.read(tmp_path / "heard.wav", dtype="float32")

    def strength(chunk, frequency):
        phase = 2 * np.pi * frequency * np.arange(len(chunk)) / heard_rate
        return abs(np.dot(chunk, np.exp(-1j * phase))) / len(chunk)

    wrong = 0
    for at in jumps:
        chunk = heard[int((at + 0.25) * heard_rate): int((at + 0.7) * heard_rate)]
        assert np.abs(chunk).max() > 0.05, "nothing was heard after the jump"
        if strength(chunk, 440) > 0.2 * strength(chunk, 1000):
            wrong += 1
    assert wrong == 0, f"{wrong} of {len(jumps)} jumps played the old place"


async def test_undo_steps_back_through_every_kind_of_change(study):
    store, path = make_transcript(study)
    original = [(s.speaker, s.text, s.tags, s.checked) for s in load_transcript(path).segments]
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*" changed", "enter")
        await pilot.press("k", "c")             # speaker, then checked (the cursor moves on)
        await pilot.press("up", "t")
        await pilot.pause()
        await pilot.press(*"1.1", "enter")
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"phone", "enter", *"telephone", "enter")
        await pilot.pause()
        assert load_transcript(path).segments != original
        for _ in range(5):
            await pilot.press("u")
            await pilot.pause()
        await pilot.press("u")  # nothing left: says so
        await pilot.pause()
        assert "Nothing to undo" in "\n".join(n.message for n in app._notifications)
    assert [(s.speaker, s.text, s.tags, s.checked) for s in load_transcript(path).segments] == original


async def test_merging_two_speakers_asks_and_turn_speaker_is_its_own_inverse(study):
    store, path = make_transcript(study)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        await pilot.press("j")  # Interviewer, then Informant: asks first
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert len(load_transcript(path).segments) == len(ENGLISH_INTERVIEW)
        await pilot.press("down", "K")  # the informant's turn becomes the interviewer's…
        await pilot.pause()
        await pilot.press("K")          # …and back: the same segments, not their new neighbours
        await pilot.pause()
    assert [s.speaker for s in load_transcript(path).segments] == [sp for sp, _ in ENGLISH_INTERVIEW]


async def test_the_review_at_80_columns_wraps_text_marks_the_cursor_and_loops(study):
    store, path = make_transcript(study)
    transcript = load_transcript(path)
    transcript.segments[2].flags = ["repetition"]
    transcript.save(path)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot, store)
        table = app.screen.query_one("#segments")
        rows = list(table.rows.values())
        assert any(row.height > 1 for row in rows), "long segments wrap instead of being cut"
        assert table.get_cell_at((0, 0)) == "▶"
        await pilot.press("down")
        await pilot.pause()
        assert table.get_cell_at((1, 0)) == "▶" and table.get_cell_at((0, 0)) == " "
        assert "loop?" in str(table.get_cell_at((2, 4)))
        await pilot.press("h")
        await pilot.pause()
        assert not app.screen.query_one("#guide-panel").display


async def test_uncertain_speakers_are_shown_found_and_a_whole_speaker_relabelled(study):
    """A one-channel recording's labels come with doubts: "?" after the name, `w` goes there, `k`
    settles it; `S` swaps two speakers in the whole transcript (roles the wrong way round), `u`
    undoes it."""
    from interview_tui.model.transcript import UNCERTAIN_SPEAKER

    store, path = make_transcript(study)
    transcript = load_transcript(path)
    transcript.segments[3].flags = [UNCERTAIN_SPEAKER]
    for segment in transcript.segments:
        for word in segment.words:
            word.probability = 0.99  # no unsure words: `w` has only the speaker to find
    transcript.save(path)
    before = [s.speaker for s in transcript.segments]
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot, store)
        table = app.screen.query_one("#segments")
        assert str(table.get_cell_at((3, 3))).endswith("?")
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.row == 3
        await pilot.press("k")
        await pilot.pause()
        assert UNCERTAIN_SPEAKER not in load_transcript(path).segments[3].flags
        assert not str(table.get_cell_at((3, 3))).endswith("?")
        await pilot.press("k")  # back to who it was
        await pilot.press("S")
        await pilot.pause()
        swapped = [s.speaker for s in load_transcript(path).segments]
        assert swapped == [{"Interviewer": "Informant", "Informant": "Interviewer"}[s] for s in before]
        await pilot.press("u")
        await pilot.pause()
        assert [s.speaker for s in load_transcript(path).segments] == before


def saved_turns(study, name: str, language: str, lines: list[tuple[str, str]]):
    """A transcript of these (speaker, text) turns, five seconds apart, saved in the study."""
    transcript = Transcript(audio_file=f"{name}.wav", model="base", language=language,
                            speakers=list(dict.fromkeys(who for who, _ in lines)),
                            segments=[Segment(start=i * 5.0, end=i * 5.0 + 4, speaker=who, text=text)
                                      for i, (who, text) in enumerate(lines)])
    path = study.transcripts_dir / f"{name}.json"
    transcript.save(path)
    return path


async def export_from_review(app, pilot, path=None) -> None:
    """x (in the review of ``path``, opened first when given), and the export's worker done (it
    runs in the background)."""
    if path is not None:
        app.push_screen(app.review_screen(str(path)))
    await pilot.pause()
    await pilot.press("x")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_export_that_fails_in_its_worker_says_so(study):
    """The export runs in the background: its failure (here the exports folder is a file) must
    reach the researcher, with what to do, not vanish with the worker."""
    path = saved_turns(study, "memo", "en", [("Interviewer", "How do you reach them?"), ("Informant", "By phone.")])
    (study.transcripts_dir / "exports").write_text("not a folder")
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await export_from_review(app, pilot, path)
        shown = [n.message for n in app._notifications]
        assert any(m.endswith("transcripts/exports: is a file, not a folder") for m in shown), shown
        assert isinstance(app.screen, ReviewScreen)


async def test_the_export_waits_until_every_capitalised_word_is_decided(study):
    """Seen in a walk-through: a dictaphone interview exported with no pseudonyms.yaml kept
    "Ola Hansen" and the places in every file, and said nothing. Now the export stops, the review
    opens the names to decide, and the decisions (saved at once) make the next export clean."""
    from interview_tui.ui.dialogs.names_dialog import NamesDialog

    lines = [("Interviewer", "How did you end up in the office in Cromwell?"),
             ("Informant", "I came from a youth centre. Ola Hansen asked me to apply, we met on Teams."),
             ("Interviewer", "And the chat?"), ("Informant", "We use Teams for that too, and Ola Hansen set it up.")]
    path = saved_turns(study, "dictaphone", "en", lines)
    exports = study.transcripts_dir / "exports"
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await export_from_review(app, pilot, path)
        assert isinstance(app.screen, NamesDialog) and not exports.exists()
        assert [word for word, *_ in app.screen.words] == ["Ola Hansen", "Teams", "Cromwell"]
        # the sentence it was said in, to tell a name from a word
        assert "Informant: I came from a youth centre. Ola Hansen asked me" in \
            str(app.screen.query_one("#names-context").render())
        await pilot.press("enter")  # Ola Hansen: the proposed "Name A"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("k")  # Teams: not a name
        await pilot.press("enter", "ctrl+u", *"[by]", "enter")  # Cromwell; "[by]" is not markup
        await pilot.pause()
        assert (study.root / "pseudonyms.yaml").read_text() == "Cromwell: '[by]'\nOla Hansen: Name A\nTeams: Teams\n"
        from textual.widgets._data_table import default_cell_formatter  # what the table draws

        shown = default_cell_formatter(app.screen.query_one("#names-table").get_cell_at((2, 2)))
        assert shown.plain == "→ [by]"
        await pilot.press("escape")
        await pilot.pause()
        await export_from_review(app, pilot)
        exported = (exports / "dictaphone.txt").read_text()
        assert "Name A asked me" in exported and "office in [by]" in exported and "on Teams" in exported
        assert not {"Ola", "Hansen", "Cromwell"} & set(exported.replace(",", " ").replace(".", " ").split())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NamesDialog)
        await pilot.press("ctrl+q")  # Ctrl+Q quits from inside a dialog too
        await pilot.pause()
        assert not app.is_running


async def test_a_word_close_to_a_real_name_is_decided_in_the_review_not_forced(study):
    """Seen in a Norwegian walk-through: with "Anne Solberg" replaced, every export stopped at
    "annen" (Norwegian for "other"), as close to "Anne" as "Karri" to "Kari"; "annen: annen" in
    pseudonyms.yaml did not help, and the review, which has no --force, only showed the error. And
    "tromsøværinger" (people of Tromsø, one word) went out as it was. Now the names list opens
    with both, "k" keeps the word, a replacement is given to the other, and the export goes on."""
    from interview_tui.ui.dialogs.names_dialog import NamesDialog

    (study.root / "pseudonyms.yaml").write_text("Anne Solberg: Informant A\nTromsø: Byen\n")
    lines = [("Intervjuer", "Hvordan kommer du i kontakt med brukerne?"),
             ("Informant", "Jeg heter Anne Solberg. En annen gang ringer jeg, mange tromsøværinger liker det.")]
    path = saved_turns(study, "telefon", "no", lines)
    exports = study.transcripts_dir / "exports"
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await export_from_review(app, pilot, path)
        assert isinstance(app.screen, NamesDialog) and not exports.exists()
        assert [(word, where) for word, _, where in app.screen.words][:2] == [
            ("annen", "like 'Anne Solberg'"), ("tromsøværinger", "like 'Tromsø'")]
        await pilot.press("k")  # annen: a word
        await pilot.press("enter", "ctrl+u", *"byens folk", "enter")
        await pilot.pause()
        assert "annen: annen" in (study.root / "pseudonyms.yaml").read_text()
        await pilot.press("escape")
        await pilot.pause()
        await export_from_review(app, pilot)
        exported = (exports / "telefon.txt").read_text()
        assert "En annen gang ringer jeg, mange byens folk liker det." in exported
        assert "Anne" not in exported and "tromsø" not in exported.lower()


async def test_escape_goes_back_from_the_review_to_the_interviews_summary(study):
    """Opened from the summary (the start screen's earlier interviews), the review had no way back."""
    from interview_tui.ui.screens.summary import SummaryScreen

    store, _ = make_transcript(study)
    store.end()
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        app.open_finished(str(store.path))
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


def test_a_recording_brought_from_elsewhere_is_played_from_where_it_was_transcribed(study, tmp_path):
    """A dictaphone file transcribed where it lies (~/Downloads, say) had no sound in the review:
    only the study's recordings/ was looked in."""
    from interview_tui.core.review import open_for_review

    elsewhere = tmp_path / "downloads" / "dictaphone.wav"
    elsewhere.parent.mkdir()
    sf.write(elsewhere, np.zeros((16000, 1), np.float32), 16000)
    transcript = Transcript(audio_file="dictaphone.wav", speakers=["Interviewer"],
                            settings={"recording_path": str(elsewhere)},
                            segments=[Segment(start=0.1, end=0.9, speaker="Interviewer", text="Hello.")])
    path = study.transcripts_dir / "dictaphone.json"
    transcript.save(path)
    material = open_for_review(str(path), study)
    assert material.audio == elsewhere and not material.audio_problem
    elsewhere.unlink()
    gone = open_for_review(str(path), study)
    assert gone.audio is None and "dictaphone.wav; looked for in the study's recordings/" in gone.audio_problem
    assert "put the recording in recordings/ to play it" in gone.audio_problem


async def test_a_noscribe_transcript_is_brought_in_reviewed_with_the_guide_and_its_words_kept_down_to_here(study, tmp_path):
    """A researcher arrives with noScribe transcripts: `review` refused them ("review works on a
    transcript made by interview-tui"), so nothing could be corrected, and a transcript with no
    session had no guide beside it. Now the .txt is brought in as a copy that keeps the
    corrections (coverage and export read it from then on), with the study's guide in its
    language; and in German, where every noun is capitalised, K keeps the words read so far."""
    from interview_tui.core.review import open_for_review
    from interview_tui.session.lookup import find_interview
    from interview_tui.ui.dialogs.names_dialog import NamesDialog

    brought = tmp_path / "from-noscribe" / "veileder-b.txt"
    brought.parent.mkdir()
    shutil.copy(FIXTURES / "noscribe-format.txt", brought)
    material = open_for_review(str(brought), study)
    copy = study.transcripts_dir / "veileder-b.json"
    assert material.editor.path == copy and f"{brought}: brought into the study as {copy} (language 'nb'" in material.notice
    assert material.guide is not None and material.guide.language == "nb"  # the study's Bokmål guide
    assert load_transcript(copy).audio_file == "veileder-b.mp3"  # named in noScribe's header
    material.editor.transcript.segments[0].text = "Hei, og takk for at du stiller opp, Kari."
    material.editor.save()
    assert find_interview(str(brought), study.recordings_dir, study.transcripts_dir).transcript == copy
    again = open_for_review(str(brought), study)
    assert again.editor.transcript.segments[0].text.endswith("Kari.") and "brought in before" in again.notice
    assert brought.read_text() == (FIXTURES / "noscribe-format.txt").read_text()  # never changed
    brought.write_text(brought.read_text().replace("Chatten", "Chatten og SMS"))  # edited in Word afterwards
    assert f"{brought.name} was changed after it was brought in" in open_for_review(str(brought), study).notice
    assert open_for_review(str(brought), study, guide_path=SEED_GUIDE_EN).guide.language == "en"  # --guide
    hidden = tmp_path / "from-noscribe" / ".notes.txt"  # never a hidden copy among the checkpoints
    shutil.copy(FIXTURES / "noscribe-format.txt", hidden)
    assert open_for_review(str(hidden), study).editor.path == study.transcripts_dir / "notes.json"

    lines = ["Können Sie sich an Ihr erstes Hörspiel erinnern?",
             "Ja, das war die Kleine Seejungfrau mit Oliver Rohrbeck, eine schöne Zeit mit viel Freude."]
    german = tmp_path / "hoerspiel.txt"
    german.write_text("".join(f"S0{i % 2}: [00:00:{10 + i * 5:02d}] {text}\n" for i, text in enumerate(lines)))
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(app.review_screen(str(german)))
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NamesDialog)
        words = [word for word, _, where in dialog.words if not where]
        assert words == ["Sie", "Ihr", "Hörspiel", "Kleine Seejungfrau", "Oliver Rohrbeck", "Zeit", "Freude"]
        await pilot.press("down", "down", "down", "down", "enter", "ctrl+u", *"Name A", "enter")  # the one name
        await pilot.pause()
        await pilot.press("K")  # the cursor moved on to "Zeit": keep down to it, "Freude" not yet read
        await pilot.pause()
        assert "Keep the 5 undecided word(s) down to 'Zeit'" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await pilot.pause()
        table = (study.root / "pseudonyms.yaml").read_text()
        assert "Oliver Rohrbeck: Name A" in table and "Kleine Seejungfrau: Kleine Seejungfrau" in table
        assert "Zeit: Zeit" in table and "Freude" not in table


def test_the_review_joins_a_word_whisper_wrote_in_pieces_as_the_exports_do():
    """Whisper writes "ill-disposed" as " ill" + "-disposed": the review showed "ill -disposed"
    where the transcript and every export say "ill-disposed" (seen with a real reader)."""
    from interview_tui.ui.widgets.segment_table import segment_text

    pieces = [" He", " was", " ill", "-disposed", " in", " Nord", "mann's", " eyes."]
    segment = Segment(start=0, end=3, speaker="Informant", text="".join(pieces).strip(),
                      words=[Word(word=w, start=i * 0.3, end=i * 0.3 + 0.25, probability=0.3 if w == "mann's" else 0.9)
                             for i, w in enumerate(pieces)])
    assert segment_text(segment, 0.5).plain == "He was ill-disposed in Nordmann's° eyes."
    # words from elsewhere, without Whisper's spaces, are still told apart
    segment.words = [word.model_copy(update={"word": word.word.strip()}) for word in segment.words]
    assert segment_text(segment, 0.5).plain == "He was ill -disposed in Nord mann's° eyes."


async def test_a_transcript_typed_without_times_shows_its_turns_by_number_not_00_00_00(study):
    """A typist's 'Speaker: text' transcript has no times: the review's time column read 00:00:00 on
    every row, and the editor and the tag prompt named the segment 'at 00:00:00' — no help in
    finding it. Each turn is named by its number instead; a timed transcript keeps its times."""
    from interview_tui.ui.dialogs.edit_dialog import EditDialog
    from interview_tui.ui.widgets.segment_table import SegmentTable

    typed = study.transcripts_dir / "typed.txt"
    typed.write_text("Interviewer: How do you reach them?\nInformant: By phone, mostly.\n"
                     "Interviewer: And when that fails?\nInformant: A letter.\n", encoding="utf-8")
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        app.push_screen(app.review_screen(str(typed)))
        await pilot.pause()
        table = app.screen.query_one(SegmentTable)
        assert [table.get_row_at(row)[2].strip() for row in range(table.row_count)] == ["1", "2", "3", "4"]
        assert str(table.columns["time"].label) == "turn"
        await pilot.press("down", "down", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditDialog) and app.screen.title_text == "[turn 3] Interviewer"
    timed = saved_turns(study, "timed", "en", [("Interviewer", "How do you reach them?"), ("Informant", "By phone.")])
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 30)) as pilot:
        app.push_screen(app.review_screen(str(timed)))
        await pilot.pause()
        table = app.screen.query_one(SegmentTable)
        assert [table.get_row_at(row)[2] for row in range(table.row_count)] == ["00:00:00", "00:00:05"]
