"""A claim's verdict: every source it relies on asked, the best answer kept.

A judge (rules.py, learned.py, llm.py) answers for one (claim, source) pair;
`judge_claim` asks it of every source a claim cites (or, for an uncited claim, of
every source of the article) and keeps the best answer, naming any source that would
support an uncited claim. Which judge answers is chosen in choice.py.
"""

from __future__ import annotations

from citeaudit.judging.choice import get_judge
from citeaudit.judging.evidence import SourceText
from citeaudit.judging.judgment import RANK, Judgment, SourceJudge


def judge_claim(
    claim: str,
    sources: list[SourceText],
    cited: bool,
    kind: str = "",
    judge: SourceJudge | str | None = None,
    co_cited: bool | None = None,
) -> Judgment:
    """A claim's verdict against the sources it cites, or, when it cites none, against
    every source of the article, naming any that would support it.

    `judge` is a SourceJudge, a name from `judges.JUDGES`, or None for the default.
    `co_cited` says the claim cites more sources than those given (None: it cites
    exactly these, so it is co-cited when there are several).
    """
    if judge is None or isinstance(judge, str):
        judge = get_judge(judge)
    with_text = [s for s in sources if s.has_text]
    without = [s.ref for s in sources if not s.has_text]
    if kind == "product" and not cited:
        return Judgment(
            "unverifiable",
            "a product claim (warranty, eligibility, reviews): the article's scientific sources "
            "cannot confirm it; check it against the seller's own terms",
        )
    if not sources:
        return Judgment("unverifiable", "the article has no sources to judge this claim against")
    if not with_text:
        return Judgment(
            "unverifiable", f"no text is available to judge from ({', '.join(without)})"
        )

    if co_cited is None:
        co_cited = cited and len(sources) > 1
    judged = [
        judge.judge_source(claim, s, co_cited=co_cited, kind=kind, cited=cited) for s in with_text
    ]
    # a source the judge is sure of beats one it flags for a look
    best = max(judged, key=lambda j: (RANK[j.verdict], not j.needs_look, j.covered))
    evidence = sorted((e for j in judged for e in j.evidence), key=lambda e: -e.score)[:3]
    if best.verdict in ("supported", "partially_supported"):
        evidence = best.evidence[:3]
    supporting = [s.ref for s, j in zip(with_text, judged, strict=True) if j.verdict == "supported"]
    gap = f"; no text to check for {', '.join(without)}" if without else ""
    look = best.needs_look
    if cited:
        return Judgment(
            best.verdict, best.reason + gap, evidence, supporting, best.covered, needs_look=look
        )
    if best.verdict == "supported":
        reason = f"uncited, but {', '.join(supporting)} would support it: cite it"
        if look:
            reason += "; needs an editor's look: the judge is not sure of it"
    elif best.verdict == "partially_supported":
        reason = f"uncited; {best.reason}"
    else:
        reasons = {j.reason.split("; ")[0] for j in judged if j.verdict != "partially_supported"}
        figure = next((r for r in reasons if r.startswith("the figure")), None)
        if figure:
            reason = f"uncited; {figure.split(' appears nowhere')[0]} appears in none of the {len(with_text)} sources with text"
        else:
            reason = f"uncited; none of the {len(with_text)} sources with text supports it"
            gaps: dict[str, list[str]] = {}
            for source, j in zip(with_text, judged, strict=True):
                if j.studied and not j.studied.startswith("no treatment"):
                    gaps.setdefault(j.studied, []).append(source.ref)
            if gaps:
                reason += ": " + "; ".join(
                    f"{' and '.join(refs)} {'is' if len(refs) == 1 else 'are'} about {studied}"
                    for studied, refs in gaps.items()
                )
    return Judgment(best.verdict, reason + gap, evidence, supporting, best.covered, needs_look=look)
