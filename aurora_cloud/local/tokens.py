"""The local stack's own token-signing key.

moto signs every Cognito token with one RSA key whose *private* half ships
in the moto wheel, so anyone could mint tokens a moto-backed stack accepts.
The local stack generates its own key on first start (``DIR/signing-key.pem``,
mode 0600, reused after a restart), re-signs the tokens moto issues with it
and publishes only its public half as the pool's JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_FILE = "signing-key.pem"


def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
    if path.exists():
        os.chmod(path, 0o600)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key")
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return key


class TokenSigner:
    """RS256 signing with the stack's own key; ``kid`` is the key's RFC 7638 thumbprint."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / KEY_FILE
        self._key = _load_or_create(self.path)
        self._public_jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        canonical = json.dumps({k: self._public_jwk[k] for k in ("e", "kty", "n")},
                               separators=(",", ":"), sort_keys=True)
        digest = hashlib.sha256(canonical.encode()).digest()
        self.kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def jwks(self) -> dict[str, Any]:
        """The public key set, as Cognito serves it at /<pool>/.well-known/jwks.json."""
        return {"keys": [{**self._public_jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def claims(self, token: str) -> dict[str, Any]:
        """The claims of a token this signer made; raises ``jwt.PyJWTError`` otherwise.

        Only the signature is checked here: expiry is the caller's (it has the
        stack's clock).
        """
        if jwt.get_unverified_header(token).get("kid") != self.kid:
            raise jwt.InvalidTokenError("not signed by this stack")
        data: dict[str, Any] = jwt.decode(
            token, self._key.public_key(), algorithms=["RS256"],
            options={"verify_aud": False, "verify_exp": False, "verify_iat": False,
                     "verify_nbf": False, "verify_iss": False})
        return data
