"""`aurora add "TEXT"` (quick add) beside the `aurora add --title …` contract."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aurora_desktop.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("AURORA_DATA_DIR", str(d))
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TIME", raising=False)
    return d


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def events(capsys: pytest.CaptureFixture[str], start: str, end: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "list", "--from", start, "--to", end, "--json")
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_quick_add_prints_the_new_id_and_saves_the_event(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "add", "Board meeting on 14 January 2027 at 9am for 90 minutes")
    assert code == 0, err
    new_id = out.strip().splitlines()[-1]
    assert "Board meeting" in out and "Thu 14 Jan 2027, 09:00–10:30" in out
    [row] = events(capsys, "2027-01-14", "2027-01-14")
    assert row["id"] == new_id and row["title"] == "Board meeting"
    assert row["start"] == "2027-01-14T09:00:00+01:00" and row["end"] == "2027-01-14T10:30:00+01:00"
    assert row["timezone"] == "Europe/Berlin"


def test_quick_add_relative_date_and_zone(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "add", "Call Bob tomorrow at 16:00 in New York time")
    assert code == 0, err
    # "tomorrow" is the user's tomorrow (Berlin), at 16:00 on New York's clock.
    tomorrow = datetime.now(ZoneInfo("Europe/Berlin")).date() + timedelta(days=1)
    rows = events(capsys, (tomorrow - timedelta(days=1)).isoformat(),
                  (tomorrow + timedelta(days=2)).isoformat())
    [row] = [r for r in rows if r["title"] == "Call Bob"]
    assert row["timezone"] == "America/New_York"
    start = datetime.fromisoformat(str(row["start"])).astimezone(ZoneInfo("America/New_York"))
    assert start.replace(tzinfo=None) == datetime.combine(tomorrow, datetime.min.time()).replace(hour=16)


def test_quick_add_series(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "add", "Standup every weekday at 9:30")
    assert code == 0, err
    assert "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" in out
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    rows = events(capsys, monday.isoformat(), (monday + timedelta(days=6)).isoformat())
    assert [str(r["start"])[:16] for r in rows if r["title"] == "Standup"] == \
        [f"{monday + timedelta(days=i)}T09:30" for i in range(5)]


def test_day_month_order_follows_the_environment_locale(
        data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, "add", "Review 3/4/2030 at 10am")[0] == 0
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run(capsys, "add", "Audit 3/4/2030 at 10am")[0] == 0
    titles = {str(r["title"]): str(r["start"])[:10] for r in events(capsys, "2030-03-01", "2030-04-30")}
    assert titles == {"Review": "2030-04-03", "Audit": "2030-03-04"}


@pytest.mark.parametrize(("text", "message"), [
    ("", "Nothing to add"),
    ("   ", "Nothing to add"),
    ("?!", "Nothing to add"),
    ("blah blah", "No date or time"),
    ("tomorrow at 3pm", "what the event is"),
    ("Meet at 5pm in Narnia time", "not understood, nothing added"),
])
def test_empty_meaningless_or_not_understood_text_is_refused_in_one_line(
        data_dir: Path, capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    code, out, err = run(capsys, "add", text)
    assert code == 2 and out == ""
    assert err.startswith("aurora: error:") and err.count("\n") == 1 and message in err
    assert not (data_dir / "aurora.db").exists() or events(capsys, "2020-01-01", "2040-01-01") == []


def test_text_and_title_together_are_refused(data_dir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["add", "Lunch tomorrow at 1pm", "--title", "Lunch"])
    assert exc.value.code == 2
    assert "either TEXT or --title" in capsys.readouterr().err


def test_two_texts_are_refused(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["add", "Lunch", "tomorrow"])
    assert exc.value.code == 2


# ------------------------------------------------- the --title form is unchanged (a contract)


def test_title_form_still_adds_and_prints_the_id(data_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "add", "--title", "Mine", "--start", "2026-12-09T10:00",
                         "--end", "2026-12-09T11:00", "--timezone", "Europe/Berlin")
    assert code == 0, err
    assert out.splitlines()[0] == "Added 'Mine' to 'Personal'."
    [row] = events(capsys, "2026-12-09", "2026-12-09")
    assert row["id"] == out.strip().splitlines()[-1]
    assert row["start"] == "2026-12-09T10:00:00+01:00"


@pytest.mark.parametrize(("args", "missing"), [
    (("--title", "T"), "--start, --end"),
    (("--start", "2026-12-09T10:00", "--end", "2026-12-09T11:00"), "--title"),
    ((), "--title, --start, --end"),
])
def test_title_form_missing_options_are_argparse_errors(
        data_dir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
        missing: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["add", *args])
    assert exc.value.code == 2
    assert f"the following arguments are required: {missing}" in capsys.readouterr().err
