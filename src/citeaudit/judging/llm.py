"""The LLM judge: an OpenAI-compatible chat server the user runs (vLLM, llama.cpp,
Ollama, LM Studio, a hosted API), for those who have one.

Configuration (environment):
- CITEAUDIT_LLM_URL: the server's base URL, e.g. http://127.0.0.1:8000/v1
  (`/chat/completions` is appended);
- CITEAUDIT_LLM_MODEL: the model name the server expects (default "default");
- CITEAUDIT_LLM_API_KEY: sent as a bearer token when set; never logged or reported;
- CITEAUDIT_LLM_TIMEOUT: seconds per request (default 60).

The model sees the claim and the source's most relevant sentences (numbered, at most
MAX_SENTENCES, ranked as for the evidence shown to editors), and answers with a JSON
object: a label (SUPPORT, REFUTE, NEI), a one-line reason and the numbers of the
sentences it relied on. The health rules of rules.py still apply on top, as for the
learned judge: a model that calls a needling trial support for massage is overruled.
When the server does not answer, or answers something unreadable, the pair is judged
by the learned judge instead and the reason says so: an outage must not silence a check.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

import requests

from citeaudit.errors import InputError
from citeaudit.judging.evidence import SourceText, evidence_for, rank_sentences
from citeaudit.judging.judgment import Judgment
from citeaudit.judging.learned import CLASSES, LearnedJudge, overrule
from citeaudit.judging.rules import check_rules

MAX_SENTENCES = 12
SYSTEM_PROMPT = """You check citations for a health and science editor.
Given a CLAIM and numbered SENTENCES from the cited source, answer whether the source says this.
Labels:
- SUPPORT: the sentences state the claim, including its numbers, population and intervention.
- REFUTE: the sentences address the claim but do not back it as stated (they contradict it, \
report a different number, a hedged or negative finding, another population or intervention, \
or only part of it).
- NEI: the sentences do not address the claim.
Answer with one JSON object and nothing else:
{"label": "SUPPORT" | "REFUTE" | "NEI", "reason": "<one sentence an editor understands>", \
"sentences": [<numbers of the sentences you relied on>]}"""


@dataclass(frozen=True)
class LLMSettings:
    url: str
    model: str = "default"
    api_key: str | None = None
    timeout: float = 60.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LLMSettings:
        env = dict(os.environ if env is None else env)
        url = (env.get("CITEAUDIT_LLM_URL") or "").strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", url):
            raise InputError(
                "the llm judge needs CITEAUDIT_LLM_URL, the base URL of an OpenAI-compatible "
                "server (e.g. http://127.0.0.1:8000/v1)"
            )
        try:
            timeout = float(env.get("CITEAUDIT_LLM_TIMEOUT") or 60)
        except ValueError:
            raise InputError("CITEAUDIT_LLM_TIMEOUT is not a number of seconds") from None
        return cls(
            url=url,
            model=(env.get("CITEAUDIT_LLM_MODEL") or "default").strip(),
            api_key=env.get("CITEAUDIT_LLM_API_KEY") or None,
            timeout=timeout,
        )

    def __repr__(self) -> str:  # the key never reaches a log
        return f"LLMSettings(url={self.url!r}, model={self.model!r}, api_key={'set' if self.api_key else None})"


@dataclass(frozen=True)
class LLMAnswer:
    label: str
    reason: str
    sentences: tuple[int, ...]


def parse_answer(content: str) -> LLMAnswer:
    """The JSON object in a model's reply (models sometimes wrap it in prose or a code
    fence); ValueError when there is no usable label."""
    match = re.search(r"\{.*\}", content, flags=re.DOTALL)
    if not match:
        raise ValueError("no JSON object in the reply")
    data = json.loads(match.group(0))
    label = str(data.get("label", "")).strip().upper()
    label = {"SUPPORTS": "SUPPORT", "REFUTES": "REFUTE", "NOT ENOUGH INFO": "NEI"}.get(label, label)
    if label not in CLASSES:
        raise ValueError(f"unknown label {label!r}")
    reason = " ".join(str(data.get("reason") or "").split())[:300]
    numbers = tuple(int(n) for n in data.get("sentences") or [] if str(n).strip().isdigit())
    return LLMAnswer(label, reason, numbers)


def build_messages(claim: str, sentences: list[str]) -> list[dict[str, str]]:
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1))
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"CLAIM: {claim}\n\nSENTENCES:\n{numbered}"},
    ]


class LLMJudge:
    name = "llm"

    def __init__(self, settings: LLMSettings, fallback: Any = None):
        self.settings = settings
        self.session = requests.Session()
        self._fallback = fallback

    @property
    def fallback(self) -> Any:
        if self._fallback is None:  # built on first need: most runs never fall back
            self._fallback = LearnedJudge.load("judge-light")
        return self._fallback

    def ask(self, claim: str, sentences: list[str]) -> LLMAnswer:
        """One chat completion; raises on any fault (network, HTTP, unreadable reply)."""
        headers = {"Content-Type": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        body = {
            "model": self.settings.model,
            "messages": build_messages(claim, sentences),
            "temperature": 0,
            "max_tokens": 300,
        }
        response = self.session.post(
            f"{self.settings.url}/chat/completions",
            json=body,
            headers=headers,
            timeout=self.settings.timeout,
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        return parse_answer(str(content))

    def judge_source(
        self,
        claim: str,
        source: SourceText,
        *,
        co_cited: bool = False,
        kind: str = "",
        cited: bool = True,
    ) -> Judgment:
        if not source.has_text:
            return Judgment("unverifiable", f"no abstract or text is available for {source.ref}")
        # The most relevant sentences, in the source's own order: an abstract reads in order.
        ranked = {r.sentence for r in rank_sentences(claim, [source], top=MAX_SENTENCES)}
        shown = [s for s in source.sentences if s in ranked] or list(
            source.sentences[:MAX_SENTENCES]
        )
        try:
            answer = self.ask(claim, shown)
        except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
            judged = self.fallback.judge_source(
                claim, source, co_cited=co_cited, kind=kind, cited=cited
            )
            why = type(exc).__name__ if not isinstance(exc, ValueError) else str(exc)
            judged.reason += f" (the LLM judge gave no answer: {why}; judged by the learned judge)"
            return judged
        evidence = evidence_for(claim, source, top=3)
        relied = [shown[n - 1] for n in answer.sentences if 0 < n <= len(shown)]
        if relied:  # the sentences the model cites come first
            chosen = {e.sentence: e for e in evidence_for(claim, source, top=len(source.sentences))}
            evidence = [chosen[s] for s in relied if s in chosen][:3] or evidence
        checks = check_rules(claim, source)
        overruled = overrule(claim, source, answer.label, checks, evidence, kind)
        if overruled is not None:
            return overruled
        verdict = {"SUPPORT": "supported", "REFUTE": "partially_supported", "NEI": "unsupported"}[
            answer.label
        ]
        if answer.label == "REFUTE" and re.search(r"\bcontradict|opposite\b", answer.reason, re.I):
            verdict = "contradicted"
        reason = f"{source.ref}: {answer.reason}" if answer.reason else f"{source.ref}: {verdict}"
        covered = {"supported": 1.0, "partially_supported": 0.5}.get(verdict, 0.0)
        return Judgment(verdict, reason, evidence, covered=covered, studied=checks.gap)
