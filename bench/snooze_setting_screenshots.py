"""Screenshots of the default snooze: Settings > Reminders with "Snooze button snoozes
for", and the reminder window's Snooze menu with that default (20 min) marked. Light
and dark.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/snooze_setting_screenshots.py [OUT_DIR]

Writes ``settings-reminders-<theme>.png`` and ``reminders-snooze-menu-<theme>.png``
to OUT_DIR (docs/screenshots), in the app's font (``theme.install_font``).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dialog_screenshots import TODAY, TZ, pending_reminders, settle  # noqa: E402
from ui_data import fill_demo  # noqa: E402

from aurora_core.model import get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.autostart import Autostart  # noqa: E402
from aurora_desktop.qt import QtCore, QtGui  # noqa: E402
from aurora_desktop.reminders.snooze import SNOOZE_SETTING, default_snooze  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui import theme  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402
from aurora_desktop.ui.reminder_window import RemindersSettingsPage, ReminderWindow  # noqa: E402


def save(pm: QtGui.QPixmap, path: Path) -> None:
    pm.save(str(path))
    print("wrote", path)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    theme.install_font(app)
    zone = get_zone(TZ)
    now = datetime.combine(TODAY, time(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-snooze-shots-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, TODAY, TZ)
    autostart = Autostart(env={"XDG_CONFIG_HOME": str(tmp / "cfg"), "HOME": str(tmp)},
                          command=["aurora"], platform="linux")
    for name in ("light", "dark"):
        qs = QtCore.QSettings(str(tmp / f"settings-{name}.ini"), QtCore.QSettings.Format.IniFormat)
        settings = Settings(qs)
        settings.set("ui/theme", name)
        settings.set("ui/clock_24h", "24")
        settings.set(SNOOZE_SETTING, 20)
        w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
        w.add_settings_page(lambda s=settings: RemindersSettingsPage(s, autostart))
        w.resize(1280, 800)
        w.show()
        settle(app)

        dlg = w.settings_ui.make_dialog()
        dlg.list.setCurrentRow(len(dlg.pages) - 1)  # Reminders
        dlg.show()
        settle(app)
        dlg.repaint()
        settle(app, 2)
        save(dlg.grab(), out / f"settings-reminders-{name}.png")
        dlg.close()

        rw = ReminderWindow(w)
        rw.default_snooze = lambda s=settings: default_snooze(s)
        rw.set_pending(pending_reminders(), zone, now)
        rw.move(200, 150)
        rw.show()
        settle(app)
        menu = rw.snooze_button.menu()
        menu.popup(rw.snooze_button.mapToGlobal(QtCore.QPoint(0, rw.snooze_button.height())))
        settle(app, 10)
        # The window with its menu open: the screen around both (Xvfb), else each grabbed.
        area = rw.frameGeometry().united(menu.geometry())
        screen = QtGui.QGuiApplication.primaryScreen()
        pm = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height())
        if pm.isNull() or pm.width() < 10:  # offscreen: no screen to grab
            pm = menu.grab()
        save(pm, out / f"reminders-snooze-menu-{name}.png")
        menu.hide()
        rw.close()
        w.close()
        w.deleteLater()
        settle(app)
    store.close()


if __name__ == "__main__":
    main()
