"""The words of a text as the search index holds them: one pure-Python normaliser.

Both databases index the output of `index_text()` and are queried with `word_key()` of
each query word, so SQLite and PostgreSQL match exactly the same words: the database's
own tokeniser only splits the normalised text on spaces (FTS5 `unicode61` with no
diacritic folding, PostgreSQL `simple`), and nothing language-specific happens there.

What a word becomes (`word_key`):

- folded: dotted and dotless i (Turkish İ ı) become i, then Unicode compatibility
  decomposition, combining marks dropped (accents, Arabic harakāt, hamza seats, Hebrew
  points), case folded; Arabic tatweel dropped, tā' marbūṭa → hā', alif maqṣūra → yā',
  alif waṣla → alif (so أ إ آ ٱ → ا, ؤ → و, ئ → ي after the marks go);
- Arabic: the article and its common prefixed forms (ال وال بال كال فال لل) stripped
  when at least three letters remain;
- Latin letters: the English Snowball stemmer (hostages → hostag), then British
  spellings mapped to American ones on the stems (defenc → defens, organis → organiz);
- Hebrew: kept whole, and `index_text` also indexes each form without the one-letter
  prefixes ו ה ב ל מ ש כ (לישראל → ישראל), after the text's own words so a phrase
  still matches only the words in their order.
"""

import functools
import re
import unicodedata

import snowballstemmer

MAX_WORD = 100  # longer runs of letters are cut (PostgreSQL ignores words over 2 KB)

_HEBREW_POINTS = "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
_ARABIC_MARKS = "\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
# A word: letters and digits with their combining marks; a Hebrew geresh or gershayim
# (also typed as ' or ") between Hebrew letters belongs to the word (צה״ל, צה"ל).
WORD = re.compile(
    rf"(?:[^\W_]|[\u0300-\u036f{_HEBREW_POINTS}{_ARABIC_MARKS}]"
    r"|(?<=[\u05d0-\u05ea])[\"'\u05f3\u05f4](?=[\u05d0-\u05ea]))+"
)

_TURKISH_I = str.maketrans({"İ": "i", "ı": "i"})
_AFTER_FOLD = str.maketrans(
    {
        "\u0640": None,  # tatweel
        "\u0629": "\u0647",  # tā' marbūṭa → hā'
        "\u0649": "\u064a",  # alif maqṣūra → yā'
        "\u0671": "\u0627",  # alif waṣla → alif
        "\u05f3": None,  # geresh
        "\u05f4": None,  # gershayim
        '"': None,
        "'": None,
    }
)
_NOT_ALNUM = re.compile(r"[\W_]+")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_HEBREW_LETTER = re.compile(r"[\u05d0-\u05ea]")
_LATIN_WORD = re.compile(r"[a-z]+")
ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
HEBREW_PREFIXES = "והבלמשכ"
MIN_STEM = 3  # letters that must remain after stripping an article or a prefix

# British → American spellings, as whole words; applied to their stems, so every
# inflection follows (defences → defenc → defens, organisations → organis → organiz).
BRITISH_AMERICAN = {
    "aeroplane": "airplane",
    "ageing": "aging",
    "aluminium": "aluminum",
    "analyse": "analyze",
    "apologise": "apologize",
    "armour": "armor",
    "authorise": "authorize",
    "behaviour": "behavior",
    "calibre": "caliber",
    "catalogue": "catalog",
    "centre": "center",
    "characterise": "characterize",
    "civilise": "civilize",
    "colour": "color",
    "criticise": "criticize",
    "defence": "defense",
    "demilitarise": "demilitarize",
    "destabilise": "destabilize",
    "dialogue": "dialog",
    "emphasise": "emphasize",
    "endeavour": "endeavor",
    "enrol": "enroll",
    "favour": "favor",
    "fibre": "fiber",
    "finalise": "finalize",
    "formalise": "formalize",
    "fulfil": "fulfill",
    "globalise": "globalize",
    "grey": "gray",
    "harbour": "harbor",
    "honour": "honor",
    "humour": "humor",
    "instalment": "installment",
    "jeopardise": "jeopardize",
    "jewellery": "jewelry",
    "judgement": "judgment",
    "labour": "labor",
    "legitimise": "legitimize",
    "liberalise": "liberalize",
    "licence": "license",
    "manoeuvre": "maneuver",
    "marginalise": "marginalize",
    "maximise": "maximize",
    "metre": "meter",
    "militarise": "militarize",
    "minimise": "minimize",
    "mobilise": "mobilize",
    "modernise": "modernize",
    "mould": "mold",
    "nationalise": "nationalize",
    "neighbour": "neighbor",
    "neutralise": "neutralize",
    "normalise": "normalize",
    "offence": "offense",
    "organise": "organize",
    "paralyse": "paralyze",
    "penalise": "penalize",
    "pretence": "pretense",
    "prioritise": "prioritize",
    "privatise": "privatize",
    "programme": "program",
    "publicise": "publicize",
    "radicalise": "radicalize",
    "realise": "realize",
    "recognise": "recognize",
    "rumour": "rumor",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "scrutinise": "scrutinize",
    "stabilise": "stabilize",
    "summarise": "summarize",
    "sympathise": "sympathize",
    "theatre": "theater",
    "utilise": "utilize",
    "vigour": "vigor",
}

_stemmer = snowballstemmer.stemmer("english")


def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


SPELLING = {
    _stem(british): _stem(american)
    for british, american in BRITISH_AMERICAN.items()
    if _stem(british) != _stem(american)
}


def fold(word: str) -> str:
    """Case, accents, marks and letter variants folded away; no stemming."""
    word = unicodedata.normalize("NFKD", word.translate(_TURKISH_I))
    word = "".join(ch for ch in word if unicodedata.category(ch) not in ("Mn", "Me"))
    # Only letters and digits remain, so each key is one token to FTS5 and PostgreSQL.
    return _NOT_ALNUM.sub("", word.casefold().translate(_AFTER_FOLD))[:MAX_WORD]


def _strip_article(word: str) -> str:
    for article in ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= MIN_STEM:
            return word[len(article) :]
    return word


@functools.lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """What one word (a match of WORD) is indexed and searched as."""
    folded = fold(word)
    if _ARABIC_LETTER.search(folded):
        return _strip_article(folded)
    if _LATIN_WORD.fullmatch(folded):
        stem = _stem(folded)
        return SPELLING.get(stem, stem)
    return folded


@functools.lru_cache(maxsize=50_000)
def hebrew_forms(key: str) -> tuple[str, ...]:
    """The forms of a Hebrew word without its one-letter prefixes (ולישראל → לישראל, ישראל)."""
    forms = []
    while (
        key[:1] in HEBREW_PREFIXES
        and _HEBREW_LETTER.match(key)
        and len(key) - 1 >= MIN_STEM
        and len(forms) < 3
    ):
        key = key[1:]
        forms.append(key)
    return tuple(forms)


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of each word of `text`: offsets into the original text."""
    found = ((m.start(), m.end(), word_key(m.group())) for m in WORD.finditer(text or ""))
    return [word for word in found if word[2]]


def keys(text: str) -> list[str]:
    """The keys of the words of `text`, in order (a query term, or a phrase)."""
    return [key for key in map(word_key, WORD.findall(text or "")) if key]


def index_text(text: str, limit: int | None = None) -> str:
    """The document text both databases index: the words' keys, space-separated, then
    the prefix-less forms of Hebrew words. At most `limit` characters, whole words."""
    main = keys(text)
    extra = [form for key in main if key[:1] in HEBREW_PREFIXES for form in hebrew_forms(key)]
    result = " ".join(main + extra)
    if limit is not None and len(result) > limit:
        result = result[: result.rfind(" ", 0, limit + 1)] if " " in result[:limit] else ""
    return result


def matches(key: str, wanted: set[str]) -> bool:
    """Whether a word of a document with this key matches one of the `wanted` keys."""
    if key in wanted:
        return True
    return key[:1] in HEBREW_PREFIXES and any(form in wanted for form in hebrew_forms(key))


class Matcher:
    """`matcher(word)`: whether a word of a text, as written, matches one of the keys.

    Marking matches in a long text would stem every word of it; an ASCII word is first
    checked for the start of a wanted stem (or of its British spelling) in its lower
    case, which every word that stems to it contains in all but a few irregular cases
    (dying → die), and only then stemmed.
    """

    def __init__(self, wanted: set[str]):
        self.wanted = wanted
        british = {}
        for source, target in SPELLING.items():
            british.setdefault(target, []).append(source)
        stems = [k for k in wanted if k.isascii()]
        stems += [b for k in stems for b in british.get(k, [])]
        self.probes = {stem[:-1] if len(stem) > 3 else stem for stem in stems}

    def __call__(self, word: str) -> bool:
        if not self.wanted:
            return False
        if word.isascii():
            lower = word.lower()
            if not any(probe in lower for probe in self.probes):
                return False
        key = word_key(word)
        return bool(key) and matches(key, self.wanted)
