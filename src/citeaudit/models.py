"""Plain data classes shared by every stage of the pipeline.

They carry data only. Parsing, matching and judging are pure functions over them,
so each stage can be tested without a network, a file system or Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DoiStatus = Literal["resolves", "not_found", "invalid", "unverified"]
MatchStatus = Literal["matched", "ambiguous", "not_found", "unverified"]
# "unknown": no registry record of the cited work was read (not checked yet, a fault,
# no match), so nothing can be said about its standing; never shown as "none".
Retraction = Literal[
    "none", "retracted", "expression_of_concern", "corrected", "withdrawn", "unknown"
]
Verdict = Literal["supported", "partially_supported", "unsupported", "contradicted", "unverifiable"]
Severity = Literal["error", "warning", "info"]

VERDICTS: tuple[str, ...] = (
    "supported",
    "partially_supported",
    "unsupported",
    "contradicted",
    "unverifiable",
)
CLAIM_KINDS: tuple[str, ...] = (
    "statistic",
    "efficacy",
    "risk",
    "causal",
    "comparison",
    "source_description",
    "product",
    "definition",
    "recommendation",
    "finding",  # another factual statement, uncited, that none of the kinds above fits
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article body; `line` is 1-based in the article file."""

    text: str
    line: int
    paragraph: int
    refs: tuple[str, ...] = ()  # reference keys its inline citation markers link to
    # When it cites different sources for different clauses ("A helps [1] and B harms [2]"):
    # each clause, without markers, with the keys it cites; () when it is one claim.
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Reference:
    """A reference as the article wrote it: nothing here comes from a registry."""

    key: str
    raw: str
    line: int
    authors: list[str] = field(default_factory=list)  # surnames with initials as written
    year: int | None = None
    title: str | None = None
    container: str | None = None  # journal or book series
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    edition: str | None = None
    publisher: str | None = None
    place: str | None = None
    doi: str | None = None
    pmid: str | None = None
    isbn: str | None = None
    url: str | None = None
    kind: Literal["article", "book"] = "article"
    description: str | None = None  # the article's own sentence about this source
    description_line: int | None = None
    number: int | None = None  # the number a numbered reference list gives it ("[3]", "3.")

    @property
    def first_author_surname(self) -> str | None:
        if not self.authors:
            return None
        return self.authors[0].split(",")[0].strip()


@dataclass(frozen=True)
class CitationProblem:
    """An inline citation marker that could not be linked to one reference."""

    line: int
    marker: str  # as written: "[7]", "(Hong, 1995)"
    message: str  # why: "[7]: no reference numbered 7 (the list has 6)"


@dataclass
class Article:
    """An article split into body sentences and its reference list."""

    name: str  # file stem, used for report names
    path: str
    sentences: list[Sentence]
    references: list[Reference]
    # Inline markers that name no reference (or several), e.g. "[7]" on line 12 when the
    # list has 6. The sentence is then judged without that source.
    citation_problems: list[CitationProblem] = field(default_factory=list)
    title: str | None = None  # the Markdown "# H1" heading, when the article has one
    references_heading: int | None = None  # line of the reference list's heading, if found
    # A reference list alone (a BibTeX, RIS or CSL-JSON file): no body, so no claims, and
    # claims.csv rows under its name are not its own.
    bibliography: bool = False


@dataclass
class Claim:
    """One check-worthy statement; a row of claims.csv."""

    claim_id: str
    article: str
    line: int
    kind: str
    text: str
    refs: list[str]  # reference keys; empty means the article cites nothing for it
    status: str = "proposed"  # proposed | reviewed | rejected (editors set the last two)
    note: str = ""
    # 1-based line in claims.csv where the row starts, for messages; None if not read
    # from a file. Not compared, so a claim equals itself after a write/read round trip.
    row: int | None = field(default=None, compare=False)

    @property
    def cited(self) -> bool:
        return bool(self.refs)


@dataclass
class Work:
    """Registry metadata normalised to one shape, whichever registry gave it."""

    doi: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)  # "Surname, Given" as the registry has it
    year: int | None = None
    container: str | None = None
    container_short: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    type: str | None = None
    isbn: list[str] = field(default_factory=list)
    pmid: str | None = None
    abstract: str | None = None
    abstract_source: str | None = None
    is_retracted: bool = False
    updates: list[dict] = field(default_factory=list)  # {type, doi, date, source}
    # Every year the registry dates the work by (print, online, issued): a reference may
    # cite any of them, so only a year outside these (by more than one) is an error.
    years: list[int] = field(default_factory=list)
    edition: str | None = None  # books: Crossref's edition-number
    # When the record is itself a notice (Crossref `update-to`): {type, doi, date} of
    # the work it retracts or corrects.
    update_to: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain data, as `dataclasses.asdict` gives them but without its
        recursive deep copy, which cost a cold run of 1,000 references a tenth of its
        time: every value here is a scalar, a list of scalars or a list of flat dicts."""
        return {
            name: [dict(x) if isinstance(x, dict) else x for x in value]
            if isinstance(value, list)
            else value
            for name, value in vars(self).items()
        }


@dataclass
class Mismatch:
    field: str
    cited: str
    registry: str
    severity: Severity
    explanation: str


@dataclass
class ReferenceCheck:
    """What citeaudit concluded about one reference."""

    key: str
    doi: str | None
    doi_status: DoiStatus
    match: MatchStatus
    retraction: Retraction
    mismatches: list[Mismatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)  # retraction/correction notices
    source_file: str | None = None
    provenance: str | None = None  # where the compared record came from
    registry_answer: bool = True  # False: the record was built from stored pages, not asked
    # The reference's URL, asked with --check-links: {url, status, detail, final_url}.
    link: dict | None = None


@dataclass
class Evidence:
    ref: str
    sentence: str
    score: float
    # The sentence's words that match the claim's (same stems or synonyms), for highlighting.
    matched: list[str] = field(default_factory=list)
    # Which text the sentence comes from: crossref, openalex, europepmc (abstracts) or title.
    text_source: str | None = None


@dataclass
class ClaimResult:
    claim: Claim
    verdict: Verdict
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    supporting_refs: list[str] = field(default_factory=list)  # for uncited claims
    needs_look: bool = False  # `supported`, but the judge is not sure enough to pass it
