"""Who said a quoted passage, and which names in a text are people or organisations.

Pure functions on a text, no database: the admin's suggestions (`articles/admin/
suggestions.py`) pass in the names the archive knows.

A quote is attributed by the grammar of its sentence, not by the nearest name: the
subject of its speech verb ("X said", "X told the council that …", "…, X added",
"…, said X"), the name after "according to", the owner of a spokesperson ("X's
spokesperson said" → X). A pronoun subject ("He said") is the last named speaker (a
person for he and she). A sentence that is nothing but a quote continues the last
speaker. Each answer carries its reason, for the editor to judge.

Names are found by a heuristic, with no model: runs of capitalised words (accented
letters included), split at possessives, with leading titles ("UN Secretary-General")
kept apart as a role, and common sentence-initial words, days, months and place words
left out. A run with an organisation word ("Council", "Ministry", "Office", "Forces")
is an organisation; two to four plain capitalised words are a person.
"""

import bisect
import dataclasses
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

# The quotation marks recognised, as (opening, closing) patterns. Single quotes only
# where they cannot be apostrophes: an opening ‘ after no letter, a closing ’ before no
# letter ("Israel’s" inside a single-quoted passage stays inside it).
_QUOTE = re.compile(
    r"„(?P<low>[^“”„\n]+)[“”]"
    r"|“(?P<curly>[^”\n]+)”"
    r"|«\s?(?P<guillemets>[^»\n]+?)\s?»"
    r"|\"(?P<straight>[^\"\n]+)\""
    r"|‚(?P<low_single>[^‘’\n]+)[‘’]"
    r"|(?<!\w)‘(?P<single>(?:[^‘’\n]|’(?=\w))+)’(?!\w)"
)

SPEECH_VERBS = frozenset(
    """said says say told tells stated states added adds warned warns wrote writes posted
    posts tweeted tweets announced announces declared declares insisted insists claimed
    claims explained explains noted notes argued argues urged urges replied replies
    responded continued concluded stressed stresses emphasised emphasized acknowledged
    admitted confirmed confirms denied denies reported reports asked asks recalled
    remarked commented observed predicted vowed pledged promised cautioned alleged
    maintained""".split()
)
# A participle's subject is the sentence's: "Cleverly shared his view, stating, “…”".
PARTICIPLES = frozenset(
    """saying stating adding writing warning telling noting declaring insisting arguing
    posting tweeting announcing explaining stressing""".split()
)
PRONOUNS = {"he": True, "she": True, "they": None, "it": False}  # True: a person
SPOKESPERSON = frozenset(
    "spokesperson spokesman spokeswoman spokespeople spokespersons spokesmen".split()
)
# Who speaks for someone: "Netanyahu's office said" is Netanyahu's statement.
SPEAKS_FOR = SPOKESPERSON | {"office"}
# Words between a subject and its verb that do not change who speaks.
_ADVERBS = frozenset(
    """also later then has had have was previously earlier separately again reportedly
    further once subsequently today yesterday tonight publicly repeatedly quickly
    monday tuesday wednesday thursday friday saturday sunday on""".split()
)

TITLES = frozenset(
    """secretary-general secretary general minister prime president vice-president
    ambassador envoy spokesperson spokesman spokeswoman chief commander lt lt. col col.
    colonel major captain gen gen. sgt rear admiral mr mr. mrs mrs. ms ms. dr dr. prof
    prof. sir dame lord king queen prince crown sheikh emir senator sen. rep.
    representative congressman congresswoman chancellor director director-general
    coordinator commissioner high special deputy under-secretary undersecretary
    foreign defence defense interior state rabbi pope cardinal archbishop bishop imam
    premier governor mayor judge justice chairman chairwoman chair spokesperson
    head leader official adviser advisor""".split()
)
ORGANISATION_WORDS = frozenset(
    """council office ministry forces force army navy government nations organisation
    organization committee agency union party movement brigades brigade authority
    department court commission fund programme program cross crescent cabinet
    assembly parliament knesset congress senate church university institute association
    front network corps command unit police service services coalition alliance
    league federation foundation watch international group jihad hezbollah hamas
    board secretariat mission embassy consulate administration house""".split()
)
PLACE_WORDS = frozenset(
    """strip bank mount city region province sea river valley heights square street camp
    crossing border district governorate gulf peninsula desert hills hill island
    islands lake coast""".split()
)
# Names of what happens rather than who acts: "Israel-Gaza War".
EVENT_WORDS = frozenset(
    """war conflict attack attacks operation offensive ceasefire truce summit conference
    massacre crisis talks agreement accord deal""".split()
)
_STOPWORDS = frozenset(
    """the a an on in at but and yet so if when while after before during this that
    these those its his her their our we i you it he she they both earlier later
    meanwhile however since as for from to by with of there here what who why how where
    speaking asked according despite although though until unless because some many
    most all every each no not one two three another other such last next first new
    more less then now today yesterday tomorrow tonight also still even only just mr
    mrs ms dr""".split()
)
MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Lower-case words that may sit inside a name: "Ministry of Foreign Affairs",
# "Abu Obaida", "Ursula von der Leyen", "Organisation of the Islamic Cooperation".
_CONNECTORS = frozenset("of the for de da van von der al bin ibn du la le el".split())
_NAME_PREFIXES = frozenset("al el ad ash as at az an ar bin ibn abu abd".split())  # al-Ansari
_PARTICLES = frozenset("de da van von der al bin ibn du la le el".split())  # in a person's name
# What precedes a place more often than a person: "a briefing in Tel Aviv".
_PLACE_PREPOSITIONS = frozenset("in at near from into across outside inside towards".split())
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen lt col sgt st jr sr prof rev no vs maj capt adm sen rep gov".split()
)

_WORD = re.compile(r"@?[^\W\d_](?:[\w\-]|[’'](?=\w))*\.?")
_POSSESSIVE = re.compile(r"[’']s$")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_MASK = "\u2026"  # what a quoted passage becomes while the sentence around it is read


@dataclass(frozen=True)
class Quote:
    text: str  # the quoted words, without the marks
    start: int  # where the words start in the body
    end: int
    outer_start: int  # the opening mark
    outer_end: int  # after the closing mark


@dataclass(frozen=True)
class Attribution:
    quote: Quote
    speaker: str  # the speaker's name as the text gives it, "" when not found
    reason: str  # why, for the editor: "subject of 'told'"
    is_person: bool | None = None
    speaker_start: int | None = None  # where the name that decided it is in the body
    speaker_end: int | None = None


@dataclass(frozen=True)
class Name:
    name: str
    is_person: bool
    count: int  # mentions, a surname alone counting for the full name
    start: int  # the first mention
    role: str = ""  # the title it came with: "UN Secretary-General"


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def word(self) -> str:
        """The word without a sentence's full stop; an initial or title keeps its own."""
        bare = self.text.rstrip(".")
        if len(bare) == 1 or bare.casefold() in _ABBREVIATIONS:
            return self.text
        return bare

    @property
    def folded(self) -> str:
        return _POSSESSIVE.sub("", self.word).casefold()

    @property
    def capitalised(self) -> bool:
        """ "Guterres", "@SecBlinken", and "al-Ansari" (a particle before a capital)."""
        first = self.text.lstrip("@")[:1]
        if first.isupper():
            return True
        particle, hyphen, rest = self.text.partition("-")
        return bool(hyphen) and particle.casefold() in _NAME_PREFIXES and rest[:1].isupper()

    @property
    def possessive(self) -> bool:
        return bool(_POSSESSIVE.search(self.word))


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[_Token, ...]
    owner: str = ""  # "Israel" in "Israel's ambassador Gilad Erdan"

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    def text(self, body: str) -> str:
        return _POSSESSIVE.sub("", body[self.start : self.end].rstrip("."))


class Known:
    """The names the archive already has: folded name → (name as kept, is a person)."""

    def __init__(self, names: Iterable[tuple[str, bool]] = ()):
        self.names: dict[str, tuple[str, bool]] = {}
        for name, is_person in names:
            if name.strip():
                self.names.setdefault(name.strip().casefold(), (name.strip(), is_person))

    def get(self, name: str) -> tuple[str, bool] | None:
        return self.names.get(name.strip().casefold())

    def people_named(self, surname: str) -> list[str]:
        """The known people whose name ends with `surname`."""
        folded = surname.casefold()
        return sorted(
            {
                name
                for key, (name, is_person) in self.names.items()
                if is_person and " " in key and key.rsplit(" ", 1)[1] == folded
            }
        )

    def within(self, phrase: str) -> tuple[str, bool] | None:
        """The longest known name that is the end of `phrase` ("UK Foreign Secretary
        James Cleverly" → James Cleverly)."""
        words = phrase.split()
        for first in range(len(words)):
            if found := self.get(" ".join(words[first:])):
                return found
        return None


# Quotes and sentences ---------------------------------------------------------------


def find_quotes(body: str) -> list[Quote]:
    """The quoted passages of `body`, in order, with their offsets."""
    quotes = []
    for match in _QUOTE.finditer(body):
        group = next(name for name, value in match.groupdict().items() if value is not None)
        start, end = match.span(group)
        text = body[start:end]
        stripped = text.strip()
        start += len(text) - len(text.lstrip())
        quotes.append(Quote(stripped, start, start + len(stripped), *match.span()))
    return quotes


def _masked(body: str, quotes: list[Quote]) -> str:
    """`body` with each quoted passage (marks included) replaced by `_MASK`s, same length."""
    chars = list(body)
    for quote in quotes:
        chars[quote.outer_start : quote.outer_end] = _MASK * (quote.outer_end - quote.outer_start)
    return "".join(chars)


def sentences(body: str, quotes: list[Quote] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `body`. A quote is never cut: a full stop inside
    it ends no sentence, nor does one followed by a lower-case word ("“Why?” he asked"),
    an abbreviation ("Gen.") or an initial ("Antony J. Blinken")."""
    quotes = find_quotes(body) if quotes is None else quotes
    opens = [quote.outer_start for quote in quotes]  # in order, never overlapping
    cuts = []
    for match in re.finditer(r"[.!?]+[\"”’»“]*(?=\s)|\n\s*\n", body):
        position = match.end()
        index = bisect.bisect_left(opens, position) - 1
        if index >= 0 and opens[index] < position < quotes[index].outer_end:
            continue
        if match.group(0).startswith("."):
            window = body[max(0, match.start() - 40) : match.start() + 1]
            before = re.search(r"([\w.]+)\.$", window)
            word = before.group(1).casefold() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word:
                continue
        following = _NEXT_CHARACTER.match(body, position)
        if following and following.group(1).islower():
            continue
        cuts.append(position)
    spans, start = [], 0
    for cut in [*cuts, len(body)]:
        text = body[start:cut]
        if text.strip():
            leading = len(text) - len(text.lstrip())
            spans.append((start + leading, start + len(text.rstrip())))
        start = cut
    return spans


# Tokens and names -------------------------------------------------------------------


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[_Token]:
    end = len(text) if end is None else end
    return [
        _Token(match.start(), match.end(), match.group(0))
        for match in _WORD.finditer(text, start, end)
    ]


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """True when only spaces separate two tokens (no comma, no quote)."""
    gap = text[left.end : right.start]
    return not gap.strip() and "\n" not in gap and left.text == left.word


def _name_word(token: _Token) -> bool:
    return token.capitalised and token.folded not in PRONOUNS


def _strip_stopwords(tokens: list[_Token]) -> list[_Token]:
    while tokens and (
        tokens[0].folded in _STOPWORDS
        or tokens[0].folded in MONTHS_AND_DAYS
        or tokens[0].folded in _CONNECTORS
        or not _name_word(tokens[0])
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].folded in _CONNECTORS or not tokens[-1].capitalised):
        tokens = tokens[:-1]
    return tokens


def _phrases(text: str, tokens: list[_Token]) -> list[_Phrase]:
    """The runs of capitalised words in `tokens`, split at possessives."""
    phrases, run = [], []

    def close():
        nonlocal run
        owner = ""
        part: list[_Token] = []
        for token in run:
            part.append(token)
            if token.possessive:
                if stripped := _strip_stopwords(part):
                    phrases.append(_Phrase(tuple(stripped), owner))
                    owner = _Phrase(tuple(stripped)).text(text)
                part = []
        if stripped := _strip_stopwords(part):
            phrases.append(_Phrase(tuple(stripped), owner))
        run = []

    for index, token in enumerate(tokens):
        joined = bool(run) and _joined(text, run[-1], token)
        if token.capitalised:
            if run and not joined:
                close()
            run.append(token)
        elif token.folded in _CONNECTORS and run and joined:
            following = tokens[index + 1 : index + 3]
            if any(t.capitalised for t in following):
                run.append(token)
            else:
                close()
        elif run:
            close()
    if run:
        close()
    return phrases


def _is_organisation(words: list[str]) -> bool:
    return any(word.casefold() in ORGANISATION_WORDS for word in words)


def _split_title(words: list[str]) -> tuple[str, list[str]]:
    """("UN Secretary-General", ["António", "Guterres"]) from the words of a phrase."""
    if _is_organisation(words):
        return "", words
    last_title = -1
    for index, word in enumerate(words):
        folded = word.casefold()
        if folded in TITLES or folded.endswith("-general") or folded.startswith("vice-"):
            last_title = index
    role, name = words[: last_title + 1], words[last_title + 1 :]
    # An organisation's acronym or a country before a name is part of the role:
    # "UN Gilad Erdan" is not his name.
    while len(name) > 2 and (name[0].isupper() and len(name[0]) <= 5):
        role, name = [*role, name[0]], name[1:]
    return " ".join(role), name


def _looks_like_person(words: list[str]) -> bool:
    return (
        2 <= len(words) <= 4
        and not _is_organisation(words)
        and not any(w.casefold() in PLACE_WORDS | MONTHS_AND_DAYS for w in words)
        and all(w[:1].isupper() or w.casefold() in _PARTICLES for w in words)
        and not any(w.casefold() in EVENT_WORDS for w in words)
        and not any(w.isupper() and len(w) > 1 for w in words)
    )


@dataclass(frozen=True)
class _Mention:
    name: str
    is_person: bool | None
    start: int
    end: int
    role: str
    known: bool
    quoted: bool = False  # inside a quoted passage
    place_like: bool = False  # after "in", "at", "near"…


class _Reader:
    """One body read once: its quotes, sentences, names and speakers so far."""

    def __init__(self, body: str, known: Known, places: Iterable[str] = ()):
        self.body = body
        self.known = known
        self.places = {place.casefold() for place in places}
        self.quotes = find_quotes(body)
        self.masked = _masked(body, self.quotes)
        self.sentences = sentences(body, self.quotes)
        self.tokens = _tokens(self.masked)
        self._starts = [token.start for token in self.tokens]
        self.mentions = self._mentions()
        self._mention_starts = [mention.start for mention in self.mentions]
        self._by_surname: dict[str, _Mention] = {}
        for mention in self.mentions:
            if mention.is_person and " " in mention.name:
                self._by_surname.setdefault(mention.name.split()[-1], mention)
        self.roles = {m.role.split()[-1].casefold(): m for m in self.mentions if m.role}

    def between(self, start: int, end: int) -> list[_Token]:
        """The tokens that lie within [start, end): a slice, not a scan of the body."""
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, end, lo=first)
        return [token for token in self.tokens[first:last] if token.end <= end]

    def _resolve_words(self, words: list[str], start: int, end: int) -> _Mention | None:
        phrase = " ".join(words)
        if found := self.known.get(phrase):
            return _Mention(found[0], found[1], start, end, "", True)
        role, name = _split_title(words)
        if name and (found := self.known.get(" ".join(name)) or self.known.within(phrase)):
            return _Mention(found[0], found[1], start, end, role, True)
        if not name:
            return None
        text = " ".join(name)
        if text.casefold() in self.places or all(
            w.casefold() in MONTHS_AND_DAYS | _STOPWORDS for w in name
        ):
            return None
        if _is_organisation(name):
            return _Mention(text, False, start, end, role, False)
        if _looks_like_person(name):
            return _Mention(text, True, start, end, role, False)
        return _Mention(text, None, start, end, role, False)  # one word, or unclear

    def _mentions(self) -> list[_Mention]:
        """Every name in the body, outside quotes and in them, in order."""
        found = []
        preceding = {}
        tokens = _tokens(self.body)
        for left, right in itertools.pairwise(tokens):
            preceding[right.start] = left.folded
        for phrase in _phrases(self.body, tokens):
            words = [t.word for t in phrase.tokens]
            words[-1] = _POSSESSIVE.sub("", words[-1])
            mention = self._resolve_words(words, phrase.start, phrase.end)
            if mention is not None:
                found.append(
                    dataclasses.replace(
                        mention,
                        quoted=self.masked[phrase.start] == _MASK,
                        place_like=preceding.get(phrase.start) in _PLACE_PREPOSITIONS,
                    )
                )
        return found

    def full_name(self, mention: _Mention) -> _Mention:
        """A surname alone is the full name given before it (or after it)."""
        if " " in mention.name or mention.known and mention.is_person is not None:
            return mention
        if (other := self._by_surname.get(mention.name)) is not None:
            return _Mention(other.name, True, mention.start, mention.end, "", other.known)
        people = self.known.people_named(mention.name)
        if len(people) == 1:
            return _Mention(people[0], True, mention.start, mention.end, "", True)
        return mention

    def mention_at(self, start: int, end: int) -> _Mention | None:
        index = bisect.bisect_left(self._mention_starts, start)
        if index < len(self.mentions) and self.mentions[index].end <= end:
            return self.mentions[index]
        return None

    # Subjects -------------------------------------------------------------------

    def _phrase_before(self, tokens: list[_Token]) -> list[_Token]:
        """The capitalised words that end `tokens` (the subject just before a verb)."""
        run: list[_Token] = []
        for token in reversed(tokens):
            if run and not _joined(self.masked, token, run[0]):
                break
            if token.capitalised or (run and token.folded in _CONNECTORS):
                run.insert(0, token)
            else:
                break
        while run and run[0].folded in _CONNECTORS | _STOPWORDS:
            run = run[1:]
        return run

    def _named(self, run: list[_Token]) -> _Mention | str | None:
        """The mention a run of words names; a bare role ("the Secretary-General") is
        the person who held it above; a string when nobody is named."""
        if not run:
            return None
        # "the US Department of State's Matthew Miller": the name after the possessive.
        for index in range(len(run) - 1, -1, -1):
            if run[index].possessive and index < len(run) - 1:
                run = run[index + 1 :]
                break
        words = [t.word for t in run]
        words[-1] = _POSSESSIVE.sub("", words[-1])
        mention = self._resolve_words(words, run[0].start, run[-1].end)
        if mention is None:
            role = words[-1].casefold()
            if role in self.roles:
                holder = self.roles[role]
                return _Mention(
                    holder.name, holder.is_person, run[0].start, run[-1].end, "", holder.known
                )
            return " ".join(words)
        return self.full_name(mention)

    def subject_before(self, start: int, verb: _Token) -> tuple[_Mention | str | None, str]:
        """Who is the subject of `verb`, read leftwards from it back to `start`."""
        tokens = self.between(start, verb.start)
        # An apposition: "Israel's ambassador, Gilad Erdan, said"; "Guterres, speaking in
        # New York, said".
        following = verb.start
        while tokens:
            gap = self.masked[tokens[-1].end : following].strip()
            if gap == ",":
                comma = self.masked.rfind(",", start, tokens[-1].start)
                inner = [t for t in tokens if t.start > comma]
                run = self._phrase_before(inner)
                # The whole aside is a name, or the clause starts with the name: "UN
                # chief Guterres, on Tuesday, told".
                if run and (run[0] is inner[0] or comma == -1):
                    return self._named(run), ""
                if comma == -1:
                    return None, ""
                tokens = [t for t in tokens if t.end <= comma]
                following = comma
            elif gap:
                return None, ""
            elif tokens[-1].folded in _ADVERBS:
                following = tokens.pop().start
            else:
                break
        if not tokens:
            return None, ""
        last = tokens[-1]
        if last.folded in PRONOUNS and last.word.casefold() == last.folded:
            return None, last.word
        if last.folded in SPEAKS_FOR and not last.capitalised:
            # "Israel's spokesperson", "the Foreign Office spokesman", "an IDF spokesperson"
            owner = tokens[:-1]
            if owner and _joined(self.masked, owner[-1], last):
                run = self._phrase_before(owner)
                named = self._named(run) if run else None
                if isinstance(named, _Mention):
                    return named, f"{self.body[run[0].start : last.end]}"
            return " ".join(t.word for t in tokens[-2:]), ""
        run = self._phrase_before(tokens)
        if not run:
            return " ".join(t.word for t in tokens[-2:]), ""
        before = [t.folded for t in tokens[: tokens.index(run[0])]][-3:]
        named = self._named(run)
        # "a spokesperson for the Foreign Office said": the office speaks.
        spokesperson_for = before[-2:] in (["spokesperson", "for"], ["spokesman", "for"]) or (
            before[-3:-1] in (["spokesperson", "for"], ["spokesman", "for"]) and before[-1] == "the"
        )
        if spokesperson_for and isinstance(named, _Mention):
            return named, f"spokesperson for {named.name}"
        return named, ""

    def subject_after(self, tokens: list[_Token], end: int) -> tuple[_Mention | str | None, str]:
        """The subject that `tokens` start with: "…,” said Gilad Erdan", "according to a
        spokesperson for Hamas"."""
        tokens = [t for t in tokens if t.end <= end]
        extra = ""
        if tokens and tokens[0].folded in ("the", "a", "an"):
            tokens = tokens[1:]
        if (
            len(tokens) > 1
            and tokens[0].folded in SPOKESPERSON
            and tokens[1].folded in ("for", "of")
        ):
            extra = "spokesperson"
            tokens = tokens[2:]
            if tokens and tokens[0].folded == "the":
                tokens = tokens[1:]
        if not tokens:
            return None, ""
        if tokens[0].folded in PRONOUNS and not extra:
            return None, tokens[0].word
        run: list[_Token] = []
        for token in tokens:
            if run and not _joined(self.masked, run[-1], token):
                break
            if token.capitalised or (run and token.folded in _CONNECTORS):
                run.append(token)
            else:
                break
        if not run:
            return " ".join(t.word for t in tokens[:2]), ""
        named = self._named(run)
        if extra and isinstance(named, _Mention):
            extra = f"spokesperson for {named.name}"
        return named, extra


def _speaker_of_pronoun(
    pronoun: str, speakers: list[_Mention], mentions: list[_Mention], position: int
) -> tuple[_Mention | None, str]:
    wants_person = PRONOUNS.get(pronoun.casefold())

    def fits(m: _Mention) -> bool:
        return wants_person is None or m.is_person is wants_person or m.is_person is None

    for mention in reversed(speakers):
        if mention.start < position and fits(mention):
            return mention, f"'{pronoun}' → last named speaker {mention.name}"
    for mention in reversed(mentions):
        if mention.start < position and mention.is_person and wants_person:
            return mention, f"'{pronoun}' → last person named, {mention.name}"
    return None, ""


def attribute(body: str, *, known: Known | None = None) -> list[Attribution]:
    """Each quoted passage of `body` with its speaker and the reason."""
    reader = _Reader(body, known or Known())
    speakers: list[_Mention] = []  # named subjects of speech verbs so far, in order
    results: list[Attribution] = []
    quotes = iter(reader.quotes)
    pending = next(quotes, None)
    for sentence_start, sentence_end in reader.sentences:
        in_sentence = []
        while pending is not None and pending.outer_start < sentence_end:
            in_sentence.append(pending)
            pending = next(quotes, None)
        verbs = [
            t
            for t in reader.between(sentence_start, sentence_end)
            if t.folded in SPEECH_VERBS or t.folded in PARTICIPLES
        ]
        according = [
            m.end()
            for m in re.finditer(
                r"\baccording to\s+", reader.masked[sentence_start:sentence_end], re.I
            )
        ]
        for quote in in_sentence:
            found = _attribute_one(
                reader, quote, sentence_start, sentence_end, verbs, according, speakers
            )
            results.append(found)
        # The sentence's own speakers, for the pronouns and quotes that follow.
        for verb in verbs:
            if verb.folded in PARTICIPLES:
                continue
            subject, _ = reader.subject_before(sentence_start, verb)
            if isinstance(subject, _Mention):
                bisect.insort(speakers, subject, key=lambda m: m.start)
        # A quote's speaker speaks where the quote is (a pronoun's speaker too).
        for result in results[len(results) - len(in_sentence) :]:
            if result.speaker:
                spoke = _Mention(
                    result.speaker, result.is_person, result.quote.outer_start, 0, "", False
                )
                bisect.insort(speakers, spoke, key=lambda m: m.start)
    return results


def _attribute_one(reader, quote, sentence_start, sentence_end, verbs, according, speakers):
    def answer(subject, reason, pronoun=""):
        if pronoun:
            mention, why = _speaker_of_pronoun(
                pronoun, speakers, reader.mentions, quote.outer_start
            )
            if mention is None:
                return Attribution(quote, "", f"'{pronoun}' with no named speaker before it")
            return Attribution(
                quote, mention.name, why, mention.is_person, mention.start, mention.end
            )
        if isinstance(subject, _Mention):
            return Attribution(
                quote, subject.name, reason, subject.is_person, subject.start, subject.end
            )
        if isinstance(subject, str):
            return Attribution(quote, "", f"{reason}: “{subject}”, not a name")
        return None

    # 1. After the quote: "…,” X said. / "…,” said X. / "…,” he added.
    after = [v for v in verbs if v.start >= quote.outer_end]
    if after:
        verb = after[0]
        between = reader.masked[quote.outer_end : verb.start]
        if _MASK not in between and len(between.split()) <= 10:
            subject, extra = reader.subject_before(quote.outer_end, verb)
            if subject is None and not extra:
                following = reader.between(verb.end, sentence_end)
                subject, extra = reader.subject_after(following, sentence_end)
            reason = f"subject of '{verb.word}'"
            if extra and extra.casefold() in PRONOUNS:
                return answer(None, reason, pronoun=extra)
            if found := answer(subject, reason + (f" ({extra})" if extra else "")):
                return found
    # 2. "according to X", "according to a spokesperson for X"
    for offset in according:
        tokens = reader.between(sentence_start + offset, sentence_end)
        subject, extra = reader.subject_after(tokens, sentence_end)
        if found := answer(subject, "after 'according to'" + (f" ({extra})" if extra else "")):
            return found
    # 3. Before the quote: "X said …", "X told the council that “…”", "X, stating, “…”".
    before = [v for v in verbs if v.end <= quote.outer_start]
    if before:
        verb = before[-1]
        if verb.folded in PARTICIPLES:
            for token in reader.between(sentence_start, verb.start):
                if token.folded in PRONOUNS:
                    return answer(None, "", pronoun=token.word)
                if token.capitalised and token.folded not in _STOPWORDS:
                    mention = reader.mention_at(token.start, verb.start)
                    if mention is not None and mention.start == token.start:
                        return answer(
                            reader.full_name(mention),
                            f"subject of the sentence with '{verb.word}'",
                        )
            return Attribution(quote, "", f"no named subject for '{verb.word}'")
        subject, extra = reader.subject_before(sentence_start, verb)
        if extra and extra.casefold() in PRONOUNS:
            return answer(None, "", pronoun=extra)
        reason = f"subject of '{verb.word}'" + (f" ({extra})" if extra else "")
        if found := answer(subject, reason):
            return found
        return Attribution(quote, "", f"no named subject for '{verb.word}'")
    # 4. A sentence that is only a quote goes on with the last speaker.
    rest = reader.masked[sentence_start:sentence_end].replace(_MASK, "")
    if not re.search(r"\w", rest) and speakers:
        last = speakers[-1]
        return Attribution(
            quote,
            last.name,
            f"continues the last speaker, {last.name}",
            last.is_person,
            last.start,
            last.end,
        )
    return Attribution(quote, "", "no speech verb in the sentence")


def unknown_names(
    body: str, *, known: Known | None = None, places: Iterable[str] = ()
) -> list[Name]:
    """People and organisations named in `body` that `known` does not hold, in order of
    first mention; a surname alone counts for the full name."""
    known = known or Known()
    reader = _Reader(body, known, places)
    found: dict[str, dict] = {}
    for mention in reader.mentions:
        if mention.known or mention.quoted or (mention.place_like and mention.is_person):
            continue
        mention = reader.full_name(mention)
        if mention.known or mention.is_person is None:
            continue
        entry = found.setdefault(
            mention.name,
            {
                "is_person": mention.is_person,
                "count": 0,
                "start": mention.start,
                "role": mention.role,
            },
        )
        entry["count"] += 1
        entry["role"] = entry["role"] or mention.role
    # A speaker the grammar names is proposed even as one word ("Hamas said").
    for result in attribute(body, known=known):
        if result.speaker and not known.get(result.speaker) and result.speaker not in found:
            found[result.speaker] = {
                "is_person": bool(result.is_person),
                "count": 1,
                "start": result.speaker_start or 0,
                "role": "",
            }
    return sorted(
        (
            Name(name, e["is_person"], e["count"], e["start"], e["role"])
            for name, e in found.items()
        ),
        key=lambda n: n.start,
    )
