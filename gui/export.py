"""Roster and waitlist of one application to CSV that Excel opens with Cyrillic intact."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale

from core.directory import Volunteer
from core.queries import AppDetail
from gui.display import span_text
from gui.log_models import local_time

translate = QCoreApplication.translate  # lupdate finds translate("Context", "text")


def offer_label(state: str | None) -> str:
    labels = {
        "open": translate("Export", "offered, waiting for an answer"),
        "claimed": translate("Export", "claimed"),
        "passed": translate("Export", "passed on (not claimed in time)"),
        "not_selected": translate("Export", "not selected"),
        "withdrawn": translate("Export", "withdrawn"),
        "removed": translate("Export", "removed"),
    }
    return "" if state is None else labels.get(state, state)


def default_delimiter() -> str:
    """Excel splits on the locale's list separator: ';' wherever ',' is the decimal point."""
    return ";" if QLocale().decimalPoint() == "," else ","


def export_roster_csv(
    detail: AppDetail,
    path: str | os.PathLike[str],
    delimiter: str = "",
    people: Mapping[str, Volunteer] | None = None,
) -> None:
    """Write the roster, then the waitlist, one volunteer per line, UTF-8 with a BOM.

    Each line starts with the application's name and its date and hours. Names and phones
    come from the volunteers directory (people), empty where it has none.
    """
    people = people or {}

    def who(vid: str) -> list[str]:
        v = people.get(vid)
        return [vid, v.name if v else "", v.phone if v else ""]

    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    # the BOM is what makes Excel read UTF-8 rather than the ANSI code page
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter or default_delimiter())
        s = detail.summary
        # every line names its application, so exports of several shifts can be pasted together
        about = [s.name, span_text(s.date, s.start, s.end, year=True)]
        writer.writerow(
            [
                translate("Export", "Application"),
                translate("Export", "Date and time"),
                translate("Export", "List"),
                translate("Export", "Position"),
                translate("Export", "Volunteer id"),
                translate("Export", "Name"),
                translate("Export", "Phone"),
                translate("Export", "Since"),
                translate("Export", "Offer state"),
            ]
        )
        for i, r in enumerate(detail.roster, start=1):
            writer.writerow(
                [
                    *about,
                    translate("Export", "roster"),
                    i,
                    *who(r.volunteer_id),
                    local_time(r.since),
                    "",
                ]
            )
        for w in detail.waitlist:
            writer.writerow(
                [
                    *about,
                    translate("Export", "waitlist"),
                    w.position,
                    *who(w.volunteer_id),
                    local_time(w.since),
                    offer_label(w.offer),
                ]
            )
    os.replace(tmp, target)  # a half-written file never replaces a good one
