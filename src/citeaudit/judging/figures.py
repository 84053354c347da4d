"""A claim's figures, compared with a source's by value rather than by spelling.

Why: an editor checks that the source reports the claim's figure, however either text
writes it. Compared as strings, "halves the risk" is absent from a source reporting "a
relative risk reduction of about 50 %", "one in four" from one reporting "25 %", and
"80 to 90 per cent" from one reporting "80–90%". Compared as values, those agree, and
"under 5 %" still disagrees with "7.9 %".

A figure here is a share or a range: a percentage ("7.9 %", "80-90%", "12 percent"), a
share in words ("half of", "a third of", "two-thirds", "one in four", "halved"), or a
range of other numbers ("10-20 minutes"). Counts, years and a confidence level ("95%
CI") are not figures a statistic rests on.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# How far two values may differ and still be one figure: rounding ("about half" against
# "48 %"), at least 2.5 points, or 5 % of the value for large ones.
ABSOLUTE_TOLERANCE = 2.5
RELATIVE_TOLERANCE = 0.05

_NUMBER = r"\d+(?:[.,]\d+)?"
_PERCENT = r"\s*(?:%|per\s*cent\b|percent\b)"
_RANGE_JOIN = r"\s*(?:[-–—]|to)\s*"
# Words that make a figure a bound ("under 5 %"), just before it.
_BOUND = re.compile(
    r"\b(?P<bound>under|below|less than|fewer than|lower than|up to|at most|no more than|"
    r"over|above|more than|greater than|higher than|at least|exceeding)\s+$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    rf"(?<![\w.])(?P<low>{_NUMBER})(?:(?P<low_pct>{_PERCENT}))?"
    rf"(?:{_RANGE_JOIN}(?P<high>{_NUMBER})(?![\d.]))?(?P<pct>{_PERCENT})?",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_SPAN = re.compile(r"\b(?:rang\w*|var(?:ied|ying|ies))\s+from\s+$", re.IGNORECASE)
_CONFIDENCE_LEVEL = re.compile(r"\s*(?:CI\b|confidence|credible)", re.IGNORECASE)
_FRACTIONS = {
    "half": 50.0,
    "a half": 50.0,
    "one half": 50.0,
    "a third": 100 / 3,
    "one third": 100 / 3,
    "one-third": 100 / 3,
    "two thirds": 200 / 3,
    "two-thirds": 200 / 3,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "one-quarter": 25.0,
    "three quarters": 75.0,
    "three-quarters": 75.0,
}
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "hundred": 100, "a hundred": 100,
    "one hundred": 100, "a thousand": 1000, "one thousand": 1000,
}  # fmt: skip
_COUNT = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_IN_EVERY = re.compile(
    rf"\b(?P<part>{_COUNT}|\d+)\s+(?:in|out of)\s+(?:every\s+)?(?P<whole>{_COUNT}|\d+)\b",
    re.IGNORECASE,
)
# "half of the patients", not "the first half of the trial"
_FRACTION = re.compile(
    r"(?<!first )(?<!second )(?<!latter )(?<!other )(?<!the )"
    r"\b(?:(?:nearly|almost|about|around|roughly|over|more than|less than|under)\s+)?"
    r"(?P<words>(?:a|one|two|three)[- ](?:half|third|thirds|quarter|quarters)|half|"
    r"two[- ]thirds|three[- ]quarters)\s+(?:of|the)\b",
    re.IGNORECASE,
)
_HALVED = re.compile(r"\b(?:halv(?:e|es|ed|ing)|cut\w* in half|by half)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One figure as written and its value: `low` to `high` (equal for one value), in
    per cent when `percent`; `bound` is "below" or "above" for "under 5 %"."""

    text: str
    low: float
    high: float
    percent: bool = True
    bound: str = ""


def _value(number: str) -> float:
    return float(number.replace(",", "."))


def figures(text: str) -> list[Figure]:
    """The figures of a text, in order of appearance."""
    return list(_figures(text))


@functools.lru_cache(maxsize=4096)
def _figures(text: str) -> tuple[Figure, ...]:
    """Cached: a source's text is compared with each claim that cites it."""
    found: list[tuple[int, Figure]] = []
    for match in _NUMERIC.finditer(text):
        percent = bool(match.group("pct") or match.group("low_pct"))
        high = match.group("high")
        if not (percent or high):
            continue  # a count or a year, not a share or a range
        if percent and _CONFIDENCE_LEVEL.match(text, match.end()):
            continue  # "95% CI": the confidence level, not a finding
        low = _value(match.group("low"))
        top = _value(high) if high else low
        if high and not percent and (_is_year(low) and _is_year(top)):
            continue  # "2010-2015": a period
        window = max(0, match.start() - 20)
        if (
            high
            and _FROM.search(text, window, match.start())
            and not _SPAN.search(text, window, match.start())
        ):
            # "rose from 12% to 18%": two figures, a change; "ranged from" is a range
            for end in ("low", "high"):
                value = _value(match.group(end))
                written = match.group(end) + ("%" if percent else "")
                found.append((match.start(end), Figure(written, value, value, percent)))
            continue
        before = _BOUND.search(text, max(0, match.start() - 20), match.start())
        bound = _bound(before.group("bound") if before else None)
        start = before.start() if before else match.start()
        written = " ".join(text[start : match.end()].split())
        found.append((match.start(), Figure(written, low, top, percent, bound)))
    for match in _IN_EVERY.finditer(text):
        part, whole = _count(match.group("part")), _count(match.group("whole"))
        if 0 < part < whole <= 100_000 and not _is_year(whole):
            found.append(
                (match.start(), Figure(match.group(0), 100 * part / whole, 100 * part / whole))
            )
    for match in _FRACTION.finditer(text):
        words = " ".join(match.group("words").casefold().replace("-", " ").split())
        value = _FRACTIONS.get(words) or _FRACTIONS.get(words.replace(" ", "-"))
        if value is not None:
            found.append((match.start(), Figure(match.group("words"), value, value)))
    for match in _HALVED.finditer(text):
        found.append((match.start(), Figure(match.group(0), 50.0, 50.0)))
    found.sort(key=lambda item: item[0])
    return tuple(figure for _, figure in found)


def _is_year(value: float) -> bool:
    return value.is_integer() and 1500 <= value <= 2100


def _count(word: str) -> float:
    word = " ".join(word.casefold().split())
    return float(word) if word.isdigit() else float(_WORD_NUMBERS.get(word, 0))


def _bound(word: str | None) -> str:
    if not word:
        return ""
    word = word.casefold()
    above = ("over", "above", "more than", "greater than", "higher than", "at least", "exceeding")
    return "above" if word in above else "below"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * max(abs(a), abs(b)))


def agrees(claimed: Figure, reported: Figure) -> bool:
    """Whether a source's figure bears out the claim's.

    A range must be reported as that range (its two ends); a single value as a value
    close to it, or a range it lies in; a bound ("under 5 %") by a value on its side
    of it, or by the same bound."""
    if claimed.percent != reported.percent:
        return False
    if claimed.bound:
        if reported.bound == claimed.bound:
            return _close(claimed.low, reported.low)
        if reported.bound or reported.low != reported.high:
            return False
        return (
            reported.low < claimed.low if claimed.bound == "below" else reported.low > claimed.low
        )
    if reported.bound:
        return False
    if claimed.low != claimed.high:
        return _close(claimed.low, reported.low) and _close(claimed.high, reported.high)
    if reported.low != reported.high:
        return reported.low <= claimed.low <= reported.high
    return _close(claimed.low, reported.low)


def missing(claim: str, source_text: str) -> list[str]:
    """The claim's figures, as written, that no figure of the source bears out."""
    reported = _figures(source_text)
    return [c.text for c in _figures(claim) if not any(agrees(c, r) for r in reported)]
