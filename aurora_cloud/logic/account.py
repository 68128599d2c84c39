"""The account: its session checks, signing out everywhere, deletion, and settings."""

from __future__ import annotations

import math
from datetime import timedelta, tzinfo

from aurora_cloud.accounts import Accounts
from aurora_cloud.errors import AuroraError, Unauthorized
from aurora_cloud.logic.base import ServiceBase
from aurora_core import wire
from aurora_core.times import DisplayZone

DELETE_BUDGET = 2_000  # items one DELETE /me call deletes at most (the Lambda never times out)
REVOKED_KEEP = timedelta(days=2)  # the revoked mark outlives any token (Cognito: ≤ 1 day)
SIGNED_OUT = "the session was signed out; sign in again"


class AccountPart(ServiceBase):
    def check_session(self, sub: str, issued_at: float | None) -> None:
        """Raise :class:`Unauthorized` if the token (issued at ``issued_at``, epoch
        seconds) predates the user's last sign-out-everywhere, or the account was
        deleted (every token of a deleted user predates its deletion).

        Compares whole seconds (token ``iat`` has no fraction): a token issued in
        the same second as a sign-out still passes, so signing in again at once
        works. One consistent GetItem.
        """
        mark = self.storage.revoked_at(sub)
        if mark is None:
            return
        revoked_at, deleted = mark
        if deleted or issued_at is None or issued_at < math.floor(revoked_at):
            raise Unauthorized(SIGNED_OUT, headers={
                "WWW-Authenticate": 'Bearer error="invalid_token"'})

    def _accounts(self) -> Accounts:
        if self.accounts is None:
            raise AuroraError("this server cannot change accounts (no user directory)")
        return self.accounts

    def sign_out_everywhere(self, sub: str, username: str) -> None:
        """Revoke the user's refresh tokens (Cognito), then refuse every token issued
        until now. In that order, so a failure half way can be retried with the
        same token."""
        self._accounts().sign_out_everywhere(username)
        self.storage.mark_revoked(sub, self.clock(), REVOKED_KEEP)

    def delete_account(self, sub: str, username: str) -> bool:
        """Delete the user's items (at most :data:`DELETE_BUDGET` per call); when none
        remain, delete the Cognito user and refuse every token issued until now.

        Returns True when the account is gone, False when the caller must call
        again. Retrying after a failure is safe: every step is idempotent, and
        the Cognito user goes before the mark, so a retry still has a valid token.
        """
        _, more = self.storage.delete_user_items(sub, DELETE_BUDGET)
        if more:
            return False
        self._accounts().delete_user(username)
        self.storage.mark_revoked(sub, self.clock(), REVOKED_KEEP, account_deleted=True)
        # A write that passed its token check before the mark may have landed meanwhile.
        self.storage.delete_user_items(sub, DELETE_BUDGET)
        return True

    # -- settings ---------------------------------------------------------

    def get_settings(self, sub: str) -> wire.SettingsWire:
        data = self.storage.get_settings(sub)
        return wire.SettingsWire.model_validate(data) if data else wire.SettingsWire()

    def put_settings(self, sub: str, body: wire.SettingsWire) -> wire.SettingsWire:
        current = self.get_settings(sub)
        new = body.model_copy(update={"version": current.version + 1,
                                      "updated_at": self.clock().replace(microsecond=0)})
        self.storage.put_settings(sub, new.model_dump(mode="json"))
        return new

    def user_zone(self, sub: str) -> tzinfo:
        return DisplayZone.named(self.get_settings(sub).timezone).tz
