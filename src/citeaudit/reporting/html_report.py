"""Render a citeaudit JSON report as one self-contained HTML page for editors.

The JSON report (schema/report.schema.json) is the contract; this page is a view of it.
Editors open it offline, from a mail attachment or a CI artifact, so it carries its own
CSS and a few lines of JavaScript and never loads anything from the network.

Everything shown comes from untrusted text: the article being audited, and titles or
abstracts from registries, which often carry JATS/HTML markup. So:

* Jinja autoescaping is on for every value; plain strings are always escaped.
* Registry rich text goes through a small allow-list sanitizer (nh3) and only then is
  marked safe, so `<jats:italic>in vivo</jats:italic>` becomes `<i>in vivo</i>` while
  `<script>` or `onerror=` never survive.
* Links are rebuilt from validated identifiers (a DOI, a PubMed id, an OpenAlex id), and
  other URLs are kept only when they are http(s).
* A Content-Security-Policy allows only the page's own script (by hash), so even if
  escaping ever failed, an injected script would not run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import nh3
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from citeaudit.files import write_text_if_changed
from citeaudit.reporting.findings import CLAIM_KIND_ORDER, report_findings
from citeaudit.reporting.suggested_fixes import STYLE_LABELS, bibtex, csl_json

__all__ = [
    "anchor_id",
    "content_words",
    "doi_url",
    "highlight_shared_words",
    "reference_has_problem",
    "render_html",
    "sanitize_markup",
    "write_html",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"

VERDICT_ORDER: tuple[str, ...] = (
    "contradicted",
    "unsupported",
    "partially_supported",
    "unverifiable",
    "supported",
)

# tone -> one of the CSS badge palettes; every badge also carries text and an icon, so
# colour is never the only signal.
_VERDICTS: dict[str, tuple[str, str, str]] = {
    "supported": ("Supported", "ok", "✓"),
    "partially_supported": ("Partly supported", "warn", "◐"),
    "unsupported": ("Unsupported", "bad", "✗"),
    "contradicted": ("Contradicted", "severe", "‼"),
    "unverifiable": ("Unverifiable", "muted", "?"),
}
# Bar colours for the verdict chart (solid, AA against white text is not needed: the
# labels sit outside the bars).
_CHART_FILL: dict[str, str] = {
    "ok": "#2f8a4a",
    "warn": "#c48a00",
    "bad": "#cf3a2e",
    "severe": "#7a0f1e",
    "muted": "#8a939c",
}
_DOI_STATUS: dict[str, tuple[str, str, str]] = {
    "resolves": ("DOI resolves", "ok", "✓"),
    "not_found": ("DOI not found", "bad", "✗"),
    "invalid": ("DOI invalid", "bad", "✗"),
    "unverified": ("DOI unverified", "muted", "?"),
}
_MATCH: dict[str, tuple[str, str, str]] = {
    "matched": ("Found in registry", "ok", "✓"),
    # a snapshot built from stored pages: the fields agree, but no registry said so
    "matched_stored_pages": ("Matches stored pages, not a registry", "warn", "!"),
    "ambiguous": ("Ambiguous registry match", "warn", "!"),
    "not_found": ("Not found in any registry", "bad", "✗"),
    "unverified": ("Registry match unverified", "muted", "?"),
}
_RETRACTION: dict[str, tuple[str, str, str]] = {
    "none": ("No retraction notice", "ok", "✓"),
    "retracted": ("Retracted", "severe", "‼"),
    "withdrawn": ("Withdrawn", "severe", "‼"),
    "expression_of_concern": ("Expression of concern", "bad", "!"),
    "corrected": ("Corrected", "info", "ℹ"),
    "unknown": ("Retraction status unknown", "muted", "?"),
}
_SEVERITY: dict[str, tuple[str, str, str]] = {
    "error": ("Error", "bad", "✗"),
    "warning": ("Check", "warn", "!"),
    "info": ("Note", "info", "ℹ"),
}
_NOTICE_LABELS: dict[str, str] = {
    "retraction": "Retraction notice",
    "retracted": "Retraction notice",
    "withdrawal": "Withdrawal notice",
    "withdrawn": "Withdrawal notice",
    "removal": "Removal notice",
    "expression_of_concern": "Expression of concern",
    "expression-of-concern": "Expression of concern",
    "correction": "Correction",
    "corrected": "Correction",
    "erratum": "Erratum",
}
_SERIOUS_RETRACTION = frozenset({"retracted", "withdrawn", "expression_of_concern"})

# Rows of the "article vs registry" table, in reading order. Mismatch field names from the
# schema map onto these keys ("journal" is the container).
_FIELDS: tuple[tuple[str, str], ...] = (
    ("authors", "Authors"),
    ("year", "Year"),
    ("title", "Title"),
    ("container", "Journal / series"),
    ("volume", "Volume"),
    ("issue", "Issue"),
    ("pages", "Pages"),
    ("edition", "Edition"),
    ("publisher", "Publisher"),
    ("place", "Place"),
    ("doi", "DOI"),
    ("pmid", "PubMed ID"),
    ("isbn", "ISBN"),
    ("url", "URL"),
)
_MISMATCH_FIELD_TO_ROW: dict[str, str] = {"journal": "container"}
# Summary chips: references counted by their worst mismatch.
_MISMATCH_COUNT_LABELS: dict[str, str] = {
    "error": "with wrong details",
    "warning": "with details to check",
    "info": "with notes only",
}
_RICH_REGISTRY_FIELDS = frozenset({"title", "container"})


# ---------------------------------------------------------------------------------------
# Public API


def render_html(report: Mapping[str, Any]) -> str:
    """The whole page as one string; deterministic for a given report (no random nonce)."""
    env = _environment()
    script = _asset("report.js")
    style = _asset("report.css")
    # The page's only script is allowed by its hash rather than a nonce: the output stays
    # byte-identical between runs, so reports can be diffed and cached.
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    page = _build_page(report)
    template = env.get_template("report.html.j2")
    return template.render(
        page=page, csp=csp, script=Markup(script), style=Markup(style), verdict_chart=page.chart
    )


def write_html(report: Mapping[str, Any], path: Path) -> None:
    """Write the page atomically, so a reader never opens a half-written report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_if_changed(path, render_html(report))


# ---------------------------------------------------------------------------------------
# Sanitising and links

_ALLOWED_TAGS = frozenset({"i", "b", "em", "strong", "sub", "sup", "span"})
_JATS_INLINE = {"italic": "i", "bold": "b", "sub": "sub", "sup": "sup"}
_JATS_TAG = re.compile(r"<\s*(/?)\s*jats:(italic|bold|sub|sup)\b[^>]*>", re.IGNORECASE)
# Block-level JATS elements would run words together once stripped; leave a space.
_JATS_BLOCK = re.compile(r"<\s*/?\s*jats:(?:p|title|sec|list|list-item)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(_ALLOWED_TAGS),
        attributes={},
        # ammonia keeps `lang` and `title` on every tag by default; drop all attributes.
        attribute_filter=lambda _tag, _attr, _value: None,
        strip_comments=True,
        link_rel=None,
    )


def sanitize_markup(text: str | None) -> Markup:
    """Registry rich text (JATS/HTML) reduced to an inline allow-list, then marked safe.

    JATS inline tags are mapped to their HTML twins first so that italics in species
    names or `in vivo` survive; everything else (including script/style content) goes.
    """
    if not text:
        return Markup("")
    html = _JATS_TAG.sub(lambda m: f"<{m.group(1)}{_JATS_INLINE[m.group(2).lower()]}>", text)
    html = _JATS_BLOCK.sub(" ", html)
    cleaned = _cleaner().clean(html)
    return Markup(_SPACES.sub(" ", cleaned).strip())


_DOI = re.compile(r"^10\.\d{4,9}/[^\s\x00-\x1f\x7f]+$")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_PMID = re.compile(r"^\d{1,9}$")
_OPENALEX = re.compile(
    r"^(?:https?://(?:api\.)?openalex\.org/(?:works/)?)?([WwAaSsIiCcPpFfTt]\d{1,12})/?$"
)
_PUBMED_URL = re.compile(
    r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?$"
)


def doi_url(doi: str | None) -> str | None:
    """https://doi.org/<DOI> for a syntactically valid DOI, else None.

    The DOI is percent-encoded (keeping `/`), so it can never close the attribute or
    smuggle a scheme, whatever characters the article put in it.
    """
    if not doi:
        return None
    value = _DOI_PREFIX.sub("", doi.strip())
    if not _DOI.match(value):
        return None
    return "https://doi.org/" + quote(value, safe="/")


def _pubmed_url(pmid: str | None) -> str | None:
    if not pmid:
        return None
    value = str(pmid).strip()
    match = _PUBMED_URL.match(value)
    if match:
        value = match.group(1)
    return f"https://pubmed.ncbi.nlm.nih.gov/{value}/" if _PMID.match(value) else None


def _openalex_url(value: str | None) -> str | None:
    if not value:
        return None
    match = _OPENALEX.match(str(value).strip())
    return f"https://openalex.org/{match.group(1).upper()}" if match else None


def _http_url(value: str | None) -> str | None:
    """The URL itself if it is a plain http(s) URL with a host, else None."""
    if not value:
        return None
    url = value.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    kind: str  # doi | openalex | pubmed | other


def _reference_links(ref: Mapping[str, Any]) -> list[Link]:
    """Links for one reference, each rebuilt from an identifier that passed validation."""
    cited = ref.get("cited") or {}
    registry = ref.get("registry") or {}
    given = ref.get("links") or {}
    links: list[Link] = []
    doi = (
        doi_url(ref.get("doi"))
        or doi_url(cited.get("doi"))
        or doi_url(given.get("doi") if isinstance(given.get("doi"), str) else None)
    )
    if doi:
        links.append(Link("doi.org", doi, "doi"))
    openalex = _openalex_url(given.get("openalex")) or _openalex_url(registry.get("openalex"))
    if openalex:
        links.append(Link("OpenAlex", openalex, "openalex"))
    pubmed = (
        _pubmed_url(cited.get("pmid"))
        or _pubmed_url(registry.get("pmid"))
        or _pubmed_url(given.get("pubmed"))
    )
    if pubmed:
        links.append(Link("PubMed", pubmed, "pubmed"))
    for name, value in sorted(given.items()):
        if name in {"doi", "openalex", "pubmed"} or not isinstance(value, str):
            continue
        url = _http_url(value)
        if url:
            links.append(Link(str(name), url, "other"))
    return links


# ---------------------------------------------------------------------------------------
# Highlighting

# Common English function words of 4+ letters: sharing them says nothing about content.
_STOPWORDS = frozenset(
    """
    about above after again against also although among another because been before being
    below between both could does doing down during each either from further have having
    here hers herself himself however into itself just many might more most much must
    myself neither once only other ought ours ourselves over same shall should since some
    such than that their theirs them themselves then there therefore these they this those
    though through thus under until upon very were what when where whether which while
    whom whose will with within without would your yours yourself yourselves
    """.split()  # noqa: SIM905 - a word list reads better as text than as 90 quoted items
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# In sanitized HTML: a tag, an entity, or a word. Only words are ever wrapped.
_HTML_TOKEN = re.compile(r"(<[^>]*>)|(&#?\w+;)|([^\W\d_]+)", re.UNICODE)


def _stem(word: str) -> str:
    """Fold a plain English plural so that `muscles` meets `muscle`; nothing cleverer."""
    word = word.lower()
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """Lower-cased words of 4+ letters that are not stopwords, plural-folded."""
    return {_stem(w) for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _STOPWORDS}


def highlight_shared_words(html: Markup, words: set[str]) -> Markup:
    """Wrap words of sanitized HTML that also occur in `words` in <mark>.

    Works on already-sanitized markup and touches only text, never tags or entities,
    so it cannot break the sanitizer's guarantees.
    """

    def repl(match: re.Match[str]) -> str:
        word = match.group(3)
        if word and len(word) >= 4 and word.lower() not in _STOPWORDS and _stem(word) in words:
            return f"<mark>{word}</mark>"
        return match.group(0)

    marked = _HTML_TOKEN.sub(repl, str(html))
    # One highlight per run of shared words reads better than a string of small boxes.
    marked = re.sub(r"</mark>(\s+)<mark>", r"\1", marked)
    return Markup(marked)


def _highlight_claim(paragraph: str | None, claim: str) -> Markup | None:
    """The paragraph with the claim marked, or None when the claim is not found in it."""
    if not paragraph:
        return None
    tokens = claim.strip().split()
    if not tokens:
        return None
    pattern = re.compile(r"\s+".join(re.escape(t) for t in tokens), re.IGNORECASE)
    match = pattern.search(paragraph)
    if not match:
        # Article text and claims.csv may differ in the final full stop only.
        trimmed = claim.strip().rstrip(".!?;:")
        if trimmed and trimmed != claim.strip():
            return _highlight_claim(paragraph, trimmed)
        return None
    return Markup("").join(
        [
            escape(paragraph[: match.start()]),
            Markup('<mark class="claim-hl" data-testid="claim-highlight">'),
            escape(match.group(0)),
            Markup("</mark>"),
            escape(paragraph[match.end() :]),
        ]
    )


# ---------------------------------------------------------------------------------------
# View model: everything the template needs, already decided, so the template only lays
# it out (and StrictUndefined catches any field it asks for that is not here).


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # ok | warn | bad | severe | muted | info
    icon: str
    kind: str = ""  # what the badge describes, for data-badge
    value: str = ""


def _failing_problems(report: Mapping[str, Any]) -> int:
    """The report's own count; counted again only for a report written before it had one."""
    summary: Mapping[str, Any] = report.get("summary") or {}
    if summary.get("failing_problems") is not None:
        return int(summary["failing_problems"])
    fail_on = str(summary.get("fail_on") or "broken")
    return sum(f.fails(fail_on) for f in report_findings(report))


def _match_shown(ref: Mapping[str, Any]) -> str:
    """The match as an editor must read it: "matched" only on a registry's word."""
    match = str(ref.get("match"))
    if match == "matched" and ref.get("registry_answer") is False:
        return "matched_stored_pages"
    return match


# A `supported` the judge is not sure enough of to pass: not a pass until an editor looks.
_LOOK_BADGE = Badge("Supported? Needs an editor's look", "warn", "⚑", "verdict", "needs_look")


def _badge(table: Mapping[str, tuple[str, str, str]], value: str, kind: str) -> Badge:
    text, tone, icon = table.get(value, (value.replace("_", " ").capitalize(), "muted", "?"))
    return Badge(text, tone, icon, kind, value)


@dataclass(frozen=True)
class Count:
    label: str
    value: str
    count: int
    tone: str
    testid: str


@dataclass(frozen=True)
class ChartBar:
    label: str
    verdict: str
    count: int
    y: int
    width: float
    fill: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_x: int
    bars: list[ChartBar]
    description: str


@dataclass(frozen=True)
class EvidenceView:
    ref: str
    ref_anchor: str | None
    sentence: Markup
    score: str
    links: list[Link]
    shared: int


@dataclass(frozen=True)
class ClaimView:
    id: str
    anchor: str
    text: str
    line: int
    kind: str
    verdict: str
    badge: Badge
    problem: bool
    cited: bool
    reason: str
    context: Markup | None
    paragraph: str | None
    refs: list[tuple[str, str | None]]  # (key, anchor or None when not in the report)
    supporting: list[tuple[str, str | None]]
    evidence: list[EvidenceView]


@dataclass(frozen=True)
class MismatchView:
    field: str
    severity: str
    cited: str
    registry: str
    explanation: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cited: str | None
    registry: Markup | str | None
    mismatch: MismatchView | None
    badge: Badge | None


@dataclass(frozen=True)
class NoticeView:
    label: str
    type: str
    date: str | None
    doi: str | None
    doi_link: str | None
    source: str | None
    serious: bool


@dataclass(frozen=True)
class ReferenceView:
    key: str
    anchor: str
    heading: str
    title: str | None
    raw: str
    line: int
    kind: str
    problem: bool
    doi: str | None
    doi_status: str
    match: str
    retraction: str
    badges: list[Badge]
    rows: list[Row]
    mismatch_count: int
    has_registry: bool
    problems: list[str]
    provenance: str | None
    source_file: str | None
    links: list[Link]
    notices: list[NoticeView]
    banner: NoticeView | None
    banner_tone: str
    abstract: Markup
    abstract_source: str | None
    cited_by: list[tuple[str, str]]
    description: str | None
    suggestion: SuggestionView | None = None


@dataclass(frozen=True)
class SuggestionView:
    text: str
    style: str
    style_label: str
    style_detected: bool
    fields: list[str]


@dataclass(frozen=True)
class Download:
    label: str
    filename: str
    href: str  # a data: URL, so the report stays one self-contained file
    count: int


@dataclass(frozen=True)
class FixItem:
    badge: Badge
    where: str
    anchor: str
    what: str
    why: str


@dataclass(frozen=True)
class ValidationView:
    name: str
    success: bool
    details: list[str]


@dataclass(frozen=True)
class Page:
    title: str
    article_name: str
    article_path: str
    article_title: str | None
    generated_at: str
    generated_display: str
    mode: str
    schema_version: str
    failing: bool
    fail_on: str | None
    headline: str
    headline_more: str
    status_tone: str  # failing | warning (passing, but with serious problems) | passing
    problems_label: str
    failing_problems: int
    claims_total: int
    uncited: int
    references_total: int
    reference_counts: list[tuple[str, list[Count]]]
    validation_passed: int
    validation_failed: int
    chart: Chart
    fixes: list[FixItem]
    claims: list[ClaimView]
    references: list[ReferenceView]
    validation: list[ValidationView]
    items_total: int  # what the filter acts on: claims, references and input checks
    downloads: list[Download]


def anchor_id(prefix: str, value: str) -> str:
    """The id of a claim (`claim`) or reference (`ref`) card, whatever the key contains.

    Public so that other pages (the site index) can link straight to a card; a key that
    collides with another after cleaning gets a numbered suffix from `_anchor`.
    """
    return f"{prefix}-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-") or "x")


def _anchor(prefix: str, value: str, taken: set[str]) -> str:
    """An id that is valid, readable and unique, whatever the key contains."""
    base = anchor_id(prefix, value)
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def _text(value: Any) -> str | None:
    """A display string for a cited/registry field value, or None when empty."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value if v not in (None, "")]
        return "; ".join(parts) if parts else None
    text = str(value).strip()
    return text or None


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _format_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    # Day without a leading zero, portably (strftime's %-d is glibc-only).
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
        return f"{moment.day} {moment:%b %Y, %H:%M} UTC"
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def reference_has_problem(ref: Mapping[str, Any]) -> bool:
    """Whether the "Problems only" view should keep this reference.

    An unverified DOI or match is not a problem by itself (the schema: never a failure by
    default); anything the pipeline listed in `problems` always is.
    """
    return bool(
        ref.get("problems")
        or ref.get("doi_status") in {"not_found", "invalid"}
        or ref.get("match") in {"ambiguous", "not_found"}
        or ref.get("retraction") in _SERIOUS_RETRACTION
        or any(m.get("severity") in {"error", "warning"} for m in ref.get("mismatches") or [])
    )


def _notice_view(notice: Mapping[str, Any], ref_retraction: str) -> NoticeView:
    kind = str(notice.get("type") or "notice")
    norm = kind.lower().replace(" ", "_")
    serious = norm in {"retraction", "retracted", "withdrawal", "withdrawn", "removal"} or (
        "concern" in norm
    )
    doi = _text(notice.get("doi"))
    return NoticeView(
        label=_NOTICE_LABELS.get(norm, kind.replace("_", " ").capitalize()),
        type=kind,
        date=_text(notice.get("date")),
        doi=doi,
        doi_link=doi_url(doi),
        source=_text(notice.get("source")),
        serious=serious or (ref_retraction in _SERIOUS_RETRACTION and norm == ref_retraction),
    )


def _reference_view(
    ref: Mapping[str, Any], anchor: str, cited_by: list[tuple[str, str]]
) -> ReferenceView:
    cited: Mapping[str, Any] = ref.get("cited") or {}
    registry: Mapping[str, Any] = ref.get("registry") or {}
    mismatches: list[Mapping[str, Any]] = list(ref.get("mismatches") or [])
    by_row: dict[str, MismatchView] = {}
    order = {"error": 0, "warning": 1, "info": 2}
    for m in mismatches:
        view = MismatchView(
            field=str(m.get("field")),
            severity=str(m.get("severity")),
            cited=str(m.get("cited") or "") or "none",
            registry=str(m.get("registry") or "") or "none",
            explanation=str(m.get("explanation") or ""),
        )
        row_key = _MISMATCH_FIELD_TO_ROW.get(view.field, view.field)
        old = by_row.get(row_key)
        # Keep the most severe mismatch per row.
        if old is None or order.get(view.severity, 3) < order.get(old.severity, 3):
            by_row[row_key] = view

    rows: list[Row] = []
    known = {key for key, _ in _FIELDS}
    for key, label in _FIELDS:
        cited_value = _text(cited.get(key))
        if key == "doi" and not cited_value:
            cited_value = None
        reg_raw = registry.get(key)
        registry_value: Markup | str | None
        if key in _RICH_REGISTRY_FIELDS and isinstance(reg_raw, str) and reg_raw.strip():
            registry_value = sanitize_markup(reg_raw) or None
        else:
            registry_value = _text(reg_raw)
        mismatch = by_row.get(key)
        if cited_value is None and registry_value is None and mismatch is None:
            continue
        badge = _badge(_SEVERITY, mismatch.severity, "severity") if mismatch else None
        rows.append(Row(key, label, cited_value, registry_value, mismatch, badge))
    for key, mismatch in by_row.items():
        if key not in known:
            badge = _badge(_SEVERITY, mismatch.severity, "severity")
            label = key.replace("_", " ").capitalize()
            rows.append(Row(key, label, mismatch.cited, mismatch.registry, mismatch, badge))

    retraction = str(ref.get("retraction") or "unknown")
    notices = [_notice_view(n, retraction) for n in ref.get("notices") or []]
    banner: NoticeView | None = None
    banner_tone = ""
    if retraction in _SERIOUS_RETRACTION:
        banner = next((n for n in notices if n.serious), None) or NoticeView(
            label=_RETRACTION[retraction][0], type=retraction, date=None, doi=None,
            doi_link=None, source=None, serious=True,
        )  # fmt: skip
        banner_tone = "severe" if retraction in {"retracted", "withdrawn"} else "bad"
    elif retraction == "corrected" or any(not n.serious for n in notices):
        banner = next((n for n in notices if not n.serious), None) or NoticeView(
            label="Correction", type="correction", date=None, doi=None, doi_link=None,
            source=None, serious=False,
        )  # fmt: skip
        banner_tone = "info"

    doi = _text(ref.get("doi"))
    doi_status = str(ref.get("doi_status"))
    doi_badge = _badge(_DOI_STATUS, doi_status, "doi_status")
    if doi is None and doi_status == "unverified":
        doi_badge = Badge("No DOI", "muted", "–", "doi_status", doi_status)
    badges = [
        doi_badge,
        _badge(_MATCH, _match_shown(ref), "match"),
        _badge(_RETRACTION, retraction, "retraction"),
    ]
    if mismatches:
        worst = min(
            (str(m.get("severity")) for m in mismatches),
            key=lambda s: {"error": 0, "warning": 1, "info": 2}.get(s, 3),
        )
        tone = _SEVERITY.get(worst, ("", "muted", ""))[1]
        badges.append(
            Badge(
                _plural(len(mismatches), "field differs", "fields differ"),
                tone,
                _SEVERITY.get(worst, ("", "", "!"))[2],
                "mismatches",
                str(len(mismatches)),
            )
        )

    authors = cited.get("authors") or []
    first = str(authors[0]).split(",")[0].split()[0] if authors else None
    year = cited.get("year")
    heading_bits = [b for b in (first, str(year) if year else None) if b]
    if len(authors) == 2 and first:
        second = str(authors[1]).split(",")[0].split()[0]
        heading_bits[0] = f"{first} & {second}"
    elif len(authors) > 2 and first:
        heading_bits[0] = f"{first} et al."
    return ReferenceView(
        key=str(ref.get("key")),
        anchor=anchor,
        heading=" ".join(heading_bits),
        title=_text(cited.get("title")),
        raw=str(cited.get("raw") or ""),
        line=int(cited.get("line") or 0),
        kind=str(cited.get("kind") or "article"),
        problem=reference_has_problem(ref),
        doi=doi,
        doi_status=doi_status,
        match=str(ref.get("match")),
        retraction=retraction,
        badges=badges,
        rows=rows,
        mismatch_count=len(mismatches),
        has_registry=bool(registry),
        problems=[str(p) for p in ref.get("problems") or []],
        provenance=_text(ref.get("provenance")),
        source_file=_text(ref.get("source_file")),
        links=_reference_links(ref),
        notices=notices,
        banner=banner,
        banner_tone=banner_tone,
        abstract=sanitize_markup(registry.get("abstract"))
        if isinstance(registry.get("abstract"), str)
        else Markup(""),
        abstract_source=_text(registry.get("abstract_source")),
        cited_by=cited_by,
        description=_text(cited.get("description")),
        suggestion=_suggestion_view(ref.get("suggestion")),
    )


def _suggestion_view(fix: Any) -> SuggestionView | None:
    if not isinstance(fix, Mapping) or not fix.get("text"):
        return None
    style = str(fix.get("style"))
    return SuggestionView(
        text=str(fix["text"]),
        style=style,
        style_label=STYLE_LABELS.get(style, style),
        style_detected=bool(fix.get("style_detected")),
        fields=[str(f) for f in fix.get("fields") or []],
    )


def _downloads(article_name: str, refs: Sequence[Mapping[str, Any]]) -> list[Download]:
    """The resolved references as BibTeX and CSL-JSON files to save from the page."""
    items = csl_json(refs)
    if not items:
        return []
    as_json = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    return [
        Download(
            "BibTeX",
            f"{article_name}.bib",
            "data:application/x-bibtex;charset=utf-8," + quote(bibtex(refs), safe=""),
            len(items),
        ),
        Download(
            "CSL-JSON",
            f"{article_name}.csl.json",
            "data:application/vnd.citationstyles.csl+json;charset=utf-8," + quote(as_json, safe=""),
            len(items),
        ),
    ]


def _claim_view(
    claim: Mapping[str, Any],
    anchor: str,
    ref_anchors: Mapping[str, str],
    ref_links: Mapping[str, list[Link]],
) -> ClaimView:
    text = str(claim.get("text") or "")
    verdict = str(claim.get("verdict"))
    look = verdict == "supported" and bool(claim.get("needs_look"))
    words = content_words(text)
    evidence: list[EvidenceView] = []
    for item in claim.get("evidence") or []:
        ref_key = str(item.get("ref"))
        sentence = highlight_shared_words(sanitize_markup(str(item.get("sentence") or "")), words)
        score = item.get("score")
        evidence.append(
            EvidenceView(
                ref=ref_key,
                ref_anchor=ref_anchors.get(ref_key),
                sentence=sentence,
                score=f"{float(score):.2f}" if isinstance(score, int | float) else "–",
                links=ref_links.get(ref_key, []),
                shared=str(sentence).count("<mark>"),
            )
        )
    paragraph = _text(claim.get("paragraph"))
    return ClaimView(
        id=str(claim.get("id")),
        anchor=anchor,
        text=text,
        line=int(claim.get("line") or 0),
        kind=str(claim.get("kind") or "").replace("_", " "),
        verdict=verdict,
        badge=_LOOK_BADGE if look else _badge(_VERDICTS, verdict, "verdict"),
        problem=verdict != "supported" or look,
        cited=bool(claim.get("cited")),
        reason=str(claim.get("reason") or ""),
        context=_highlight_claim(paragraph, text),
        paragraph=paragraph,
        refs=[(str(r), ref_anchors.get(str(r))) for r in claim.get("refs") or []],
        supporting=[(str(r), ref_anchors.get(str(r))) for r in claim.get("supporting_refs") or []],
        evidence=evidence,
    )


def _chart(verdicts: Mapping[str, int]) -> Chart:
    """A horizontal bar per verdict; labels and counts are text, not only bar lengths."""
    bar_x, bar_max, row = 150, 210, 30
    peak = max([int(verdicts.get(v, 0)) for v in VERDICT_ORDER] + [1])
    bars = []
    for i, verdict in enumerate(VERDICT_ORDER):
        label, tone, _icon = _VERDICTS[verdict]
        count = int(verdicts.get(verdict, 0))
        bars.append(
            ChartBar(
                label=label,
                verdict=verdict,
                count=count,
                y=i * row,
                width=round(bar_max * count / peak, 1),
                fill=_CHART_FILL[tone],
            )
        )
    description = ", ".join(f"{b.label}: {b.count}" for b in bars)
    return Chart(bar_x + bar_max + 40, len(bars) * row, bar_x, bars, description)


def _counts(
    counts: Mapping[str, int],
    table: Mapping[str, tuple[str, str, str]],
    testid: str,
) -> list[Count]:
    order = list(table) + sorted(k for k in counts if k not in table)
    out = []
    for value in order:
        n = int(counts.get(value, 0))
        if n:
            label, tone, _ = table.get(value, (value.replace("_", " "), "muted", ""))
            out.append(Count(label, value, n, tone, testid))
    return out


def _headline(
    verdicts: Mapping[str, int],
    refs: Sequence[Mapping[str, Any]],
) -> tuple[str, str, bool]:
    """("what's wrong" in one line, the lesser problems, whether any is serious)."""
    retraction = Counter(str(r.get("retraction")) for r in refs)
    doi_status = Counter(str(r.get("doi_status")) for r in refs)
    match = Counter(str(r.get("match")) for r in refs)
    severities = [
        {str(m.get("severity")) for m in r.get("mismatches") or []} for r in refs
    ]  # fmt: skip
    wrong_details = sum("error" in s for s in severities)
    check_details = sum("error" not in s and "warning" in s for s in severities)
    major: list[str] = []
    minor: list[str] = []

    def add(bucket: list[str], n: int, one: str, many: str) -> None:
        if n:
            bucket.append(_plural(n, one, many))

    add(major, retraction["retracted"], "retracted source", "retracted sources")
    add(major, retraction["withdrawn"], "withdrawn source", "withdrawn sources")
    add(major, int(verdicts.get("contradicted", 0)), "claim contradicted", "claims contradicted")
    add(major, int(verdicts.get("unsupported", 0)), "claim unsupported", "claims unsupported")
    add(major, doi_status["not_found"], "DOI not found", "DOIs not found")
    add(major, doi_status["invalid"], "invalid DOI", "invalid DOIs")
    add(major, match["not_found"], "reference not found", "references not found")
    add(major, wrong_details, "reference with wrong details", "references with wrong details")
    add(
        minor,
        retraction["expression_of_concern"],
        "source under an expression of concern",
        "sources under an expression of concern",
    )
    add(
        minor,
        int(verdicts.get("partially_supported", 0)),
        "claim only partly supported",
        "claims only partly supported",
    )
    add(minor, int(verdicts.get("unverifiable", 0)), "claim unverifiable", "claims unverifiable")
    add(minor, match["ambiguous"], "ambiguous reference match", "ambiguous reference matches")
    unverified = sum(
        str(r.get("doi_status")) == "unverified" or str(r.get("match")) == "unverified"
        for r in refs
    )
    add(minor, unverified, "reference not verified", "references not verified")
    add(minor, check_details, "reference with details to check", "references with details to check")
    if not major and not minor:
        clean = "No problems found: every claim is supported and every reference checks out."
        return clean, "", False
    if not major:
        return _capitalize(", ".join(minor)) + ".", "", False
    more = ("Also: " + ", ".join(minor) + ".") if minor else ""
    return _capitalize(", ".join(major)) + ".", more, True


def _capitalize(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would lower-case "DOI")."""
    return text[:1].upper() + text[1:]


def _fixes(
    claims: Sequence[ClaimView],
    refs: Sequence[ReferenceView],
    citations: Sequence[Mapping[str, Any]] = (),
) -> list[FixItem]:
    """The triage list: every problem, most serious first, each linking to its card.

    Order: retracted sources; DOIs or references that lead nowhere; claims the sources do
    not support (contradicted first, then by kind: a statistic or an efficacy promise
    misleads readers more than a definition or a product detail); wrong reference
    details; partly supported claims; details to check; what could not be checked.
    """
    items: list[tuple[tuple[int, int, int, int], FixItem]] = []
    for ref in refs:
        if not ref.problem:
            continue
        if ref.retraction in _SERIOUS_RETRACTION:
            rank, badge = 0, _badge(_RETRACTION, ref.retraction, "retraction")
        elif ref.doi_status in {"not_found", "invalid"}:
            rank, badge = 1, _badge(_DOI_STATUS, ref.doi_status, "doi_status")
        elif ref.match in {"not_found", "ambiguous"}:
            rank, badge = 1 if ref.match == "not_found" else 3, _badge(_MATCH, ref.match, "match")
        elif any(r.badge and r.badge.value == "error" for r in ref.rows):
            rank, badge = 3, Badge("Wrong details", "bad", "✗", "mismatches", "error")
        elif any(r.badge and r.badge.value == "warning" for r in ref.rows):
            rank, badge = 5, Badge("Details to check", "warn", "!", "mismatches", "warning")
        else:
            rank, badge = 6, Badge("Needs a look", "muted", "?", "problems", "")
        why = "; ".join(ref.problems) or ", ".join(b.text for b in ref.badges if b.tone != "ok")
        if ref.cited_by:
            why += (" · " if why else "") + "cited by " + ", ".join(c for c, _ in ref.cited_by)
        what = f"{ref.heading}: {ref.title}" if ref.title else ref.raw
        items.append(
            (
                (rank, 0, 0, ref.line),
                FixItem(badge, f"Reference {ref.key}", ref.anchor, _short(what), why),
            )
        )
    # An inline marker naming no reference, as wrong as a wrong detail; it links to the
    # claim on its line when there is one (that claim was judged without the source).
    claim_on_line = {c.line: c.anchor for c in reversed(claims)}
    for problem in citations:
        line = int(problem.get("line") or 0)
        items.append(
            (
                (3, 0, 0, line),
                FixItem(
                    Badge("Citation points nowhere", "bad", "✗", "citation", "error"),
                    f"Line {line}, citation {problem.get('marker')}",
                    claim_on_line.get(line, "claims"),
                    str(problem.get("marker") or ""),
                    str(problem.get("message") or ""),
                ),
            )
        )
    ranks = {
        "contradicted": 2,
        "unsupported": 2,
        "partially_supported": 4,
        "supported": 5,  # flagged for a look: the judge was not sure enough
        "unverifiable": 6,
    }
    kinds = {kind: n for n, kind in enumerate(CLAIM_KIND_ORDER)}
    for claim in claims:
        if not claim.problem:
            continue
        why = claim.reason
        if not claim.cited and not why.lower().startswith("uncited"):
            why = ("Uncited. " + why).strip()
        order = (
            ranks.get(claim.verdict, 6),
            0 if claim.verdict == "contradicted" else 1,
            kinds.get(claim.kind.replace(" ", "_"), len(kinds)),
            claim.line,
        )
        items.append(
            (
                order,
                FixItem(
                    claim.badge,
                    # Where an editor finds it: the line and what kind of claim it is
                    # (the claim id, meaningless to a reader, is on the card it links to).
                    f"Line {claim.line}, {'' if claim.cited else 'uncited '}{claim.kind or 'claim'}",
                    claim.anchor,
                    _short(claim.text),
                    why,
                ),
            )
        )
    items.sort(key=lambda t: t[0])
    return [item for _, item in items]


def _build_page(report: Mapping[str, Any]) -> Page:
    article: Mapping[str, Any] = report.get("article") or {}
    summary: Mapping[str, Any] = report.get("summary") or {}
    raw_refs: list[Mapping[str, Any]] = list(report.get("references") or [])
    raw_claims: list[Mapping[str, Any]] = list(report.get("claims") or [])

    taken: set[str] = {"summary", "claims", "references", "validation", "main", "fixes"}
    ref_anchors: dict[str, str] = {}
    for ref in raw_refs:
        key = str(ref.get("key"))
        if key not in ref_anchors:
            ref_anchors[key] = _anchor("ref", key, taken)
    ref_links = {str(r.get("key")): _reference_links(r) for r in raw_refs}

    claims = [
        _claim_view(c, _anchor("claim", str(c.get("id")), taken), ref_anchors, ref_links)
        for c in raw_claims
    ]
    cited_by: dict[str, list[tuple[str, str]]] = {}
    for claim in claims:
        for key, _ in claim.refs:
            cited_by.setdefault(key, []).append((claim.id, claim.anchor))
    seen: set[str] = set()
    references = []
    for ref in raw_refs:
        key = str(ref.get("key"))
        anchor = ref_anchors[key] if key not in seen else _anchor("ref", key, taken)
        seen.add(key)
        references.append(_reference_view(ref, anchor, cited_by.get(key, [])))

    verdicts: Mapping[str, int] = summary.get("verdicts") or {}
    headline, headline_more, serious = _headline(verdicts, raw_refs)
    validation = [
        ValidationView(
            name=str(v.get("name")),
            success=bool(v.get("success")),
            details=[str(d) for d in v.get("details") or []],
        )
        for v in report.get("validation") or []
    ]
    if summary.get("registry_outage"):
        headline_more = f"{headline_more} Registries: {summary['registry_outage']}.".strip()
    failed_checks = [v.name for v in validation if not v.success]
    if failed_checks:
        # A failed data check must be seen, not found by accident further down the page.
        note = f"Input checks failed: {', '.join(failed_checks)} (see Input checks)."
        headline_more = f"{headline_more} {note}".strip()
    mismatch_severity: Counter[str] = Counter()
    for ref in raw_refs:
        worst = {str(m.get("severity")) for m in ref.get("mismatches") or []}
        for severity in ("error", "warning", "info"):
            if severity in worst:
                mismatch_severity[severity] += 1
                break
    reference_counts = [
        ("DOI", _counts(summary.get("doi_status") or {}, _DOI_STATUS, "doi-status-count")),
        (
            "Registry match",
            _counts(Counter(_match_shown(r) for r in raw_refs), _MATCH, "match-count"),
        ),
        ("Retraction", _counts(summary.get("retraction") or {}, _RETRACTION, "retraction-count")),
        (
            "Field mismatches",
            [
                Count(_MISMATCH_COUNT_LABELS[s], s, n, _SEVERITY[s][1], "mismatch-count")
                for s, n in sorted(
                    mismatch_severity.items(),
                    key=lambda kv: ["error", "warning", "info"].index(kv[0]),
                )
            ],
        ),
    ]
    failing = bool(summary.get("failing"))
    name = str(article.get("name") or "")
    return Page(
        title=f"{'FAILING' if failing else 'Passing'} · {name} · citeaudit report",
        article_name=name,
        article_path=str(article.get("path") or ""),
        article_title=_text(article.get("title")),
        generated_at=str(report.get("generated_at") or ""),
        generated_display=_format_time(str(report.get("generated_at") or "")),
        mode=str(report.get("mode") or ""),
        schema_version=str(report.get("schema_version") or ""),
        failing=failing,
        fail_on=_text(summary.get("fail_on")),
        headline=headline,
        headline_more=headline_more,
        # green only when there is nothing for an editor to look at
        status_tone="failing"
        if failing
        else (
            "warning"
            if serious or headline_more or int(summary.get("problems") or 0)
            else "passing"
        ),
        problems_label=_plural(int(summary.get("problems") or 0), "problem"),
        failing_problems=_failing_problems(report),
        claims_total=int(summary.get("claims") or len(raw_claims)),
        uncited=int(
            summary.get("uncited_claims")
            if summary.get("uncited_claims") is not None
            else sum(not c.cited for c in claims)
        ),
        references_total=int(summary.get("references") or len(raw_refs)),
        reference_counts=reference_counts,
        validation_passed=sum(v.success for v in validation),
        validation_failed=sum(not v.success for v in validation),
        chart=_chart(verdicts),
        fixes=_fixes(claims, references, list(report.get("citations") or [])),
        claims=claims,
        references=references,
        validation=validation,
        items_total=len(claims) + len(references) + len(validation),
        downloads=_downloads(str(article.get("name") or "references"), raw_refs),
    )


# ---------------------------------------------------------------------------------------
# Jinja


@functools.cache
def _environment() -> Environment:
    """One shared environment: autoescape on for HTML templates and for strings."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def _asset(name: str) -> str:
    """Inline CSS/JS, read verbatim (the script's CSP hash must match byte for byte)."""
    text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():
        raise ValueError(f"{name} must not contain {closing!r}")
    return text
