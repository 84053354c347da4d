"""Great Expectations checks on claims.csv, run before any claim is audited.

`read_claims` already rejects rows it cannot parse. These checks are the contract the
rest of the pipeline relies on, stated once as an expectation suite: they also apply to
claims built in code, and they catch what only makes sense against the articles, such
as a reference key the article does not have (an editor's typo would otherwise turn
into a silently unsupported claim).

Great Expectations takes seconds to import, so it is imported only when validating;
commands that never validate stay fast.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from citeaudit.claims.csv_file import STATUSES
from citeaudit.models import CLAIM_KINDS, Claim

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.expectations import Expectation

SUITE_NAME = "claims"


@dataclass
class ValidationResult:
    """Outcome of one validation; `details` are one line each, naming the bad rows."""

    name: str
    success: bool
    details: list[str] = field(default_factory=list)
    # The articles whose rows failed, so a site run can fail those articles alone. A
    # failure that names no row (a check that could not run) puts every article in doubt.
    articles: dict[str, list[str]] = field(default_factory=dict)  # article -> its lines
    whole: bool = False  # a failure that names no row

    def for_report(self) -> dict[str, Any]:
        """What a report says of it (schema: name, success, details)."""
        return {"name": self.name, "success": self.success, "details": list(self.details)}


# How to explain a failing value: (claim, the failing value) -> message.
_Explain = Callable[[Claim, Any], str]
_CHECK_KEY = "citeaudit_check"  # in each expectation's meta, to find its explanation again


def validate_claims(
    claims: Sequence[Claim],
    known_refs: Mapping[str, set[str]],
    *,
    name: str = "claims.csv",
) -> ValidationResult:
    """Check claims against the suite; `known_refs` maps article -> its reference keys.

    A claim whose article is missing from `known_refs` has no known keys, so every key
    it cites is reported: such a row points at an article that was not loaded.
    """
    _import_great_expectations_quietly()
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    frame = _claims_frame(claims, known_refs)

    context = gx.get_context(mode="ephemeral")
    # Progress bars go to stderr through tqdm and are on unless the context says no.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas("citeaudit")
        .add_dataframe_asset(SUITE_NAME)
        .add_batch_definition_whole_dataframe("all rows")
        .get_batch(batch_parameters={"dataframe": frame})
    )

    duplicate_rows = _rows_by_claim_id(claims)
    kinds = ", ".join(CLAIM_KINDS)
    statuses = ", ".join(STATUSES)
    checks: list[tuple[Expectation, _Explain]] = []
    for column in ("claim_id", "article", "line", "kind", "text", "status"):
        checks.append(
            (gxe.ExpectColumnValuesToNotBeNull(column=column), _constant(f"{column} is empty"))
        )
    checks += [
        (
            gxe.ExpectColumnValuesToBeUnique(column="claim_id"),
            lambda claim, value: (
                f"duplicate claim_id {value!r} (rows {_and(duplicate_rows[claim.claim_id])})"
            ),
        ),
        (
            gxe.ExpectColumnValuesToBeBetween(column="line", min_value=1),
            lambda claim, value: f"line must be 1 or more, got {value}",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=list(CLAIM_KINDS)),
            lambda claim, value: f"unknown kind {value!r} (expected one of: {kinds})",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)),
            lambda claim, value: f"unknown status {value!r} (expected one of: {statuses})",
        ),
        (
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1),
            _constant("text is empty"),
        ),
        (
            gxe.ExpectColumnValuesToMatchRegex(column="text", regex=r"\S"),
            _constant("text is empty"),
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="refs_known", value_set=[True]),
            lambda claim, value: _unknown_refs_message(claim, known_refs),
        ),
    ]
    # Added through the context so the suite belongs to it: a suite that belongs to no
    # context resolves through GX's process-wide "current" one, which another caller
    # (e.g. a concurrent Prefect task) may have replaced in the meantime.
    suite = context.suites.add(gx.ExpectationSuite(name=SUITE_NAME))
    for number, (expectation, _) in enumerate(checks):
        expectation.meta = {_CHECK_KEY: number}
        suite.add_expectation(expectation)

    outcome = batch.validate(suite, result_format="COMPLETE")

    # (row, check number, message): GX returns results in an order of its own, so they
    # are sorted into the suite's order, row by row, for a stable and readable report.
    found: list[tuple[int, int, str]] = []
    by_article: dict[str, list[tuple[int, int, str]]] = {}
    whole = False
    for result in outcome.results:
        config = result.expectation_config
        number = int(config.meta[_CHECK_KEY])
        error = _exception_message(result.exception_info)
        if error is not None:
            found.append((0, number, f"check {_describe(config)} could not run: {error}"))
            whole = True
            continue
        if result.success:
            continue
        explain = checks[number][1]
        indices = result.result.get("unexpected_index_list") or []
        values = result.result.get("unexpected_list") or []
        for index, value in zip(indices, values, strict=False):
            claim = claims[int(index)]
            row = _row_of(claim, int(index))
            found.append((row, number, _located(claim, row, explain(claim, value))))
            by_article.setdefault(claim.article, []).append(found[-1])
        if not indices:  # a failure must never pass silently for want of rows to name
            found.append((0, number, f"check {_describe(config)} failed without naming rows"))
            whole = True

    details = list(dict.fromkeys(message for _, _, message in sorted(found)))
    return ValidationResult(
        name=name,
        success=bool(outcome.success) and not details,
        details=details,
        articles={
            article: list(dict.fromkeys(message for _, _, message in sorted(lines)))
            for article, lines in sorted(by_article.items())
        },
        whole=whole,
    )


def claims_problem_lines(result: ValidationResult) -> list[str]:
    """Lines for the terminal, in the same `file: row N: problem` shape as `InputError`."""
    return [f"{result.name}: {detail}" for detail in result.details]


def _exception_message(info: Mapping[str, Any] | None) -> str | None:
    """The error a check raised, if any.

    GX 1.x reports it in two shapes: flat (`raised_exception`, `exception_message`) when
    the expectation itself failed to run, and keyed by metric id when a metric did.
    """
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error").splitlines()[0]
    return None


def _describe(config: Any) -> str:
    column = config.kwargs.get("column")
    return f"{config.type} on {column!r}" if column else str(config.type)


def _claims_frame(claims: Sequence[Claim], known_refs: Mapping[str, set[str]]) -> pd.DataFrame:
    """One row per claim, in claim order, so a frame index is a position in `claims`."""
    import pandas as pd

    def blank_to_none(value: str | None) -> str | None:
        # Null checks are the only ones that see a missing id or article; "" is missing.
        return value if value is not None and value.strip() else None

    columns: dict[str, list[Any]] = {
        "claim_id": [blank_to_none(c.claim_id) for c in claims],
        "article": [blank_to_none(c.article) for c in claims],
        "line": [c.line for c in claims],
        "kind": [c.kind for c in claims],
        "text": [c.text for c in claims],
        "refs": [";".join(c.refs) for c in claims],
        "status": [c.status for c in claims],
        "refs_known": [not _unknown_refs(c, known_refs) for c in claims],
    }
    # object dtype keeps values as Python objects, so failing values come back unchanged.
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})


def _unknown_refs(claim: Claim, known_refs: Mapping[str, set[str]]) -> list[str]:
    known = known_refs.get(claim.article, set())
    return [key for key in dict.fromkeys(claim.refs) if key not in known]


def _unknown_refs_message(claim: Claim, known_refs: Mapping[str, set[str]]) -> str:
    unknown = _unknown_refs(claim, known_refs)
    noun = "reference key" if len(unknown) == 1 else "reference keys"
    message = f"unknown {noun} {', '.join(repr(key) for key in unknown)}"
    if claim.article not in known_refs:
        message += f" (no article named {claim.article!r} was loaded)"
    return message


def _rows_by_claim_id(claims: Sequence[Claim]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for index, claim in enumerate(claims):
        rows.setdefault(claim.claim_id, []).append(_row_of(claim, index))
    return rows


def _row_of(claim: Claim, index: int) -> int:
    """The claims.csv line of a claim: as read if known, else position + 1 for the header."""
    return claim.row if claim.row is not None else index + 2


def _located(claim: Claim, row: int, message: str) -> str:
    if claim.claim_id and claim.claim_id.strip():
        return f"row {row} (claim {claim.claim_id}): {message}"
    return f"row {row}: {message}"


def _and(rows: list[int]) -> str:
    if len(rows) < 2:
        return ", ".join(map(str, rows))
    return ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"


def _constant(message: str) -> _Explain:
    return lambda claim, value: message


def _import_great_expectations_quietly() -> None:
    """Import GX without it writing to stderr, which belongs to citeaudit's own messages.

    * GX_ANALYTICS_ENABLED=false is honoured by GX builds that send usage analytics
      (1.24.1 as installed here has no analytics code, but it costs nothing).
    * Its import triggers stdlib DeprecationWarnings (sre_constants, sre_parse) that
      no citeaudit user can act on.
    * It logs routine INFO lines (a temporary docs directory per ephemeral context) from
      a logger it pins to INFO itself, so a CLI logging at INFO would print them.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    gx_logger = logging.getLogger("great_expectations")  # before the import: it logs too
    if gx_logger.level == logging.NOTSET:
        gx_logger.setLevel(logging.WARNING)
    if "great_expectations" not in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import great_expectations  # noqa: F401
    pinned = logging.getLogger("great_expectations.data_context.types.base")
    if pinned.level == logging.INFO:  # GX's own setting, not a choice someone made
        pinned.setLevel(logging.WARNING)


# ---------------------------------------------------------------------------------------
# Resolved sources

SOURCES_SUITE_NAME = "sources"
_SNAPSHOT_SCHEMA = "citeaudit.source/1"
_DOI_STATUSES = ("resolves", "not_found", "invalid", "unverified")
_MATCHES = ("matched", "ambiguous", "not_found", "unverified")
_DOI_REGEX = r"^10\.\d{4,9}/\S+$"
_ISO_TIME_REGEX = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"
EARLIEST_YEAR = 1450  # printing; an earlier year in a registry record is a parsing error


def validate_sources(
    snapshots: Mapping[str, Mapping[str, Any]], *, sources_dir: str = "sources"
) -> dict[str, list[str]]:
    """Check resolved sources (snapshots by source id); problems by source id.

    Every verdict rests on these records, whether fresh from the registries or read from
    `sources/` (where a person may have edited one), so the fields the pipeline trusts
    are checked once, as an expectation suite: statuses in their allowed sets, DOIs that
    look like DOIs, plausible years, a record behind every match. A source that passes
    has an empty list; problems that concern no single source are under the key "".
    The problems are reported in each article's `validation` list, never raised: a bad
    record must be visible in the report, and the rest of the audit is still useful.
    """
    problems: dict[str, list[str]] = {sid: [] for sid in snapshots}
    if not snapshots:
        return problems
    _import_great_expectations_quietly()
    import great_expectations.expectations as gxe

    ids = list(snapshots)
    frame = _sources_frame([snapshots[sid] for sid in ids])
    statuses, matches = ", ".join(_DOI_STATUSES), ", ".join(_MATCHES)
    latest = datetime.now(UTC).year + 1
    checks: list[tuple[Expectation, Callable[[Any], str]]] = [
        (
            gxe.ExpectColumnValuesToBeInSet(column="schema", value_set=[_SNAPSHOT_SCHEMA]),
            lambda v: f"schema is {v!r}, expected {_SNAPSHOT_SCHEMA!r}",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="doi_status", value_set=list(_DOI_STATUSES)),
            lambda v: f"doi_status {v!r} is not one of: {statuses}",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="match", value_set=list(_MATCHES)),
            lambda v: f"match {v!r} is not one of: {matches}",
        ),
        (
            gxe.ExpectColumnValuesToMatchRegex(column="doi", regex=_DOI_REGEX),
            lambda v: f"DOI {v!r} is not a DOI (10.<prefix>/<suffix>)",
        ),
        (
            gxe.ExpectColumnValuesToMatchRegex(column="work_doi", regex=_DOI_REGEX),
            lambda v: f"the record's DOI {v!r} is not a DOI (10.<prefix>/<suffix>)",
        ),
        (
            gxe.ExpectColumnValuesToBeBetween(
                column="year", min_value=EARLIEST_YEAR, max_value=latest
            ),
            lambda v: f"year {v} is implausible (expected {EARLIEST_YEAR} to {latest})",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="year_is_number", value_set=[True]),
            _constant_value("the record's year is not a whole number"),
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="matched_has_record", value_set=[True]),
            _constant_value("match is 'matched' but the snapshot holds no record with a title"),
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="resolves_has_doi", value_set=[True]),
            _constant_value("doi_status is 'resolves' but the snapshot has no DOI"),
        ),
        (
            gxe.ExpectColumnValuesToMatchRegex(column="checked_at", regex=_ISO_TIME_REGEX),
            lambda v: f"checked_at {v!r} is not an ISO date and time",
        ),
    ]
    for index, number, value, error in _run_suite(frame, [c for c, _ in checks], "sources"):
        if error is not None:
            problems.setdefault("", []).append(error)
            continue
        sid = ids[index]
        message = checks[number][1](value)
        problems[sid].append(f"{sources_dir}/{sid}.json: {message}")
    return problems


def sources_validation(
    problems: Mapping[str, list[str]], source_ids: Sequence[str], *, name: str = "sources"
) -> ValidationResult:
    """The outcome for one article: the problems of the sources it cites, and global ones."""
    details = list(problems.get("", []))
    for sid in dict.fromkeys(source_ids):
        details.extend(problems.get(sid, []))
    return ValidationResult(name=name, success=not details, details=details)


def _constant_value(message: str) -> Callable[[Any], str]:
    return lambda value: message


def _sources_frame(snapshots: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per snapshot, as the expectations see it; tolerant of any JSON shape."""
    import pandas as pd

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) and value.strip() else None

    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "schema", "doi_status", "match", "doi", "work_doi", "year", "year_is_number",
            "matched_has_record", "resolves_has_doi", "checked_at",
        )
    }  # fmt: skip
    for snapshot in snapshots:
        work = snapshot.get("work") if isinstance(snapshot.get("work"), Mapping) else None
        year = work.get("year") if work else None
        is_number = year is None or (isinstance(year, int) and not isinstance(year, bool))
        rows["schema"].append(snapshot.get("schema"))
        rows["doi_status"].append(snapshot.get("doi_status"))
        rows["match"].append(snapshot.get("match"))
        rows["doi"].append(text(snapshot.get("doi")))
        rows["work_doi"].append(text(work.get("doi")) if work else None)
        rows["year"].append(year if is_number else None)
        rows["year_is_number"].append(is_number)
        rows["matched_has_record"].append(
            snapshot.get("match") != "matched" or bool(work and text(work.get("title")))
        )
        rows["resolves_has_doi"].append(
            snapshot.get("doi_status") != "resolves"
            or bool(text(snapshot.get("doi")) or (work and text(work.get("doi"))))
        )
        rows["checked_at"].append(snapshot.get("checked_at"))
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in rows.items()})


def _run_suite(
    frame: pd.DataFrame, expectations: Sequence[Expectation], suite_name: str
) -> list[tuple[int, int, Any, str | None]]:
    """(row index, expectation number, failing value, error) for every failing value.

    An expectation that could not run gives one entry with its error (row -1), so a
    broken check is reported rather than passing silently. Sorted by row, then by the
    order of `expectations`, for a stable report.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas("citeaudit")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("all rows")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for number, expectation in enumerate(expectations):
        expectation.meta = {_CHECK_KEY: number}
        suite.add_expectation(expectation)
    outcome = batch.validate(suite, result_format="COMPLETE")

    found: list[tuple[int, int, Any, str | None]] = []
    for result in outcome.results:
        config = result.expectation_config
        number = int(config.meta[_CHECK_KEY])
        error = _exception_message(result.exception_info)
        if error is not None:
            found.append((-1, number, None, f"check {_describe(config)} could not run: {error}"))
            continue
        if result.success:
            continue
        indices = result.result.get("unexpected_index_list") or []
        values = result.result.get("unexpected_list") or []
        for index, value in zip(indices, values, strict=False):
            found.append((int(index), number, value, None))
        if not indices:
            found.append(
                (-1, number, None, f"check {_describe(config)} failed without naming rows")
            )
    return sorted(found, key=lambda item: (item[0], item[1]))
