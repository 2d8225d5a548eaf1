"""Finding a quote in its article's body.

Quotes are compared after normalising what typing and typesetting change without
changing the words: curly and straight quotation marks, the dashes, runs of white
space, and the case of the first letter (a quote may start mid-sentence). Matching
works on the normalised text and maps the match back to offsets in the original
body, so the article page can highlight the exact passage.
"""

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz

_CHAR_MAP = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark / apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


# What normalising changes, each found whole: white space at either end, a run of white
# space that is not one plain space, one character of the map. The text between two such
# places (words and the single spaces between them) is copied as it is, in one piece.
_CHANGED = re.compile(
    r"\A\s+|\s+\Z|\s*[^\S ]\s*|\s{2,}|[" + "".join(map(re.escape, _CHAR_MAP)) + "]"
)


def _normalise_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Normalised text, and for each of its characters the index it came from.

    A run of white space becomes one space, kept at the run's first character, and
    leading and trailing white space is dropped; a character of `_CHAR_MAP` becomes its
    plain form at the same index. Unchanged stretches are copied whole, so a body of
    plain text costs a few slices, not a step per character.
    """
    if _CHANGED.search(text) is None:
        return text, range(len(text))  # nothing to change
    out: list[str] = []
    offsets: list[int] = []
    done = 0  # text[:done] is in `out`
    for match in _CHANGED.finditer(text):
        start, end = match.span()
        if start > done:
            out.append(text[done:start])
            offsets.extend(range(done, start))
        if text[start].isspace():
            if offsets and end < len(text):  # not leading, not trailing
                out.append(" ")
                offsets.append(start)
        else:
            out.append(_CHAR_MAP[text[start]])
            offsets.append(start)
        done = end
    if done < len(text):
        out.append(text[done:])
        offsets.extend(range(done, len(text)))
    return "".join(out), offsets


def normalise(text: str) -> str:
    """The comparable form of a passage: NFC, plain quotes and dashes, single spaces."""
    return _normalise_with_offsets(unicodedata.normalize("NFC", text))[0]


def _strip_outer_quotes(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in "\"'" and text[-1] in "\"'":
        return text[1:-1].strip()
    return text


class Body:
    """An article body prepared for finding quotes: normalised once, searched many times.

    `find(quote)` gives the same answer as `find_quote(body, quote)`; building a `Body`
    costs one pass over the text, each `find` one search of the normalised text.
    """

    def __init__(self, text: str):
        self.text = text
        self._normalised, self._offsets = _normalise_with_offsets(
            unicodedata.normalize("NFC", text)
        )

    def find(self, quote: str) -> tuple[int, int] | None:
        """Start and end offsets of `quote` in the body, or None when it is not there."""
        norm_quote = _strip_outer_quotes(normalise(quote))
        if not norm_quote:
            return None
        candidates = [norm_quote]
        first = norm_quote[0]
        if first.lower() != first.upper():
            candidates.append(first.swapcase() + norm_quote[1:])
        for candidate in candidates:
            position = self._normalised.find(candidate)
            if position != -1:
                end = position + len(candidate) - 1
                return self._offsets[position], self._offsets[end] + 1
        return None


def find_quote(body: str, quote: str) -> tuple[int, int] | None:
    """Start and end offsets of `quote` in `body`, or None when it is not there."""
    return Body(body).find(quote)


# Below this similarity (0-100, rapidfuzz's partial ratio of the quote against the
# passage of the body most like it) nothing in the body resembles the quote: a misquote
# of a passage scored 82-95 in our trials, an unrelated sentence 47-54.
SIMILAR_ENOUGH = 70


def closest_passage(body: str, quote: str) -> str:
    """The passage of `body` most like `quote`, to show an editor what the text says;
    "" when nothing there is similar (score under SIMILAR_ENOUGH).

    rapidfuzz aligns the quote with the window of the body that matches it best, ignoring
    case: milliseconds, where difflib took up to a second on a long body.
    """
    norm_body = normalise(body)
    norm_quote = _strip_outer_quotes(normalise(quote))
    if not norm_body or not norm_quote:
        return ""
    folded_body, folded_quote = norm_body.lower(), norm_quote.lower()
    if len(folded_body) != len(norm_body):  # a letter whose lower case is longer
        folded_body, folded_quote = norm_body, norm_quote
    alignment = fuzz.partial_ratio_alignment(folded_quote, folded_body)
    if alignment is None or alignment.score < SIMILAR_ENOUGH:
        return ""
    start, end = alignment.dest_start, alignment.dest_end
    if len(norm_quote) > len(norm_body):  # the whole body is the closest passage
        start, end = 0, len(norm_body)
    # Snap to word boundaries so the editor sees whole words.
    while start > 0 and norm_body[start - 1] != " ":
        start -= 1
    while end < len(norm_body) and norm_body[end - 1] != " " and norm_body[end] != " ":
        end += 1
    return norm_body[start:end].strip()


# The pairs of quotation marks an editor may type around a passage: English, German
# („…“ and „…”), French and Swiss («…», »…«) and the single ones.
_QUOTE_PAIRS = {
    '"': '"',
    "“": "”",
    "„": "“”",
    "«": "»",
    "»": "«",
    "‘": "’",
    "‚": "‘’",
    "'": "'",
}


def strip_quote_marks(text: str) -> str:
    """`text` without the pair of quotation marks around it, if it has one.

    Only a pair that encloses the whole text goes: in “A” and “B” the marks belong to
    the words inside, so the text is kept as it is.
    """
    text = text.strip()
    if len(text) < 2 or text[0] not in _QUOTE_PAIRS or text[-1] not in _QUOTE_PAIRS[text[0]]:
        return text
    inner = text[1:-1]
    if text[0] in inner or text[-1] in inner:
        return text
    return inner.strip()
