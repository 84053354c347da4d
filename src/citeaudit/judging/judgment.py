"""What a judge says of one (claim, source) pair, and what every judge provides.

Its own module so that the concrete judges (rules, learned, llm) and the code that
chooses between them all import it, and none of them has to import another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from citeaudit.models import Evidence

if TYPE_CHECKING:
    from citeaudit.judging.evidence import SourceText


@dataclass
class Judgment:
    verdict: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    supporting_refs: list[str] = field(default_factory=list)
    covered: float = 0.0  # share of the claim supported, for ranking sources
    studied: str | None = None  # set when the source tests another intervention than claimed
    # `supported`, but the judge is less sure than where its `supported` proved right 85 %
    # of the time on pairs it had not seen: an editor must look before it is passed.
    needs_look: bool = False


class SourceJudge(Protocol):
    """What a pluggable judge provides: one (claim, source) pair's verdict and reason.

    `co_cited` says the claim cites other sources too, so this one may carry only part
    of it. `kind` is the claim's kind from claims.csv ("statistic", "efficacy", ...).
    `cited` is False when the claim cites nothing and this is one of the article's
    sources tried in case it would support it.
    """

    name: str

    def judge_source(
        self,
        claim: str,
        source: SourceText,
        *,
        co_cited: bool = False,
        kind: str = "",
        cited: bool = True,
    ) -> Judgment: ...


# Verdicts from best to worst, for keeping the best answer among a claim's sources.
RANK = {
    "supported": 4,
    "partially_supported": 3,
    "contradicted": 2,
    "unsupported": 1,
    "unverifiable": 0,
}
