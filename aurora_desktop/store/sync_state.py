"""What sync needs from the store, composed of its parts (one module per concern):

- ``sync_items``: an item's content in wire form, its **base** (``sync_base``:
  the item exactly as the server last confirmed it, with its server version; no
  base: never confirmed), and per-account sync values (the cursor).
- ``sync_outbox``: whether an item has **local changes** (``pending``): one row
  per item however many edits were made (coalesced). What to send is read from
  the item itself when pushing. A change that puts an item back to its base is
  no change. Also the sent journal, confirmations and set-aside changes.
- ``sync_remote``: the remote path and a full resync.
- ``sync_conflicts``: conflicts kept for the user.
- ``sync_accounts``: which account owns what (sign in, sign out, account deleted).

Contract of the remote path (:meth:`SyncMixin.apply_remote_page`): what a pull
brings is written without creating pending changes, a page and the new cursor
in one transaction; an item with local changes is merged three ways
(:mod:`aurora_core.merge`), never overwritten; the server's own echo of our
change (same version as the base) is skipped.

Ownership: calendars belong to this computer (``account`` NULL) or to one
account; events follow their calendar and reminder states their event. Only
the signed-in account's items are ever sent, so two accounts never mix.
"""

from __future__ import annotations

from .sync_accounts import SyncAccountsMixin
from .sync_remote import RemoteMixin

__all__ = ["SyncMixin"]


class SyncMixin(SyncAccountsMixin, RemoteMixin):
    """The store's sync side: accounts, the outbox, the remote path, conflicts."""
