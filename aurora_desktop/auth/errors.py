"""What can go wrong with an account, as sentences a person can act on.

Every failure of the account service reaches callers as :class:`AuthError`:
a ``kind`` (for code that reacts, e.g. "not_confirmed" leads to the confirm
step) and a ``message`` written for the user. Tokens and passwords never
appear in either.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AuthError", "from_cognito", "unreachable"]

# The kinds callers may branch on.
WRONG_PASSWORD = "wrong_password"
UNKNOWN_USER = "unknown_user"
NOT_CONFIRMED = "not_confirmed"
BAD_CODE = "bad_code"
EXPIRED_CODE = "expired_code"
EXISTS = "exists"
TOO_MANY = "too_many"
UNREACHABLE = "unreachable"
WEAK_PASSWORD = "weak_password"
SIGNED_OUT = "signed_out"
NO_SECURE_STORE = "no_secure_store"
SERVER = "server"
INVALID = "invalid"
CANCELLED = "cancelled"


class AuthError(Exception):
    """An account operation failed; ``message`` says why and what to do."""

    def __init__(self, kind: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after  # seconds, when the server says when to try again

    def __str__(self) -> str:
        return self.message


def unreachable(url: str) -> AuthError:
    return AuthError(UNREACHABLE, f"Cannot reach the Aurora server at {url}. Check the "
                                  "address and your connection, then try again.")


def _policy_detail(message: str) -> str:
    detail = message.split(":", 1)[1].strip() if ":" in message else message
    return detail.rstrip(".") or "it is too weak"


def from_cognito(code: str, message: str, *, email: str = "", operation: str = "") -> AuthError:
    """The sentence for one Cognito error ``code`` (its own ``message`` only as a detail).

    ``operation`` is the Cognito call ("InitiateAuth", "ConfirmSignUp", …): the
    same code means different things in different places.
    """
    who = email or "this email"
    low = message.lower()
    if code == "NotAuthorizedException":
        if operation in ("REFRESH", "RevokeToken") or "refresh token" in low or "revoked" in low:
            return AuthError(SIGNED_OUT, "Your sign-in has ended (signed out elsewhere, expired "
                                         "or the account was deleted). Sign in again; nothing "
                                         "on this computer was lost.")
        if "attempts exceeded" in low or "attempt limit" in low:
            return AuthError(TOO_MANY, "Too many wrong passwords. Wait 15 minutes, then try "
                                       "again (or reset the password).", retry_after=900)
        if operation == "ChangePassword":
            return AuthError(WRONG_PASSWORD, "The current password is not right.")
        if "not confirmed" in low:
            return AuthError(NOT_CONFIRMED, f"The account {who} is not confirmed yet: enter "
                                            "the code that was emailed to you.")
        return AuthError(WRONG_PASSWORD, "The email or the password is not right. Check both, "
                                         "or reset the password.")
    if code == "UserNotFoundException":
        return AuthError(UNKNOWN_USER, f"There is no Aurora account for {who} on this server. "
                                       "Create one, or check the email.")
    if code == "UserNotConfirmedException":
        return AuthError(NOT_CONFIRMED, f"The account {who} is not confirmed yet: enter the "
                                        "code that was emailed to you.")
    if code == "CodeMismatchException":
        return AuthError(BAD_CODE, "That code is not right. Check the newest email from Aurora "
                                   "Time and type its 6 digits.")
    if code == "ExpiredCodeException":
        return AuthError(EXPIRED_CODE, "That code has expired. Ask for a new code and use the "
                                       "newest email.")
    if code in ("UsernameExistsException", "AliasExistsException"):
        return AuthError(EXISTS, f"An account for {who} already exists. Sign in, or reset "
                                 "its password if you forgot it.")
    if code in ("LimitExceededException", "TooManyFailedAttemptsException"):
        return AuthError(TOO_MANY, "Too many attempts. Wait 15 minutes, then try again.",
                         retry_after=900)
    if code == "TooManyRequestsException":
        return AuthError(TOO_MANY, "The server is busy with too many requests. Try again in a "
                                   "minute.", retry_after=60)
    if code == "InvalidPasswordException":
        return AuthError(WEAK_PASSWORD, "The server refused this password: "
                                        f"{_policy_detail(message)}.")
    if code == "CodeDeliveryFailureException":
        return AuthError(SERVER, f"The server could not email a code to {who}. Check the "
                                 "address, or try again later.")
    if code in ("InvalidParameterException", "InvalidLambdaResponseException"):
        return AuthError(INVALID, f"The server refused the request: {message[:200]}")
    if code in ("ResourceNotFoundException",):
        return AuthError(SERVER, "This server's sign-in is not set up the way Aurora Time "
                                 "expects (unknown app client). Check the server address.")
    return AuthError(SERVER, f"The sign-in service answered with an error ({code or 'unknown'}). "
                             "Try again later.")


def client_error_parts(exc: Any) -> tuple[str, str]:
    """(code, message) of a botocore ClientError."""
    err = getattr(exc, "response", {}).get("Error", {})
    return str(err.get("Code", "")), str(err.get("Message", ""))
