"""The LLM judge against a local stand-in for an OpenAI-compatible server.

The server on 127.0.0.1 answers `POST /v1/chat/completions` in the documented chat
completion shape ({"choices": [{"message": {"role": "assistant", "content": ...}}]})
with whatever a test queues, and records the requests it got.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from citeaudit.errors import InputError
from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import source_text
from citeaudit.judging.llm import LLMJudge, LLMSettings, parse_answer
from local_http import Answer, LocalServer

HONG = source_text(
    "hong1994",
    "Lidocaine injection versus dry needling to myofascial trigger point",
    "This study was designed to investigate the effects of injection with a local anesthetic "
    "agent or dry needling into a myofascial trigger point of the upper trapezius muscle in 58 "
    "patients. Patients treated with dry needling had postinjection soreness of significantly "
    "greater intensity and longer duration than those treated with lidocaine injection.",
    "journal-article",
    "europepmc",
)


class ChatServer:
    def __init__(self) -> None:
        self.replies: list[tuple[int, str]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.server = LocalServer(self._respond)
        self.url = f"{self.server.base}/v1"

    def _respond(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        self.requests.append(json.loads(body))
        self.headers.append(dict(headers))
        status, content = self.replies.pop(0) if self.replies else (500, "")
        completion = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
        return status, {"Content-Type": "application/json"}, json.dumps(completion).encode()

    def answer(self, label: str, reason: str, sentences: list[int], status: int = 200) -> None:
        content = json.dumps({"label": label, "reason": reason, "sentences": sentences})
        self.replies.append((status, f"Here is my answer:\n```json\n{content}\n```"))

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    server = ChatServer()
    yield server
    server.close()


@pytest.fixture
def judge(chat: ChatServer) -> LLMJudge:
    return LLMJudge(LLMSettings(url=chat.url, model="local-model", api_key="sk-test", timeout=5))


def test_the_model_sees_the_claim_and_numbered_sentences_and_its_answer_is_the_verdict(chat, judge):
    chat.answer("SUPPORT", "The trial reports more soreness after dry needling.", [3])
    judgment = judge_claim(
        "Dry needling causes more intense postinjection soreness than lidocaine injection.",
        [HONG],
        cited=True,
        judge=judge,
    )
    assert judgment.verdict == "supported"
    assert judgment.reason == "hong1994: The trial reports more soreness after dry needling."
    assert judgment.evidence[0].sentence.startswith("Patients treated with dry needling")
    request = chat.requests[0]
    assert request["model"] == "local-model" and request["temperature"] == 0
    user = request["messages"][-1]["content"]
    assert user.startswith("CLAIM: Dry needling causes")
    assert "\n1. Lidocaine injection versus" in user and "\n3. Patients treated" in user
    assert chat.headers[0]["Authorization"] == "Bearer sk-test"


def test_the_health_rules_overrule_a_model_that_calls_needling_support_for_massage(chat, judge):
    chat.answer("SUPPORT", "Trigger point treatment relieved pain.", [1])
    judgment = judge_claim(
        "Trigger point massage effectively relieves muscle pain.", [HONG], cited=True, judge=judge
    )
    assert judgment.verdict == "unsupported"
    assert "hong1994 is about injection and needling, not massage" in judgment.reason


def test_refute_is_partial_support_unless_the_model_says_it_contradicts(chat, judge):
    chat.answer("REFUTE", "It concerns the neck, not the lower back.", [2])
    chat.answer("REFUTE", "The trial found the opposite: needling caused more soreness.", [3])
    first = judge_claim(
        "Dry needling of trigger points in the lower back causes soreness.",
        [HONG],
        cited=True,
        judge=judge,
    )
    second = judge_claim(
        "Dry needling and lidocaine injection cause the same soreness.",
        [HONG],
        cited=True,
        judge=judge,
    )
    assert first.verdict == "partially_supported"
    assert second.verdict == "contradicted"


def test_a_server_that_does_not_answer_leaves_the_pair_to_the_learned_judge(chat, judge):
    chat.replies.append((500, "overloaded"))
    judgment = judge_claim(
        "Dry needling causes more intense postinjection soreness than lidocaine injection.",
        [HONG],
        cited=True,
        judge=judge,
    )
    assert judgment.verdict in ("supported", "partially_supported")
    assert "the LLM judge gave no answer" in judgment.reason
    assert "judged by the learned judge" in judgment.reason


def test_replies_are_read_leniently_but_a_label_is_required():
    assert parse_answer('{"label": "supports", "reason": "x", "sentences": [1, "2"]}').label == (
        "SUPPORT"
    )
    with pytest.raises(ValueError):
        parse_answer("I think it is supported.")
    with pytest.raises(ValueError):
        parse_answer('{"label": "MAYBE"}')


def test_the_endpoint_comes_from_the_environment_and_the_key_stays_secret():
    settings = LLMSettings.from_env(
        {"CITEAUDIT_LLM_URL": "http://127.0.0.1:8000/v1/", "CITEAUDIT_LLM_API_KEY": "sk-secret"}
    )
    assert settings.url == "http://127.0.0.1:8000/v1" and settings.model == "default"
    assert "sk-secret" not in repr(settings)
    with pytest.raises(InputError, match="CITEAUDIT_LLM_URL"):
        LLMSettings.from_env({})
