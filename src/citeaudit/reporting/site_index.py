"""The site index: one page over every audited article, and what changed since last time.

A scheduled run over a whole site writes one report per article; an editor needs the
page above them: which articles fail, and which problems are new or resolved since the
previous run. So each run keeps a small state file next to the reports (`index.json`)
holding every article's problems under ids that stay the same while a problem stays
(`findings.py`: a reference key and what is wrong with it, a claim id and its verdict).
The next run compares its problems with that state, article by article:

* an id present now and not before is a *new* problem; one present before and not now
  is *resolved* (a claim whose verdict changed shows both: the old verdict resolved, the
  new one new);
* an article seen for the first time has nothing to compare with: it is marked as a
  first check rather than listing all its problems as new;
* an article not checked in this run keeps its last state and is shown as such, so
  auditing a few changed articles (pre-commit, a pull request) never drops the others.

The state file is ours, not the user's input: if it cannot be read, the run still
succeeds, compares with nothing, and the page says why.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from citeaudit.files import write_text_if_changed
from citeaudit.registries.answers import now_iso
from citeaudit.reporting.findings import CATEGORY_ORDER, CATEGORY_TITLES, report_findings

# The report's own template environment, CSS and date format, so both pages look alike.
from citeaudit.reporting.html_report import _asset, _environment, _format_time, anchor_id

STATE_SCHEMA = "citeaudit.index/1"
STATE_FILE = "index.json"
PAGE_FILE = "index.html"

# Badge tone per category (report.css palettes); text and icon carry the meaning too.
_TONES: dict[str, tuple[str, str]] = {
    "retracted": ("severe", "‼"),
    "concern": ("bad", "!"),
    "broken": ("bad", "✗"),
    "unsupported": ("bad", "✗"),
    "mismatch": ("bad", "✗"),
    "partial": ("warn", "◐"),
    "unverified": ("muted", "?"),
    "details": ("warn", "!"),
    "unverifiable": ("muted", "?"),
}


@dataclass
class ArticleChanges:
    """What changed for one article of this run."""

    name: str
    path: str
    compared_with: str | None  # when the previous state was taken, None on a first check
    new: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SiteIndex:
    """What `update_site_index` wrote and found."""

    page: Path
    state: Path
    changes: list[ArticleChanges]
    state_note: str | None = None  # why the previous state could not be used, if so

    @property
    def new_count(self) -> int:
        return sum(len(c.new) for c in self.changes)

    @property
    def resolved_count(self) -> int:
        return sum(len(c.resolved) for c in self.changes)

    @property
    def compared(self) -> bool:
        return any(c.compared_with is not None for c in self.changes)


def update_site_index(
    reports: Sequence[Mapping[str, Any]],
    out_dir: Path,
    *,
    fail_on: str,
    fail_on_unverified: bool = False,
) -> SiteIndex:
    """Compare this run's reports with the stored state, then write index.json and .html."""
    out_dir = Path(out_dir)
    state_path, page_path = out_dir / STATE_FILE, out_dir / PAGE_FILE
    previous, note = read_state(state_path)
    as_before = _without_time(previous)  # before the entries below are marked
    articles: dict[str, dict[str, Any]] = dict(previous.get("articles") or {})
    for entry in articles.values():
        entry["in_this_run"] = False
    changes: list[ArticleChanges] = []
    for report in reports:
        entry = _entry(report, fail_on, fail_on_unverified)
        before = previous.get("articles", {}).get(entry["name"])
        change = _compare(entry, before)
        entry["changes"] = {
            "compared_with": change.compared_with,
            "new": [p["id"] for p in change.new],
            "resolved": change.resolved,
        }
        articles[entry["name"]] = entry
        changes.append(change)
    state = {
        "schema": STATE_SCHEMA,
        "updated_at": now_iso(),
        "fail_on": fail_on,
        "fail_on_unverified": fail_on_unverified,
        "articles": dict(sorted(articles.items())),
    }
    if _without_time(state) == as_before:
        state["updated_at"] = previous["updated_at"]  # nothing changed: nothing rewritten
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_if_changed(state_path, json.dumps(state, indent=2, ensure_ascii=False) + "\n")
    index = SiteIndex(page_path, state_path, changes, note)
    write_text_if_changed(page_path, render_index(state, note))
    return index


def _without_time(state: Mapping[str, Any]) -> str:
    return json.dumps({**state, "updated_at": None}, sort_keys=True, ensure_ascii=False)


def read_state(path: Path) -> tuple[dict[str, Any], str | None]:
    """The previous run's state, or an empty one and the reason it could not be used."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{path} could not be read ({exc}); changes are counted from this run on"
    if (
        not isinstance(data, dict)
        or data.get("schema") != STATE_SCHEMA
        or not isinstance(data.get("articles"), dict)
    ):
        return (
            {},
            f"{path} is not a citeaudit index (expected schema {STATE_SCHEMA}); changes are counted from this run on",
        )
    articles = {
        name: entry
        for name, entry in data["articles"].items()
        if isinstance(entry, dict) and isinstance(entry.get("problems"), list)
    }
    return {**data, "articles": articles}, None


def _entry(report: Mapping[str, Any], fail_on: str, fail_on_unverified: bool) -> dict[str, Any]:
    article = report["article"]
    summary = report.get("summary") or {}
    problems = [
        {
            "id": f.id,
            "subject": f.subject,
            "key": f.key,
            "line": f.line,
            "category": f.category,
            "message": f.message,
            "fails": f.fails(fail_on, fail_on_unverified),
        }
        for f in report_findings(report)
    ]
    name = str(article["name"])
    return {
        "name": name,
        "path": str(article["path"]),
        "title": article.get("title"),
        "report": f"{name}.html",
        "json": f"{name}.json",
        "checked_at": str(report.get("generated_at") or now_iso()),
        "in_this_run": True,
        "failing": any(p["fails"] for p in problems),
        "counts": {
            "references": int(summary.get("references", len(report.get("references") or []))),
            "claims": int(summary.get("claims", len(report.get("claims") or []))),
            "verdicts": dict(summary.get("verdicts") or {}),
        },
        "validation_failed": [
            str(v.get("name")) for v in report.get("validation") or [] if not v.get("success")
        ],
        "problems": problems,
    }


def _compare(entry: dict[str, Any], before: Mapping[str, Any] | None) -> ArticleChanges:
    change = ArticleChanges(entry["name"], entry["path"], None)
    if before is None:
        return change
    change.compared_with = str(before.get("checked_at") or "an earlier run")
    old = {str(p.get("id")): p for p in before.get("problems") or [] if isinstance(p, dict)}
    now = {p["id"]: p for p in entry["problems"]}
    change.new = [p for pid, p in now.items() if pid not in old]
    change.resolved = [
        {k: old[pid].get(k) for k in ("id", "subject", "key", "line", "category", "message")}
        for pid in old
        if pid not in now
    ]
    return change


# ---------------------------------------------------------------------------------------
# The page


@dataclass(frozen=True)
class ProblemView:
    badge_text: str
    tone: str
    icon: str
    category: str
    message: str
    where: str
    href: str | None
    fails: bool


@dataclass(frozen=True)
class ArticleView:
    name: str
    path: str
    title: str | None
    href: str
    checked_at: str
    in_this_run: bool
    failing: bool
    references: int
    claims: int
    failing_count: int
    problem_count: int
    by_category: list[tuple[str, str, str, int]]  # (title, tone, icon, count)
    first_check: bool
    compared_with: str | None
    new: list[ProblemView]
    resolved: list[ProblemView]
    validation_failed: list[str]


def render_index(state: Mapping[str, Any], note: str | None = None) -> str:
    """The index page for a state: self-contained, no script at all."""
    views = [
        _article_view({**entry, "name": name}, _format_time)
        for name, entry in state["articles"].items()
    ]
    views.sort(
        key=lambda v: (not v.in_this_run, not v.failing, -len(v.new), -v.problem_count, v.name)
    )
    checked = [v for v in views if v.in_this_run]
    compared = [v for v in checked if not v.first_check]
    template = _environment().get_template("index.html.j2")
    return template.render(
        articles=views,
        checked=len(checked),
        failing=sum(v.failing for v in views if v.in_this_run),
        new_total=sum(len(v.new) for v in compared),
        resolved_total=sum(len(v.resolved) for v in compared),
        compared=bool(compared),
        changed=[v for v in compared if v.new or v.resolved],
        fail_on=str(state.get("fail_on") or ""),
        fail_on_unverified=bool(state.get("fail_on_unverified")),
        updated=_format_time(str(state.get("updated_at") or "")),
        updated_at=str(state.get("updated_at") or ""),
        note=note,
        style=Markup(_asset("report.css")),
        csp=(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        ),
    )


def _article_view(entry: Mapping[str, Any], format_time: Callable[[str], str]) -> ArticleView:
    """The page's view of one state entry; tolerant of an older or hand-edited state."""
    name = str(entry.get("name"))
    href = quote(f"{name}.html")
    problems = [p for p in entry.get("problems") or [] if isinstance(p, dict)]
    changes = _mapping(entry.get("changes"))
    counts = _mapping(entry.get("counts"))
    per_category = Counter(str(p.get("category")) for p in problems)
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    by_category = [
        (CATEGORY_TITLES.get(c, c), *_TONES.get(c, ("muted", "?")), n)
        for c, n in sorted(per_category.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]
    in_run = bool(entry.get("in_this_run"))
    compared_with = changes.get("compared_with") if in_run else None
    by_id = {p.get("id"): p for p in problems}
    new = [_problem_view(by_id[i], href) for i in changes.get("new") or [] if i in by_id]
    resolved = [
        _problem_view(p, None) for p in changes.get("resolved") or [] if isinstance(p, dict)
    ]
    return ArticleView(
        name=name,
        path=str(entry.get("path") or ""),
        title=entry.get("title") if isinstance(entry.get("title"), str) else None,
        href=href,
        checked_at=format_time(str(entry.get("checked_at") or "")),
        in_this_run=in_run,
        failing=bool(entry.get("failing")),
        references=_int(counts.get("references")),
        claims=_int(counts.get("claims")),
        failing_count=sum(bool(p.get("fails")) for p in problems),
        problem_count=len(problems),
        by_category=by_category,
        first_check=in_run and compared_with is None,
        compared_with=format_time(str(compared_with)) if compared_with else None,
        new=new if in_run else [],
        resolved=resolved if in_run else [],
        validation_failed=[str(v) for v in entry.get("validation_failed") or []],
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _problem_view(problem: Mapping[str, Any], report_href: str | None) -> ProblemView:
    category = str(problem.get("category"))
    tone, icon = _TONES.get(category, ("muted", "?"))
    subject = str(problem.get("subject"))
    key = str(problem.get("key"))
    where = f"{subject.capitalize()} {key}, line {problem.get('line')}"
    # A citation marker has no card of its own: it is listed in the report's fix list.
    fragment = (
        "fixes-h"
        if subject == "citation"
        else anchor_id("ref" if subject == "reference" else "claim", key)
    )
    return ProblemView(
        badge_text=CATEGORY_TITLES.get(category, category),
        tone=tone,
        icon=icon,
        category=category,
        message=str(problem.get("message") or ""),
        where=where,
        href=f"{report_href}#{fragment}" if report_href else None,
        fails=bool(problem.get("fails")),
    )
