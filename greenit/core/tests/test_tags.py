"""Asset tags: valid when drawn, a check character that catches typing mistakes, and a
normaliser that reads what people and scanners confuse."""

import random

import pytest

from greenit.core import tags


def _sample(count: int = 40) -> list[str]:
    """New tags plus hand-made ones that hold every character of the alphabet."""
    rng = random.Random(8)
    bodies = [
        "".join(rng.choice(tags.ALPHABET) for _ in range(tags.BODY_LENGTH)) for _ in range(count)
    ]
    alphabet = tags.ALPHABET
    bodies += [alphabet[i : i + tags.BODY_LENGTH] for i in range(0, 26)]
    bodies += ["0000000", "ZZZZZZZ", "0Z0Z0Z0", "1234567"]
    return [body + tags.check_character(body) for body in bodies]


def test_every_new_tag_is_valid_and_uses_only_the_alphabet():
    for _ in range(500):
        tag = tags.new_tag()
        assert len(tag) == tags.BODY_LENGTH + 1
        assert set(tag) <= set(tags.ALPHABET)
        assert tags.is_valid(tag), tag


def test_tags_drawn_in_bulk_have_the_check_character_that_check_character_gives(monkeypatch):
    # Every byte value in every position, so each table entry is used.
    raw = bytes(range(256)) * tags.BODY_LENGTH + bytes(random.Random(3).randbytes(7000))
    monkeypatch.setattr(tags.secrets, "token_bytes", lambda n: raw[:n])
    drawn = tags.new_tags(len(raw) // tags.BODY_LENGTH)
    assert len(drawn) == len(raw) // tags.BODY_LENGTH
    for tag in drawn:
        assert len(tag) == tags.BODY_LENGTH + 1 and set(tag) <= set(tags.ALPHABET)
        assert tag[-1] == tags.check_character(tag[:-1]), tag
    assert len({tag[0] for tag in drawn}) == 32  # every character appears


def test_the_alphabet_has_no_characters_that_read_as_others():
    assert len(tags.ALPHABET) == 32
    assert len(set(tags.ALPHABET)) == 32
    assert not set("ILOU") & set(tags.ALPHABET)


@pytest.mark.parametrize("tag", _sample())
def test_the_check_character_catches_every_single_mistyped_character(tag):
    for position, original in enumerate(tag):
        for wrong in tags.ALPHABET.replace(original, ""):
            typo = tag[:position] + wrong + tag[position + 1 :]
            assert not tags.is_valid(typo), f"{typo} (from {tag}) passed the check"


@pytest.mark.parametrize("tag", _sample())
def test_the_check_character_catches_swapped_neighbours(tag):
    """Luhn mod 32 catches every swap of two different neighbours but one: 0 and Z, whose
    doubled values fold onto each other (the mod-32 twin of Luhn's 09 ↔ 90)."""
    for position in range(len(tag) - 1):
        a, b = tag[position], tag[position + 1]
        if a == b or {a, b} == {"0", "Z"}:
            continue
        swapped = tag[:position] + b + a + tag[position + 2 :]
        assert not tags.is_valid(swapped), f"{swapped} (from {tag}) passed the check"


def test_swapping_0_and_z_is_the_one_blind_spot():
    body = "AB0ZCDE"
    tag = body + tags.check_character(body)
    assert tags.is_valid(tag.replace("0Z", "Z0"))


def test_normalise_reads_o_as_zero_and_i_or_l_as_one_and_drops_hyphens():
    assert tags.normalise("O") == "0"
    assert tags.normalise("I") == "1"
    assert tags.normalise("L") == "1"
    assert tags.normalise(" abcd-efgh ") == "ABCDEFGH"
    assert tags.normalise("oil-OIL") == "011011"
    assert tags.normalise("ab cd") == "ABCD"


def test_a_tag_typed_with_lookalikes_lower_case_and_a_hyphen_is_still_valid():
    body = "1100A0B"
    tag = body + tags.check_character(body)
    typed = tags.display(tag).lower().replace("1", "l").replace("0", "o")
    assert "-" in typed
    assert tags.is_valid(typed)
    assert tags.normalise(typed) == tag


@pytest.mark.parametrize("text", ["", "ABCDEFG", "ABCDEFGHJ", "ABCD*FGH", "ABCDEFGU"])
def test_wrong_lengths_and_foreign_characters_are_not_tags(text):
    assert not tags.is_valid(text)


def test_display_splits_a_tag_in_two_halves():
    assert tags.display("ABCDEFGH") == "ABCD-EFGH"
    assert tags.display("ABC") == "ABC"
