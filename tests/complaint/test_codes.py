import re

from cettar.complaint import codes


def test_tracking_codes_are_readable_and_unpredictable() -> None:
    generated = {codes.new_tracking_code() for _ in range(5000)}
    assert len(generated) == 5000
    for code in list(generated)[:200]:
        assert re.fullmatch(r"CTR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    # every symbol of the alphabet turns up in every position: no position is fixed or sequential
    positions = [{code.replace("-", "")[3 + i] for code in generated} for i in range(12)]
    assert all(len(symbols) == len(codes.ALPHABET) for symbols in positions)


def test_what_people_type_is_normalised() -> None:
    code = codes.new_tracking_code()
    assert codes.normalise_tracking_code(code.lower()) == code
    assert codes.normalise_tracking_code(code.replace("-", " ")) == code
    assert codes.normalise_tracking_code("ctr-0000-1111-2222".replace("0", "o")) == "CTR-0000-1111-2222"
    for bad in ("", "CTR-1234", "1 OR 1=1", "CTR-UUUU-UUUU-UUUU", "../../etc/passwd"):
        assert codes.normalise_tracking_code(bad) is None


def test_access_secrets_are_stored_only_as_hashes() -> None:
    secret = codes.new_access_secret()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}", secret)  # 120 bits, no look-alikes
    stored = codes.hash_secret(secret)
    assert secret not in stored
    assert codes.secret_matches(secret, stored)
    assert not codes.secret_matches(secret + "x", stored)
    assert not codes.secret_matches(secret, None)


def test_an_access_secret_copied_by_hand_still_opens_and_an_old_one_too() -> None:
    secret = codes.new_access_secret()
    stored = codes.hash_secret(secret)
    by_hand = secret.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert codes.secret_matches(by_hand, stored)
    assert not codes.secret_matches(secret[:-1] + ("0" if secret[-1] != "0" else "1"), stored)
    import hashlib

    legacy = "Zx9_kQ2-uV7wPq3rT5yB1A"  # a secret of the URL-safe base64 kind issued before
    assert codes.secret_matches(legacy, hashlib.sha256(legacy.encode()).hexdigest())
    assert not codes.secret_matches(legacy.lower(), hashlib.sha256(legacy.encode()).hexdigest())
