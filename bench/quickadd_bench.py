"""Quick add: how long the preview takes to follow a keystroke (target: 50 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/quickadd_bench.py [ROUNDS]

Shows the main window on a store with a few hundred events, focuses the quick
add field, and types each of bench/quickadd_phrases.py's phrases one key at a
time (ROUNDS times, default 2). A keystroke's latency is from the key press
to the preview repainted: the key event, the parse of the whole text, the
preview's text and size, and the events Qt processes after it. Printed:
median, p95 and the slowest keystroke; the parse alone; and the first
keystroke after start-up, typed at once, while dateparser is still loading
(the cold case; figures in docs/performance.md).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from quickadd_phrases import PHRASES  # noqa: E402
from ui_data import fill_demo  # noqa: E402

from aurora_core.model import get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.qt import Qt, QtCore, QtTest, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402

TZ = "Europe/Berlin"
QTest = QtTest.QTest


def settle(app: QtWidgets.QApplication) -> None:
    app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)


def press(field: QtWidgets.QLineEdit, ch: str) -> None:
    if ch.isascii():
        QTest.keyClick(field, ch)
    else:  # QTest types Latin-1 only: the en dash goes in as a paste would
        field.insert(ch)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    app = make_qapp(sys.argv[:1])
    zone = get_zone(TZ)
    today = date.today()
    now = datetime.combine(today, dtime(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-quickadd-bench-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, today, TZ)
    qs = QtCore.QSettings(str(tmp / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    settings = Settings(qs)
    settings.set("ui/theme", "light")
    w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
    w.resize(1440, 900)
    w.show()
    settle(app)
    field = w.quick_add

    # Cold: the first keystrokes right after focus, while the warm-up thread imports
    # dateparser: each key must still be quick; the preview follows when the import is done.
    t0 = time.perf_counter()
    field.activate()
    cold_keys = []
    for ch in "Lunch tomorrow":
        t = time.perf_counter()
        press(field, ch)
        settle(app)
        cold_keys.append((time.perf_counter() - t) * 1000)
    while not field.preview.isVisible():
        settle(app)
        time.sleep(0.005)
    cold = (time.perf_counter() - t0) * 1000
    field.cancel()

    keys: list[float] = []
    parses: list[float] = []
    for _ in range(rounds):
        for text, _expect in PHRASES:
            field.activate()
            for ch in text:
                t = time.perf_counter()
                press(field, ch)
                settle(app)
                keys.append((time.perf_counter() - t) * 1000)
                if field.text().strip():
                    parses.append(field.last_parse_ms)
            field.cancel()
            settle(app)
    print(f"keystrokes measured: {len(keys)} ({rounds} rounds of {len(PHRASES)} phrases)")
    print(f"keystroke -> preview repainted: median {statistics.median(keys):.1f} ms, "
          f"p95 {pct(keys, 95):.1f} ms, slowest {max(keys):.1f} ms "
          f"({sum(k > 50 for k in keys)} over 50 ms)")
    print(f"parse alone: median {statistics.median(parses):.1f} ms, p95 {pct(parses, 95):.1f} ms, "
          f"slowest {max(parses):.1f} ms")
    from aurora_core.quickadd import MAX_TEXT, parse

    hostile = ["1 " * 250, "monday and " * 46, "1/" * 250, "12:00-" * 84, "3 may " * 84,
               "on friday " * 50, "in " * 170, "every other " * 46]
    worst = 0.0
    for text in hostile:
        t = time.perf_counter()
        parse(text[:MAX_TEXT], now=now, zone=TZ)
        worst = max(worst, (time.perf_counter() - t) * 1000)
    print(f"hostile {MAX_TEXT}-character texts (\"1 1 1 …\", \"monday and …\"): slowest parse "
          f"{worst:.0f} ms")
    print(f"cold start (dateparser loading): keystrokes slowest {max(cold_keys):.1f} ms; "
          f"first preview {cold:.0f} ms after focus")
    w.close()
    store.close()
    _ = Qt


if __name__ == "__main__":
    main()
