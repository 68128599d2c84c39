"""The account dialog's two sync questions, and the bridge that answers them from the store.

- After a first sign-in on this computer: "Add this computer's calendars to
  the account?" (they then sync everywhere) or keep them here only. An empty
  default calendar that was never used is not mentioned and never uploaded.
- Before signing out: keep a copy of the account's calendars on this computer
  (the default: signing in again resumes them, unsent changes included) or
  remove them from this computer (they stay in the account).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aurora_desktop.qt import Qt, QtWidgets
from aurora_desktop.store import ChangeNotice, Store
from aurora_desktop.sync import LOCK_FILE, SyncLock, account_id
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account_form import Page

__all__ = ["AccountSyncBridge", "AdoptPage", "SignOutPage"]


@dataclass
class AccountSyncBridge:
    """What the account dialog asks the store and the sync controller.

    Every method runs on the GUI thread except :meth:`release`, which the
    dialog runs in its sign-out step (a worker thread).
    """

    store: Store
    data_dir: Path  # where the store's file and the sync lock are
    sync_now: Callable[[], None] | None = None

    def local_calendars(self) -> list[tuple[str, int]]:
        """This computer's own calendars worth asking about: (name, events)."""
        out = []
        for cal in self.store.local_calendars():
            if self.store.is_unused_default(cal.id):
                continue
            out.append((cal.name, self.store.count_events(cal.id)))
        return out

    def first_time(self, server: str, sub: str) -> bool:
        """True until this computer has answered the question for this account (also
        when a sync already ran: the dialog was closed without an answer)."""
        return self.store.sync_value(account_id(server, sub), "adopt_local") is None

    def choose(self, server: str, sub: str, adopt: bool) -> None:
        """The answer: the next sync adds this computer's calendars (``adopt``) or not.

        Also right when a sync already began the account here before the answer
        came (the sync adds them then, matching names with the account's).
        """
        account = account_id(server, sub)
        self.store.set_current_account(account)
        if self.store.sync_value(account, "adopt_local") != "done":
            self.store.set_sync_value(account, "adopt_local", "1" if adopt else "0")
        self.start_sync()

    def start_sync(self) -> None:
        if self.sync_now is not None:
            self.sync_now()

    def waiting(self, server: str, sub: str) -> int:
        return self.store.pending_count(account_id(server, sub))

    def release(self, server: str, sub: str, *, keep: bool) -> int:
        """Signing out (worker thread): keep the account's calendars here or remove them.

        Runs on its own connection under the sync lock, so a sync still running
        finishes first and cannot bring back what was removed. Returns how many
        events were removed. Call :meth:`released` on the GUI thread afterwards.
        """
        account = account_id(server, sub)
        store = Store(self.store.path)  # its own connection to the window's file
        try:
            with SyncLock(self.data_dir / LOCK_FILE).hold():
                return store.release_account(account, keep=keep)
        finally:
            store.close()

    def released(self) -> None:
        """After :meth:`release` (GUI thread): the window and reminders re-read everything."""
        self.store.announce(ChangeNotice(calendar_ids=frozenset({"*"}), remote=True))


class AdoptPage(Page):
    key = "adopt"

    def __init__(self) -> None:
        super().__init__("Add this computer's calendars to your account?",
                         "Add to my account", back="Keep them here only")
        self.listing = QtWidgets.QLabel()
        self.listing.setObjectName("adoptListing")
        self.listing.setWordWrap(True)
        self.listing.setTextFormat(Qt.TextFormat.PlainText)
        self.body.insertWidget(0, self.listing)

    def show_calendars(self, calendars: list[tuple[str, int]]) -> None:
        lines = [f"•  {name} ({n} event{'s' if n != 1 else ''})" for name, n in calendars]
        self.set_intro("These calendars are on this computer only. Added to your account, "
                       "they sync to every computer you sign in on; a calendar with the same "
                       "name as one in your account is joined with it, never doubled.")
        self.listing.setText("\n".join(lines))
        self.content_changed.emit()


class SignOutPage(Page):
    key = "sign_out"

    def __init__(self) -> None:
        super().__init__("Sign out", "Sign out")
        self.keep = QtWidgets.QRadioButton("Keep a copy of the account's calendars on this "
                                           "computer")
        self.keep.setObjectName("keepCopy")
        self.keep.setChecked(True)
        self.remove = QtWidgets.QRadioButton("Remove them from this computer (they stay in "
                                             "your account)")
        self.remove.setObjectName("removeCopy")
        self.body.insertWidget(0, self.keep)
        self.body.insertWidget(1, self.remove)
        self.inputs += [self.keep, self.remove]
        self.everywhere = False

    def prepare(self, email: str, waiting: int, *, everywhere: bool) -> None:
        self.everywhere = everywhere
        self.heading.setText("Sign out everywhere" if everywhere else "Sign out")
        if self.primary is not None:
            self.primary.setText("Sign out everywhere" if everywhere else "Sign out")
        self.keep.setChecked(True)
        text = f"Signing out {email}" + (" on every computer" if everywhere else "") + "."
        if waiting:
            one = waiting == 1
            self.say(f"{waiting} change{'' if one else 's'} made here {'has' if one else 'have'} "
                     f"not been sent yet. With a copy kept here, {'it is' if one else 'they are'}"
                     f" sent when you sign in again; removing the copy loses "
                     f"{'it' if one else 'them'}.", "warning")
        self.set_intro(text)

    def set_theme(self, t: themes.Theme) -> None:
        super().set_theme(t)
        # Fusion's radio circles nearly vanish on the dark palette: draw them ourselves.
        css = (f"QRadioButton::indicator {{ width: 14px; height: 14px; border-radius: 8px; "
               f"border: 1px solid {t.muted}; background: {t.surface}; }}"
               f"QRadioButton::indicator:checked {{ border: 1px solid {t.accent}; background: "
               f"qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 {t.accent},"
               f" stop:0.45 {t.accent}, stop:0.55 {t.surface}, stop:1 {t.surface}); }}"
               f"QRadioButton {{ spacing: 8px; }}")
        for radio in (self.keep, self.remove):
            radio.setStyleSheet(css)

    @property
    def keep_copy(self) -> bool:
        return self.keep.isChecked()
