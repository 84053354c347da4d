"""A sentence that cites different sources for different clauses, cut into those clauses.

Why: in "Turmeric reduces joint pain [1] and melatonin improves sleep [2]", source 1 is
cited for the turmeric clause only; judged as one claim against both sources, each
source would be blamed for the half it never claimed. A sentence is cut after a marker
only where a new clause follows it (a comma, a semicolon, "and", "but", "while",
"whereas" and then words, not another marker), so "Several studies [1, 2] have shown
that X [3]" stays one claim: its first marker is followed by the verb of its clause.
"""

from __future__ import annotations

import re

from citeaudit.reading.linking import ReferenceIndex, link_markers
from citeaudit.reading.markers import find_markers

Part = tuple[str, tuple[str, ...]]  # (the clause without markers, the keys it cites)

_NEW_CLAUSE = re.compile(r"\s*(?:[,;]\s*)?(?:and|but|while|whereas|;|,)\s+(?=[^\W\d_])", re.I)
_LEADING_JOIN = re.compile(r"^(?:[,;]\s*)?(?:and|but|while|whereas)?\s*", re.I)
# A clause states something when it has a finite verb: an auxiliary, or a lower-case
# word in -s or -ed followed by another lower-case word ("reduces joint", "lowered
# blood"). Without one, a piece is a noun phrase ("The 2012 guidelines [1] and ...",
# "including oviposition attractants [2]") and stays with its neighbour.
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|can|could|may|might|will|would|should|must|does|do|"
    r"did)\b|\b[a-z]{2,}(?:s|ed)\s+(?=[a-z])"
)


def cited_parts(sentence: str, index: ReferenceIndex) -> tuple[Part, ...]:
    """The sentence's clauses with their own references, or () when it is one claim."""
    markers = find_markers(sentence, index.plain_limit, superscripts=index.superscripts)
    cuts = [
        marker.end
        for marker in markers
        if _NEW_CLAUSE.match(sentence, marker.end) and not _inside_brackets(sentence, marker.end)
    ]
    if not cuts:
        return ()
    pieces, start = [], 0
    for cut in [*cuts, len(sentence)]:
        pieces.append(sentence[start:cut])
        start = cut
    clauses: list[str] = []  # raw text, markers still in
    carried = ""
    for piece in pieces:
        linked = link_markers(carried + piece, index)
        if linked.keys and _FINITE.search(linked.text):
            clauses.append(carried + piece)
            carried = ""
        elif clauses:  # a noun phrase after a clause belongs to it
            clauses[-1] += piece
        else:  # one before the first clause belongs to the next
            carried += piece
    if carried and clauses:
        clauses[-1] += carried
    parts: list[Part] = []
    for clause in clauses:
        linked = link_markers(clause, index)
        parts.append((_LEADING_JOIN.sub("", linked.text).strip(" ,;"), tuple(linked.keys)))
    if len(parts) < 2 or len({keys for _, keys in parts}) < 2:
        return ()
    return tuple(parts)


def _inside_brackets(text: str, position: int) -> bool:
    """Whether a position is inside "(...)" or "[...]": "(Smith 1999; Brook 2008)" is one group."""
    before = text[:position]
    return before.count("(") > before.count(")") or before.count("[") > before.count("]")
