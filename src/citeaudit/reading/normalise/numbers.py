"""Years, volumes, issues and pages as the article wrote them.

Values stay as written ("256-63", "e1234", "S12"): the registry comparison expands
abbreviated page ranges itself, and an editor must recognise the value in the text.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<![\d:–-])((?:1[5-9]|20)\d\d)(?!\d)")
_PAGE = r"[A-Za-z]{0,3}\d+[A-Za-z]?(?:\.\d+)?"
_PAGE_RANGE = re.compile(rf"(?<![\w.])({_PAGE})(?:\s*[-–—‐]+\s*({_PAGE}))?(?![\w])")
_LABEL = re.compile(
    r"^\s*\(?\s*(?:vols?|volume|v|bd|band|tome|t|tomo|jg|jahrgang|anno|année)\.?\s*",
    re.IGNORECASE,
)
_ISSUE_LABEL = re.compile(
    r"\b(?:no|nos|nr|issue|iss|n|num|number|heft|fasc|suppl|supplement)\.?\s*°?\s*"
    r"(?P<issue>[\w/–-]+)",
    re.IGNORECASE,
)


def year(segment: str) -> int | None:
    """The first plausible year in a date ("(2011a).", "1980 [1966]", "Nov. 2007")."""
    match = _YEAR.search(segment)
    return int(match.group(1)) if match else None


def volume_issue(segment: str) -> tuple[str | None, str | None, str | None]:
    """Volume, issue and pages from a volume segment: "33(2):45-9", "Vol. 3, No. 2",
    "v. 36,", "10.7" (volume 10, number 7), "No. 134" (an issue alone)."""
    text = segment.strip(" ,.;:")
    if text.endswith(")") and "(" not in text:
        text = text.rstrip(")")
    # Vancouver's "1994;73(4):" when the labeller put the year in with the volume
    text = re.sub(
        r"^(?:1[5-9]|20)\d\d[a-z]?(?:\s+[A-Za-z]{3,9}\.?(?:\s*\d{1,2})?)?\s*;\s*", "", text
    )
    if not re.search(r"\d", text):
        return None, None, None
    if re.match(r"^\s*\(?\s*(?:no|nos|nr|issue|iss|n|num|number|heft)\.?\s*°?\s*\d", text, re.I):
        issue = _ISSUE_LABEL.search(text)
        return None, issue.group("issue").strip(",.;") if issue else None, None
    text = _LABEL.sub("", text)
    match = re.match(
        r"^(?P<volume>[A-Za-z]?\d+[A-Za-z]?(?:[-–/]\d+)?)\s*"
        r"(?:\((?P<issue>[^)]*)\)|\.(?P<dot>\d{1,2})(?!\d))?"
        r"\s*(?::\s*(?P<pages>.+))?",
        text,
    )
    if not match:
        digits = re.search(r"\d+", text)
        return (digits.group(0) if digits else None), None, None
    issue = match.group("issue") or match.group("dot")
    if issue is None and (labelled := _ISSUE_LABEL.search(text[match.end("volume") :])):
        issue = labelled.group("issue")
    if issue is not None:
        issue = issue.strip(" ,.;") or None
    return match.group("volume"), issue, pages(match.group("pages") or "")


def pages(segment: str) -> str | None:
    """The page range or article number: "pp. 1761–1800)." -> "1761-1800"."""
    text = re.sub(
        r"^\s*(?:pp?|pages?|pgs?|s|seiten|págs?)(?:\.\s*|\s+)", "", segment.strip(), flags=re.I
    )
    match = _PAGE_RANGE.search(text)
    if not match:
        return None
    first, last = match.group(1), match.group(2)
    return f"{first}-{last}" if last else first


def edition(segment: str) -> str | None:
    """ "2nd ed." -> "2nd", "Second edition" -> "2nd", "3. Aufl." -> "3"."""
    words = {
        "first": "1st",
        "second": "2nd",
        "third": "3rd",
        "fourth": "4th",
        "fifth": "5th",
        "sixth": "6th",
        "seventh": "7th",
        "eighth": "8th",
        "revised": "Rev",
    }
    match = re.search(r"(\d+(?:st|nd|rd|th|e|\.)?)", segment)
    if match:
        return match.group(1).rstrip(".")
    for word, value in words.items():
        if word in segment.lower():
            return value
    return None
