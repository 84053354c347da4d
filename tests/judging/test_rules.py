"""The light judges on the seed article: what an editor must be told."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import SourceText, source_text
from citeaudit.judging.rules import aspects, numbers_in
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import audit_articles, load_claims, resolve_sources
from citeaudit.reading.inputs import load_articles

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["learned", "rules"])
def seed_report(request, tmp_path_factory: pytest.TempPathFactory):
    """The seed article's report, once per light judge: both must tell an editor the same."""
    # A copy of claims.csv: a run records its input checks beside it (validated.json),
    # and a test must not write into the checkout.
    place = tmp_path_factory.mktemp("claims")
    shutil.copy(ROOT / "claims.csv", place / "claims.csv")
    options = RunOptions(
        claims_csv=place / "claims.csv",
        sources_dir=ROOT / "sources",
        offline=True,
        judge=request.param,
    )
    articles = load_articles([ROOT / "articles" / "back-muscle-pain.md"])
    audits = audit_articles(
        articles, load_claims(options, articles), resolve_sources(articles, options), options
    )
    return audits[0].report


def _claim(report, starts: str):
    return next(c for c in report["claims"] if c["text"].startswith(starts))


def test_uncited_80_90_percent_statistic_is_supported_by_none_of_the_sources(seed_report):
    claim = _claim(seed_report, "Approximately 80-90% of back pain")
    assert claim["cited"] is False
    assert claim["verdict"] == "unsupported"
    assert claim["supporting_refs"] == []
    assert "80-90%" in claim["reason"] and "none of the" in claim["reason"]


def test_needling_and_injection_studies_are_not_evidence_that_massage_works(seed_report):
    claim = _claim(seed_report, "Studies show that trigger point massage")
    assert claim["verdict"] == "unsupported"
    assert (
        "cummings2001 and hong1994 are about injection and needling, not massage" in claim["reason"]
    )


def test_hong_description_is_only_partly_supported_and_not_about_the_back(seed_report):
    claim = _claim(seed_report, "This study discusses the role of trigger point therapy")
    assert claim["refs"] == ["hong1994"]
    assert claim["verdict"] == "partially_supported"
    assert "neck and shoulders" in claim["reason"]
    assert claim["evidence"] and all(e["ref"] == "hong1994" for e in claim["evidence"])


def test_cummings_description_overstates_a_hedged_needling_review(seed_report):
    claim = _claim(seed_report, "This systematic review examines the use of needling and manual")
    assert claim["verdict"] == "partially_supported"
    assert "not massage or manual therapy" in claim["reason"]
    assert "hedges its conclusion" in claim["reason"]


def test_sources_without_text_are_unverifiable_never_unsupported(seed_report):
    for starts in ("This foundational work is widely cited", "This focused review provides"):
        assert _claim(seed_report, starts)["verdict"] == "unverifiable"


def test_product_promises_are_unverifiable_against_scientific_sources(seed_report):
    claim = _claim(seed_report, "It comes with a 15-year warranty")
    assert claim["kind"] == "product" and claim["verdict"] == "unverifiable"


def test_a_claim_that_restates_the_abstract_is_supported():
    source = source_text(
        "hong1994",
        "Lidocaine injection versus dry needling",
        "Patients treated with dry needling had postinjection soreness of significantly greater "
        "intensity and longer duration than those treated with lidocaine injection.",
        "journal-article",
    )
    judgment = judge_claim(
        "Dry needling causes more intense and longer postinjection soreness than lidocaine injection.",
        [source],
        cited=True,
    )
    assert judgment.verdict == "supported"
    assert judgment.evidence[0].sentence.startswith("Patients treated with dry needling")


def test_a_hedged_finding_is_not_support():
    source = SourceText(
        "cummings2001",
        (
            "The hypothesis that needling therapies have efficacy beyond placebo is neither supported nor refuted.",
        ),
    )
    judgment = judge_claim("Needling therapies are effective beyond placebo.", [source], cited=True)
    assert judgment.verdict != "supported"


def test_figures_and_aspects_are_found():
    assert numbers_in("Approximately 80-90% of cases, and 42% of patients") == ["80-90%", "42%"]
    assert numbers_in("a 15-year warranty since 1999") == []
    assert (
        len(
            aspects(
                "This review examines needling, including back muscle pain, with positive findings."
            )
        )
        == 3
    )
