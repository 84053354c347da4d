"""The claims suite: what must hold before any claim is audited, reported by CSV row."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from citeaudit.claims.csv_file import claim_id_for, read_claims, write_claims
from citeaudit.models import Claim
from citeaudit.quality.expectations import ValidationResult, claims_problem_lines, validate_claims

ARTICLE = "back-muscle-pain"
KNOWN_REFS = {ARTICLE: {"smith2020", "jones2019"}, "neck-pain": {"lee2018"}}


def claim(
    text: str = "Back pain affects 80% of adults.",
    *,
    article: str = ARTICLE,
    line: int = 3,
    kind: str = "statistic",
    refs: list[str] | None = None,
    status: str = "proposed",
    claim_id: str | None = None,
    row: int | None = None,
) -> Claim:
    return Claim(
        claim_id=claim_id if claim_id is not None else claim_id_for(article, text),
        article=article,
        line=line,
        kind=kind,
        text=text,
        refs=["smith2020"] if refs is None else refs,
        status=status,
        row=row,
    )


def test_valid_claims_pass_validation() -> None:
    claims = [
        claim(),
        claim("Exercise helps.", line=7, kind="efficacy", refs=["smith2020", "jones2019"]),
        claim("Uncited claim.", line=9, refs=[], status="rejected"),
        claim("Neck claim.", article="neck-pain", refs=["lee2018"], status="reviewed"),
    ]

    result = validate_claims(claims, KNOWN_REFS)

    assert result == ValidationResult(name="claims.csv", success=True, details=[])
    assert claims_problem_lines(result) == []


def test_no_claims_pass_validation() -> None:
    assert validate_claims([], {}).success


def test_validation_names_rows_with_unknown_reference_keys() -> None:
    good = claim()
    bad = claim("Stress causes pain.", kind="causal", refs=["smith2020", "smith2021", "doe"])

    others = [claim("Other.", refs=[]), claim("Exercise helps.", refs=["jones2019"])]

    result = validate_claims([good, *others, bad], KNOWN_REFS)

    assert not result.success
    assert result.details == [
        f"row 5 (claim {bad.claim_id}): unknown reference keys 'smith2021', 'doe'"
    ]


def test_reference_keys_are_checked_against_the_claims_own_article() -> None:
    # lee2018 exists, but in neck-pain: citing it from back-muscle-pain is a typo.
    bad = claim(refs=["lee2018"])

    result = validate_claims([bad], KNOWN_REFS)

    assert result.details == [f"row 2 (claim {bad.claim_id}): unknown reference key 'lee2018'"]


def test_claims_of_an_article_that_was_not_loaded_have_unknown_refs() -> None:
    orphan = claim(article="hip-pain", refs=["x2000"])

    (detail,) = validate_claims([orphan], KNOWN_REFS).details

    assert detail.endswith("unknown reference key 'x2000' (no article named 'hip-pain' was loaded)")


def test_rows_are_the_csv_rows_the_claims_were_read_from(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_claims(
        path,
        [claim("A claim whose text\nspans two lines."), claim("Bad ref.", refs=["nobody1999"])],
    )

    (detail,) = validate_claims(read_claims(path), KNOWN_REFS).details

    assert detail.startswith("row 4 ")  # header, two lines of the first row, then this one


def test_validation_reports_duplicate_ids_on_both_rows() -> None:
    first = claim(claim_id="dup-1", row=3)
    second = claim("Different text.", claim_id="dup-1", row=8)

    result = validate_claims([first, second], KNOWN_REFS)

    assert result.details == [
        "row 3 (claim dup-1): duplicate claim_id 'dup-1' (rows 3 and 8)",
        "row 8 (claim dup-1): duplicate claim_id 'dup-1' (rows 3 and 8)",
    ]


def test_validation_reports_every_broken_field_of_a_row() -> None:
    bad = claim("  ", claim_id="bad-1", line=0, kind="statistik", status="approved", refs=[])

    result = validate_claims([claim(), bad], KNOWN_REFS)

    assert result.details == [
        "row 3 (claim bad-1): line must be 1 or more, got 0",
        "row 3 (claim bad-1): unknown kind 'statistik' (expected one of: statistic, efficacy, "
        "risk, causal, comparison, source_description, product, definition, recommendation, "
        "finding)",
        "row 3 (claim bad-1): unknown status 'approved' (expected one of: proposed, reviewed, "
        "rejected)",
        "row 3 (claim bad-1): text is empty",
    ]


def test_missing_id_and_article_are_reported() -> None:
    result = validate_claims([claim(claim_id="", article="", refs=[])], KNOWN_REFS)

    assert result.details == ["row 2: claim_id is empty", "row 2: article is empty"]


def test_problem_lines_name_the_file_like_input_errors_do() -> None:
    bad = claim(refs=["nobody1999"])

    result = validate_claims([bad], KNOWN_REFS, name="edits/claims.csv")

    assert claims_problem_lines(result) == [
        f"edits/claims.csv: row 2 (claim {bad.claim_id}): unknown reference key 'nobody1999'"
    ]


def test_importing_validation_does_not_import_great_expectations() -> None:
    code = "import sys, citeaudit.quality.expectations; print('great_expectations' in sys.modules)"

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )

    assert done.stdout.strip() == "False"


def test_validation_writes_nothing_to_stderr_even_when_logging_info() -> None:
    code = textwrap.dedent(
        """
        import logging
        logging.basicConfig(level=logging.INFO)
        from citeaudit.models import Claim
        from citeaudit.quality.expectations import validate_claims
        claims = [Claim("a-1", "a", 1, "statistic", "Text.", ["k"])]
        print(validate_claims(claims, {"a": {"k"}}).success)
        """
    )

    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )

    assert done.stdout.strip() == "True"
    assert done.stderr == ""
