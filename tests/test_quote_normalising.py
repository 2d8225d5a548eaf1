"""The quote matcher's normal form, read stretch by stretch, is the character rule's."""

import random

import pytest

from articles import quotes

# Every kind of character the rule treats apart: plain letters, spaces and other white
# space, characters of the map (white space among them), and ones it leaves alone.
ALPHABET = ["a", "B", "é", "-", "'", '"', " ", "\n", "\t", "\r", "\u200b"] + list(quotes._CHAR_MAP)


def by_character(text: str) -> tuple[str, list[int]]:
    """The rule, one character at a time: mapped, white space runs made one space (at the
    run's first character), leading and trailing white space dropped."""
    out, offsets = [], []
    previous_space = True
    for index, char in enumerate(text):
        char = quotes._CHAR_MAP.get(char, char)
        if char.isspace():
            if previous_space:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        out.append(char)
        offsets.append(index)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


@pytest.mark.parametrize("seed", range(20))
def test_stretch_by_stretch_gives_the_character_rule(seed):
    rng = random.Random(seed)
    for _ in range(200):
        text = "".join(rng.choices(ALPHABET, k=rng.randint(0, 30)))
        normalised, offsets = quotes._normalise_with_offsets(text)
        assert (normalised, list(offsets)) == by_character(text), repr(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", ""),
        ("   ", ""),
        ("plain", "plain"),
        ("  “Israel’s right —\n\n to\u00a0self-defense”  ", '"Israel\'s right - to self-defense"'),
    ],
)
def test_normal_forms(text, expected):
    assert quotes.normalise(text) == expected


def test_a_passage_is_found_at_its_place_in_the_original_text():
    body = quotes.Body("Intro.\n\nHe said:  “Israel’s right —   to self-defense” today.")
    start, end = body.find("israel's right - to self-defense")
    assert body.text[start:end] == "Israel’s right —   to self-defense"
