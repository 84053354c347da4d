"""Tokens of a reference string and what the labeller sees of each.

A sequence labeller decides a token's field from what the token looks like and from
its neighbours, so the features are the clues a reader uses: capitals (names and
titles), digits (years, volumes, pages), punctuation at the end (fields end with
".", ",", ":"), brackets (APA years, issues), words that announce a field ("pp.",
"vol.", "In", "eds.", "Press") and the position in the string (authors come first,
pages late). Each family of clues is one small function, as in AnyStyle's
`feature/*.rb`, so a new clue is one more function and the training script picks it up.

The tokens are the string's whitespace-separated words, with Vancouver's glued
"1994;73(4):256-63" cut after ";" and ":" so that it reads as the three fields it is.
Training and parsing use the same `tokens`, so the labels of the training data stay
aligned with what the parser sees.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

Features = dict[str, str | float]

# Cut after ";" or ":" when a word or number follows without a space, except inside
# identifiers ("doi:10.", "https://", "PMID:123") where the colon belongs to the token.
_GLUED = re.compile(r"(?<=[;:])(?=[\w(\[])")
_IDENTIFIER = re.compile(r"^(?:doi|https?|pmid|pmcid|isbn|issn|arxiv|urn|www\.)", re.I)


def tokens(text: str) -> list[str]:
    """The words of a reference as the labeller reads them."""
    out: list[str] = []
    for word in text.split():
        if _IDENTIFIER.match(word) or "://" in word or word.startswith("10."):
            out.append(word)
        else:
            out.extend(part for part in _GLUED.split(word) if part)
    return out


_NON_WORD = re.compile(r"[^\w]")
_NON_WORD_AMP = re.compile(r"[^\w&]")
_DIGIT = re.compile(r"\d")
_VOL_ISSUE = re.compile(r"\d+\(\d+[-–/]?\d*\)")
_QUOTE = re.compile(r"[\"“”«»]|^‘|’$")
_INITIALS = re.compile(r"(?:[A-Z]\.-?){1,4}|[A-Z]{1,3}|[A-Z]\.[A-Z]\.?")
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d[a-z]?")
_RANGE = re.compile(r"[A-Za-z]?\d+[A-Za-z]?\s*[-–—‐]\s*[A-Za-z]?\d+[A-Za-z]?")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|e|er|ème|\.)$", re.I)
_ROMAN = re.compile(
    r"^(?=[ivxlcdm]+$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$", re.I
)
_MONTH = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|mars|avr|mai|juin|"
    r"juil|août|sept|déc|spring|summer|fall|autumn|winter)[a-zé]*$",
    re.I,
)
# Words that announce or belong to a field, by what they announce.
_KEYWORDS: dict[str, frozenset[str]] = {
    "pages": frozenset({"pp", "p", "pages", "page", "s", "pgs", "seiten", "pág", "págs"}),
    "volume": frozenset({"vol", "vols", "volume", "v", "bd", "band", "tome", "t", "tomo"}),
    "issue": frozenset({"no", "nos", "nr", "issue", "iss", "n", "num", "number", "heft"}),
    "editor": frozenset({"ed", "eds", "edited", "editor", "editors", "hrsg", "hg", "dir", "coord"}),
    "translator": frozenset({"trans", "transl", "translated", "tr", "übers"}),
    "in": frozenset({"in", "dans", "en", "im"}),
    "edition": frozenset({"edition", "edn", "ed", "aufl", "éd", "ausg"}),
    "publisher": frozenset(
        {
            "press",
            "publishers",
            "publisher",
            "publishing",
            "verlag",
            "books",
            "university",
            "inc",
            "ltd",
            "co",
            "company",
            "éditions",
            "editions",
            "wiley",
            "springer",
            "elsevier",
        }
    ),
    "journal": frozenset(
        {
            "journal",
            "j",
            "proc",
            "proceedings",
            "review",
            "rev",
            "annals",
            "ann",
            "bulletin",
            "bull",
            "transactions",
            "trans",
            "letters",
            "lett",
            "quarterly",
            "magazine",
            "conference",
            "conf",
            "symposium",
            "workshop",
            "international",
            "int",
            "am",
            "acta",
            "archives",
            "arch",
            "med",
            "sci",
            "res",
            "soc",
            "zeitschrift",
            "revue",
        }
    ),
    "etal": frozenset({"et", "al", "al.", "others", "u.a", "ua"}),
    "and": frozenset({"and", "&", "und", "et", "y", "e"}),
    "note": frozenset(
        {
            "retrieved",
            "available",
            "accessed",
            "online",
            "cited",
            "unpublished",
            "thesis",
            "dissertation",
            "report",
            "press",
            "forthcoming",
        }
    ),
    "identifier": frozenset({"doi", "pmid", "pmcid", "isbn", "issn", "url", "arxiv"}),
}


def _canonical(token: str) -> str:
    """The word without punctuation, lower-cased, digits collapsed: "Smith," -> "smith"."""
    word = _NON_WORD.sub("", token.casefold())
    return _DIGIT.sub("0", word) or "<punct>"


_SHAPE_KEEP = set(".,:;()[]\"'“”‘’-–/&")
_SHAPE_RUNS = re.compile(r"(.)\1+")


def _shape_char(char: str) -> str:
    if char.isupper():
        return "A"
    if char.islower():
        return "a"
    if char.isdigit():
        return "0"
    return char if char in _SHAPE_KEEP else "~"


_SHAPE_TABLE = {code: _shape_char(chr(code)) for code in range(0x250)}


def _shape(token: str) -> str:
    """Aa., 0000, (0000)., A.: character classes with runs collapsed."""
    mapped = token.translate(_SHAPE_TABLE)
    if not mapped.isascii():  # characters beyond the table: classify them one by one
        mapped = "".join(_shape_char(c) for c in token)
    return _SHAPE_RUNS.sub(r"\1", mapped)[:10]


def word(token: str) -> Features:
    """The word itself and its affixes: the labeller learns journal words and names."""
    canonical = _canonical(token)
    return {
        "w": canonical,
        "p3": canonical[:3],
        "s3": canonical[-3:],
        "len": str(min(len(canonical), 12)),
    }


def caps(token: str) -> Features:
    """Capitalisation: names and title words start upper-case, SURNAMES may be all caps."""
    letters = [c for c in token if c.isalpha()]
    if not letters:
        kind = "none"
    elif all(c.isupper() for c in letters):
        kind = "initial" if len(letters) == 1 else "upper"
    elif letters[0].isupper():
        kind = "title"
    elif any(c.isupper() for c in letters):
        kind = "mixed"
    else:
        kind = "lower"
    return {"caps": kind, "shape": _shape(token)}


def number(token: str) -> Features:
    """What a number is likely to be: a year, a page range, a volume, an ordinal."""
    core = token.strip(".,;:()[]{}\"'“”")
    if _YEAR.fullmatch(core):
        kind = "year"
    elif len(core) <= 12 and _YEAR.search(core):
        kind = "has-year"
    elif _RANGE.fullmatch(core):
        kind = "range"
    elif _VOL_ISSUE.fullmatch(core):
        kind = "vol-issue"
    elif core.isdigit() and len(core) <= 3:
        kind = "small"
    elif core.isdigit():
        kind = "large"
    elif _ORDINAL.match(core):
        kind = "ordinal"
    elif _DIGIT.search(core):
        kind = "mixed"
    elif _ROMAN.match(core) and len(core) > 0:
        kind = "roman"
    else:
        kind = "none"
    return {"num": kind}


def punctuation(token: str) -> Features:
    """The punctuation that ends or opens the token: fields end with it."""
    last = token[-1]
    first = token[0]
    return {
        "end": last if not last.isalnum() else "alnum",
        "start": first if not first.isalnum() else "alnum",
        "quote": str(bool(_QUOTE.search(token))),
        "paren": "open"
        if "(" in token and ")" not in token
        else (
            "close" if ")" in token and "(" not in token else ("both" if "(" in token else "none")
        ),
        "brack": str("[" in token or "]" in token),
    }


def keyword(token: str) -> Features:
    """Which field a word like "pp.", "vol.", "In", "eds." or "Press" announces."""
    canonical = _NON_WORD_AMP.sub("", token.casefold())
    hits = [name for name, words in _KEYWORDS.items() if canonical in words]
    out: Features = {"kw": "|".join(hits) if hits else "none"}
    if _MONTH.match(canonical):
        out["month"] = "1"
    if "://" in token or token.casefold().startswith(("www.", "http", "doi:", "10.")):
        out["ident"] = "1"
    return out


def letters(token: str) -> Features:
    """Initials ("J.", "J.-P.", "JP") against words: the shape of a name."""
    stripped = token.strip(",;:()")
    initials = bool(_INITIALS.fullmatch(stripped))
    accents = any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", token))
    return {"initials": str(initials), "accent": str(accents)}


FEATURES: tuple[Callable[[str], Features], ...] = (
    word,
    caps,
    number,
    punctuation,
    keyword,
    letters,
)


@functools.lru_cache(maxsize=65536)
def token_features(token: str) -> Features:
    """Every feature family of one token, ignoring its neighbours (cached: words repeat)."""
    out: Features = {}
    for feature in FEATURES:
        out.update(feature(token))
    return out


_CONTEXT = ("w", "caps", "num", "end", "kw", "initials", "shape")
_OFFSETS = (-2, -1, 1, 2)


@functools.lru_cache(maxsize=65536)
def _own_and_context(token: str) -> tuple[tuple[str, ...], dict[int, tuple[str, ...]]]:
    """The token's features as "name:value" strings, and as its neighbours see them."""
    features = token_features(token)
    own = tuple([f"{name}:{value}" for name, value in features.items()])
    seen = [f"{name}:{features[name]}" for name in _CONTEXT if name in features]
    context = {offset: tuple([f"{offset}:{item}" for item in seen]) for offset in _OFFSETS}
    return own, context


def sequence_features(words: list[str]) -> list[list[str]]:
    """Each token's features with its neighbours' and its place in the string.

    Features are "name:value" strings (crfsuite's own spelling of a named value), the form crfsuite reads fastest; parsing 1,000
    references must take well under a second.
    """
    count = len(words)
    cached = [_own_and_context(w) for w in words]
    out: list[list[str]] = []
    for index, (own, _) in enumerate(cached):
        row = ["bias", *own, f"pos:{min(int(10 * index / count), 9)}"]
        if index == 0:
            row.append("first:True")
        if index == count - 1:
            row.append("last:True")
        for offset in _OFFSETS:
            other = index + offset
            if 0 <= other < count:
                row.extend(cached[other][1][offset])
            else:
                row.append(f"{offset}:edge:1")
        out.append(row)
    _add_structure(words, out)
    return out


def _add_structure(words: list[str], out: list[list[str]]) -> None:
    """Where the token stands in the string's sentences, quotes and brackets.

    Fields are separated by punctuation, so "the third sentence" (after two full stops
    that are not initials') says more than the word itself whether it is a title or a
    journal; a year already seen separates author-date styles from the others.
    """
    sentences = commas = 0
    quoted = bracketed = seen_year = False
    for index, token in enumerate(words):
        features = token_features(token)
        out[index].extend(
            (
                f"sent:{min(sentences, 6)}",
                f"commas:{min(commas, 8)}",
                f"in_quote:{quoted}",
                f"in_paren:{bracketed}",
                f"after_year:{seen_year}",
                f"sent|caps:{min(sentences, 6)}|{features['caps']}",
            )
        )
        if features["num"] == "year":
            seen_year = True
        if _OPEN_QUOTE.search(token) and not _CLOSE_QUOTE.search(token[1:]):
            quoted = True
        elif quoted and _CLOSE_QUOTE_END.search(token):
            quoted = False
        if "(" in token and ")" not in token:
            bracketed = True
        elif ")" in token:
            bracketed = False
        stripped = token.rstrip(')]"”’')
        if stripped.endswith((".", "?", "!", ":")) and features["initials"] != "True":
            sentences += 1
        elif stripped.endswith((",", ";")):
            commas += 1


_OPEN_QUOTE = re.compile(r"^[\"“«]|^‘")
_CLOSE_QUOTE = re.compile(r"[\"”»’][.,:;]?$")
_CLOSE_QUOTE_END = re.compile(r"[\"”»’][.,:;)]*$")
