"""Command line: `citeaudit extract | check | refresh`.

Exit codes are the CI contract: 0 nothing reached the --fail-on level, 1 something
did (one line per problem on stderr), 2 bad input or usage (one line, no traceback).
Prefect is never imported here: a CI check should not pay for a server start-up.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeaudit.config import Settings
from citeaudit.errors import InputError
from citeaudit.reporting.gate import FAIL_LEVELS

if TYPE_CHECKING:
    from citeaudit.pipeline.options import RunOptions
    from citeaudit.pipeline.stages import RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for any bad input
        self.exit(EXIT_INPUT, f"citeaudit: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="citeaudit", description="Audit an article's claims and citations.")
    parser.add_argument("--version", action="version", version=f"citeaudit {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "articles",
            nargs="*",
            metavar="ARTICLE",
            help="article files (.md, .markdown, .txt, .html), folders of them, http(s) "
            "URLs of article pages, or bibliography files (.bib, .ris, CSL-JSON .json), "
            "whose references are checked alone",
        )
        site = sub.add_argument_group(
            "a site's pages (fetched; pages that are not articles with references are skipped)"
        )
        site.add_argument(
            "--urls",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="a file of article URLs, one per line (# comments allowed); repeatable",
        )
        site.add_argument(
            "--sitemap",
            action="append",
            default=[],
            metavar="URL",
            help="a sitemap or sitemap index URL (XML, gzip, text, RSS/Atom); repeatable",
        )
        site.add_argument(
            "--include",
            metavar="REGEX",
            help="audit only listed URLs matching this regular expression (e.g. '/articles/')",
        )
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
        talk = sub.add_mutually_exclusive_group()
        talk.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="print nothing on stdout but what CI reads (annotations); problems and "
            "errors still go to stderr",
        )
        talk.add_argument(
            "-v", "--verbose", action="store_true", help="also log each stage of the run on stderr"
        )

    extract = commands.add_parser(
        "extract",
        help="propose check-worthy claims and merge them into claims.csv",
        description="Propose the check-worthy claims of articles and add them to the claims "
        "file as 'proposed' rows for an editor to review. Rows already in the file are never "
        "changed, so an editor's edits survive every run.",
    )
    add_common(extract)

    check = commands.add_parser(
        "check",
        help="audit articles, write reports, exit 1 on findings",
        description="Audit articles: resolve every reference, check its metadata and standing, "
        "judge each claim against its sources, and write the HTML and JSON reports, JUnit XML "
        "and the site index. Exit 0: nothing at the --fail-on level; 1: something is; 2: bad "
        "input.",
    )
    add_common(check)
    check.add_argument(
        "--offline", action="store_true", help="judge from sources/ alone, ask no registry"
    )
    check.add_argument(
        "--out", type=Path, default=Path("reports"), help="report folder (default: reports/)"
    )
    check.add_argument(
        "--fail-on",
        choices=list(FAIL_LEVELS),
        default="broken",
        help="level that fails the run (default: broken)",
    )
    check.add_argument(
        "--fail-on-unverified", action="store_true", help="also fail when a registry gave no answer"
    )
    check.add_argument(
        "--junit",
        type=Path,
        metavar="FILE",
        help="JUnit XML, one testcase per reference and claim (default: OUT/junit.xml)",
    )
    check.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help="also write the Markdown summary here (it is appended to $GITHUB_STEP_SUMMARY "
        "when that is set)",
    )
    check.add_argument(
        "--judge",
        choices=[
            "rules",
            "learned",
            "learned-minilm",
            "llm",
        ],  # judging.choice.JUDGES (a test checks)
        help="who decides claim support (default: $CITEAUDIT_JUDGE, else learned)",
    )
    check.add_argument(
        "--check-links",
        action="store_true",
        help="also ask each URL the references give whether it still leads somewhere "
        "(public addresses only, one request at a time per host); a dead link (404, 410) "
        "is a finding at the mismatch level",
    )
    check.add_argument(
        "--no-index",
        action="store_true",
        help="do not update OUT/index.html and OUT/index.json (the site index and its "
        "changes since the previous run)",
    )

    refresh = commands.add_parser(
        "refresh",
        help="update the source snapshots from the registries",
        description="Ask the registries afresh about every reference of the articles and update "
        "the snapshots in the sources folder; a registry that does not answer never erases a "
        "stored snapshot.",
    )
    add_common(refresh)
    for sub in (check, refresh):
        sub.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="progress bar on stderr while asking the registries (default: when stderr "
            "is a terminal and the run is long)",
        )
    return parser


def _site(args: argparse.Namespace) -> dict[str, Any]:
    """The site listing arguments (--urls, --sitemap, --include), checked for sense."""
    if not (args.articles or args.urls or args.sitemap):
        raise InputError(
            "no articles given: name article files, folders or URLs, or use --urls/--sitemap"
        )
    if args.include and not (args.urls or args.sitemap):
        raise InputError("--include filters the --urls and --sitemap listings; neither was given")
    return {"url_lists": args.urls, "sitemaps": args.sitemap, "include": args.include}


def _print_skipped(skipped: list[Any]) -> None:
    """Listed pages not audited: one line each on stderr, so none disappears silently."""
    for page in skipped:
        print(f"citeaudit: skipped {page.location}: {page.reason}", file=sys.stderr)


def _extract(args: argparse.Namespace) -> int:
    from citeaudit.claims.csv_file import (
        file_state,
        merge_claims,
        read_claims,
        write_claims_unless_changed,
    )
    from citeaudit.claims.proposals import propose_claims
    from citeaudit.reading.inputs import load_site, refuse_to_overwrite

    articles, skipped = load_site(args.articles, **_site(args))
    refuse_to_overwrite(args.claims, "claims file", articles)
    _print_skipped(skipped)
    read_as = file_state(args.claims)
    existing = read_claims(args.claims) if read_as is not None else []
    proposed = [claim for article in articles for claim in propose_claims(article)]
    merged, stats = merge_claims(existing, proposed)
    write_claims_unless_changed(args.claims, merged, read_as)
    _say(
        args,
        f"{args.claims}: {stats.added} claims proposed, {stats.kept} existing rows kept unchanged",
    )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from citeaudit.pipeline.options import RunOptions
    from citeaudit.pipeline.stages import run

    options = RunOptions(
        claims_csv=args.claims,
        sources_dir=args.sources,
        out_dir=args.out,
        offline=args.offline,
        fail_on=args.fail_on,
        fail_on_unverified=args.fail_on_unverified,
        junit=args.junit,
        markdown=args.markdown,
        site_index=not args.no_index,
        progress=args.progress,
        check_links=args.check_links,
        **({"judge": args.judge} if args.judge else {}),
    )
    result = run(args.articles, options, **_site(args))
    _print_skipped(result.skipped)
    if result.outage:
        print(f"citeaudit: {result.outage}", file=sys.stderr)
    _print_source_changes(args, result.source_changes)
    for audit in result.audits:
        summary = audit.report["summary"]
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(summary["verdicts"].items()))
        refs = Counter(r["doi_status"] for r in audit.report["references"])
        claims = f"{summary['claims']} claims ({verdicts})" if summary["claims"] else "no claims"
        _say(
            args,
            f"{audit.article.path}: {summary['references']} references "
            f"({', '.join(f'{n} {s}' for s, n in sorted(refs.items()))}); "
            f"{claims} -> {options.out_dir / audit.article.name}.html",
        )
    if result.site_index is not None:
        index = result.site_index
        changes = (
            f": {index.new_count} new, {index.resolved_count} resolved since the previous run"
            if index.compared
            else ""
        )
        _say(args, f"site index -> {index.page}{changes}")
    _github_outputs(result, options)
    for line in result.failures:
        print(line, file=sys.stderr)
    return result.exit_code


def _github_outputs(result: RunResult, options: RunOptions) -> None:
    """In GitHub Actions: annotations on stdout, the summary appended to the step summary.

    Both are keyed on the environment GitHub sets, so the same `citeaudit check` line
    works in a terminal, in pre-commit and in a workflow.
    """
    from citeaudit.pipeline.stages import run_summary_markdown
    from citeaudit.reporting.annotations import annotation_lines, in_github_actions

    if in_github_actions():
        reports = [audit.report for audit in result.audits]
        for line in annotation_lines(
            reports, fail_on=options.fail_on, fail_on_unverified=options.fail_on_unverified
        ):
            print(line)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as fh:  # appended: other steps write too
            fh.write(run_summary_markdown(result, options))


def _refresh(args: argparse.Namespace) -> int:
    from citeaudit.pipeline.options import RunOptions
    from citeaudit.pipeline.resolution import outage_note, refresh_site

    # A whole archive in constant memory: articles a batch at a time, nothing kept
    # but counts and changes (the snapshots are in sources/).
    options = RunOptions(sources_dir=args.sources, offline=False, progress=args.progress)
    resolution = refresh_site(args.articles, options, progress=args.progress, **_site(args))
    _print_skipped(resolution.skipped)
    states = resolution.states
    counts = resolution.counts
    _say(
        args,
        f"{args.sources}: {sum(states.values())} sources ({', '.join(f'{n} {k}' for k, n in sorted(states.items()))}); "
        f"{counts.get('fresh', 0)} checked recently, {counts.get('written', 0)} updated, "
        f"{counts.get('unchanged', 0)} unchanged, {counts.get('kept', 0)} kept (no answer)",
    )
    _print_source_changes(args, resolution.changes)
    note = outage_note(resolution)
    if note:
        print(f"citeaudit: {note}", file=sys.stderr)
    return EXIT_OK


def _print_source_changes(args: argparse.Namespace, changes: list[Any]) -> None:
    """One line per thing the registries say differently since the previous run."""
    if changes:
        _say(args, f"{len(changes)} change(s) since the previous run:")
    for change in changes:
        where = ", ".join(change.articles) or change.source_id
        _say(args, f"  {change.kind}: {change.message} ({where})")


def _say(args: argparse.Namespace, line: str) -> None:
    """A line of the run's account on stdout, unless --quiet."""
    if not args.quiet:
        print(line)


def _version() -> str:
    try:
        return version("citeaudit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format="citeaudit: %(name)s: %(message)s"
        )
    handlers = {"extract": _extract, "check": _check, "refresh": _refresh}
    try:
        Settings.from_env()  # a bad setting stops every run, offline ones too
        return handlers[args.command](args)
    except InputError as exc:
        print(f"citeaudit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # an unwritable --out, a full disk: the setup, not a bug
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"citeaudit: {where}cannot read or write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a bug: say so on one line; CITEAUDIT_DEBUG=1 shows the traceback
        if os.environ.get("CITEAUDIT_DEBUG"):
            raise
        from citeaudit.registries.answers import (
            redact,  # only on this path: tenacity is slow to import
        )

        message = redact(
            f"{type(exc).__name__}: {exc}",
            (os.environ.get("CITEAUDIT_MAILTO"), os.environ.get("OPENALEX_API_KEY")),
        )
        print(f"citeaudit: internal error: {message}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
