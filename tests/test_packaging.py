"""``pip install .`` gives a working tool: the wheel ships the bundled guides and the styles."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import sysconfig
import time

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """The project built as a wheel and installed on its own, away from the source tree."""
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"),
                            str(REPO)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("interview_tui-*.whl"))
    target = work / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                                str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    # The wheel's package first, the dependencies from this environment; run from elsewhere so the
    # source tree cannot stand in for what the wheel lacks.
    env = {**os.environ, "PYTHONPATH": f"{target}{os.pathsep}{sysconfig.get_paths()['purelib']}",
           "PYTHONSAFEPATH": "1"}
    home = work / "home"
    home.mkdir()
    return target, env, home


def test_the_wheel_ships_guides_that_check(installed_wheel):
    target, env, home = installed_wheel
    guides = sorted((target / "interview_tui" / "guides").glob("*.yaml"))
    assert {p.name for p in guides} >= {"nav-digitale-tjenester.nb.yaml", "nav-digital-services.en.yaml"}
    result = subprocess.run([sys.executable, "-m", "interview_tui", "guide", "check", *map(str, guides)],
                            capture_output=True, text=True, cwd=home, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    located = subprocess.run([sys.executable, "-c", "import interview_tui; print(interview_tui.__file__)"],
                             capture_output=True, text=True, cwd=home, env=env)
    assert located.stdout.startswith(str(target))


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: use ./scripts/test.sh")
def test_the_installed_app_opens_with_the_bundled_guide(installed_wheel, tmp_path):
    target, env, home = installed_wheel
    study = tmp_path / "my-study"
    study.mkdir()
    name = f"wheel{os.getpid()}"
    exports = " ".join(f"{key}={env[key]}" for key in ("PYTHONPATH", "PYTHONSAFEPATH"))
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30",
                    f"cd {study} && {exports} exec {sys.executable} -m interview_tui"], check=True)
    try:
        deadline, screen = time.monotonic() + 20, ""
        while time.monotonic() < deadline and "nav-digitale-tjenester.nb.yaml" not in screen:
            time.sleep(0.5)
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    assert "nav-digitale-tjenester.nb.yaml" in screen, screen
    assert "template.yaml" not in screen  # a starting point, not a guide to interview with
    assert (study / "guides" / "nav-digitale-tjenester.nb.yaml").is_file()


@pytest.mark.skipif(ctypes.util.find_library("portaudio") is None,
                    reason="PortAudio is not installed here: use ./scripts/test.sh")
def test_setup_finds_portaudio_with_a_normal_users_path():
    """ldconfig lives in /sbin, outside a normal user's PATH on Debian: setup.sh asked for sudo to
    install a PortAudio that was there (seen in tmux). It asks Python's library search instead."""
    helper = next(line for line in (REPO / "scripts" / "setup.sh").read_text().splitlines()
                  if line.startswith("has_portaudio()"))
    found = subprocess.run(["bash", "-c", f"{helper}\nhas_portaudio"], capture_output=True, text=True,
                           env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(REPO)}, timeout=30)
    assert found.returncode == 0, found.stderr
