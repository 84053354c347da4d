"""An author segment split into people, whatever order the style writes names in.

Styles write the same people as "Lee, A. B., Mills, K." (family first), "Lee AB, Mills
K" (Vancouver), "A. B. Lee and K. Mills" (initials first), "Anna Lee, Karl Mills"
(given first) or mix them ("Lee, Anna, and Karl Mills"); organisations stand alone
("World Heart Federation"). Each person comes out as "Family, Given" (given names or
initials as written) or just "Family"; the family name keeps its particles ("van der
Berg") because matching compares family names. "et al." and editor marks are dropped.
"""

from __future__ import annotations

import re

_UP = r"A-ZÀ-ÖØ-ÞĀ-ſ"
_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "dos",
    "das",
    "du",
    "la",
    "le",
    "ten",
    "ter",
    "bin",
    "al",
    "el",
    "st",
    "st.",
    "mac",
    "y",
    "zu",
    "af",
    "av",
}
_SUFFIX = re.compile(r"^(?:Jr|Sr|II|III|IV|2nd|3rd)\.?$")
# "A.", "A.B.", "A. B.", "A.-B.", "AB" (at most four capitals), "Ph."
_INITIALS = re.compile(rf"^(?:(?:[{_UP}][a-z]?\.\s?-?\s?)+|[{_UP}](?:-?[{_UP}]){{0,3}})$")
_ET_AL = re.compile(
    r",?\s*\b(?:et\.?\s*al|and\s+others|u\.\s*a)\b\.?,?|\s*…|,?\s*\.\s?\.\s?\.", re.I
)
_EDITOR_MARK = re.compile(
    r"\(?\b(?:eds?|editors?|hrsg|hg|coords?|comps?|dirs?|trans|transl)\b\.?\)?\s*:?$"
    r"|^\s*(?:by|edited by|ed\. by|hrsg\. von)\s+",
    re.I,
)
# A role in brackets after a name, anywhere in the list: "Heyman, D. (Producers), & Yates,
# D. (Director)" (APA's films), "Smith, J. (Ed.), & Doe, A. (Eds.)".
_ROLE = re.compile(
    r"\s*\((?:eds?|editors?|producers?|directors?|writers?|hosts?|narrators?|trans|"
    r"transl|translators?|comps?|coords?|dirs?|hrsg|hg)\.?\)",
    re.I,
)
_AND = re.compile(r"\s*(?:,\s*)?(?:\band\b|&|\bund\b|\bet\b(?!\s*al)|\by\b|\be\b)\s+", re.I)
_ORGANISATION = re.compile(
    r"\b(?:association|organi[sz]ation|society|institute|council|federation|foundation|"
    r"department|ministry|agency|office|committee|centre|center|group|university|"
    r"college|board|commission|service|government|network|trust|alliance|authority|"
    r"world|national|international|bureau|survey|inc|ltd|corporation|company|press|"
    r"tribune|times|news|hospital|clinic|who|cdc|nih|nhs|fda)\b",
    re.I,
)


def people(segment: str) -> list[str]:
    """The people (or organisations) of an author segment, in order."""
    text = " ".join(segment.split())
    text = _ROLE.sub("", _ET_AL.sub("", text))
    for _ in range(2):
        text = _EDITOR_MARK.sub("", text.strip(" ,;:")).strip()
    text = text.strip(" ,;:")
    if text.endswith(".") and not re.search(rf"(?:^|[\s.\-]){_INITIAL_END}$", text):
        text = text[:-1]  # the full stop that ends the list, not an initial's
    if not text:
        return []
    if _ORGANISATION.search(text) and not re.search(r",\s*[A-Z]\.|\b[A-Z]\.\s", text):
        return [text.strip(" .")]
    if ";" in text:
        return [name for part in text.split(";") for name in _one_or_pair(part)]
    text = _AND.sub(", ", text)
    parts = [_trim(p) for p in text.split(",")]
    parts = [p for p in parts if p]
    return _pair(parts)


_INITIAL_END = rf"[{_UP}]\."


def _trim(part: str) -> str:
    """A piece without stray full stops, keeping an initial's ("David G.")."""
    part = part.strip()
    if re.search(rf"(?:^|[\s.\-]){_INITIAL_END}$", part):
        return part
    return part.strip(" .")


def _one_or_pair(part: str) -> list[str]:
    """A part between semicolons is one person, "Family, Given" or "Given Family"."""
    part = _AND.sub(", ", part.strip(" ,"))
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    return _pair(pieces)


def _is_family(text: str) -> bool:
    """One family name, particles allowed: "Lee", "van der Berg", "García-Márquez"."""
    words = text.split()
    if not words or len(words) > 4:
        return False
    core = [w for w in words if w.lower() not in _PARTICLES]
    return (
        len(core) in (1, 2)
        and all(re.fullmatch(rf"[{_UP}][\w'’\-]+|[{_UP}]['’][\w'’\-]+", w) for w in core)
        and (len(core) == 1 or "-" in text or len(words) > len(core))
    )


def _is_given(text: str) -> bool:
    """Initials, or one to three given names ("Anna", "Anna M.", "J. Robert")."""
    if _INITIALS.match(text.strip()):
        return True
    words = text.split()
    return 1 <= len(words) <= 3 and all(
        re.fullmatch(
            rf"[{_UP}][a-zà-ÿ'’]+(?:-[{_UP}]?[a-zà-ÿ'’]+)*\.?|[{_UP}]\.?(?:-?[{_UP}]\.)*", w
        )
        for w in words
    )


def _pair(parts: list[str]) -> list[str]:
    """Comma-separated pieces to people: "Family, Given" pairs where they alternate."""
    out: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else None
        if _SUFFIX.match(part):
            index += 1
            continue
        if (
            following is not None
            and _is_family(part)
            and (
                _INITIALS.match(following)
                or (_is_given(following) and _pairs_alternate(parts, index))
            )
        ):
            out.append(f"{part}, {following.strip()}")
            index += 2
            continue
        out.append(_single(part))
        index += 1
    return [name for name in out if name]


def _pairs_alternate(parts: list[str], index: int) -> bool:
    """Whether "Lee, Anna, Mills, Karl" is family/given pairs rather than four people:
    the pieces after this pair alternate the same way, or nothing follows the pair."""
    rest = parts[index + 2 :]
    if not rest:
        return True
    if len(rest[0].split()) >= 2 and _single_is_full_name(rest[0]):
        return True  # Chicago: "Lee, Anna, Karl Mills, and Jo Park"
    return _is_family(rest[0]) and len(rest) >= 2 and _is_given(rest[1])


def _single_is_full_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(
        re.match(rf"[{_UP}]", w) or w.lower() in _PARTICLES for w in words
    )


def _single(part: str) -> str:
    """One piece that is a whole name: Vancouver, initials-first or given-first."""
    words = part.split()
    if len(words) == 1:
        return part
    # Vancouver "Lee AB", "van der Berg JH"; also "Lee A.B." and "LEE, A."
    if _INITIALS.match(words[-1]) and len(words) <= 5 and not _INITIALS.match(words[0]):
        family = " ".join(words[:-1])
        return f"{family}, {words[-1]}"
    # Initials first: "A. B. Lee", "A.B. van der Berg", "J.-P. Sartre"
    lead = 0
    while lead < len(words) - 1 and _INITIALS.match(words[lead]) and "." in words[lead]:
        lead += 1
    if lead:
        return f"{' '.join(words[lead:])}, {' '.join(words[:lead])}"
    # Given first: "Anna Lee", "Anna M. Lee", "Ludwig van Beethoven"
    if len(words) <= 5 and all(re.match(rf"[{_UP}]", w) or w.lower() in _PARTICLES for w in words):
        start = len(words) - 1
        while start > 1 and words[start - 1].lower() in _PARTICLES:
            start -= 1
        return f"{' '.join(words[start:])}, {' '.join(words[:start])}"
    return part  # an organisation or a name in a form we do not know: kept whole


def family(person: str) -> str:
    """The family name of a person as `people` writes it."""
    return person.split(",")[0].strip()
