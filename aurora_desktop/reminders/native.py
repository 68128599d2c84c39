"""Reminders as the desktop's own notifications (freedesktop Notifications over D-Bus).

:class:`NativeNotifier` is a :class:`~aurora_desktop.reminders.notifier.Notifier`
that sends each reminder to the session's notification service
(``org.freedesktop.Notifications``: GNOME Shell, KDE Plasma, dunst, mako…)
through the *desktop-notifier* library, with two buttons, "Snooze 15 min" and
"Dismiss", and a click that opens the event. Where the service is missing or
fails, the batch goes to the ``fallback`` notifier (the tray balloon, or the
message in the main window) instead; the reminder itself never depends on
either, it stays pending in the engine and listed in the reminder window.

Threads. desktop-notifier and dbus-fast are asyncio code; Qt owns the GUI
thread. The notifier runs its own asyncio loop on one daemon thread; the GUI
thread hands it work with ``run_coroutine_threadsafe`` and never waits for
it. What comes back (a button pressed, a click, a send that failed) is a Qt
signal emitted on that thread and delivered, queued, on the GUI thread,
where the engine is touched. Nothing here blocks the GUI thread.

The decisions (closing a notification is not a dismissal, grouping, what a
server without buttons gets) are in docs/reminders.md.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import stat
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

from aurora_core.defaults import NO_TITLE
from aurora_desktop.qt import Qt, QtCore, QtWidgets

from .notifier import GROUP_LISTED, Notifier, describe_when
from .planner import Delivery, ReminderKey

__all__ = [
    "DISABLE_ENV",
    "NO_BUTTONS_NOTE",
    "NativeMessage",
    "NativeNotifier",
    "compose",
    "native_available",
    "session_bus_address",
]

log = logging.getLogger("aurora.reminders")
# desktop-notifier logs a failed send as a warning *with its traceback*; we say it
# ourselves, in one line, and fall back.
logging.getLogger("desktop_notifier").setLevel(logging.ERROR)

T = TypeVar("T")

DISABLE_ENV = "AURORA_NATIVE_NOTIFICATIONS"  # "0": never use the notification service
BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
SEND_TIMEOUT = 8.0  # seconds for one batch, D-Bus activation of the daemon included
SNOOZE, DISMISS, DEFAULT = "snooze", "dismiss", "default"
NO_BUTTONS_NOTE = "Snooze or dismiss it in Aurora Time's reminder window."
APP_NAME = "Aurora Time"


def session_bus_address() -> str | None:
    """The session bus this process would talk to (None: there is none)."""
    addr = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if addr:
        return addr
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime:
        path = Path(runtime) / "bus"
        try:
            if stat.S_ISSOCK(path.stat().st_mode):
                return f"unix:path={path}"
        except OSError:
            pass
    return None


def native_available() -> bool:
    """Whether to try the desktop's notification service at all.

    Linux (and the BSDs) with a session bus, the library installed, and not
    turned off with ``AURORA_NATIVE_NOTIFICATIONS=0``. Whether a service
    answers on that bus is found out when a reminder is sent: notification
    daemons are often started by D-Bus activation, on the first message.

    A bus found only at ``$XDG_RUNTIME_DIR/bus`` is exported as
    ``DBUS_SESSION_BUS_ADDRESS`` (libdbus and sd-bus look there; dbus-fast
    reads the variable only).
    """
    if os.environ.get(DISABLE_ENV, "").strip() == "0":
        return False
    if sys.platform.startswith(("win", "darwin")):
        return False
    addr = session_bus_address()
    if addr is None:
        return False
    try:
        import desktop_notifier  # noqa: F401
    except ImportError:
        return False
    os.environ.setdefault("DBUS_SESSION_BUS_ADDRESS", addr)
    return True


@dataclass(frozen=True)
class NativeMessage:
    """One desktop notification: for one reminder, or for a batch too large to list."""

    title: str
    body: str
    deliveries: tuple[Delivery, ...]
    snooze_label: str
    dismiss_label: str
    identifier: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def keys(self) -> list[ReminderKey]:
        return [d.reminder.key for d in self.deliveries]

    @property
    def grouped(self) -> bool:
        return len(self.deliveries) > 1


def _minutes_label(delay: timedelta) -> str:
    mins = max(1, round(delay.total_seconds() / 60))
    if mins % (24 * 60) == 0:
        return f"{mins // (24 * 60)} d"
    if mins % 60 == 0:
        return f"{mins // 60} h"
    return f"{mins} min"


def compose(deliveries: Sequence[Delivery], now: datetime, local_tz: tzinfo,
            snooze: timedelta) -> list[NativeMessage]:
    """The notifications for one batch.

    Up to :data:`GROUP_LISTED` reminders: one notification each (title = the
    event's title, body = when, and where), each with its own buttons. More:
    one notification that names the first three, whose buttons act on the
    whole batch and whose click opens the reminder window.
    """
    snooze_text = f"Snooze {_minutes_label(snooze)}"
    if len(deliveries) <= GROUP_LISTED:
        out = []
        for d in deliveries:
            r = d.reminder
            body = describe_when(r.start, r.end, r.all_day, now, local_tz)
            if r.location:
                body += f"\n{r.location}"
            out.append(NativeMessage(r.title or NO_TITLE, body, (d,), snooze_text, "Dismiss"))
        return out
    n = len(deliveries)
    missed = sum(1 for d in deliveries if d.missed)
    title = f"{n} reminders" + (f" ({missed} missed)" if missed else "")
    names = [d.reminder.title or NO_TITLE for d in deliveries[:GROUP_LISTED]]
    body = "\n".join(names) + f"\n… and {n - GROUP_LISTED} more"
    return [NativeMessage(title, body, tuple(deliveries), f"{snooze_text} (all)", "Dismiss all")]


class _LoopThread:
    """An asyncio event loop on a daemon thread of its own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="aurora-notifications",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self, final: Coroutine[Any, Any, None] | None = None, timeout: float = 2.0) -> None:
        if final is not None:
            try:
                self.submit(final).result(timeout)
            except Exception:  # shutting down: whatever the bus says
                log.debug("closing the notification connection", exc_info=True)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.loop.close()


class _NotAvailable(Exception):
    """The notification service cannot take a notification now (the reason is the text)."""


class NativeNotifier(QtCore.QObject):
    """Reminders as desktop notifications, with ``fallback`` where that fails.

    ``snooze_delay()`` is the user's default snooze (the button's length).
    The requests it emits are the reminder window's: the service connects
    them to the same engine calls.
    """

    snooze_requested = QtCore.Signal(object, object)  # list of keys, timedelta
    dismiss_requested = QtCore.Signal(object)  # list of keys
    open_requested = QtCore.Signal(str, object)  # event id, occurrence start
    show_all_requested = QtCore.Signal()  # the grouped notification was clicked
    # worker thread -> GUI thread
    _acted = QtCore.Signal(str, str)  # notification identifier, action
    _batch_failed = QtCore.Signal(object, str)  # identifiers not shown, reason
    _batch_sent = QtCore.Signal(bool)  # whether the server has buttons

    def __init__(self, fallback: Notifier, local_tz: Callable[[], tzinfo],
                 clock: Callable[[], datetime], *,
                 snooze_delay: Callable[[], timedelta] = lambda: timedelta(minutes=15),
                 sound: Callable[[], bool] = lambda: False,
                 icon: Path | None = None,
                 timeout: float = SEND_TIMEOUT,
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.fallback = fallback
        self.local_tz = local_tz
        self.clock = clock
        self.snooze_delay = snooze_delay
        self.sound = sound
        self.icon = icon
        self.timeout = timeout
        self.working: bool | None = None  # None: not tried yet
        self.has_buttons: bool | None = None
        self.batches_sent = 0  # batches the service took (their buttons are live)
        self._live: dict[str, NativeMessage] = {}  # GUI thread only
        self._worker: _LoopThread | None = None
        # worker thread only:
        self._dn: Any = None  # desktop_notifier.DesktopNotifier
        self._probe: Any = None  # dbus_fast MessageBus for GetCapabilities
        # One D-Bus job at a time: a withdrawal waits for the send it withdraws.
        self._serial = asyncio.Lock()
        queued = Qt.ConnectionType.QueuedConnection
        self._acted.connect(self._on_acted, queued)
        self._batch_failed.connect(self._on_failed, queued)
        self._batch_sent.connect(self._on_sent, queued)

    # ------------------------------------------------------------ GUI thread

    def notify(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        messages = compose(deliveries, self.clock(), self.local_tz(), self.snooze_delay())
        for m in messages:
            self._live[m.identifier] = m
        if self._worker is None:
            self._worker = _LoopThread()
        self._worker.submit(self._send_batch(messages))

    def retain(self, pending: Collection[ReminderKey]) -> None:
        """Close the notifications none of whose reminders is pending any more.

        A reminder snoozed or dismissed in the reminder window (or on another
        desktop, through sync) must not stay on screen with buttons that would
        act on it again later.
        """
        keep = set(pending)
        gone = [i for i, m in self._live.items() if not keep.intersection(m.keys)]
        for i in gone:
            del self._live[i]
        if gone and self._worker is not None:
            self._worker.submit(self._close(gone))

    @property
    def shown(self) -> list[NativeMessage]:
        """Notifications sent and not yet acted on or withdrawn (tests, diagnostics)."""
        return list(self._live.values())

    def stop(self) -> None:
        """Close our notifications' connection and end the worker thread (at quit)."""
        self._live.clear()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.stop(self._reset())

    def _on_acted(self, identifier: str, action: str) -> None:
        msg = self._live.pop(identifier, None)
        if msg is None:  # withdrawn, or acted on already
            return
        if action == SNOOZE:
            self.snooze_requested.emit(msg.keys, self.snooze_delay())
        elif action == DISMISS:
            self.dismiss_requested.emit(msg.keys)
        elif action == DEFAULT:
            if msg.grouped:
                self.show_all_requested.emit()
            else:
                r = msg.deliveries[0].reminder
                self.open_requested.emit(r.event_id, r.start)
        # "closed" (the X, expiry): only forgotten; the reminder stays pending.

    def _on_failed(self, identifiers: list[str], reason: str) -> None:
        failed: list[Delivery] = []
        for i in identifiers:
            m = self._live.pop(i, None)
            if m is not None:
                failed.extend(m.deliveries)
        if self.working is not False:
            where = {"TrayNotifier": "the tray", "InWindowNotifier": "the main window"}.get(
                type(self.fallback).__name__, type(self.fallback).__name__)
            log.warning("desktop notifications unavailable (%s); reminders go to %s",
                        reason, where)
        self.working = False
        if not failed:
            return
        try:
            self.fallback.notify(failed)
        except Exception:  # the reminder window still lists them
            log.exception("the fallback notifier failed too")

    def _on_sent(self, has_buttons: bool) -> None:
        if self.working is False:
            log.info("desktop notifications work again")
        self.working = True
        self.has_buttons = has_buttons
        self.batches_sent += 1
        if self.sound():  # here, not in notify(): a batch that falls back beeps there
            QtWidgets.QApplication.beep()

    # --------------------------------------------------------- worker thread

    async def _send_batch(self, messages: list[NativeMessage]) -> None:
        async with self._serial:
            await self._send_batch_now(messages)

    async def _send_batch_now(self, messages: list[NativeMessage]) -> None:
        try:
            await asyncio.wait_for(self._send_all(messages), self.timeout)
        except TimeoutError:
            await self._reset()
            self._batch_failed.emit([m.identifier for m in messages],
                                    f"no answer within {self.timeout:g} s")
        except _NotAvailable as exc:
            await self._reset()
            self._batch_failed.emit([m.identifier for m in messages], str(exc))
        except Exception as exc:  # never let the loop die on a bad batch
            log.debug("sending a notification failed", exc_info=True)
            await self._reset()
            self._batch_failed.emit([m.identifier for m in messages], _reason(exc))

    async def _send_all(self, messages: list[NativeMessage]) -> None:
        try:
            caps = await self._capabilities()
        except _NotAvailable:
            raise
        except Exception:
            # A stale connection (the bus or the daemon restarted): once more, afresh.
            await self._reset()
            caps = await self._capabilities()
        buttons = "actions" in caps
        markup = "body-markup" in caps
        for i, m in enumerate(messages):
            if not await self._send_one(m, buttons, markup):
                await self._reset()
                self._batch_failed.emit([x.identifier for x in messages[i:]],
                                        "the notification service refused it")
                return
        self._batch_sent.emit(buttons)

    async def _capabilities(self) -> list[str]:
        from dbus_fast import Message, MessageType
        from dbus_fast.aio import MessageBus

        if self._probe is None:
            try:
                self._probe = await MessageBus().connect()
            except Exception as exc:
                raise _NotAvailable(f"no session bus: {_reason(exc)}") from exc
        reply = await self._probe.call(Message(
            destination=BUS_NAME, path=OBJECT_PATH, interface=BUS_NAME,
            member="GetCapabilities"))
        if reply.message_type == MessageType.ERROR:
            detail = reply.body[0] if reply.body else ""
            raise _NotAvailable(f"{reply.error_name}: {detail}".rstrip(": "))
        return [str(c) for c in reply.body[0]]

    async def _send_one(self, m: NativeMessage, buttons: bool, markup: bool) -> bool:
        from desktop_notifier import Button, DesktopNotifier, Icon, Notification

        if self._dn is None:
            icon = Icon(path=self.icon) if self.icon is not None else None
            self._dn = DesktopNotifier(app_name=APP_NAME, app_icon=icon)
        body = m.body if buttons else f"{m.body}\n{NO_BUTTONS_NOTE}"
        if markup:  # the server reads the body as markup: "R&D" must not break it
            body = escape(body)
        ident = m.identifier
        dispatched = False

        def on_dispatched() -> None:
            nonlocal dispatched
            dispatched = True

        def act(action: str) -> Callable[[], None]:
            return lambda: self._acted.emit(ident, action)

        note = Notification(
            title=m.title, message=body, identifier=ident,
            buttons=(Button(m.snooze_label, act(SNOOZE), identifier=SNOOZE),
                     Button(m.dismiss_label, act(DISMISS), identifier=DISMISS))
            if buttons else (),
            on_dispatched=on_dispatched, on_clicked=act(DEFAULT),
            on_dismissed=act("closed"))
        await self._dn.send_notification(note)  # logs and swallows its own failures
        return dispatched

    async def _close(self, identifiers: list[str]) -> None:
        async with self._serial:
            await self._close_now(identifiers)

    async def _close_now(self, identifiers: list[str]) -> None:
        if self._dn is None:
            return
        for i in identifiers:
            try:
                await asyncio.wait_for(self._dn.clear(i), self.timeout)
            except Exception:  # expired or closed already, or the service went away
                log.debug("closing notification %s", i, exc_info=True)

    async def _reset(self) -> None:
        """Drop both connections; the next batch connects afresh."""
        dn, self._dn = self._dn, None
        probe, self._probe = self._probe, None
        # desktop-notifier keeps its connection on the backend (no public close).
        buses = [getattr(getattr(dn, "_backend", None), "bus", None), probe]
        for bus in buses:
            if bus is None:
                continue
            try:
                bus.disconnect()
            except Exception:
                log.debug("disconnecting from the session bus", exc_info=True)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
