"""The desktop menu entry: the .desktop file and the icon, installed for the current user (XDG)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.resources import resource_path

ENTRY = "volunteer-console.desktop"
ICON = "volunteer-console"
LAUNCHER = "volunteer-console"


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share: where a user's menu entries and icons live."""
    value = os.environ.get("XDG_DATA_HOME", "")
    # the spec says a relative value is invalid and must be ignored
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local/share"


def installed_paths(home: Path) -> dict[str, Path]:
    return {
        "entry": home / "applications" / ENTRY,
        "svg": home / "icons/hicolor/scalable/apps" / f"{ICON}.svg",
        "png": home / "icons/hicolor/256x256/apps" / f"{ICON}.png",
    }


def launcher_command() -> list[str]:
    """How the menu starts this very console: its installed script, else this checkout's main.py."""
    argv0 = Path(sys.argv[0])
    if argv0.name == LAUNCHER and argv0.is_file():
        return [str(argv0.absolute())]  # pipx's ~/.local/bin link stays valid across upgrades
    beside = Path(sys.executable).parent / LAUNCHER
    if beside.is_file():
        return [str(beside)]
    if argv0.name == "main.py" and argv0.is_file():
        return [sys.executable, str(argv0.absolute())]
    raise RuntimeError(
        f"cannot find the {LAUNCHER} command of this installation; install the console "
        "(pip install . or pipx install .) and run this again"
    )


def exec_value(command: list[str]) -> str:
    """The Exec= value for a command, quoted as the Desktop Entry Specification says."""
    parts = []
    for arg in command:
        if not arg or any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%"):
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
            arg = f'"{escaped}"'
        # "%" starts a field code, and the file format itself escapes backslashes once more
        parts.append(arg.replace("%", "%%").replace("\\", "\\\\"))
    return " ".join(parts)


def entry_text(command: list[str]) -> str:
    """The shipped .desktop file with Exec and TryExec pointing at this installation."""
    lines = []
    for line in resource_path(ENTRY).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + exec_value(command)
            lines.append(line)
            lines.append("TryExec=" + exec_value(command[:1]))
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def install(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the menu entry and its icons; returns the files written."""
    home = home or data_home()
    paths = installed_paths(home)
    _write(paths["svg"], resource_path("icons", f"{ICON}.svg").read_bytes())
    _write(paths["png"], resource_path("icons", f"{ICON}.png").read_bytes())
    _write(paths["entry"], entry_text(command or launcher_command()).encode("utf-8"))
    _refresh(paths["entry"].parent)
    return list(paths.values())


def remove(home: Path | None = None) -> list[Path]:
    """Delete what install wrote; returns the files that were there."""
    paths = installed_paths(home or data_home())
    gone = [p for p in paths.values() if p.exists()]
    for p in gone:
        p.unlink()
    _refresh(paths["entry"].parent)
    return gone


def _refresh(applications: Path) -> None:
    # Menus watch the folder themselves; the MIME cache is only refreshed where the tool exists.
    tool = shutil.which("update-desktop-database")
    if tool and applications.is_dir():
        subprocess.run([tool, str(applications)], capture_output=True, check=False, timeout=30)
