"""The desktop menu entry: written under XDG_DATA_HOME, starting this installation, removable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import main
from core import desktop
from core.resources import resource_path


def _keys(entry: Path) -> dict[str, str]:
    lines = entry.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def _validate(entry: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator:  # desktop-file-utils; the key checks below hold without it
        checked = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["/opt/vc/bin/volunteer-console"], "/opt/vc/bin/volunteer-console"),
        (["/home/a b/bin/volunteer-console"], '"/home/a b/bin/volunteer-console"'),
        (["/usr/bin/python3", "/src/main.py"], "/usr/bin/python3 /src/main.py"),
        (["/x/$HOME/vc"], '"/x/\\\\$HOME/vc"'),
        (["/x/100%/vc"], '"/x/100%%/vc"'),
        (["/x/back\\slash"], '"/x/back\\\\\\\\slash"'),
    ],
    ids=["plain", "space", "two-args", "dollar", "percent", "backslash"],
)
def test_exec_value_is_quoted_as_the_desktop_entry_spec_says(command, expected):
    assert desktop.exec_value(command) == expected


def test_install_writes_the_entry_and_icons_and_remove_takes_them_away(tmp_path):
    command = ["/home/a b/.local/bin/volunteer-console"]
    written = desktop.install(tmp_path, command)
    paths = desktop.installed_paths(tmp_path)
    assert sorted(written) == sorted(paths.values())
    assert paths["entry"] == tmp_path / "applications" / "volunteer-console.desktop"
    assert paths["svg"].read_bytes() == resource_path("icons", "volunteer-console.svg").read_bytes()
    assert paths["png"].read_bytes() == resource_path("icons", "volunteer-console.png").read_bytes()
    keys = _keys(paths["entry"])
    assert keys["Exec"] == keys["TryExec"] == '"/home/a b/.local/bin/volunteer-console"'
    assert (keys["Icon"], keys["Type"], keys["Terminal"]) == (
        "volunteer-console",
        "Application",
        "false",
    )
    assert keys["Name[ru]"] == "Консоль волонтёров"
    _validate(paths["entry"])
    # everything else is the shipped file, line for line
    shipped = resource_path("volunteer-console.desktop").read_text(encoding="utf-8").splitlines()
    installed = paths["entry"].read_text(encoding="utf-8").splitlines()
    assert [x for x in installed if not x.startswith(("Exec=", "TryExec="))] == [
        x for x in shipped if not x.startswith("Exec=")
    ]

    assert sorted(desktop.remove(tmp_path)) == sorted(paths.values())
    assert not any(p.exists() for p in paths.values())
    assert desktop.remove(tmp_path) == []


def test_the_command_installs_an_entry_that_starts_this_installation(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert main.main(["install-desktop-entry", "--data-dir", str(tmp_path / "data")]) == 0
    entry = tmp_path / "share" / "applications" / "volunteer-console.desktop"
    assert f"wrote {entry}" in capsys.readouterr().out
    launcher = Path(sys.executable).parent / "volunteer-console"  # this venv's script
    assert _keys(entry)["Exec"] == desktop.exec_value([str(launcher)])
    _validate(entry)
    assert main.main(["install-desktop-entry", "--remove"]) == 0
    assert f"removed {entry}" in capsys.readouterr().out
    assert not entry.exists()


def test_from_a_checkout_the_entry_runs_main_py_with_this_python(monkeypatch, tmp_path):
    checkout_main = Path(main.__file__)
    monkeypatch.setattr(sys, "argv", [str(checkout_main), "install-desktop-entry"])
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python3"))  # no script beside
    assert desktop.launcher_command() == [str(tmp_path / "bin" / "python3"), str(checkout_main)]
    monkeypatch.setattr(sys, "argv", ["/nowhere/else"])
    with pytest.raises(RuntimeError, match="cannot find the volunteer-console command"):
        desktop.launcher_command()


def test_a_relative_xdg_data_home_is_ignored_as_the_spec_says(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert desktop.data_home() == tmp_path / ".local/share"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "abs"))
    assert desktop.data_home() == tmp_path / "abs"
