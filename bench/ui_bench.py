"""Calendar window benchmarks (prints figures; not a test).

    .venv/bin/python bench/ui_bench.py            # uses $QT_QPA_PLATFORM (xcb under Xvfb, or offscreen)
    .venv/bin/python bench/ui_bench.py --startup [RUNS] [DATA_DIR]   # only 2., with CPU time

``--startup`` keeps (or reuses) its store in DATA_DIR, so repeated runs compare alike.

With a 10,000-event store (500 recurring series) it measures:
1. next month / week / day: key press to repainted view, in process (median, p90);
2. process start to window shown with the month populated, against a bare
   PySide6 QMainWindow, side by side in one run (median of 5 each);
3. resident memory with that store open (VmRSS after the month is shown).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

# statistics, subprocess and tempfile are imported where used: the start-up children
# run this file too, and their time should be the app's, not the bench's (~8 ms).
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUNS = 5

BARE = r"""
import resource, sys, time
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication(sys.argv)
w = QtWidgets.QMainWindow()
w.resize(1280, 820)
w.show()
while not w.windowHandle() or not w.windowHandle().isExposed():
    app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
w.repaint()
ru = resource.getrusage(resource.RUSAGE_SELF)
print("SHOWN", time.time(), ru.ru_utime + ru.ru_stime, flush=True)
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_aurora(data_dir: str) -> None:
    """Start the real window on the month view, print when it is shown and populated.

    Built as run_app builds it: the account, sync and subscriptions (and, in
    run_app, the reminders and tray) come after the window's first paint.
    """
    from aurora_desktop import app as appmod
    from aurora_desktop.qt import QtCore
    from aurora_desktop.ui.first_paint import after_first_paint

    app = appmod.build(Path(data_dir), sys.argv[:1], services=False)
    after_first_paint(app.window, lambda: appmod.install_services(app))
    app.window.view_switcher.set_view("month")
    app.window.show()
    win = app.window.windowHandle()
    while win is None or not win.isExposed():
        app.qapp.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
        win = app.window.windowHandle()
    app.window.repaint()
    n = len(app.window.model.items())
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print("SHOWN", time.time(), ru.ru_utime + ru.ru_stime, n, f"{rss_mb():.1f}", flush=True)
    app.shutdown()
    os._exit(0)


def child_run_app(data_dir: str) -> None:
    """The app as `aurora` starts it (run_app: single instance, then the window; the
    account, sync, subscriptions, reminders and tray after its first paint). Prints
    when the window's first paint is done, then exits."""
    from aurora_desktop import app as appmod
    from aurora_desktop.ui.first_paint import after_first_paint
    from aurora_desktop.ui.main_window import MainWindow

    def shown(window: MainWindow) -> None:
        ru = resource.getrusage(resource.RUSAGE_SELF)
        print("SHOWN", time.time(), ru.ru_utime + ru.ru_stime, len(window.model.items()),
              f"{rss_mb():.1f}", flush=True)
        os._exit(0)

    class Timed(MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            after_first_paint(self, lambda: shown(self))

    setattr(appmod, "MainWindow", Timed)  # noqa: B010 - build() makes this one
    appmod.run_app(Path(data_dir), ["aurora"])
    os._exit(1)


def start_env(cache: Path) -> dict[str, str]:
    """Children run with bytecode caching on (as an installed app has its .pyc files),
    in a private cache folder, whatever PYTHONDONTWRITEBYTECODE says here."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def start_once(args: list[str], env: dict[str, str]) -> tuple[float, list[str]]:
    wall, _cpu, extra = start_once_cpu(args, env)
    return wall, extra


def start_once_cpu(args: list[str], env: dict[str, str]) -> tuple[float, float, list[str]]:
    """Wall time to SHOWN, the child's CPU time (user + system) until then, its extras."""
    import subprocess

    t0 = time.time()
    # No check of the exit code: the bare PySide6 6.12 program may abort at exit on
    # Python 3.11 (its None refcount bug, see aurora_desktop/qt.py) after it has shown.
    out = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT,
                         env=env).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("SHOWN"))
    parts = line.split()
    return float(parts[1]) - t0, float(parts[2]), parts[3:]


def startup_only(runs: int, data_dir: Path | None) -> None:
    """Only the start-up race, more runs, with CPU time (trustworthy on a loaded machine)."""
    import statistics
    import tempfile

    sys.path.insert(0, str(HERE))
    from datetime import date

    from ui_data import fill_bulk

    from aurora_desktop.store import Store

    tmp = data_dir or Path(tempfile.mkdtemp(prefix="aurora-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    if not (tmp / "aurora.sqlite3").exists():
        with Store(tmp / "aurora.sqlite3") as store:
            fill_bulk(store, 10_000, 500, center=date.today())
    print(f"load average before: {os.getloadavg()}")
    env = start_env(tmp / "pycache")
    cmds = {"bare PySide6 QMainWindow": [sys.executable, "-c", BARE],
            "Aurora Time, month shown": [sys.executable, __file__, "--child", str(tmp)],
            "the same via run_app": [sys.executable, __file__, "--child-run-app", str(tmp)]}
    for cmd in cmds.values():
        start_once(cmd, env)  # warm-up: fills the bytecode cache
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):  # alternating, so a busy spell hits all alike
        for k, cmd in cmds.items():
            w, c, _x = start_once_cpu(cmd, env)
            wall[k].append(w)
            cpu[k].append(c)
    med = statistics.median
    bare = "bare PySide6 QMainWindow"
    for k in cmds:
        ratio = "" if k == bare else (f"   ratio wall {med(wall[k]) / med(wall[bare]):.2f}x"
                                      f"  CPU {med(cpu[k]) / med(cpu[bare]):.2f}x")
        print(f"  {k:25} wall {med(wall[k]) * 1000:5.0f} ms   CPU {med(cpu[k]) * 1000:5.0f} ms"
              f"{ratio}   (wall runs: {' '.join(f'{x * 1000:.0f}' for x in wall[k])})")
    print(f"load average after: {os.getloadavg()}")


def switching(data_dir: Path) -> None:
    import statistics

    from aurora_desktop import app as appmod
    from aurora_desktop.qt import Qt, QtCore, QtTest

    app = appmod.build(data_dir, sys.argv[:1])
    w = app.window
    w.resize(1400, 900)
    w.show()
    while w.windowHandle() is None or not w.windowHandle().isExposed():
        app.qapp.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
    w.activateWindow()
    QtTest.QTest.qWaitForWindowActive(w, 2000)  # shortcuts need an active window
    for view in ("month", "week", "day"):
        w.view_switcher.set_view(view)
        app.qapp.processEvents()
        times, cold, idle = [], [], []
        counts = []
        for i in range(45):
            key = Qt.Key.Key_PageDown if i % 10 < 7 else Qt.Key.Key_PageUp
            before = w.date
            t0 = time.perf_counter()
            QtTest.QTest.keyClick(w.view, key)
            w.view.repaint()
            t1 = time.perf_counter()
            if w.date == before:
                raise SystemExit("the key press did not page the view (window not active?)")
            times.append((t1 - t0) * 1000)
            counts.append(len(w.model.items()))
            # the idle work after the repaint: prefetching the neighbouring pages
            while w.model._wanted or w.model._prefetch_timer.isActive():
                app.qapp.processEvents()
            app.qapp.processEvents()
            idle.append((time.perf_counter() - t1) * 1000)
            if i % 9 == 0:  # the same step with nothing prefetched (a jump far away)
                w.model._cache.clear()
                before = w.date
                t0 = time.perf_counter()
                QtTest.QTest.keyClick(w.view, Qt.Key.Key_PageDown)
                w.view.repaint()
                cold.append((time.perf_counter() - t0) * 1000)
                assert w.date != before
                while w.model._wanted or w.model._prefetch_timer.isActive():
                    app.qapp.processEvents()
        times = times[5:]  # warm-up
        q = statistics.quantiles(times, n=10)
        print(f"  next {view:5}: median {statistics.median(times):6.2f} ms   p90 {q[-1]:6.2f} ms"
              f"   max {max(times):6.2f} ms   ({statistics.mean(counts):.0f} occurrences shown)")
        print(f"              not prefetched (far jump): median {statistics.median(cold):6.2f} ms;"
              f"  idle prefetch after each page: median {statistics.median(idle):6.2f} ms")
    app.shutdown()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_aurora(sys.argv[2])
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--child-run-app":
        child_run_app(sys.argv[2])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--startup":
        startup_only(int(sys.argv[2]) if len(sys.argv) > 2 else 9,
                     Path(sys.argv[3]) if len(sys.argv) > 3 else None)
        return
    import statistics
    import tempfile

    sys.path.insert(0, str(HERE))
    from datetime import date

    from ui_data import fill_bulk

    from aurora_desktop.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="aurora-bench-"))
    t0 = time.perf_counter()
    with Store(tmp / "aurora.sqlite3") as store:
        fill_bulk(store, 10_000, 500, center=date.today())
        n = store.count_events()
    print(f"store: {n} events (500 recurring) built in {time.perf_counter() - t0:.1f} s; "
          f"platform {os.environ.get('QT_QPA_PLATFORM', '(default)')}")

    print("1. view switching, key press to repainted view (in process):")
    switching(tmp)

    print(f"2. process start to window shown (median of {RUNS}, alternating, bytecode cached):")
    bare, aurora, rss, shown = [], [], [], 0
    env = start_env(tmp / "pycache")
    bare_cmd = [sys.executable, "-c", BARE]
    aurora_cmd = [sys.executable, __file__, "--child", str(tmp)]
    start_once(bare_cmd, env)  # warm-up: fills the bytecode cache
    start_once(aurora_cmd, env)
    for _ in range(RUNS):
        bare.append(start_once(bare_cmd, env)[0])
        dt, extra = start_once(aurora_cmd, env)
        aurora.append(dt)
        shown, r = int(extra[0]), float(extra[1])
        rss.append(r)
    b, a = statistics.median(bare), statistics.median(aurora)
    print(f"  bare PySide6 QMainWindow: {b * 1000:7.0f} ms")
    print(f"  Aurora Time, month shown: {a * 1000:7.0f} ms  ({shown} occurrences)  "
          f"ratio {a / b:.2f}x")
    print("3. memory:")
    print(f"  resident size with the 10,000-event store open, month shown: "
          f"{statistics.median(rss):.0f} MB")


if __name__ == "__main__":
    main()
