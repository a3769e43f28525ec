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


# For new_tags(): a random byte's character (its low five bits: 256 = 8 × 32, so uniform) and
# what it adds to the check sum when doubled or not (as check_character() counts).
_BYTE_CHARACTER = bytes(ord(ALPHABET[b & 31]) for b in range(256))
_BYTE_DOUBLED = [(2 * (b & 31)) // 32 + (2 * (b & 31)) % 32 for b in range(256)]
_BYTE_SINGLE = [b & 31 for b in range(256)]


def new_tags(count: int) -> list[str]:
    """`count` fresh tags at once (for imports); not checked against the database. The same
    tags as new_tag() and check_character() make, computed from the bytes in bulk: an import
    draws 100,000 of them."""
    raw = secrets.token_bytes(count * BODY_LENGTH)
    text = raw.translate(_BYTE_CHARACTER).decode("ascii")
    doubled, single = _BYTE_DOUBLED, _BYTE_SINGLE
    tags = []
    for i in range(0, len(raw), BODY_LENGTH):
        # Counted from the right, as check_character() does: the last character is doubled.
        total = (
            doubled[raw[i]]
            + single[raw[i + 1]]
            + doubled[raw[i + 2]]
            + single[raw[i + 3]]
            + doubled[raw[i + 4]]
            + single[raw[i + 5]]
            + doubled[raw[i + 6]]
        )
        tags.append(text[i : i + BODY_LENGTH] + ALPHABET[-total % 32])
    return tags


def normalise(text: str) -> str:
    return text.strip().upper().translate(_READS_AS)


def is_valid(text: str) -> bool:
    tag = normalise(text)
    if len(tag) != BODY_LENGTH + 1 or any(ch not in _VALUE for ch in tag):
        return False
    return check_character(tag[:-1]) == tag[-1]


def display(tag: str) -> str:
    return f"{tag[:4]}-{tag[4:]}" if len(tag) == BODY_LENGTH + 1 else tag
