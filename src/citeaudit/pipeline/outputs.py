"""Where a run writes, and the rule that it never writes over what it reads.

Reports are named after articles and land in a folder the user chooses, so a run can
be pointed at its own inputs: `check site/page.html --out site` would replace the
article with its report, and an article called `index` would lose its report to the
site index. Nothing a user owns may be lost, so every path a run will write is known
before any work starts, and a run whose outputs would land on an input, or on each
other, stops with one line naming both paths.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from citeaudit.errors import InputError
from citeaudit.models import Article
from citeaudit.pipeline.options import RunOptions
from citeaudit.quality.ledger import ledger_path
from citeaudit.reading.web import is_url
from citeaudit.reporting.site_index import PAGE_FILE, STATE_FILE
from citeaudit.verification.snapshots import snapshot_path


def report_paths(article: Article, options: RunOptions) -> tuple[Path, Path]:
    """The article's HTML and JSON report."""
    return (
        options.out_dir / f"{article.name}.html",
        options.out_dir / f"{article.name}.json",
    )


def planned_outputs(articles: Iterable[Article], options: RunOptions) -> list[tuple[Path, str]]:
    """Every file the run will write, each with what it is, in the order written."""
    outputs: list[tuple[Path, str]] = []
    for article in articles:
        html, json = report_paths(article, options)
        outputs += [(html, f"report of {article.path}"), (json, f"JSON report of {article.path}")]
    outputs.append((options.junit_path, "JUnit file"))
    if options.site_index:
        outputs += [
            (options.out_dir / PAGE_FILE, "site index"),
            (options.out_dir / STATE_FILE, "site index state"),
        ]
    if options.markdown is not None:
        outputs.append((options.markdown, "Markdown summary"))
    # Written only when an input check's outcome is new (quality/ledger.py).
    outputs.append((ledger_path(options.claims_csv), "record of input checks"))
    return outputs


def run_inputs(articles: Iterable[Article], options: RunOptions) -> list[tuple[Path, str]]:
    """Every file the run reads that a user or an earlier run owns."""
    inputs: list[tuple[Path, str]] = [(options.claims_csv, "claims file")]
    for article in articles:
        if not is_url(article.path):
            inputs.append((Path(article.path), "article"))
        inputs += [
            (snapshot_path(options.sources_dir, ref), "source snapshot")
            for ref in article.references
        ]
    return inputs


def check_outputs(articles: Iterable[Article], options: RunOptions) -> None:
    """Stop the run (InputError) if an output would overwrite an input or another output."""
    articles = list(articles)
    read = {_key(path): (path, what) for path, what in run_inputs(articles, options)}
    written: dict[Path, tuple[Path, str]] = {}
    for path, what in planned_outputs(articles, options):
        key = _key(path)
        if key in read:
            source, kind = read[key]
            raise InputError(
                f"the {what} would overwrite the {kind} {source}: write the outputs elsewhere "
                "(--out, --junit, --markdown)",
                path=path,
            )
        if key in written:
            other, other_what = written[key]
            advice = (
                "rename the article or pass --no-index"
                if PAGE_FILE in (path.name, other.name) or STATE_FILE in (path.name, other.name)
                else "write them to different files"
            )
            raise InputError(
                f"the {other_what} and the {what} would both be written here: {advice}", path=path
            )
        written[key] = (path, what)


def _key(path: Path) -> Path:
    """One spelling per file: relative or absolute, through symbolic links."""
    return path.expanduser().resolve()
