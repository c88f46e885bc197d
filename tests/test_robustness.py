"""Bad inputs and faults: nothing may leak, be lost, or end in a traceback (the robustness issue).

Each case is one a probe of the landed build found failing. Property-based cases use hypothesis;
the bounded campaign here runs in CI, ``benchmarks/robustness.py`` runs the long one and prints a
table of fault class → tries → failures.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import soundfile as sf
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from interview_tui.core.interview import Interview
from interview_tui.errors import UserError
from interview_tui.guide.loader import load_guide
from interview_tui.session.lock import SessionLocked
from interview_tui.session.store import SessionStore, load_session
from interview_tui.settings import Settings

from .audio_helpers import needs_pulse, wait_for_file_audio
from .conftest import REPO, SEED_GUIDE_EN, SEED_GUIDE_NB, run_cli
from .robustness_cases import CLASSES, run_class


def cli(study, *args, timeout=120):
    return run_cli("--project", str(study.root), *args, timeout=timeout)


# --- one writer per session ------------------------------------------------------------------
def test_a_second_writer_is_refused_and_a_dead_ones_lock_is_taken_over(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from interview_tui.core.interview import Interview; "
        "from interview_tui.study import Study; from interview_tui.settings import Settings; "
        f"i = Interview.open(Study.at({str(study.root)!r}), {store.session.id!r}, Settings()); "
        "i.mark('1.1', 'covered'); print('held', flush=True); time.sleep(60)")],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SessionLocked, match=rf"open in another interview-tui \(process {holder.pid}\)"):
            Interview.open(study, store.session.id, Settings())
        refused = cli(study, "record", "--session", store.session.id, "--seconds", "1")
        assert refused.returncode == 1 and "open in another interview-tui" in refused.stderr
        assert "Traceback" not in refused.stderr
        holder.send_signal(signal.SIGKILL)  # a crash: the lock's holder never closes it
        holder.wait()
        taken = Interview.open(study, store.session.id, Settings())
        assert f"took over {store.path.name} from process {holder.pid}" in taken.takeover_note
        assert taken.session.item_state("1.1") == "covered"  # what the dead writer saved is there
        taken.close()
    finally:
        holder.kill()


def test_what_a_command_wrote_meanwhile_is_kept_when_the_app_changes_the_session_after_the_call(study):
    """After the call the app holds the session without claiming it: `interview-tui coverage` run
    meanwhile (in a terminal) added its marks, and the app's older copy overwrote them when the
    review next saved its progress (seen in a tmux walk-through: six marks gone)."""
    from interview_tui.model.transcript import Segment, Transcript

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_EN), pseudonym="A")
    transcript = Transcript(audio_file=f"{store.session.id}.wav", session_id=store.session.id, language="en",
                            speakers=["Interviewer", "Informant"], segments=[
        Segment(start=1, end=5, speaker="Interviewer",
                text="Can you tell me how you go about getting in contact with clients who use drugs?"),
        Segment(start=6, end=12, speaker="Informant", text="Mostly by phone, and by letter when the phone is off.")])
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    store.end()
    app_copy = SessionStore.open(store.path)  # what the app's summary and review hold
    done = cli(study, "coverage", store.session.id)
    assert done.returncode == 0, done.stderr
    assert load_session(store.path).items["1.1"].latest("coverage").state == "covered"
    app_copy.set_review_progress({"checked": 1, "total": 2})
    app_copy.set_transcript(f"{store.session.id}.json")
    saved = load_session(store.path)
    assert saved.review == {"checked": 1, "total": 2}
    assert saved.items["1.1"].latest("coverage").state == "covered"  # the command's marks are kept


def test_a_transcript_open_in_a_review_is_not_reviewed_twice_nor_transcribed_over(study, tmp_path):
    """Two reviews of one transcript (the app's, and `interview-tui review` in another terminal)
    each saved their copy over the other's corrections; a transcription run meanwhile was put
    back by the review's next save. The second review is refused, naming the first; the
    transcription is refused, or written beside it with --new-version."""
    from interview_tui.core.review import open_for_review
    from interview_tui.session.lock import TranscriptLocked
    from interview_tui.ui.app import InterviewApp

    from .speech_fixtures import ENGLISH_INTERVIEW, speak_interview

    spoken = speak_interview(ENGLISH_INTERVIEW[:2], tmp_path)
    shutil.copy(spoken.path, study.recordings_dir / "dictaphone.wav")
    env = {"INTERVIEW_TUI_MODEL": "tiny.en", "HF_HUB_OFFLINE": "1"}
    assert run_cli("--project", str(study.root), "transcribe", "dictaphone", env=env).returncode == 0
    reviewer = subprocess.Popen([sys.executable, "-c", (
        "import time; from interview_tui.core.review import open_for_review; from interview_tui.study import Study; "
        f"m = open_for_review('dictaphone', Study.at({str(study.root)!r})); m.editor.claim(); "
        "print('reviewing', flush=True); time.sleep(60)")], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert reviewer.stdout.readline().strip() == "reviewing"
        with pytest.raises(TranscriptLocked, match=rf"open in another review \(process {reviewer.pid}\)"):
            open_for_review("dictaphone", study).editor.claim()
        app = InterviewApp(study, Settings(), audio=False)
        with pytest.raises(UserError, match="open in another review"):
            app.review_screen("dictaphone")
        refused = run_cli("--project", str(study.root), "transcribe", "dictaphone", env=env)
        assert refused.returncode == 1 and f"open in a review (process {reviewer.pid})" in refused.stderr
        beside = run_cli("--project", str(study.root), "transcribe", "dictaphone", "--new-version", env=env)
        assert beside.returncode == 0 and (study.transcripts_dir / "dictaphone-v2.json").is_file()
        reviewer.kill()
        reviewer.wait()
        material = open_for_review("dictaphone", study)
        material.editor.claim()  # the first review gone (however it ended), the transcript is free
        material.editor.close()
    finally:
        reviewer.kill()


@pytest.mark.audio
@needs_pulse
def test_two_record_commands_on_one_session_lose_nothing(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    store.close()
    first = subprocess.Popen([sys.executable, "-m", "interview_tui", "--project", str(study.root), "record",
                              "--session", store.session.id, "--seconds", "4"], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_file_audio(study.recordings_dir, 0.5)
    second = cli(study, "record", "--session", store.session.id, "--seconds", "2")
    assert second.returncode == 1 and "open in another interview-tui" in second.stderr
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    audio, rate = sf.read(study.recordings_dir / f"{store.session.id}.wav")
    assert len(audio) / rate == pytest.approx(4.0, abs=0.1)


# --- the campaign, bounded for CI -----------------------------------------------------------
@pytest.mark.parametrize("name", list(CLASSES))
def test_campaign_class_has_no_failure(name, tmp_path):
    tries, failures = run_class(name, 200, tmp_path, seed=7)
    assert not failures, f"{len(failures)} of {tries} failed, e.g. {failures[:3]}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_text_as_a_guide_is_a_guide_or_file_line_problems(text):
    from interview_tui.errors import GuideError
    from interview_tui.guide.loader import parse_guide_yaml

    try:
        parse_guide_yaml(text, "g.yaml")
    except GuideError as exc:
        assert exc.problems and all(p.startswith("g.yaml:") for p in exc.problems)


@settings(max_examples=150, deadline=None)
@given(data=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                         lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=30))
def test_any_json_as_a_session_or_transcript_is_read_or_refused(data, tmp_path_factory):
    from interview_tui.model.transcript import load_transcript

    folder = tmp_path_factory.mktemp("json")
    for name, loader in (("x.session.json", load_session), ("t.json", load_transcript)):
        path = folder / name
        path.write_text(json.dumps(data), encoding="utf-8")
        try:
            loader(path)
        except UserError:
            pass


NAME_ALPHABET = st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F)


@settings(max_examples=200, deadline=None)
@given(first=st.text(NAME_ALPHABET, min_size=2, max_size=9), last=st.text(NAME_ALPHABET, min_size=2, max_size=12),
       ending=st.sampled_from(["", "s", "'s", "’s"]), nfd=st.booleans())
@example(first="AA", last="ƾÆ", ending="", nfd=False)  # a short name starting with a letter that has no capital
def test_a_name_in_the_table_never_survives_unnoticed(first, last, ending, nfd):
    import unicodedata

    from interview_tui.export.anonymise import PseudonymTable

    real = f"{first.capitalize()} {last.capitalize()}"
    table = PseudonymTable({real: "Informant A"})
    spoken = unicodedata.normalize("NFD" if nfd else "NFC", f"Vi snakket med {real}{ending} i går.")
    out = table.apply(spoken)
    assert not table.real_names_in(out), (spoken, out)


# --- privacy end to end ----------------------------------------------------------------------
def reviewed_interview(study, *, speaker="Kari Nordmann", text="Kari Nordmann ringte fra Tromsø, tlf 99 88 77 66."):
    from interview_tui.model.transcript import Segment, Transcript

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Informant A")
    transcript = Transcript(audio_file="Kari Nordmann intervju.wav", session_id=store.session.id,
                            speakers=["Interviewer", speaker], segments=[
                                Segment(start=1, end=3, speaker="Interviewer", text="Kan du fortelle om hvordan du kommer i kontakt med brukerne?"),
                                Segment(start=4, end=9, speaker=speaker, text=text)])
    path = study.transcripts_dir / f"{store.session.id}.json"
    transcript.save(path)
    store.set_transcript(path.name)
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\nTromsø: '[by]'\n", encoding="utf-8")
    return store


def everything_written(folder) -> str:
    import zipfile

    texts = []
    for path in folder.rglob("*"):
        if path.is_file():
            texts.append(path.name)
            if path.suffix in (".docx", ".qdpx"):
                with zipfile.ZipFile(path) as archive:
                    texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            else:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_no_real_name_reaches_any_export(study):
    """Labels, headers, metadata, the .qdpx names and the file names: all anonymised."""
    store = reviewed_interview(study)
    result = cli(study, "export", store.session.id, "--format", "all")
    assert result.returncode == 0, result.stderr
    written = everything_written(study.transcripts_dir / "exports")
    for leaked in ("Kari", "Nordmann", "Tromsø", "Tromso", "99 88 77 66"):
        assert leaked not in written, leaked
    assert "Informant A" in written and "[by]" in written and "[phone number]" in written
    modes = {oct(p.stat().st_mode & 0o777) for p in (study.transcripts_dir / "exports").rglob("*")}
    assert modes <= {"0o600", "0o700"}


def test_a_name_the_table_misses_stops_the_export_with_where_it_is(study):
    store = reviewed_interview(study, text="Karri Nordman sa at Kari (K) ringte.")
    result = cli(study, "export", store.session.id, "--format", "txt,docx,qdpx")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[00:00:04] Informant A: 'Karri'" in result.stderr and "(K)" in result.stderr
    assert not list((study.transcripts_dir / "exports").glob("*.*")) if (study.transcripts_dir / "exports").exists() else True
    forced = cli(study, "export", store.session.id, "--format", "txt", "--force")
    assert forced.returncode == 0


def test_exports_never_overwrite_and_real_names_are_kept_apart(study):
    store = reviewed_interview(study)
    first = cli(study, "export", store.session.id, "--format", "txt")
    target = study.transcripts_dir / "exports" / f"{store.session.id}.txt"
    target.write_text(target.read_text() + "\nmy own edits\n")
    again = cli(study, "export", store.session.id, "--format", "txt")
    assert first.returncode == again.returncode == 0
    assert "my own edits" in target.read_text()
    assert (study.transcripts_dir / "exports" / f"{store.session.id}-2.txt").is_file()
    plain = cli(study, "export", store.session.id, "--format", "txt", "--no-anonymise")
    assert plain.returncode == 0 and "NOT anonymised" in plain.stderr
    kept_apart = study.transcripts_dir / "exports" / "not-anonymised" / f"{store.session.id}.NOT-ANONYMISED.txt"
    assert kept_apart.read_text().startswith("NOT ANONYMISED")
    assert "Kari Nordmann" in kept_apart.read_text()
    outside = cli(study, "export", store.session.id, "--output", str(study.root.parent / "elsewhere"))
    assert outside.returncode == 1 and "outside the study folder" in outside.stderr
    assert not (study.root.parent / "elsewhere").exists()


def test_folders_are_private_even_under_a_permissive_umask(study):
    store = reviewed_interview(study)
    old = os.umask(0)
    try:
        result = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(study.root), "export",
                                 store.session.id, "--format", "txt"], cwd=REPO, capture_output=True, text=True)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert oct((study.transcripts_dir / "exports").stat().st_mode & 0o777) == "0o700"


def test_orphaned_temp_files_of_killed_saves_are_cleaned(study):
    orphan = study.recordings_dir / ".x.session.json.abcd.tmp"
    orphan.write_bytes(b"x" * 1000)
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    fresh = study.recordings_dir / ".y.session.json.efgh.tmp"  # a save happening now: left alone
    fresh.write_bytes(b"y")
    study.ensure()
    assert not orphan.exists() and fresh.exists()


def test_session_ids_cannot_lead_out_of_the_study(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    data = json.loads(store.path.read_text())
    data["id"] = "../../evil"
    store.path.write_text(json.dumps(data))
    before = sorted(p.name for p in study.root.parent.iterdir())
    for args in (["transcribe", store.path.name], ["record", "--session", str(store.path), "--seconds", "1"],
                 ["export", str(store.path)], ["coverage", str(store.path)]):
        result = cli(study, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, args
        assert "not a session id" in result.stderr or "no such" in result.stderr, (args, result.stderr)
    assert sorted(p.name for p in study.root.parent.iterdir()) == before


def test_repeated_yaml_key_is_reported_with_its_line(tmp_path):
    guide = tmp_path / "g.yaml"
    guide.write_text("title: T\nthemes:\n  - title: A\n    questions: [Q1]\n    questions: [Q2]\n", encoding="utf-8")
    result = run_cli("guide", "check", str(guide))
    assert result.returncode == 1 and f"{guide}:5: 'questions' is given twice here (first on line 4)" in result.stderr


# --- faults of the machine ------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A real 4 MB tmpfs (root only, as in CI) holding a study folder."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)], check=True)
    try:
        from interview_tui.study import Study

        (mount / "study").mkdir()
        yield Study.at(mount / "study").ensure()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root (CI runs as root)")


@needs_root
def test_a_full_disk_mid_interview_keeps_every_mark_and_says_so(small_disk):
    from interview_tui.core.events import SaveFailed

    events = []
    interview = Interview.new(small_disk, small_disk.default_guide(), Settings(), pseudonym="A", on_event=events.append)
    interview.start_recording(None)
    filler = small_disk.root / "filler"
    with open(filler, "wb") as handle:  # the disk fills up (another program, a long recording)
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    interview.mark("1.1", "covered")   # no exception: the interviewer goes on
    interview.note("still talking")
    interview.mark("1.2", "asked")
    failed = [e for e in events if isinstance(e, SaveFailed) and e.message]
    assert len(failed) == 1 and "could not be saved" in failed[0].message and "free disk space" in failed[0].message
    assert interview.store.unsaved is not None
    assert load_session(interview.store.path).item_state("1.1") == "not_yet"  # the old file is intact
    filler.unlink()
    assert interview.retry_save()
    saved = load_session(interview.store.path)
    assert saved.item_state("1.1") == "covered" and saved.item_state("1.2") == "asked"
    assert [n.text for n in saved.notes if n.kind == "note"] == ["still talking"]
    assert any(isinstance(e, SaveFailed) and not e.message for e in events)  # and it said so
    assert not list(small_disk.recordings_dir.glob(".*.tmp"))  # nothing half-written left
    interview.close()


@needs_root
def test_a_read_only_study_folder_is_one_clear_line(small_disk, tmp_path):
    store = SessionStore.create(small_disk.recordings_dir, load_guide(SEED_GUIDE_NB))
    (tmp_path / "g.md").write_text("# Tema\n1. Spørsmål?\n", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk.root.parent)], check=True)
    try:
        for args in (["record", "--seconds", "1"], ["record", "--session", store.session.id, "--seconds", "1"],
                     ["repair"], ["guide", "import", str(tmp_path / "g.md"), "-o", "guides/new.yaml"],
                     ["transcribe", store.session.id], ["sessions"]):
            result = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(small_disk.root), *args],
                                    cwd=small_disk.root, capture_output=True, text=True, timeout=60)
            assert "Traceback" not in result.stderr, (args, result.stderr)
            if args[0] in ("record", "guide", "transcribe"):
                assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
                assert "writable" in result.stderr or "read-only" in result.stderr.lower() or \
                    "has no recording" in result.stderr, (args, result.stderr)
        app = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(small_disk.root)],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert app.returncode == 1 and "writable" in app.stderr and "Traceback" not in app.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk.root.parent)], check=False)


@pytest.mark.whisper
def test_transcribe_coverage_and_export_make_no_network_contact(study, tmp_path):
    """Every attempt to resolve a host or open a connection is logged (and refused) by an audit
    hook in the child process; HF_HUB_OFFLINE is not set, as on a researcher's laptop."""
    from .speech_fixtures import ENGLISH_INTERVIEW, speak_interview

    spoken = speak_interview(ENGLISH_INTERVIEW[:2], tmp_path / "speech", stereo=True)
    log = tmp_path / "network.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HF_", "ORT_"))}
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    env.update(PYTHONPATH=str(REPO / "tests" / "fixtures" / "netguard"), NETGUARD_LOG=str(log),
               HOME=str(home), TMPDIR=str(temp), XDG_CACHE_HOME=str(home / ".cache"))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(study.root), *args],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=300)

    transcribed = run("transcribe", str(spoken.path), "--model", "tiny.en", "--language", "en")
    assert transcribed.returncode == 0, transcribed.stderr
    name = spoken.path.stem
    assert run("coverage", str(study.transcripts_dir / f"{name}.json"), "--guide",
               str(REPO / "interview_tui" / "guides" / "nav-digital-services.en.yaml")).returncode == 0
    assert run("export", str(study.transcripts_dir / f"{name}.json"), "--format", "txt,docx,qdpx", "--guide",
               str(REPO / "interview_tui" / "guides" / "nav-digital-services.en.yaml")).returncode == 0
    missing = run("transcribe", str(spoken.path), "--model", "small")
    assert missing.returncode == 1 and "nothing was downloaded" in missing.stderr and "--download-model" in missing.stderr
    assert not log.exists() or log.read_text() == "", log.read_text()
    # nor do the libraries leave a device id (ONNX Runtime's telemetry) in the home or temp folder
    left = [p for p in [*home.rglob("*"), *temp.rglob("*")] if p.is_file() and "interview-tui" not in str(p)]
    assert not left, left
    # the guard works: an explicit download is the one thing that tries the network
    asked = run("transcribe", str(spoken.path), "--model", "small", "--download-model")
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    assert log.exists() and log.read_text()


# --- the screens under load and odd input ----------------------------------------------------
def big_guide(questions: int) -> str:
    themes = []
    for t in range(questions // 50):
        items = "\n".join(f"      - text: Question {t}-{q} about something?" for q in range(50))
        themes.append(f"  - title: Theme {t}\n    questions:\n{items}")
    return "title: Big\nlanguage: en\nthemes:\n" + "\n".join(themes) + "\n"


async def test_a_guide_of_a_thousand_questions_opens_and_answers_keys_quickly(study):
    from interview_tui.ui.app import InterviewApp
    from interview_tui.ui.screens.conduct import ConductScreen

    path = study.guides_dir / "big.yaml"
    path.write_text(big_guide(1000), encoding="utf-8")
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        app.begin_session(str(path), "A", None)
        await pilot.pause()
        app.go_to_phase("conduct")
        await pilot.pause()
        assert isinstance(app.screen, ConductScreen)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        await pilot.press("down", "c", "down", "a")
        keys = (time.perf_counter() - started) / 4
    assert opened < 5.0, f"{opened:.1f} s to open"
    assert keys < 0.5, f"{keys:.2f} s a key"
    huge = study.guides_dir / "huge.yaml"
    huge.write_text(big_guide(10000), encoding="utf-8")
    result = run_cli("guide", "check", str(huge))
    assert result.returncode == 1 and "at most 2000" in result.stderr and "Traceback" not in result.stderr


async def test_review_takes_find_and_replace_text_literally_and_an_empty_transcript_calmly(study):
    from interview_tui.model.transcript import Segment, Transcript
    from interview_tui.ui.app import InterviewApp

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    path = study.transcripts_dir / f"{store.session.id}.json"
    Transcript(session_id=store.session.id, segments=[
        Segment(start=0, end=2, speaker="Interviewer", text="Kopier P1 \\Kari til mappen.")]).save(path)
    store.set_transcript(path.name)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(app.review_screen(store.session.id))
        await pilot.pause()
        editor = app.screen.editor
        assert editor.replace("P1 \\Kari", "C:\\temp \\g<0>") == 1
        assert editor.segments[0].text == "Kopier C:\\temp \\g<0> til mappen."
    Transcript(session_id=store.session.id, segments=[]).save(path)
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(app.review_screen(store.session.id))
        await pilot.pause()
        for key in ("e", "enter", "s", "j", "k", "K", "c", "space", "r", "t"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
        assert "no segments" in "\n".join(n.message for n in app._notifications)
