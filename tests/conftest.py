"""Shared fixtures: the local registry server, settings pointing at it, and a copy of
the seed workspace (article, claims.csv, sources/) that tests may change freely."""

from __future__ import annotations

import prefect_env  # noqa: F401  (sets Prefect's environment before anything imports prefect)

# isort: split

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from citeaudit.config import Settings
from registry_server import RegistryServer

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "articles" / "back-muscle-pain.md"


# Files of the checkout a run may write beside its inputs: the tests work on copies.
_CHECKOUT_FILES = ("claims.csv", "validated.json")


@pytest.fixture(scope="session", autouse=True)
def checkout_left_alone() -> Iterator[None]:
    """No test writes into the checkout: the committed claims.csv and the record of its
    checks (validated.json) are as they were after the whole session."""
    before = {name: (ROOT / name).read_bytes() for name in _CHECKOUT_FILES}
    yield
    changed = [name for name in _CHECKOUT_FILES if (ROOT / name).read_bytes() != before[name]]
    assert not changed, f"a test wrote into the checkout: {changed}"


@pytest.fixture(scope="session")
def registry_session() -> Iterator[RegistryServer]:
    with RegistryServer() as server:
        yield server


@pytest.fixture
def registry(registry_session: RegistryServer) -> Iterator[RegistryServer]:
    """The session's server, with any faults a test injected cleared afterwards."""
    yield registry_session
    registry_session.clear_faults()


@pytest.fixture
def settings(registry: RegistryServer) -> Settings:
    return Settings(
        crossref_url=registry.crossref_url,
        openalex_url=registry.openalex_url,
        doi_url=registry.doi_url,
        mailto="editor@example.org",
        openalex_api_key="test-key-123",
        timeout=5,
        retries=1,
        backoff=0.01,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A user's checkout in miniature: the seed article, the reviewed claims.csv and sources/."""
    (tmp_path / "articles").mkdir()
    shutil.copy(SEED_ARTICLE, tmp_path / "articles" / SEED_ARTICLE.name)
    shutil.copy(ROOT / "claims.csv", tmp_path / "claims.csv")
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    return tmp_path
