"""Word-level comparison of two wordings: what an article printed, and the primary source.

`compare(printed, primary)` returns both wordings as runs of (`same` | `printed` |
`primary`, text): joined in order, the `same` and `printed` runs give back the printed
text exactly; `primary` runs are the source's own characters where it differs.
Words are compared case- and punctuation-insensitively after the normalisation the quote
check uses (curly/straight quotes, dashes, white space), so "Israel’s" matches
"Israel's"; the runs keep each side's own characters.
"""

import difflib
import re
from dataclasses import dataclass

from .quotes import normalise

WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Run:
    side: str  # "same", "printed" (only in the article), "primary" (only in the source)
    text: str


def _words(text: str) -> list[str]:
    """The text as words, each with the white space after it; leading space kept."""
    lead = text[: len(text) - len(text.lstrip())]
    words = WORD.findall(text)
    if lead and words:
        words[0] = lead + words[0]
    elif lead:
        words = [lead]
    return words


def _key(word: str) -> str:
    return re.sub(r"[^\w]", "", normalise(word).casefold())


def compare(printed: str, primary: str) -> list[Run]:
    """Runs of both wordings, in reading order: for each difference, what the article
    printed comes before what the primary source says."""
    a, b = _words(printed), _words(primary)
    matcher = difflib.SequenceMatcher(
        a=[_key(w) for w in a], b=[_key(w) for w in b], autojunk=False
    )
    runs: list[Run] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Run("same", "".join(a[a1:a2])))
            continue
        if a2 > a1:
            runs.append(Run("printed", "".join(a[a1:a2])))
        if b2 > b1:
            runs.append(Run("primary", "".join(b[b1:b2])))
    return runs


def identical(printed: str, primary: str) -> bool:
    """Whether the two wordings have the same words (ignoring case and punctuation)."""
    return all(run.side == "same" for run in compare(printed, primary))
