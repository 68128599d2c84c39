"""A Cognito front for moto that closes the gaps that would make the local stack lie.

moto's Cognito accepts any password with USER_SRP_AUTH, any confirmation
code, signs tokens with a private key published in its wheel, and lacks
or crashes on several calls a desktop client makes. This proxy sits between
clients (pycognito, boto3) and moto's Cognito:

- passwords: SignUp, ConfirmForgotPassword and ChangePassword enforce the
  pool's password policy with Cognito's own error
  (``InvalidPasswordException: Password did not conform with policy: …``);
  at SignUp the proxy keeps an SRP *verifier* (never the password);
- USER_SRP_AUTH is verified for real: the proxy plays the SRP server with its
  own B and salt, checks PASSWORD_CLAIM_SIGNATURE and only then lets moto
  issue tokens; a wrong password gets ``NotAuthorizedException``. An unknown
  user gets a simulated challenge (stable salt and user id per username) and
  then the same ``NotAuthorizedException`` (PreventUserExistenceErrors);
- tokens: every AccessToken/IdToken moto issues is re-signed with the stack's
  own key (:mod:`aurora_cloud.local.tokens`), ``iat``/``auth_time``/``exp`` from
  the stack's clock; calls that carry an AccessToken get moto's original back
  (by ``jti``, persisted, pruned when expired);
- codes: random 6-digit codes, mailed (the outbox gets an .eml), valid 24 h
  (``ExpiredCodeException`` after), ``CodeMismatchException`` when wrong;
- lockout: 5 wrong passwords (or 5 wrong codes) for one user within 15
  minutes → ``LimitExceededException`` until the window has passed;
- RevokeToken, REFRESH_TOKEN_AUTH of revoked/deleted/signed-out users
  (``NotAuthorizedException``, never a 500), ForgotPassword for unknown users
  (simulated delivery, no mail), auth flows the client does not allow.

State (verifiers, open codes, token map, refresh-token records) lives in
DIR/cognito-local.json.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
from pycognito.aws_srp import (
    G_HEX,
    N_HEX,
    calculate_u,
    compute_hkdf,
    hash_sha256,
    hex_hash,
    hex_to_long,
    long_to_hex,
    pad_hex,
)

from aurora_cloud.local.tokens import TokenSigner
from aurora_cloud.reminders.render import Email
from aurora_core import wire

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
# What Cognito serves without AWS credentials: the public client calls, and those an
# access token authorizes. Everything else (Admin*, pool and client management,
# ListUsers ...) needs IAM credentials in AWS, which this stack never hands out: it is
# refused, as AWS refuses a request signed with a key it does not know.
PUBLIC_OPERATIONS = frozenset({
    "SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
    "ConfirmForgotPassword", "InitiateAuth", "RespondToAuthChallenge", "RevokeToken",
    "GetUser", "ChangePassword", "GlobalSignOut", "DeleteUser", "UpdateUserAttributes",
    "DeleteUserAttributes", "VerifyUserAttribute", "GetUserAttributeVerificationCode",
    "SetUserMFAPreference", "SetUserSettings", "AssociateSoftwareToken",
    "VerifySoftwareToken", "ListDevices", "GetDevice", "ConfirmDevice", "ForgetDevice",
    "UpdateDeviceStatus"})
UNRECOGNIZED = "The security token included in the request is invalid."
MOTO_SECRET_HEADER = "X-Aurora-Local-Secret"  # what moto's port wants (moto_state.py)
BIG_N = hex_to_long(N_HEX)
G = hex_to_long(G_HEX)
K = hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))
CHALLENGE_TTL = 300.0
CODE_SECONDS = 24 * 3600  # confirmation and reset codes expire after a day
MAX_FAILURES = 5  # wrong passwords (or codes) per user ...
FAILURE_WINDOW = 15 * 60.0  # ... within this many seconds lock the user out for a while
# Cognito's special characters (and a space inside the password)
SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.1"}
INCORRECT = "Incorrect username or password."
REVOKED = "Refresh Token has been revoked"
TOO_MANY = "Attempt limit exceeded, please try after some time."
BAD_CODE = "Invalid verification code provided, please try again."
EXPIRED_CODE = "Invalid code provided, please request a code again."


def srp_verifier(pool_id: str, user_id: str, password: str) -> tuple[str, str]:
    """(salt hex, verifier hex) for ``password`` the way Cognito's SRP derives x.

    A salt never starts with a zero byte: clients read SALT differently there.
    pycognito pads the hex text as it came ("001e…" stays 16 bytes), while
    amazon-cognito-identity-js (the web app) reads it as a number first and drops the
    leading zero ("1e…", 15 bytes). Their x then differ, and one sign-up in 512 could
    never sign in from a browser. Both agree on every other salt."""
    salt = secrets.token_hex(16)
    while salt.startswith("00"):
        salt = secrets.token_hex(16)
    x = _x(pool_id, user_id, password, salt)
    return salt, long_to_hex(pow(G, x, BIG_N))


def _x(pool_id: str, user_id: str, password: str, salt: str) -> int:
    inner = hash_sha256(f"{pool_id.split('_', 1)[1]}{user_id}:{password}".encode())
    return int(hex_to_long(hex_hash(pad_hex(salt) + inner)))


def password_problem(policy: wire.PasswordPolicy, password: str) -> str | None:
    """Cognito's message for a password the policy refuses, or None if it is fine."""
    if len(password) < policy.min_length:
        return "Password not long enough"
    if policy.require_lowercase and not any(c.islower() for c in password):
        return "Password must have lowercase characters"
    if policy.require_uppercase and not any(c.isupper() for c in password):
        return "Password must have uppercase characters"
    if policy.require_numbers and not any(c.isdigit() for c in password):
        return "Password must have numeric characters"
    if policy.require_symbols and not any(c in SYMBOLS for c in password.strip()):
        return "Password must have symbol characters"
    return None


def mask_email(address: str) -> str:
    """How Cognito shows where a code went: ``m***@e***``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CognitoError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


Response = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class PoolRules:
    """What template.yaml says about the pool and its app client, as the proxy enforces it."""

    allowed_flows: frozenset[str]
    password_policy: wire.PasswordPolicy
    prevent_user_existence_errors: bool = True
    access_token_seconds: int = 3600
    id_token_seconds: int = 3600
    refresh_token_seconds: int = 30 * 86400
    code_seconds: int = CODE_SECONDS
    email_subject: str = "Your confirmation code"
    email_message: str = "Your confirmation code is {####}"
    # UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate: a new
    # value of these is held (and its code mailed to it) until the code is confirmed
    verify_before_update: frozenset[str] = frozenset()


class CognitoProxy:
    """Handles one AWS JSON 1.1 Cognito request; forwards to moto what it need not change.

    ``clock`` gives epoch seconds (the stack's clock: tests move it).
    ``token_seconds`` (None: the rules' validities) is the lifetime of the access
    and ID tokens it issues; it and ``rules`` may be replaced while it runs.
    """

    def __init__(self, moto_url: str, pool_id: str, client_id: str, state_file: Path,
                 send_mail: Callable[[Email], None], sender: str, rules: PoolRules,
                 signer: TokenSigner, clock: Callable[[], float] = time.time,
                 token_seconds: int | None = None, moto_secret: str = "") -> None:
        self.moto = urlsplit(moto_url)
        self.moto_secret = moto_secret
        self.pool_id = pool_id
        self.client_id = client_id
        self.state_file = state_file
        self.send_mail = send_mail
        self.sender = sender
        self.rules = rules
        self.allowed_flows = {f.removeprefix("ALLOW_") for f in rules.allowed_flows}
        self.signer = signer
        self.clock = clock
        self.token_seconds = token_seconds
        self._lock = threading.RLock()
        self._challenges: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[float]] = {}
        self._state: dict[str, Any] = {}
        if state_file.exists():
            self._state = json.loads(state_file.read_text("utf-8"))
        for key in ("verifiers", "codes", "tokens", "refresh"):
            self._state.setdefault(key, {})
        self._state.setdefault("secret", secrets.token_hex(32))

    # -- plumbing ---------------------------------------------------------

    def _now(self) -> float:
        return float(self.clock())

    def _save(self) -> None:
        with self._lock:
            self._prune()
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._state), "utf-8")
            tmp.replace(self.state_file)

    def _prune(self) -> None:
        now = self._now()
        tokens = self._state["tokens"]
        for jti in [j for j, t in tokens.items() if t["exp"] < now]:
            del tokens[jti]
        refresh = self._state["refresh"]
        horizon = now - self.rules.refresh_token_seconds
        for key in [k for k, r in refresh.items() if r["issued"] < horizon]:
            del refresh[key]
        codes = self._state["codes"]
        for key in [k for k, c in codes.items()
                    if isinstance(c, dict) and c["issued"] < now - 7 * 86400]:
            del codes[key]

    def _forward(self, target: str, body: bytes, headers: dict[str, str]) -> Response:
        conn = http.client.HTTPConnection(self.moto.hostname or "127.0.0.1", self.moto.port,
                                          timeout=30)
        try:
            fwd = {k: v for k, v in headers.items()
                   if k.lower() in ("content-type", "authorization", "x-amz-date",
                                    "x-amz-target", "user-agent")}
            fwd["X-Amz-Target"] = target
            if self.moto_secret:
                fwd[MOTO_SECRET_HEADER] = self.moto_secret
            conn.request("POST", "/", body=body, headers=fwd)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {"Content-Type": resp.getheader(
                "Content-Type", "application/x-amz-json-1.1")}, data
        finally:
            conn.close()

    def _call(self, op: str, payload: dict[str, Any]) -> dict[str, Any]:
        status, _, data = self._forward(TARGET_PREFIX + op, json.dumps(payload).encode(),
                                        dict(JSON_HEADERS))
        result: dict[str, Any] = json.loads(data or b"{}")
        if status >= 400:
            raise CognitoError(result.get("__type", "InternalErrorException"),
                               result.get("message", "error"))
        return result

    @staticmethod
    def error(kind: str, message: str) -> Response:
        body = json.dumps({"__type": kind, "message": message}).encode()
        return 400, {**JSON_HEADERS, "x-amzn-ErrorType": kind}, body

    @staticmethod
    def ok(result: dict[str, Any]) -> Response:
        return 200, dict(JSON_HEADERS), json.dumps(result).encode()

    def _find_user(self, username: str) -> dict[str, Any] | None:
        """moto's AdminGetUser answer for ``username`` (an email or the sub), or None."""
        if not username:
            return None
        try:
            return self._call("AdminGetUser", {"UserPoolId": self.pool_id,
                                               "Username": username})
        except CognitoError as exc:
            if exc.kind == "UserNotFoundException":
                return None
            raise

    @staticmethod
    def _email_of(user: dict[str, Any]) -> str:
        attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return str(attrs.get("email", ""))

    @staticmethod
    def _simulated_delivery(username: str) -> dict[str, str]:
        return {"Destination": mask_email(username if "@" in username else "x@x"),
                "DeliveryMedium": "EMAIL", "AttributeName": "email"}

    def _user_exists(self, internal: str) -> bool:
        return self._find_user(internal) is not None

    # -- attempts ---------------------------------------------------------

    def _check_attempts(self, key: str) -> None:
        """Raise LimitExceededException while ``key`` has too many recent failures."""
        now = self._now()
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if t > now - FAILURE_WINDOW]
            self._failures[key] = recent
            locked = len(recent) >= MAX_FAILURES
        if locked:
            raise CognitoError("LimitExceededException", TOO_MANY)

    def _failed(self, key: str) -> None:
        with self._lock:
            self._failures.setdefault(key, []).append(self._now())

    def _succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    # -- codes --------------------------------------------------------------

    def _mail_code(self, user: dict[str, Any], purpose: str,
                   to: str | None = None) -> dict[str, str]:
        """Mail a new code for ``purpose`` to the user's email (or ``to``, which the
        code then confirms: a held email change)."""
        internal = str(user["Username"])
        code = f"{secrets.randbelow(1_000_000):06d}"
        rec: dict[str, Any] = {"code": code, "issued": self._now()}
        if to is not None:
            rec["value"] = to
        with self._lock:
            self._state["codes"][f"{purpose}:{internal}"] = rec
            self._save()
        to = to if to is not None else self._email_of(user)
        self.send_mail(Email(sender=self.sender, to=to, subject=self.rules.email_subject,
                             text=self.rules.email_message.replace("{####}", code) + "\n"))
        return {"Destination": mask_email(to), "DeliveryMedium": "EMAIL",
                "AttributeName": "email"}

    def _check_code(self, internal: str, purpose: str, code: str, *,
                    missing: str = "CodeMismatchException") -> None:
        """Check a mailed code: mismatch, expiry, and the attempt limit."""
        attempts = f"code:{purpose}:{internal}"
        self._check_attempts(attempts)
        with self._lock:
            rec = self._state["codes"].get(f"{purpose}:{internal}")
        if rec is None:
            self._failed(attempts)
            raise CognitoError(missing, BAD_CODE if missing == "CodeMismatchException"
                               else EXPIRED_CODE)
        if isinstance(rec, str):  # a state file from before codes expired
            rec = {"code": rec, "issued": self._now()}
        if not hmac.compare_digest(str(rec["code"]), str(code)):
            self._failed(attempts)
            raise CognitoError("CodeMismatchException", BAD_CODE)
        if self._now() - float(rec["issued"]) > self.rules.code_seconds:
            raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
        self._succeeded(attempts)

    def _forget_code(self, internal: str, purpose: str) -> None:
        with self._lock:
            self._state["codes"].pop(f"{purpose}:{internal}", None)
            self._save()

    # -- passwords ------------------------------------------------------------

    def _check_policy(self, password: str) -> None:
        problem = password_problem(self.rules.password_policy, password)
        if problem is not None:
            raise CognitoError("InvalidPasswordException",
                               f"Password did not conform with policy: {problem}")

    def _set_verifier(self, internal: str, password: str) -> None:
        salt, verifier = srp_verifier(self.pool_id, internal, password)
        with self._lock:
            self._state["verifiers"][internal] = {"salt": salt, "verifier": verifier}
            self._save()

    def _password_matches(self, internal: str, password: str) -> bool:
        with self._lock:
            rec = self._state["verifiers"].get(internal)
        if rec is None:
            return False
        x = _x(self.pool_id, internal, password, rec["salt"])
        return hmac.compare_digest(long_to_hex(pow(G, x, BIG_N)), rec["verifier"])

    # -- tokens -----------------------------------------------------------

    def _lifetimes(self) -> tuple[int, int]:
        if self.token_seconds is not None:
            return self.token_seconds, self.token_seconds
        return self.rules.access_token_seconds, self.rules.id_token_seconds

    def _resign(self, result: dict[str, Any]) -> None:
        """Re-sign moto's tokens in an AuthenticationResult with the stack's key."""
        auth = result.get("AuthenticationResult")
        if not isinstance(auth, dict):
            return
        now = int(self._now())
        access_seconds, id_seconds = self._lifetimes()
        with self._lock:
            for name, seconds in (("AccessToken", access_seconds), ("IdToken", id_seconds)):
                original = auth.get(name)
                if not isinstance(original, str):
                    continue
                claims = jwt.decode(original, options={"verify_signature": False})
                claims.update(iat=now, auth_time=now, exp=now + seconds)
                auth[name] = self.signer.sign(claims)
                if name == "AccessToken":
                    self._state["tokens"][str(claims["jti"])] = {
                        "moto": original, "exp": claims["exp"],
                        "user": str(claims.get("username") or claims["sub"]),
                        "origin": claims.get("origin_jti")}
                    if isinstance(auth.get("RefreshToken"), str):
                        self._state["refresh"][_digest(auth["RefreshToken"])] = {
                            "user": str(claims.get("username") or claims["sub"]),
                            "origin": claims.get("origin_jti"), "issued": now,
                            "revoked": False}
            auth["ExpiresIn"] = access_seconds
            self._save()

    def _moto_access_token(self, token: str) -> str:
        """moto's original of an access token this stack issued; NotAuthorized otherwise."""
        try:
            claims = self.signer.claims(token)
        except jwt.PyJWTError:
            raise CognitoError("NotAuthorizedException", "Invalid Access Token") from None
        if claims.get("token_use") != "access":
            raise CognitoError("NotAuthorizedException", "Invalid Access Token")
        if float(claims.get("exp", 0)) <= self._now():
            raise CognitoError("NotAuthorizedException", "Access Token has expired")
        with self._lock:
            rec = self._state["tokens"].get(str(claims.get("jti")))
        if rec is None:
            raise CognitoError("NotAuthorizedException", "Access Token has been revoked")
        return str(rec["moto"])

    def revoke_user(self, internal: str) -> None:
        """Forget the user's access tokens and revoke its refresh tokens (ours)."""
        with self._lock:
            tokens = self._state["tokens"]
            for jti in [j for j, t in tokens.items() if t["user"] == internal]:
                del tokens[jti]
            for rec in self._state["refresh"].values():
                if rec["user"] == internal:
                    rec["revoked"] = True
            self._save()

    def forget_user(self, internal: str) -> None:
        """The user was deleted: drop its verifier, codes and tokens."""
        with self._lock:
            self._state["verifiers"].pop(internal, None)
            codes = self._state["codes"]
            for key in [k for k in codes if k.split(":", 1)[-1] == internal]:
                del codes[key]
            self.revoke_user(internal)

    # -- entry ------------------------------------------------------------

    def handle(self, target: str, body: bytes, headers: dict[str, str]) -> Response:
        op = target.removeprefix(TARGET_PREFIX)
        if op not in PUBLIC_OPERATIONS:
            return self.error("UnrecognizedClientException", UNRECOGNIZED)
        try:
            payload = json.loads(body or b"{}")
            if not isinstance(payload, dict):
                raise ValueError
        except ValueError:
            return self.error("InvalidParameterException", "the body is not a JSON object")
        try:
            if isinstance(payload.get("AccessToken"), str):
                payload["AccessToken"] = self._moto_access_token(payload["AccessToken"])
                body = json.dumps(payload).encode()
            method = getattr(self, f"_op_{op}", None)
            if method is not None:
                status, hdrs, data = method(target, body, headers, payload)
            else:
                status, hdrs, data = self._forward(target, body, headers)
        except CognitoError as exc:
            return self.error(exc.kind, exc.message)
        if status == 200 and b"AuthenticationResult" in data:
            result = json.loads(data)
            self._resign(result)
            data = json.dumps(result).encode()
        return status, hdrs, data

    # -- sign-up and codes ------------------------------------------------

    def _op_SignUp(self, target: str, body: bytes, headers: dict[str, str],
                   p: dict[str, Any]) -> Response:
        self._check_policy(str(p.get("Password", "")))
        status, hdrs, data = self._forward(target, body, headers)
        if status != 200:
            if b"UsernameExistsException" in data:
                raise CognitoError("UsernameExistsException",
                                   "An account with the given email already exists.")
            return status, hdrs, data
        result = json.loads(data)
        user = self._find_user(str(result["UserSub"]))
        assert user is not None
        self._set_verifier(str(user["Username"]), str(p.get("Password", "")))
        result["CodeDeliveryDetails"] = self._mail_code(user, "signup")
        result["UserConfirmed"] = False
        return 200, hdrs, json.dumps(result).encode()

    def _op_ConfirmSignUp(self, target: str, body: bytes, headers: dict[str, str],
                          p: dict[str, Any]) -> Response:
        user = self._find_user(str(p.get("Username", "")))
        if user is None:
            raise CognitoError("CodeMismatchException", BAD_CODE)
        internal = str(user["Username"])
        self._check_code(internal, "signup", str(p.get("ConfirmationCode", "")))
        status, hdrs, data = self._forward(target, body, headers)
        if status == 200:
            self._forget_code(internal, "signup")
            self._call("AdminUpdateUserAttributes", {
                "UserPoolId": self.pool_id, "Username": internal,
                "UserAttributes": [{"Name": "email_verified", "Value": "true"}]})
        return status, hdrs, data

    def _op_ResendConfirmationCode(self, target: str, body: bytes,
                                   headers: dict[str, str], p: dict[str, Any]) -> Response:
        username = str(p.get("Username", ""))
        user = self._find_user(username)
        if user is None:
            if not self.rules.prevent_user_existence_errors:
                raise CognitoError("UserNotFoundException", "User does not exist.")
            return self.ok({"CodeDeliveryDetails": self._simulated_delivery(username)})
        return self.ok({"CodeDeliveryDetails": self._mail_code(user, "signup")})

    def _op_ForgotPassword(self, target: str, body: bytes, headers: dict[str, str],
                           p: dict[str, Any]) -> Response:
        if p.get("ClientId") != self.client_id:
            raise CognitoError("ResourceNotFoundException", "User pool client does not exist.")
        username = str(p.get("Username", ""))
        user = self._find_user(username)
        if user is None or user.get("UserStatus") == "UNCONFIRMED" or not user.get(
                "Enabled", True):
            if user is None and not self.rules.prevent_user_existence_errors:
                raise CognitoError("UserNotFoundException", "User does not exist.")
            return self.ok({"CodeDeliveryDetails": self._simulated_delivery(username)})
        return self.ok({"CodeDeliveryDetails": self._mail_code(user, "reset")})

    def _op_ConfirmForgotPassword(self, target: str, body: bytes,
                                  headers: dict[str, str], p: dict[str, Any]) -> Response:
        user = self._find_user(str(p.get("Username", "")))
        if user is None:
            raise CognitoError("CodeMismatchException", BAD_CODE)
        internal = str(user["Username"])
        password = str(p.get("Password", ""))
        self._check_policy(password)
        self._check_code(internal, "reset", str(p.get("ConfirmationCode", "")),
                         missing="ExpiredCodeException")
        self._call("AdminSetUserPassword", {"UserPoolId": self.pool_id, "Username": internal,
                                            "Password": password, "Permanent": True})
        self._set_verifier(internal, password)
        self._forget_code(internal, "reset")
        return self.ok({})

    # -- calls with an access token ---------------------------------------

    def _op_UpdateUserAttributes(self, target: str, body: bytes, headers: dict[str, str],
                                 p: dict[str, Any]) -> Response:
        """A new email (UserAttributeUpdateSettings) does not take effect: the code goes
        to the new address and VerifyUserAttribute makes the change; until then the
        verified old address stays the sign-in and recovery address. moto changed it
        at once."""
        attrs = [a for a in p.get("UserAttributes") or [] if isinstance(a, dict)]
        held = [a for a in attrs if a.get("Name") == "email"
                and "email" in self.rules.verify_before_update]
        if not held:
            return self._forward(target, body, headers)
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        internal = str(user["Username"])
        rest = [a for a in attrs if a not in held]
        if rest:
            status, hdrs, data = self._forward(
                target, json.dumps({**p, "UserAttributes": rest}).encode(), headers)
            if status != 200:
                return status, hdrs, data
        new = str(held[-1].get("Value", "")).strip()
        if "@" not in new:
            raise CognitoError("InvalidParameterException", "Invalid email address format.")
        if new.lower() == self._email_of(user).lower():
            return self.ok({"CodeDeliveryDetailsList": []})
        other = self._find_user(new)
        if other is not None and other["Username"] != internal:
            raise CognitoError("AliasExistsException",
                               "An account with the given email already exists.")
        return self.ok({"CodeDeliveryDetailsList": [self._mail_code(user, "email", to=new)]})

    def _held_email(self, internal: str) -> str | None:
        with self._lock:
            rec = self._state["codes"].get(f"email:{internal}")
        return str(rec["value"]) if isinstance(rec, dict) and "value" in rec else None

    def _op_VerifyUserAttribute(self, target: str, body: bytes, headers: dict[str, str],
                                p: dict[str, Any]) -> Response:
        if p.get("AttributeName") != "email" or "email" not in self.rules.verify_before_update:
            return self._forward(target, body, headers)
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        internal = str(user["Username"])
        new = self._held_email(internal)
        if new is None:
            raise CognitoError("CodeMismatchException", BAD_CODE)
        self._check_code(internal, "email", str(p.get("Code", "")))
        other = self._find_user(new)
        if other is not None and other["Username"] != internal:  # taken meanwhile
            raise CognitoError("AliasExistsException",
                               "An account with the given email already exists.")
        self._call("AdminUpdateUserAttributes", {
            "UserPoolId": self.pool_id, "Username": internal,
            "UserAttributes": [{"Name": "email", "Value": new},
                               {"Name": "email_verified", "Value": "true"}]})
        self._forget_code(internal, "email")
        return self.ok({})

    def _op_GetUserAttributeVerificationCode(self, target: str, body: bytes,
                                             headers: dict[str, str],
                                             p: dict[str, Any]) -> Response:
        if p.get("AttributeName") != "email":
            return self._forward(target, body, headers)
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        new = self._held_email(str(user["Username"]))
        if new is None:
            return self._forward(target, body, headers)
        return self.ok({"CodeDeliveryDetails": self._mail_code(user, "email", to=new)})

    def _op_ChangePassword(self, target: str, body: bytes, headers: dict[str, str],
                           p: dict[str, Any]) -> Response:
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        internal = str(user["Username"])
        attempts = f"password:{internal}"
        self._check_attempts(attempts)
        if not self._password_matches(internal, str(p.get("PreviousPassword", ""))):
            self._failed(attempts)
            raise CognitoError("NotAuthorizedException", INCORRECT)
        self._succeeded(attempts)
        self._check_policy(str(p.get("ProposedPassword", "")))
        status, hdrs, data = self._forward(target, body, headers)
        if status == 200:
            self._set_verifier(internal, str(p.get("ProposedPassword", "")))
        return status, hdrs, data

    def _op_GlobalSignOut(self, target: str, body: bytes, headers: dict[str, str],
                          p: dict[str, Any]) -> Response:
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        status, hdrs, data = self._forward(target, body, headers)
        if status == 200:
            self.revoke_user(str(user["Username"]))
        return status, hdrs, data

    def _op_DeleteUser(self, target: str, body: bytes, headers: dict[str, str],
                       p: dict[str, Any]) -> Response:
        """moto has no DeleteUser (it answered 500): the token names the user, who is
        deleted as AdminDeleteUser would."""
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        internal = str(user["Username"])
        self._call("AdminDeleteUser", {"UserPoolId": self.pool_id, "Username": internal})
        self.forget_user(internal)
        return self.ok({})

    def _op_RevokeToken(self, target: str, body: bytes, headers: dict[str, str],
                        p: dict[str, Any]) -> Response:
        """Revoke a refresh token and the access tokens issued with it. Unknown tokens
        succeed too (RFC 7009), as in Cognito."""
        if p.get("ClientId") != self.client_id:
            raise CognitoError("UnauthorizedException", "Invalid client id for this token.")
        token = p.get("Token")
        if not isinstance(token, str) or not token:
            raise CognitoError("InvalidParameterException", "Token is required.")
        with self._lock:
            rec = self._state["refresh"].get(_digest(token))
            if rec is not None:
                rec["revoked"] = True
                tokens = self._state["tokens"]
                for jti in [j for j, t in tokens.items()
                            if rec["origin"] and t.get("origin") == rec["origin"]]:
                    del tokens[jti]
                self._save()
        return self.ok({})

    # -- sign-in ------------------------------------------------------------

    def _op_InitiateAuth(self, target: str, body: bytes, headers: dict[str, str],
                         p: dict[str, Any]) -> Response:
        flow = str(p.get("AuthFlow", ""))
        allowed = self.allowed_flows | ({"REFRESH_TOKEN"} if "REFRESH_TOKEN_AUTH"
                                        in self.allowed_flows else set())
        if flow not in allowed:
            raise CognitoError("InvalidParameterException",
                               f"{flow} flow is not enabled for this client")
        if p.get("ClientId") != self.client_id:
            raise CognitoError("ResourceNotFoundException", "User pool client does not exist.")
        params = p.get("AuthParameters") or {}
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return self._refresh(target, body, headers, str(params.get("REFRESH_TOKEN", "")))
        srp_a = hex_to_long(str(params.get("SRP_A", "0")) or "0")
        if srp_a % BIG_N == 0:
            raise CognitoError("InvalidParameterException", "SRP_A is invalid")
        username = str(params.get("USERNAME", ""))
        if self._find_user(username) is None:
            if not self.rules.prevent_user_existence_errors:
                raise CognitoError("UserNotFoundException", "User does not exist.")
            return self._simulated_challenge(username, srp_a)
        status, hdrs, data = self._forward(target, body, headers)
        if status != 200:
            return status, hdrs, data
        result = json.loads(data)
        params = result.get("ChallengeParameters", {})
        user_id = params.get("USER_ID_FOR_SRP", "")
        with self._lock:
            rec = self._state["verifiers"].get(user_id)
        if rec is None or "SECRET_BLOCK" not in params:
            raise CognitoError("NotAuthorizedException", INCORRECT)
        block = self._challenge(srp_a, user_id, hex_to_long(rec["verifier"]),
                                params["SECRET_BLOCK"])
        params.update({"SALT": rec["salt"], "SRP_B": long_to_hex(self._challenges[block]["B"]),
                       "SECRET_BLOCK": block})
        result["ChallengeParameters"] = params
        if "Session" in result:
            result["Session"] = block
        return 200, hdrs, json.dumps(result).encode()

    def _challenge(self, srp_a: int, user_id: str, v: int, moto_block: str | None) -> str:
        b = hex_to_long(secrets.token_hex(128))
        big_b = (K * v + pow(G, b, BIG_N)) % BIG_N
        block = base64.standard_b64encode(secrets.token_bytes(64)).decode()
        with self._lock:
            now = time.monotonic()
            for key in [k for k, c in self._challenges.items() if c["expires"] < now]:
                del self._challenges[key]
            self._challenges[block] = {"A": srp_a, "b": b, "B": big_b, "v": v,
                                       "user_id": user_id, "moto_block": moto_block,
                                       "expires": now + CHALLENGE_TTL}
        return block

    def _simulated_challenge(self, username: str, srp_a: int) -> Response:
        """What Cognito answers for an unknown user (PreventUserExistenceErrors): a
        challenge with a salt and user id that are stable for the username; the
        response to it always fails with NotAuthorizedException."""
        seed = hmac.new(bytes.fromhex(self._state["secret"]),
                        f"{self.pool_id}|{username.lower()}".encode(), hashlib.sha256).digest()
        user_id = str(uuid.UUID(bytes=seed[:16], version=4))
        salt = seed[16:].hex()
        block = self._challenge(srp_a, user_id, pow(G, hex_to_long(secrets.token_hex(32)),
                                                    BIG_N), None)
        return self.ok({"ChallengeName": "PASSWORD_VERIFIER", "Session": block,
                        "ChallengeParameters": {
                            "SALT": salt, "SRP_B": long_to_hex(self._challenges[block]["B"]),
                            "USERNAME": user_id, "USER_ID_FOR_SRP": user_id,
                            "SECRET_BLOCK": block}})

    def _refresh(self, target: str, body: bytes, headers: dict[str, str],
                 token: str) -> Response:
        with self._lock:
            rec = self._state["refresh"].get(_digest(token))
        if rec is not None and (rec["revoked"] or not self._user_exists(rec["user"])):
            raise CognitoError("NotAuthorizedException", REVOKED)
        status, hdrs, data = self._forward(target, body, headers)
        if status >= 500:  # moto crashes on a refresh token of a deleted user
            raise CognitoError("NotAuthorizedException", "Invalid Refresh Token")
        return status, hdrs, data

    def _op_RespondToAuthChallenge(self, target: str, body: bytes,
                                   headers: dict[str, str], p: dict[str, Any]) -> Response:
        if p.get("ChallengeName") != "PASSWORD_VERIFIER":
            return self._forward(target, body, headers)
        responses = dict(p.get("ChallengeResponses") or {})
        block = str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""))
        with self._lock:
            ch = self._challenges.get(block)
        if ch is None or ch["expires"] < time.monotonic():
            raise CognitoError("NotAuthorizedException", INCORRECT)
        attempts = f"password:{ch['user_id']}"
        # Locked out: the challenge stays, so a retry (botocore retries
        # LimitExceededException) gets the same answer rather than a lost challenge.
        self._check_attempts(attempts)
        with self._lock:
            if self._challenges.pop(block, None) is None:  # a concurrent answer took it
                raise CognitoError("NotAuthorizedException", INCORRECT)
        u = calculate_u(ch["A"], ch["B"])
        s = pow(ch["A"] * pow(ch["v"], u, BIG_N), ch["b"], BIG_N)
        key = compute_hkdf(bytearray.fromhex(pad_hex(s)),
                           bytearray.fromhex(pad_hex(long_to_hex(u))))
        msg = (self.pool_id.split("_", 1)[1].encode() + ch["user_id"].encode()
               + base64.standard_b64decode(block) + str(responses.get("TIMESTAMP", "")).encode())
        expected = hmac.new(key, msg, hashlib.sha256).digest()
        try:
            claimed = base64.standard_b64decode(str(responses.get("PASSWORD_CLAIM_SIGNATURE", "")))
        except ValueError:
            claimed = b""
        if ch["moto_block"] is None or not hmac.compare_digest(expected, claimed):
            self._failed(attempts)
            raise CognitoError("NotAuthorizedException", INCORRECT)
        self._succeeded(attempts)
        responses["PASSWORD_CLAIM_SECRET_BLOCK"] = ch["moto_block"]
        p = {**p, "ChallengeResponses": responses}
        if "Session" in p:
            p["Session"] = ch["moto_block"]
        return self._forward(target, json.dumps(p).encode(), headers)
