"""The console as a user installs it: a wheel in a fresh venv, and pipx from a checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers.launch import close_by_signal

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = "amqp://guest:guest@127.0.0.1:1/"  # port 1 answers nothing: the console opens offline
# In resources/ but not installed: translation sources, their script, README pictures.
SOURCE_ONLY = ("i18n/*.ts", "i18n/update.sh", "screenshots/*", "__init__.py")

# Run inside the fresh installation, from a folder that holds no source: -I keeps the
# checkout, PYTHONPATH and the user's site out of sys.path.
CHECK = """
import json, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
import core, gui, main
from core.resources import resource_dir
from gui.heap import HeapKeeper
from gui.i18n import install_translator, qm_path
app = QApplication(sys.argv[:1])
used = install_translator(app, "ru")
keeper = HeapKeeper(lambda: 0.0)
keeper.start()
print(json.dumps({
    "python": "%d.%d" % sys.version_info[:2],
    "heap_keeper_holds_full_collections": keeper.holds_full_collections,
    "used": used,
    "qm": str(qm_path("ru")),
    "title": QCoreApplication.translate("MainWindow", "Volunteer Console — fund %1"),
    "modules": [core.__file__, gui.__file__, main.__file__],
    "resources": sorted(p.name for p in resource_dir().iterdir()),
}))
"""


def test_every_resource_file_is_listed_as_package_data():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"volunteer_console_resources": "resources"}
    globs = []
    for package, patterns in setuptools["package-data"].items():
        sub = package.removeprefix("volunteer_console_resources").lstrip(".").replace(".", "/")
        assert package in setuptools["packages"]
        globs += [f"{sub}/{p}".lstrip("/") for p in patterns]
    folder = ROOT / "resources"
    missing = [
        str(rel)
        for path in folder.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not any((rel := path.relative_to(folder)).match(g) for g in SOURCE_ONLY)
        and not any(rel.match(g) for g in globs)
    ]
    assert missing == [], "add these to [tool.setuptools.package-data] or to SOURCE_ONLY"


SUPPORTED = ("3.11", "3.12", "3.13")  # pyproject's requires-python: >=3.11,<3.14


def _python(version: str) -> str | None:
    """An interpreter of that version: this one, one under pyenv, or one on PATH."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return getattr(sys, "_base_executable", sys.executable)
    # pyenv's own folders before PATH: a pyenv shim on PATH fails for a version not selected
    pyenv = sorted((Path.home() / ".pyenv" / "versions").glob(f"{version}.*/bin/python{version}"))
    return str(pyenv[-1]) if pyenv else shutil.which(f"python{version}")


def test_every_python_package_of_the_console_is_in_the_wheel():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("core", "gui")
        for p in (ROOT / top).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert folders - listed == set(), "add these to [tool.setuptools] packages"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


def _copy_checkout(dest: Path) -> Path:
    """The files a clone has (tracked or new, not ignored): what a user builds from."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "--", ":!tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        src = ROOT / name
        if src.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    return _copy_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="module")
def wheel(checkout, tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), "."],
        cwd=checkout,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = dist.glob("volunteer_console-*.whl")
    return built


def _start_window_in_russian(launcher: Path, tmp: Path) -> str:
    """The installed launcher opens the window offline in Russian; SIGTERM closes it."""
    data = tmp / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"language": "ru"}), encoding="utf-8")
    proc = subprocess.Popen(
        [str(launcher), "--data-dir", str(data), "--fund-id", "pkg1", "-v", "--broker", OFFLINE],
        cwd=tmp,
        env=_clean_env(XDG_CONFIG_HOME=str(tmp / "cfg")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return close_by_signal(proc, data / "console.db", opens_within=60)


def _desktop_entry(launcher: Path, tmp: Path) -> dict[str, str]:
    home = tmp / "xdg-data"
    done = subprocess.run(
        [str(launcher), "install-desktop-entry"],
        cwd=tmp,
        env=_clean_env(XDG_DATA_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    entry = home / "applications" / "volunteer-console.desktop"
    assert (home / "icons/hicolor/scalable/apps/volunteer-console.svg").is_file()
    assert (home / "icons/hicolor/256x256/apps/volunteer-console.png").is_file()
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = entry.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


# About a minute on the 2-core machine (build 15 s, install 30-45 s, the window 5 s), more
# where PySide6 6.12 comes from PyPI (3.12, 3.13): slow.
@pytest.mark.slow
@pytest.mark.parametrize("version", SUPPORTED)
def test_a_wheel_installed_in_a_fresh_venv_has_its_resources_and_speaks_russian(
    wheel, tmp_path, version
):
    python = _python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    out = subprocess.run(
        [str(py), "-I", "-c", CHECK],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.splitlines()[-1])
    assert found["python"] == version
    assert found["heap_keeper_holds_full_collections"] is True
    assert found["used"] == "ru"
    assert found["title"] == "Консоль волонтёров — фонд %1"
    assert found["qm"].startswith(site)
    assert all(m.startswith(site) for m in found["modules"]), found["modules"]
    assert {"asyncapi.yaml", "CONTRACT.md", "i18n", "icons", "volunteer-console.desktop"} <= set(
        found["resources"]
    )

    launcher = venv / "bin" / "volunteer-console"
    err = _start_window_in_russian(launcher, tmp_path)
    assert f"interface language ru from {site}" in err
    assert "closing the window" in err

    entry = _desktop_entry(launcher, tmp_path)
    assert entry["Exec"] == str(launcher)
    assert entry["Icon"] == "volunteer-console"
    assert entry["Name[ru]"] == "Консоль волонтёров"


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.10"])
def test_a_python_outside_the_supported_range_refuses_the_wheel(wheel, tmp_path, version):
    python = _python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    refused = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0
    assert "requires a different Python" in refused.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pipx") is None, reason="pipx is not installed (apt install pipx)")
def test_pipx_install_from_a_checkout_gives_a_working_console(checkout, tmp_path):
    pipx_dirs = {
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
    }
    done = subprocess.run(
        ["pipx", "install", str(checkout)],
        env=_clean_env(**pipx_dirs),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    launcher = tmp_path / "bin" / "volunteer-console"
    listed = subprocess.run(
        [str(launcher), "app", "list", "--data-dir", str(tmp_path / "listed"), "--create"],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("no applications yet")
    err = _start_window_in_russian(launcher, tmp_path)
    assert f"interface language ru from {tmp_path / 'pipx'}" in err
    assert _desktop_entry(launcher, tmp_path)["Exec"] == str(launcher)
