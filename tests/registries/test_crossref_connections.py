"""Crossref through habanero keeps one connection open across requests.

habanero builds a new HTTP client for every request (reading the CA bundle again and
opening a new connection each time); citeaudit gives it one pooled client, so a run's
Crossref requests go over a kept-alive connection, as they would from a browser."""

from __future__ import annotations

from citeaudit.config import Settings
from citeaudit.registries import habanero_pool
from citeaudit.registries.crossref import CrossrefClient
from registry_server import RegistryServer


def test_crossref_requests_in_sequence_reuse_one_connection(
    registry: RegistryServer, settings: Settings
):
    client = CrossrefClient(settings)
    dois = registry.crossref_dois()[:3]
    before = len(registry.requests_for("crossref"))
    answers = [client.work(doi) for doi in dois]
    assert [a.status for a in answers] == ["found"] * 3
    peers = {r.peer for r in registry.requests_for("crossref")[before:]}
    assert len(peers) == 1, peers


def test_crossref_requests_still_say_who_is_asking_and_find_nothing_that_is_not_there(
    registry: RegistryServer, settings: Settings
):
    """The pooled client sends what habanero sends (the mailto in the User-Agent) and a
    404 is still a definite "not found", not a transport error."""
    client = CrossrefClient(settings)
    before = len(registry.requests_for("crossref"))
    answer = client.work("10.5555/no-such-work-anywhere")
    assert answer.status == "not_found"
    [asked] = registry.requests_for("crossref")[before:]
    assert "mailto:editor@example.org" in asked.headers["user-agent"]
    assert habanero_pool.installed()


def test_options_only_the_module_function_takes_still_reach_it(registry: RegistryServer):
    """A habanero call with an option the shared client cannot take per request (here
    `trust_env`) is made by httpx2's own `get`, as before, and answers the same."""
    url = f"{registry.crossref_url}/works/{registry.crossref_dois()[0]}"
    pooled = habanero_pool.pooled_get(url, timeout=5)
    separate = habanero_pool.pooled_get(url, timeout=5, trust_env=False)
    assert pooled.status_code == separate.status_code == 200
    assert pooled.json() == separate.json()


def _ask_in_child(settings: Settings, doi: str, outcome) -> None:
    """Ask once (twice if the first answer is a transient fault, as on a loaded machine)
    and tell the parent what came back."""
    said = ""
    try:
        client = CrossrefClient(settings)
        for _ in range(2):
            answer = client.work(doi)
            said = f"{answer.status} {answer.error or ''}".strip()
            if answer.status != "error":
                break
    except BaseException as exc:  # said to the parent, which shows it in the failure
        said = f"{type(exc).__name__}: {exc}"
    outcome.send(said)


def test_a_forked_process_opens_its_own_connection(registry: RegistryServer, settings: Settings):
    """Two processes writing to one socket would mix their requests; a child forked after
    the parent's requests asks over a connection of its own."""
    import multiprocessing

    client = CrossrefClient(settings)
    doi = registry.crossref_dois()[0]
    before = len(registry.requests_for("crossref"))
    assert client.work(doi).status == "found"
    fork = multiprocessing.get_context("fork")
    parent_end, child_end = fork.Pipe(duplex=False)
    child = fork.Process(target=_ask_in_child, args=(settings, doi, child_end))
    child.start()
    assert parent_end.poll(60), "the forked process said nothing within a minute"
    assert parent_end.recv() == "found"
    child.join(60)
    assert client.work(doi).status == "found"
    parent_first, *in_child, parent_again = (
        r.peer for r in registry.requests_for("crossref")[before:]
    )
    assert in_child and parent_first == parent_again and parent_first not in in_child


def test_a_pooled_answer_reads_as_the_standard_library_reads_it_and_truncated_json_is_a_fault(
    registry: RegistryServer, settings: Settings
):
    """habanero's answers are decoded by orjson (three times faster on a 1.2 MB batch):
    the same data, and truncated JSON is still a transient fault, never a crash."""
    import json

    doi = registry.crossref_dois()[0]
    response = habanero_pool.pooled_get(f"{registry.crossref_url}/works/{doi}")
    assert response.json() == json.loads(response.content)
    registry.add_fault(f"/works/{doi}", kind="malformed", times=2)
    answer = CrossrefClient(settings).work(doi)
    assert answer.status == "error" and "malformed" in (answer.error or "").lower(), answer.error
