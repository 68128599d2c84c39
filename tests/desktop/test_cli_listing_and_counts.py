"""The command line's listing and counts: counts said by one rule, `list` with no dates, events of
several days listed on each day with their end, distinct colours for new calendars, and
a read-only store that `list` and `export` still read."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from aurora_core.model import Event, ZonedTime, get_zone
from aurora_desktop.cli import main
from aurora_desktop.store import Store
from aurora_desktop.store.base import StoreReadOnly
from tests.helpers.times import zoned

# Two series-or-standalone events, one changed occurrence of the series, and an
# invitation to one occurrence of a series that is not in the file: 3 events by the rule.
FILE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-CALNAME:Team
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Stand-up
DTSTART;TZID=Europe/Berlin:20261102T090000
DTEND;TZID=Europe/Berlin:20261102T091500
RRULE:FREQ=WEEKLY;BYDAY=MO
END:VEVENT
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20261101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261109T090000
SUMMARY:Stand-up (long)
DTSTART;TZID=Europe/Berlin:20261109T100000
DTEND;TZID=Europe/Berlin:20261109T110000
END:VEVENT
BEGIN:VEVENT
UID:holiday@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Holiday
DTSTART;VALUE=DATE:20261105
DTEND;VALUE=DATE:20261107
END:VEVENT
BEGIN:VEVENT
UID:invite@example.com
DTSTAMP:20261101T000000Z
RECURRENCE-ID:20261110T120000Z
SUMMARY:Board meeting
DTSTART:20261110T130000Z
DTEND:20261110T140000Z
END:VEVENT
END:VCALENDAR
"""

ONE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:one@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Only one
DTSTART:20261110T120000Z
DTEND:20261110T130000Z
END:VEVENT
END:VCALENDAR
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ counting


def test_import_counts_series_once_and_says_new_updated_unchanged(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "team.ics"
    f.write_text(FILE)
    assert run(capsys, "import", str(f), "--calendar", "Work")[1] == \
        "Imported 3 events into 'Work'.\n"
    # The same file again: nothing is new, nothing was written.
    code, out, _ = run(capsys, "import", str(f), "--calendar", "Work")
    assert (code, out) == (0, "Nothing changed: 3 events were already in 'Work'.\n")
    # One changed (its override's title), one new, the rest as they were.
    f.write_text(FILE.replace("SUMMARY:Stand-up (long)", "SUMMARY:Stand-up (90 min)")
                 .replace("END:VCALENDAR", ONE.split("PRODID:-//test//EN\n")[1]))
    code, out, _ = run(capsys, "import", str(f), "--calendar", "Work")
    assert out == "Imported 4 events into 'Work': 1 new, 1 updated, 2 unchanged.\n"
    # Back to the first file (its override's title again), and the holiday renamed.
    f.write_text(FILE.replace("SUMMARY:Holiday", "SUMMARY:Holiday in Rome"))
    assert run(capsys, "import", str(f), "--calendar", "Work")[1] == \
        "Updated 2 events in 'Work'; 1 unchanged.\n"
    f.write_text(FILE.replace("SUMMARY:Holiday", "SUMMARY:Holiday in Naples"))
    assert run(capsys, "import", str(f), "--calendar", "Work")[1] == \
        "Updated 1 event in 'Work'; 2 unchanged.\n"


def test_one_event_is_said_in_the_singular(tmp_path: Path, data_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "one.ics"
    f.write_text(ONE)
    assert run(capsys, "import", str(f))[1] == "Imported 1 event into 'Personal'.\n"


def test_export_says_what_it_wrote(tmp_path: Path, data_dir: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "team.ics"
    f.write_text(FILE)
    run(capsys, "import", str(f), "--calendar", "Work")
    target = tmp_path / "out.ics"
    code, out, _ = run(capsys, "export", "-o", str(target))
    assert code == 0
    assert out == f"Exported 3 events with 1 changed occurrence to {target}.\n"
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    vevents = [c for c in cal.walk("VEVENT")]
    assert len(vevents) == 4  # 3 events + 1 changed occurrence: what the message says
    assert len({str(v["UID"]) for v in vevents}) == 3


# ------------------------------------------------------------------ list


def test_list_with_no_dates_lists_the_coming_week(data_dir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    zone = get_zone("Europe/Berlin")
    today = datetime.now(zone).date()
    with Store(data_dir / "aurora.sqlite3") as store:
        cal = store.default_calendar().id
        for title, days in (("Yesterday", -1), ("Today", 0), ("In a week", 7), ("Too late", 8)):
            d = today + timedelta(days=days)
            start = zoned(d.year, d.month, d.day, 12)
            store.put_event(Event.new(cal, title, start,
                                      ZonedTime(start.at + timedelta(hours=1), start.tz)))
    code, out, err = run(capsys, "list")
    assert code == 0, err
    assert "usage" not in out + err
    assert "Today" in out and "In a week" in out
    assert "Yesterday" not in out and "Too late" not in out


def test_an_event_of_several_days_is_listed_on_each_day_with_its_end(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(data_dir / "aurora.sqlite3") as store:
        cal = store.default_calendar().id
        start = zoned(2026, 12, 2, 14, 0)
        end = zoned(2026, 12, 4, 12, 0)
        store.put_event(Event.new(cal, "Conference", start, end))
    code, out, err = run(capsys, "list", "--from", "2026-12-01", "--to", "2026-12-06")
    assert code == 0, err
    assert out == (
        "Wed 2026-12-02\n"
        "  from 14:00    Conference  [Personal]  (day 1/3, until Fri 2026-12-04 12:00)\n"
        "\n"
        "Thu 2026-12-03\n"
        "  all day       Conference  [Personal]  (day 2/3, until Fri 2026-12-04 12:00)\n"
        "\n"
        "Fri 2026-12-04\n"
        "  until 12:00   Conference  [Personal]  (day 3/3, until Fri 2026-12-04 12:00)\n")
    # A window that starts in the middle still shows it, as day 2 of 3.
    code, out, _ = run(capsys, "list", "--from", "2026-12-03", "--to", "2026-12-03")
    assert "(day 2/3, until Fri 2026-12-04 12:00)" in out


def test_all_day_spans_and_an_end_at_midnight_in_the_listing(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "team.ics"
    f.write_text(FILE)
    run(capsys, "import", str(f))
    with Store(data_dir / "aurora.sqlite3") as store:
        cal = store.default_calendar().id
        start = zoned(2026, 11, 5, 22, 0)
        store.put_event(Event.new(cal, "Late shift", start,
                                  ZonedTime(start.at + timedelta(hours=2), start.tz)))
    code, out, _ = run(capsys, "list", "--from", "2026-11-05", "--to", "2026-11-06")
    assert code == 0
    assert out == (
        "Thu 2026-11-05\n"
        "  all day       Holiday  [Personal]  (day 1/2, until Fri 2026-11-06)\n"
        "  22:00–00:00   Late shift  [Personal]\n"
        "\n"
        "Fri 2026-11-06\n"
        "  all day       Holiday  [Personal]  (day 2/2, until Fri 2026-11-06)\n")


# ------------------------------------------------------------------ colours


def test_new_calendars_get_distinct_colours(tmp_path: Path, data_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "one.ics"
    f.write_text(ONE)
    for name in ("Work", "Family", "Sport"):  # (its own event: a known one stays put)
        f.write_text(ONE.replace("UID:one@", f"UID:{name}@"))
        assert run(capsys, "import", str(f), "--calendar", name)[0] == 0
    with Store(data_dir / "aurora.sqlite3") as store:
        colours = [c.color for c in store.calendars()]
    assert len(colours) == 4 and len(set(colours)) == 4, colours
    # A file that gives its colour gives it to the calendar it creates.
    f.write_text(ONE.replace("PRODID:-//test//EN\n", "PRODID:-//test//EN\n"
                             "X-APPLE-CALENDAR-COLOR:#FF2968FF\n").replace("UID:one@", "UID:a@"))
    assert run(capsys, "import", str(f), "--calendar", "Apple")[0] == 0
    with Store(data_dir / "aurora.sqlite3") as store:
        assert store.calendar_by_name("Apple").color == "#ff2968"  # type: ignore[union-attr]


# ------------------------------------------------------------------ read-only


def _as_unprivileged() -> list[str]:
    """Run a command so that file permissions apply (root drops its capabilities)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions would not apply")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]


@pytest.mark.slow
@pytest.mark.parametrize("what", ["folder", "file"])
def test_list_and_export_read_a_read_only_store(tmp_path: Path, what: str) -> None:
    data = tmp_path / "data"
    with Store(data / "aurora.sqlite3") as store:
        cal = store.default_calendar().id
        start = zoned(2026, 12, 2, 9, 0)
        store.put_event(Event.new(cal, "Dentist", start,
                                  ZonedTime(start.at + timedelta(hours=1), start.tz)))
    db = data / "aurora.sqlite3"
    assert not (data / "aurora.sqlite3-wal").exists()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    if what == "folder":
        data.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    env = {**os.environ, "AURORA_DATA_DIR": str(data), "TZ": "Europe/Berlin",
           "QT_QPA_PLATFORM": "offscreen"}
    pre = _as_unprivileged()
    try:
        r = subprocess.run([*pre, sys.executable, "-m", "aurora_desktop", "list", "--from",
                            "2026-12-01", "--to", "2026-12-03"],
                           capture_output=True, text=True, env=env, timeout=60, check=False)
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        assert "09:00–10:00   Dentist  [Personal]" in r.stdout
        target = out_dir / "copy.ics"
        r = subprocess.run([*pre, sys.executable, "-m", "aurora_desktop", "export", "-o",
                            str(target)], capture_output=True, text=True, env=env, timeout=60,
                           check=False)
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        assert b"SUMMARY:Dentist" in target.read_bytes()
        # Writing says what is wrong in words, not SQLite's.
        r = subprocess.run([*pre, sys.executable, "-m", "aurora_desktop", "add", "--title", "Lunch",
                            "--start", "2026-12-02T12:00", "--end", "2026-12-02T13:00"],
                           capture_output=True, text=True,
                           env=env, timeout=60, check=False)
        assert r.returncode == 2
        assert "read-only" in r.stderr and "unable to open" not in r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
        # Nothing was written next to it (a writable folder may get SQLite's -shm/-wal).
        assert "aurora.sqlite3" in [p.name for p in data.iterdir()]
        if what == "folder":
            assert sorted(p.name for p in data.iterdir()) == ["aurora.sqlite3"]
    finally:
        data.chmod(stat.S_IRWXU)
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_open_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "aurora.sqlite3"
    with Store(path) as store:
        cal = store.default_calendar().id
        start = zoned(2026, 12, 2, 9, 0)
        store.put_event(Event.new(cal, "Weekly", start,
                                  ZonedTime(start.at + timedelta(hours=1), start.tz),
                                  rrule="FREQ=WEEKLY"))
    before = path.read_bytes()
    with Store(path, read_only=True) as ro:
        assert ro.calendars()[0].name == "Personal"
        zone = get_zone("Europe/Berlin")
        far = datetime(2030, 1, 1, tzinfo=zone)  # past the horizon: it is not moved
        ro.occurrences(datetime(2026, 12, 1, tzinfo=zone), far, zone)
        with pytest.raises(StoreReadOnly):
            ro.put_event(Event.new(cal, "x", start, start))
    assert path.read_bytes() == before
