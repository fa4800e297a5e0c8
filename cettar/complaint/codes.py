"""Tracking codes and access secrets.

A tracking code is what a citizen types or reads out over the phone, so it uses Crockford's
base32 alphabet (no I, L, O, U) in groups of four: ``CTR-7KQ4-M2XD-9F3A`` carries 60 random bits,
far too many to guess or enumerate behind a rate limit. The access secret of a confidential
complaint is a 128-bit bearer secret: shown once, only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 3
PREFIX = "CTR"
_CODE = re.compile(r"^CTR-[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){%d}$" % (GROUPS - 1))
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_tracking_code() -> str:
    groups = ["".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(GROUPS)]
    return "-".join([PREFIX, *groups])


def normalise_tracking_code(value: str) -> str | None:
    """Accept what people type (lower case, spaces, O for 0); None when it cannot be a code."""
    compact = re.sub(r"[\s-]", "", value.upper())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    compact = compact.translate(_CONFUSABLE)
    code = "-".join([PREFIX, *(compact[i : i + 4] for i in range(0, len(compact), 4))])
    return code if _CODE.match(code) else None


SECRET_GROUPS = 6  # 24 characters of 32: 120 random bits


def new_access_secret() -> str:
    """Groups of four in the tracking code's alphabet: nothing to confuse when it is copied by hand
    (no I, L, O, U; lower case, spaces and O for 0 are accepted back)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(SECRET_GROUPS))


def normalise_secret(value: str) -> str:
    compact = re.sub(r"[\s-]", "", value.upper()).translate(_CONFUSABLE)
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(normalise_secret(secret).encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Whether ``secret`` opens the complaint; secrets issued before the grouped alphabet (URL-safe
    base64, case-sensitive) are compared exactly."""
    if stored_hash is None:
        return False
    legacy = hashlib.sha256(secret.strip().encode("utf-8")).hexdigest()
    return hmac.compare_digest(hash_secret(secret), stored_hash) or hmac.compare_digest(legacy, stored_hash)
