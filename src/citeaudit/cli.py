"""Command line: `citeaudit extract | check | refresh`.

Exit codes are the CI contract: 0 nothing reached the --fail-on level, 1 something
did (one line per problem on stderr), 2 bad input or usage (one line, no traceback).
Prefect is never imported here: a CI check should not pay for a server start-up.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from citeaudit.errors import InputError
from citeaudit.gate import FAIL_LEVELS

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for any bad input
        self.exit(
            EXIT_INPUT, f"citeaudit: {message} (see `citeaudit {self.prog.split()[-1]} --help`)\n"
        )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="citeaudit", description="Audit an article's claims and citations.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("articles", nargs="+", type=Path, metavar="ARTICLE")
        sub.add_argument(
            "--claims",
            type=Path,
            default=Path("claims.csv"),
            help="claims file (default: claims.csv)",
        )
        sub.add_argument(
            "--sources",
            type=Path,
            default=Path("sources"),
            help="snapshot folder (default: sources/)",
        )

    extract = commands.add_parser(
        "extract", help="propose check-worthy claims and merge them into claims.csv"
    )
    add_common(extract)

    check = commands.add_parser("check", help="audit articles, write reports, exit 1 on findings")
    add_common(check)
    check.add_argument(
        "--offline", action="store_true", help="judge from sources/ alone, ask no registry"
    )
    check.add_argument(
        "--out", type=Path, default=Path("reports"), help="report folder (default: reports/)"
    )
    check.add_argument(
        "--fail-on", choices=list(FAIL_LEVELS), default="broken", help="level that fails the run"
    )
    check.add_argument(
        "--fail-on-unverified", action="store_true", help="also fail when a registry gave no answer"
    )

    refresh = commands.add_parser("refresh", help="update the source snapshots from the registries")
    add_common(refresh)
    return parser


def _extract(args: argparse.Namespace) -> int:
    from citeaudit.claims_csv import merge_claims, read_claims, write_claims
    from citeaudit.extract import propose_claims
    from citeaudit.pipeline import load_articles

    articles = load_articles(args.articles)
    existing = read_claims(args.claims) if args.claims.exists() else []
    proposed = [claim for article in articles for claim in propose_claims(article)]
    merged, stats = merge_claims(existing, proposed)
    write_claims(args.claims, merged)
    print(
        f"{args.claims}: {stats.added} claims proposed, {stats.kept} existing rows kept unchanged"
    )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from citeaudit.pipeline import RunOptions, run

    options = RunOptions(
        claims_csv=args.claims,
        sources_dir=args.sources,
        out_dir=args.out,
        offline=args.offline,
        fail_on=args.fail_on,
        fail_on_unverified=args.fail_on_unverified,
    )
    result = run(args.articles, options)
    for audit in result.audits:
        summary = audit.report["summary"]
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(summary["verdicts"].items()))
        refs = Counter(r["doi_status"] for r in audit.report["references"])
        print(
            f"{audit.article.path}: {summary['references']} references "
            f"({', '.join(f'{n} {s}' for s, n in sorted(refs.items()))}); "
            f"{summary['claims']} claims ({verdicts}) -> {options.out_dir / audit.article.name}.html"
        )
    for line in result.failures:
        print(line, file=sys.stderr)
    return result.exit_code


def _refresh(args: argparse.Namespace) -> int:
    from citeaudit.pipeline import RunOptions, load_articles, resolve_sources

    articles = load_articles(args.articles)
    snapshots = resolve_sources(articles, RunOptions(sources_dir=args.sources, offline=False))
    states = Counter(f"{s.get('doi_status')}/{s.get('match')}" for s in snapshots.values())
    print(
        f"{args.sources}: {len(snapshots)} sources ({', '.join(f'{n} {k}' for k, n in sorted(states.items()))})"
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"extract": _extract, "check": _check, "refresh": _refresh}
    try:
        return handlers[args.command](args)
    except InputError as exc:
        print(f"citeaudit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so on one line; CITEAUDIT_DEBUG=1 shows the traceback
        if os.environ.get("CITEAUDIT_DEBUG"):
            raise
        print(f"citeaudit: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
