"""A Cognito front for moto that closes the gaps that would make the local stack lie.

moto's Cognito accepts any password with USER_SRP_AUTH and any
confirmation code. This proxy sits between clients (pycognito, boto3) and
moto's Cognito:

- at SignUp it keeps an SRP *verifier* of the password (never the password)
  and mails a random 6-digit confirmation code (the outbox gets an .eml);
- ConfirmSignUp succeeds only with that code; ResendConfirmationCode mails a
  new one; ForgotPassword/ConfirmForgotPassword work the same way;
- USER_SRP_AUTH is verified for real: the proxy plays the SRP server with
  its own B and salt, checks PASSWORD_CLAIM_SIGNATURE and only then lets
  moto issue tokens; a wrong password gets NotAuthorizedException;
- auth flows the app client does not allow (per the template) are refused.

State (verifiers and open codes) lives in DIR/cognito-local.json.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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

from aurora_cloud.reminders.render import Email

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
BIG_N = hex_to_long(N_HEX)
G = hex_to_long(G_HEX)
K = hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))
CHALLENGE_TTL = 300.0


def srp_verifier(pool_id: str, user_id: str, password: str) -> tuple[str, str]:
    """(salt hex, verifier hex) for ``password`` the way Cognito's SRP derives x."""
    salt = secrets.token_hex(16)
    x = _x(pool_id, user_id, password, salt)
    return salt, long_to_hex(pow(G, x, BIG_N))


def _x(pool_id: str, user_id: str, password: str, salt: str) -> int:
    inner = hash_sha256(f"{pool_id.split('_', 1)[1]}{user_id}:{password}".encode())
    return int(hex_to_long(hex_hash(pad_hex(salt) + inner)))


class CognitoError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


Response = tuple[int, dict[str, str], bytes]


class CognitoProxy:
    """Handles one AWS JSON 1.1 Cognito request; forwards to moto what it need not change."""

    def __init__(self, moto_url: str, pool_id: str, client_id: str, state_file: Path,
                 send_mail: Callable[[Email], None], sender: str,
                 allowed_flows: list[str], subject: str, body_template: str) -> None:
        self.moto = urlsplit(moto_url)
        self.pool_id = pool_id
        self.client_id = client_id
        self.state_file = state_file
        self.send_mail = send_mail
        self.sender = sender
        self.allowed_flows = {f.removeprefix("ALLOW_") for f in allowed_flows}
        self.subject = subject
        self.body_template = body_template
        self._lock = threading.Lock()
        self._challenges: dict[str, dict[str, Any]] = {}
        self._state: dict[str, Any] = {"verifiers": {}, "codes": {}}
        if state_file.exists():
            self._state = json.loads(state_file.read_text("utf-8"))

    # -- plumbing ---------------------------------------------------------

    def _save(self) -> None:
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._state), "utf-8")
        tmp.replace(self.state_file)

    def _forward(self, target: str, body: bytes, headers: dict[str, str]) -> Response:
        conn = http.client.HTTPConnection(self.moto.hostname or "127.0.0.1", self.moto.port,
                                          timeout=30)
        try:
            fwd = {k: v for k, v in headers.items()
                   if k.lower() in ("content-type", "authorization", "x-amz-date",
                                    "x-amz-target", "user-agent")}
            fwd["X-Amz-Target"] = target
            conn.request("POST", "/", body=body, headers=fwd)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {"Content-Type": resp.getheader(
                "Content-Type", "application/x-amz-json-1.1")}, data
        finally:
            conn.close()

    def _call(self, op: str, payload: dict[str, Any]) -> dict[str, Any]:
        status, _, data = self._forward(TARGET_PREFIX + op, json.dumps(payload).encode(),
                                        {"Content-Type": "application/x-amz-json-1.1"})
        result: dict[str, Any] = json.loads(data or b"{}")
        if status >= 400:
            raise CognitoError(result.get("__type", "InternalErrorException"),
                               result.get("message", "error"))
        return result

    @staticmethod
    def error(kind: str, message: str) -> Response:
        body = json.dumps({"__type": kind, "message": message}).encode()
        return 400, {"Content-Type": "application/x-amz-json-1.1",
                     "x-amzn-ErrorType": kind}, body

    def _internal_username(self, username: str) -> str:
        user = self._call("AdminGetUser", {"UserPoolId": self.pool_id, "Username": username})
        return str(user["Username"])

    def _email_of(self, internal: str) -> str:
        user = self._call("AdminGetUser", {"UserPoolId": self.pool_id, "Username": internal})
        attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return str(attrs.get("email", ""))

    def _mail_code(self, internal: str, purpose: str) -> dict[str, str]:
        code = f"{secrets.randbelow(1_000_000):06d}"
        with self._lock:
            self._state["codes"][f"{purpose}:{internal}"] = code
            self._save()
        to = self._email_of(internal)
        self.send_mail(Email(sender=self.sender, to=to, subject=self.subject,
                             text=self.body_template.replace("{####}", code) + "\n"))
        masked = to[:1] + "***@" + to.rsplit("@", 1)[-1] if "@" in to else "***"
        return {"Destination": masked, "DeliveryMedium": "EMAIL", "AttributeName": "email"}

    def _check_code(self, internal: str, purpose: str, code: str) -> None:
        with self._lock:
            expected = self._state["codes"].get(f"{purpose}:{internal}")
        if expected is None or not hmac.compare_digest(expected, str(code)):
            raise CognitoError("CodeMismatchException",
                               "Invalid verification code provided, please try again.")

    def _forget_code(self, internal: str, purpose: str) -> None:
        with self._lock:
            self._state["codes"].pop(f"{purpose}:{internal}", None)
            self._save()

    def _set_verifier(self, internal: str, password: str) -> None:
        salt, verifier = srp_verifier(self.pool_id, internal, password)
        with self._lock:
            self._state["verifiers"][internal] = {"salt": salt, "verifier": verifier}
            self._save()

    # -- entry ------------------------------------------------------------

    def handle(self, target: str, body: bytes, headers: dict[str, str]) -> Response:
        op = target.removeprefix(TARGET_PREFIX)
        try:
            payload = json.loads(body or b"{}")
            if not isinstance(payload, dict):
                raise ValueError
        except ValueError:
            return self.error("InvalidParameterException", "the body is not a JSON object")
        try:
            method = getattr(self, f"_op_{op}", None)
            if method is not None:
                result: Response = method(target, body, headers, payload)
                return result
            return self._forward(target, body, headers)
        except CognitoError as exc:
            return self.error(exc.kind, exc.message)

    # -- operations that need the gaps closed -----------------------------

    def _op_SignUp(self, target: str, body: bytes, headers: dict[str, str],
                   p: dict[str, Any]) -> Response:
        status, hdrs, data = self._forward(target, body, headers)
        if status != 200:
            return status, hdrs, data
        result = json.loads(data)
        internal = self._internal_username(result["UserSub"])
        self._set_verifier(internal, str(p.get("Password", "")))
        result["CodeDeliveryDetails"] = self._mail_code(internal, "signup")
        result["UserConfirmed"] = False
        return 200, hdrs, json.dumps(result).encode()

    def _op_ConfirmSignUp(self, target: str, body: bytes, headers: dict[str, str],
                          p: dict[str, Any]) -> Response:
        internal = self._internal_username(str(p.get("Username", "")))
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
        internal = self._internal_username(str(p.get("Username", "")))
        details = self._mail_code(internal, "signup")
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(
            {"CodeDeliveryDetails": details}).encode()

    def _op_ForgotPassword(self, target: str, body: bytes, headers: dict[str, str],
                           p: dict[str, Any]) -> Response:
        internal = self._internal_username(str(p.get("Username", "")))
        details = self._mail_code(internal, "reset")
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(
            {"CodeDeliveryDetails": details}).encode()

    def _op_ConfirmForgotPassword(self, target: str, body: bytes,
                                  headers: dict[str, str], p: dict[str, Any]) -> Response:
        internal = self._internal_username(str(p.get("Username", "")))
        self._check_code(internal, "reset", str(p.get("ConfirmationCode", "")))
        password = str(p.get("Password", ""))
        self._call("AdminSetUserPassword", {"UserPoolId": self.pool_id, "Username": internal,
                                            "Password": password, "Permanent": True})
        self._set_verifier(internal, password)
        self._forget_code(internal, "reset")
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}"

    def _op_ChangePassword(self, target: str, body: bytes, headers: dict[str, str],
                           p: dict[str, Any]) -> Response:
        user = self._call("GetUser", {"AccessToken": p.get("AccessToken", "")})
        internal = str(user["Username"])
        if not self._password_matches(internal, str(p.get("PreviousPassword", ""))):
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.")
        status, hdrs, data = self._forward(target, body, headers)
        if status == 200:
            self._set_verifier(internal, str(p.get("ProposedPassword", "")))
        return status, hdrs, data

    def _password_matches(self, internal: str, password: str) -> bool:
        with self._lock:
            rec = self._state["verifiers"].get(internal)
        if rec is None:
            return False
        x = _x(self.pool_id, internal, password, rec["salt"])
        return hmac.compare_digest(long_to_hex(pow(G, x, BIG_N)), rec["verifier"])

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
        if flow != "USER_SRP_AUTH":
            return self._forward(target, body, headers)
        srp_a = hex_to_long(str((p.get("AuthParameters") or {}).get("SRP_A", "0")) or "0")
        if srp_a % BIG_N == 0:
            raise CognitoError("InvalidParameterException", "SRP_A is invalid")
        status, hdrs, data = self._forward(target, body, headers)
        if status != 200:
            return status, hdrs, data
        result = json.loads(data)
        params = result.get("ChallengeParameters", {})
        user_id = params.get("USER_ID_FOR_SRP", "")
        with self._lock:
            rec = self._state["verifiers"].get(user_id)
        if rec is None or "SECRET_BLOCK" not in params:
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.")
        v = hex_to_long(rec["verifier"])
        b = hex_to_long(secrets.token_hex(128))
        big_b = (K * v + pow(G, b, BIG_N)) % BIG_N
        block = base64.standard_b64encode(secrets.token_bytes(64)).decode()
        with self._lock:
            now = time.monotonic()
            for key in [k for k, c in self._challenges.items() if c["expires"] < now]:
                del self._challenges[key]
            self._challenges[block] = {"A": srp_a, "b": b, "B": big_b, "v": v,
                                       "user_id": user_id, "moto_block": params["SECRET_BLOCK"],
                                       "expires": now + CHALLENGE_TTL}
        params.update({"SALT": rec["salt"], "SRP_B": long_to_hex(big_b), "SECRET_BLOCK": block})
        result["ChallengeParameters"] = params
        if "Session" in result:
            result["Session"] = block
        return 200, hdrs, json.dumps(result).encode()

    def _op_RespondToAuthChallenge(self, target: str, body: bytes,
                                   headers: dict[str, str], p: dict[str, Any]) -> Response:
        if p.get("ChallengeName") != "PASSWORD_VERIFIER":
            return self._forward(target, body, headers)
        responses = dict(p.get("ChallengeResponses") or {})
        block = str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""))
        with self._lock:
            ch = self._challenges.pop(block, None)
        if ch is None or ch["expires"] < time.monotonic():
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.")
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
        if not hmac.compare_digest(expected, claimed):
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.")
        responses["PASSWORD_CLAIM_SECRET_BLOCK"] = ch["moto_block"]
        p = {**p, "ChallengeResponses": responses}
        if "Session" in p:
            p["Session"] = ch["moto_block"]
        return self._forward(target, json.dumps(p).encode(), headers)
