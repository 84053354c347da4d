"""Fault matrix: registry faults must never change a verdict except to `unverified`.

Why: a citation checker that turns a Crossref outage into "broken DOI" or a 429 into
"no record matches" makes editors distrust every red mark. This script runs the same
article (tests/fault_article.py: 16 references covering every resolution path: DOIs
that resolve, one that resolves nowhere, one registered with DataCite, a retracted
work, a wrong year, references found by search and one that matches nothing, plus
claims citing them) once against a clean local registry server and then once per
fault type and scope, and compares what each run concluded with the clean run.

Fault types are the ones the registries produce (tests/registry_server.py injects
them): 429 with and without Retry-After, 500, 502, 503, 504 with Crossref's recorded
HTML error page, timeouts, connection resets, truncated JSON, an HTML proxy page with
status 200, JSON of the wrong shape, and a registry that is down (connection refused).
Scopes: each registry alone (Crossref, OpenAlex, doi.org), all three at once, and
"flaky" (every distinct request fails once, then succeeds: retries must recover it).

Per reference, a verdict is its DOI status, match, retraction standing and the fields
with an error-severity mismatch; per claim, its verdict. A fault may leave them as they
were, or make them `unverified` (claims: `unverifiable`); anything else is a wrong
verdict: a DOI status or match changed to another definite value, a standing that
appeared, a verified reference that lost its standing or gained a mismatch, a claim
verdict changed to anything but unverifiable. (An unverified reference reports no
standing it could not establish: with every registry down its retraction status is
`unknown`, never "none".)
A crash is an exception out of the pipeline or a reference missing from the report.

Usage: ``uv run python benchmarks/faults.py [--json] [--only 503,timeout]``.
It prints one row per fault type (references checked over all scopes; how many kept
their clean verdict, became unverified, or, under "flaky", were recovered exactly by
a retry; claims checked; wrong verdicts and crashes, both of which must be 0); with
``--json`` the last line is one JSON object with at least ``faults``,
``wrong_verdicts``, ``crashes`` and ``references``.
Exit status 1 if there was any wrong verdict or crash.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from citeaudit.config import Settings  # noqa: E402
from citeaudit.pipeline.options import RunOptions  # noqa: E402
from citeaudit.pipeline.stages import run  # noqa: E402
from fault_article import write_fault_article  # noqa: E402
from registry_server import RegistryServer  # noqa: E402

FAULTS: dict[str, dict[str, Any] | None] = {
    "429": {"status": 429},
    "429 Retry-After: 1": {"status": 429, "headers": {"Retry-After": "1"}},
    "500": {"status": 500},
    "502": {"status": 502},
    "503": {"status": 503},
    "504 (recorded HTML)": {"status": 504},
    "timeout": {"kind": "timeout", "delay": 1.3},
    "connection reset": {"kind": "reset"},
    "truncated JSON": {"kind": "malformed"},
    "HTML proxy page (200)": {
        "status": 200,
        "body": "<html><body>Checking your browser...</body></html>",
        "content_type": "text/html",
    },
    "JSON of the wrong shape": {
        "status": 200,
        "body": '{"status": "ok", "message": "maintenance", "results": "none"}',
        "content_type": "application/json",
    },
    "registry down (refused)": None,  # the URL points at a closed port
}
SCOPES: dict[str, tuple[str, ...]] = {
    "crossref": ("/crossref/",),
    "openalex": ("/openalex/",),
    "doi.org": ("/doi/",),
    "all": ("/crossref/", "/openalex/", "/doi/"),
    "flaky": (),  # every distinct request of the clean run fails once
}
_SERVICE_URL = {"/crossref/": "crossref_url", "/openalex/": "openalex_url", "/doi/": "doi_url"}


@dataclass
class Outcome:
    references: dict[str, dict[str, Any]]
    claims: dict[str, str]


@dataclass
class Row:
    fault: str
    runs: int = 0
    references: int = 0
    claims: int = 0
    unchanged: int = 0
    unverified: int = 0
    flaky: int = 0  # references run under the "flaky" scope
    recovered: int = 0  # ... of which retries recovered the clean verdict exactly
    wrong: int = 0
    crashes: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)


def _outcome(paths: list[Path], options: RunOptions, settings: Settings) -> Outcome:
    report = run(paths, options, settings).audits[0].report
    references = {
        r["key"]: {
            "doi_status": r["doi_status"],
            "match": r["match"],
            "retraction": r["retraction"],
            "mismatches": sorted(m["field"] for m in r["mismatches"] if m["severity"] == "error"),
        }
        for r in report["references"]
    }
    return Outcome(references, {c["id"]: c["verdict"] for c in report["claims"]})


def _reference_verdict(clean: dict[str, Any], seen: dict[str, Any]) -> str:
    """'unchanged', 'unverified' or 'wrong' for one reference.

    An unverified reference has no established standing or field check (the report
    says so), so only its definite values are compared; a verified one must agree in full.
    """
    if seen == clean:
        return "unchanged"
    unverified = "unverified" in (seen["doi_status"], seen["match"])
    wrong = (
        (seen["doi_status"] != clean["doi_status"] and seen["doi_status"] != "unverified")
        or (seen["match"] != clean["match"] and seen["match"] != "unverified")
        # under a fault a standing may become unknown, never "none" or another value
        or (seen["retraction"] not in (clean["retraction"], "unknown"))
        or (
            not unverified
            and (
                seen["retraction"] != clean["retraction"]
                or not set(seen["mismatches"]) <= set(clean["mismatches"])
            )
        )
    )
    return "wrong" if wrong else "unverified"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--only", help="comma-separated fault names (default: all)")
    args = parser.parse_args(argv)
    faults = {
        name: spec
        for name, spec in FAULTS.items()
        if not args.only or name in {n.strip() for n in args.only.split(",")}
    }
    started = time.monotonic()
    rows: list[Row] = []
    with RegistryServer() as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        article = write_fault_article(server, work / "faults.md")
        base = Settings(
            crossref_url=server.crossref_url,
            openalex_url=server.openalex_url,
            doi_url=server.doi_url,
            mailto="bench@example.org",
            timeout=1,
            retries=1,
            backoff=0.01,
            max_retry_after=5,
        )
        counter = iter(range(10**6))

        def options() -> RunOptions:
            n = next(counter)
            return RunOptions(
                claims_csv=work / "claims.csv",
                sources_dir=work / f"sources-{n}",
                out_dir=work / f"reports-{n}",
            )

        before = len(server.requests)
        clean = _outcome([article], options(), base)
        targets = sorted(
            {
                r.path + (f"?{r.query}" if r.query else "")
                for r in server.requests[before:]
                if r.method == "GET"
            }
        )
        for name, spec in faults.items():
            row = Row(name)
            t0 = time.monotonic()
            for scope, prefixes in SCOPES.items():
                settings = base
                server.clear_faults()
                if spec is None:
                    if scope == "flaky":
                        continue  # a refused connection does not come and go per request
                    down = f"http://127.0.0.1:{_closed_port()}"
                    settings = replace(
                        base,
                        **{_SERVICE_URL[p]: down + p.rstrip("/") for p in prefixes},  # type: ignore[arg-type]
                    )
                elif scope == "flaky":
                    for target in targets:
                        server.add_fault(target, times=1, **spec)
                else:
                    for prefix in prefixes:
                        server.add_fault(prefix, **spec)
                row.runs += 1
                try:
                    seen = _outcome([article], options(), settings)
                except Exception as exc:  # a crash is what this benchmark counts
                    row.crashes += 1
                    row.examples.append(f"{scope}: crash {type(exc).__name__}: {exc}")
                    continue
                finally:
                    server.clear_faults()
                for key, expected in clean.references.items():
                    row.references += 1
                    got = seen.references.get(key)
                    if got is None:
                        row.crashes += 1
                        row.examples.append(f"{scope}: {key} missing from the report")
                        continue
                    verdict = _reference_verdict(expected, got)
                    setattr(row, verdict, getattr(row, verdict) + 1)
                    if scope == "flaky":
                        row.flaky += 1
                        row.recovered += verdict == "unchanged"
                    if verdict == "wrong":
                        row.examples.append(f"{scope}: {key} {expected} -> {got}")
                for claim_id, expected_verdict in clean.claims.items():
                    row.claims += 1
                    got_verdict = seen.claims.get(claim_id)
                    if got_verdict not in (expected_verdict, "unverifiable"):
                        row.wrong += 1
                        row.examples.append(
                            f"{scope}: claim {claim_id} {expected_verdict} -> {got_verdict}"
                        )
            row.seconds = time.monotonic() - t0
            rows.append(row)

    total = Row("total")
    for row in rows:
        for name in (
            "runs", "references", "claims", "unchanged", "unverified", "flaky", "recovered",
            "wrong", "crashes",
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.seconds += row.seconds
    header = (
        f"{'fault':26} {'runs':>4} {'references':>10} {'unchanged':>9} {'unverified':>10} "
        f"{'retry recovered':>15} {'claims':>6} {'wrong verdicts':>14} {'crashes':>7} "
        f"{'seconds':>7}"
    )
    print(
        f"clean run: {len(clean.references)} references, {len(clean.claims)} claims; "
        f"scopes per fault: {', '.join(SCOPES)}"
    )
    print(header)
    print("-" * len(header))
    for row in [*rows, total]:
        if row is total:
            print("-" * len(header))
        recovered = f"{row.recovered}/{row.flaky}" if row.flaky else "-"
        print(
            f"{row.fault:26} {row.runs:>4} {row.references:>10} {row.unchanged:>9} "
            f"{row.unverified:>10} {recovered:>15} {row.claims:>6} {row.wrong:>14} "
            f"{row.crashes:>7} {row.seconds:>7.1f}"
        )
    for row in rows:
        for example in row.examples[:5]:
            print(f"  {row.fault}: {example}")
    result = {
        "faults": len(rows),
        "scopes": list(SCOPES),
        "runs": total.runs,
        "references": total.references,
        "claims": total.claims,
        "unchanged": total.unchanged,
        "unverified": total.unverified,
        "retry_recovered": total.recovered,
        "flaky_references": total.flaky,
        "wrong_verdicts": total.wrong,
        "crashes": total.crashes,
        "seconds": round(time.monotonic() - started, 1),
        "per_fault": {
            row.fault: {
                "references": row.references,
                "unverified": row.unverified,
                "retry_recovered": row.recovered,
                "wrong_verdicts": row.wrong,
                "crashes": row.crashes,
            }
            for row in rows
        },
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 1 if total.wrong or total.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
