"""Asset tags: short, unambiguous, with a check character.

Seven random characters from Crockford's base32 alphabet (no I, L, O or U, so nothing reads
as another character) and one Luhn mod 32 check character over the same alphabet, which
catches every single mistyped character and most swapped neighbours. Shown as XXXX-XXXX.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 7
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Characters people and scanners confuse with ours.
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def check_character(body: str) -> str:
    factor, total, n = 2, 0, len(ALPHABET)
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_tag() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def new_tags(count: int) -> list[str]:
    """`count` fresh tags at once (for imports); not checked against the database."""
    raw = secrets.token_bytes(count * BODY_LENGTH)  # 256 = 8 × 32: each byte & 31 is uniform
    bodies = (
        "".join(ALPHABET[b & 31] for b in raw[i : i + BODY_LENGTH])
        for i in range(0, len(raw), BODY_LENGTH)
    )
    return [body + check_character(body) for body in bodies]


def normalise(text: str) -> str:
    return text.strip().upper().translate(_READS_AS)


def is_valid(text: str) -> bool:
    tag = normalise(text)
    if len(tag) != BODY_LENGTH + 1 or any(ch not in _VALUE for ch in tag):
        return False
    return check_character(tag[:-1]) == tag[-1]


def display(tag: str) -> str:
    return f"{tag[:4]}-{tag[4:]}" if len(tag) == BODY_LENGTH + 1 else tag
