"""The `aurora` command line, used the way a person at a terminal uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from aurora_desktop.cli import main

OUTLOOK = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
BEGIN:VEVENT
UID:standup-1@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Stand-up
LOCATION:Room 4
DTSTART;TZID=W. Europe Standard Time:20261026T090000
DTEND;TZID=W. Europe Standard Time:20261026T091500
RRULE:FREQ=WEEKLY;BYDAY=MO,WE
EXDATE;TZID=W. Europe Standard Time:20261104T090000
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder
TRIGGER:-PT10M
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:standup-1@example.com
DTSTAMP:20261101T000000Z
RECURRENCE-ID;TZID=W. Europe Standard Time:20261109T090000
SUMMARY:Stand-up (long)
DTSTART;TZID=W. Europe Standard Time:20261109T100000
DTEND;TZID=W. Europe Standard Time:20261109T110000
END:VEVENT
BEGIN:VEVENT
UID:holiday@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Holiday
DTSTART;VALUE=DATE:20261105
DTEND;VALUE=DATE:20261107
END:VEVENT
END:VCALENDAR
"""

BROKEN = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:good@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Good one
DTSTART:20261110T120000Z
DTEND:20261110T130000Z
END:VEVENT
BEGIN:VEVENT
UID:bad-date@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Bad date
DTSTART:20261345T990000Z
END:VEVENT
BEGIN:VEVENT
UID:bad-rule@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Bad rule
DTSTART:20261110T120000Z
RRULE:FREQ=FORTNIGHTLY
END:VEVENT
END:VCALENDAR
"""


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    code, out, err = run("list", "--from", "2026-11-01", "--to", "2026-11-15", "--json", *extra,
                         capsys=capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert isinstance(rows, list)
    return rows


def test_import_then_list_json(tmp_path: Path, data_dir: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "outlook.ics"
    f.write_text(OUTLOOK)
    code, out, _ = run("import", str(f), "--calendar", "Work", capsys=capsys)
    assert code == 0 and "Imported 2 events into 'Work'" in out
    rows = listing(capsys)
    summary = [(r["title"], r["start"]) for r in rows]
    assert summary == [
        ("Stand-up", "2026-11-02T09:00:00+01:00"),
        ("Holiday", "2026-11-05"),
        ("Stand-up (long)", "2026-11-09T10:00:00+01:00"),
        ("Stand-up", "2026-11-11T09:00:00+01:00"),
    ]  # 26 Oct and 28 Oct are before the window; 4 Nov is an EXDATE
    first = rows[0]
    assert set(first) >= {"uid", "title", "calendar", "start", "end", "all_day", "recurrence_id"}
    assert first["calendar"] == "Work" and first["all_day"] is False
    assert first["recurrence_id"] == "2026-11-02T09:00:00+01:00"
    holiday = rows[1]
    assert holiday["all_day"] is True and holiday["end"] == "2026-11-07"
    assert holiday["recurrence_id"] is None
    assert rows[2]["recurrence_id"] == "2026-11-09T09:00:00+01:00"


def test_reimport_updates_and_never_duplicates(tmp_path: Path, data_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "outlook.ics"
    f.write_text(OUTLOOK)
    run("import", str(f), capsys=capsys)
    f.write_text(OUTLOOK.replace("SUMMARY:Holiday", "SUMMARY:Holiday in Rome"))
    run("import", str(f), capsys=capsys)
    titles = [r["title"] for r in listing(capsys)]
    assert titles.count("Holiday in Rome") == 1 and "Holiday" not in titles
    assert titles.count("Stand-up") == 2


def test_times_shown_in_another_zone(tmp_path: Path, data_dir: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "outlook.ics"
    f.write_text(OUTLOOK)
    run("import", str(f), capsys=capsys)
    rows = listing(capsys, "--timezone", "America/New_York")
    assert rows[0]["start"] == "2026-11-02T03:00:00-05:00"
    assert rows[0]["timezone"] == "Europe/Berlin"


def test_broken_file_imports_what_it_can_and_says_why(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "broken.ics"
    f.write_text(BROKEN)
    code, out, err = run("import", str(f), capsys=capsys)
    assert code == 0
    assert "Imported 1 event into" in out and "skipped 2" in out
    assert "Bad date" in err and "Bad rule" in err
    assert "Traceback" not in err


def test_events_read_as_meant_are_warnings_not_skips(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ics = Path(__file__).parents[1] / "core" / "ics" / "liberal_start_end.ics"
    code, out, err = run("import", str(ics), capsys=capsys)
    assert code == 0, err
    assert "Imported 5 events" in out and "5 warnings" in out and "skipped" not in out
    warnings = [ln for ln in err.splitlines() if ln.startswith("warning: ")]
    assert len(warnings) == 5 and "line 4: VEVENT 'All-day ending on its start day'" in err
    assert "Traceback" not in err


def test_a_file_with_nothing_readable_exits_non_zero(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "junk.ics"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    code, _out, err = run("import", str(f), capsys=capsys)
    assert code == 2 and "skipped" in err and "Traceback" not in err


def test_export_round_trips_through_icalendar(tmp_path: Path, data_dir: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "outlook.ics"
    src.write_text(OUTLOOK)
    run("import", str(src), "--calendar", "Work", capsys=capsys)
    before = listing(capsys)
    out_file = tmp_path / "out.ics"
    code, out, _ = run("export", "--calendar", "Work", "-o", str(out_file), capsys=capsys)
    assert code == 0 and "Exported 2 events with 1 changed occurrence" in out
    cal = icalendar.Calendar.from_ical(out_file.read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 3
    # Import the export into a fresh store: the same occurrences come back.
    os.environ["AURORA_DATA_DIR"] = str(tmp_path / "second")
    run("import", str(out_file), "--calendar", "Work", capsys=capsys)
    assert listing(capsys) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--from", "2026-02-30"), "not a date"),
        (("list", "--from", "2026-03-01", "--to", "2026-02-01"), "before"),
        (("list", "--from", "2026-03-01", "--calendar", "Nope"), "no calendar named 'Nope'"),
        (("list", "--from", "2026-03-01", "--timezone", "Mars/Base"), "unknown time zone"),
        (("import", "/nonexistent/file.ics"), "cannot read"),
        (("export", "-o", "/nonexistent/dir/x.ics"), "cannot write"),
    ],
)
def test_errors_are_one_clear_line_with_exit_code_2(
        data_dir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
        message: str) -> None:
    code, _out, err = run(*args, capsys=capsys)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("aurora: error:")


def test_a_newer_database_is_a_clear_error(tmp_path: Path, data_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    run("list", "--from", "2026-01-01", capsys=capsys)
    db = sqlite3.connect(data_dir / "aurora.sqlite3")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    code, _out, err = run("list", "--from", "2026-01-01", capsys=capsys)
    assert code == 2 and "newer Aurora Time" in err


def test_real_entry_point_version_and_data_dir_flag(tmp_path: Path) -> None:
    env = {**os.environ, "TZ": "UTC"}
    env.pop("AURORA_DATA_DIR", None)
    v = subprocess.run([sys.executable, "-m", "aurora_desktop", "--version"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert v.returncode == 0 and v.stdout.startswith("Aurora Time ")
    d = tmp_path / "flagdir"
    r = subprocess.run([sys.executable, "-m", "aurora_desktop", "list", "--from", "2026-01-01",
                        "--data-dir", str(d), "--json"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [] and (d / "aurora.sqlite3").exists()
