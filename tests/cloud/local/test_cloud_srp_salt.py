"""The local stack's SRP salts read the same in every client (web_defects D6).

pycognito (the desktop) pads SALT's hex text as it came; amazon-cognito-identity-js
(the web app) reads it as a number first, so a leading zero byte is dropped. For a salt
"00" followed by a nibble 0-7 the two derive different keys and the browser could
never sign in (one sign-up in 512, seen as a rare CI failure).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from aurora_cloud.local import cognito

BROKEN = "001eacc7a680cd2d960d9f7862f06dfe"  # the salt of the account that failed


def js_pad_hex(salt_hex: str) -> str:
    """What amazon-cognito-identity-js does: padHex(new BigInteger(SALT, 16))."""
    h = format(int(salt_hex, 16), "x")
    if len(h) % 2:
        return "0" + h
    return "00" + h if h[0] in "89abcdef" else h


def test_a_salt_starting_with_a_zero_byte_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = itertools.chain([BROKEN, "0011" + "ab" * 14], itertools.repeat("5e" * 16))
    monkeypatch.setattr(cognito.secrets, "token_hex", lambda n: next(drawn))
    salt, _ = cognito.srp_verifier("eu-west-1_pool", "user-1", "Correct horse 9!")
    assert salt == "5e" * 16
    assert cognito.pad_hex(salt) == js_pad_hex(salt)  # both clients derive the same x


@pytest.mark.parametrize("salt", [BROKEN, "0a1e" + "00" * 14, "008e" + "11" * 14])
def test_the_clients_disagree_only_on_a_zero_byte_then_a_low_nibble(salt: str) -> None:
    # Why the rule is "no leading zero byte": the one case where the two paddings differ.
    agree = cognito.pad_hex(salt) == js_pad_hex(salt)
    assert agree == (not (salt.startswith("00") and salt[2] in "01234567"))


def test_many_salts_all_read_the_same_in_both_clients() -> None:
    salts: list[Any] = [cognito.srp_verifier("eu-west-1_pool", f"u{i}", "pw")[0]
                        for i in range(300)]
    assert all(cognito.pad_hex(s) == js_pad_hex(s) for s in salts)
