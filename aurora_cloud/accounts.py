"""The user directory the API changes: Cognito's admin calls, behind a small interface.

The service takes an :class:`Accounts`; in AWS it is :class:`CognitoAccounts`
on a boto3 ``cognito-idp`` client (IAM: AdminDeleteUser and
AdminUserGlobalSignOut on the pool only); the local stack wraps the same
class on moto and also makes its Cognito proxy forget the user.
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol


class Accounts(Protocol):
    def sign_out_everywhere(self, username: str) -> None:
        """Revoke every refresh token of the user; a user that no longer exists is fine."""

    def delete_user(self, username: str) -> None:
        """Delete the user from the pool; a user that no longer exists is fine."""


class CognitoAccounts:
    """:class:`Accounts` over Cognito's admin API (``username``: the pool's username,
    which for an email-as-username pool is the user's ``sub``)."""

    def __init__(self, client: Any, pool_id: str) -> None:
        self.client = client
        self.pool_id = pool_id

    def sign_out_everywhere(self, username: str) -> None:
        with contextlib.suppress(self.client.exceptions.UserNotFoundException):
            self.client.admin_user_global_sign_out(UserPoolId=self.pool_id, Username=username)

    def delete_user(self, username: str) -> None:
        with contextlib.suppress(self.client.exceptions.UserNotFoundException):
            self.client.admin_delete_user(UserPoolId=self.pool_id, Username=username)
