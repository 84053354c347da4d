"""An article whose references exercise every path of resolution, for fault tests.

Shared by tests/test_faults.py, tests/test_crash_safety.py and benchmarks/faults.py:
each reference is written from a record the local registry server holds (so a clean
run resolves it), plus the cases that must stay distinct under faults: a DOI that
resolves nowhere, a DOI registered with another agency, a retracted work, a wrong year
(a mismatch), references without a DOI (bibliographic search) and one that matches
nothing. The text is rendered the way health sites write APA references.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from registry_server import CONSTRUCTED_RETRACTED_DOI, RegistryServer

# Crossref works (with authors, a journal and pages) that the fault tests cite by DOI.
DOI_WORKS: tuple[str, ...] = (
    "10.1073/pnas.1414271111",
    "10.7717/peerj.5956",
    "10.7717/peerj.525",
    "10.7717/peerj.3445",
    "10.1111/ijcp.13076",
    "10.1111/j.1368-5031.2004.00398.x",
    "10.1017/s0263034600006698",
    "10.1155/s1110662x99000203",
    "10.1177/026361749601300503",
    "10.1155/2012/597684",
)
# Cited without a DOI: found by Crossref's bibliographic search.
SEARCH_WORKS: tuple[str, ...] = ("10.7717/peerj.3445", "10.1111/ijcp.13076")
NOT_FOUND_DOI = "10.1371/notarealdoi"
ELSEWHERE_DOI = "10.48550/arxiv.2312.07559"
WRONG_YEAR_DOI = "10.7717/peerj.525"
DESCRIPTIONS: dict[str, str] = {
    "10.1073/pnas.1414271111": (
        "This study shows that hypoxia and lysyl oxidase improve collagen cross-linking "
        "in engineered musculoskeletal tissues."
    ),
    "10.7717/peerj.5956": (
        "This study found that wastewater effluents increase parasitic infection in wild fish."
    ),
    "10.1111/ijcp.13076": "A review showing that 90% of patients prefer indwelling catheters.",
}


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def apa_reference(
    record: dict[str, Any], with_doi: bool = True, year_shift: int = 0, authors: int = 6
) -> str:
    """One APA-style reference line for a Crossref work message."""
    people = [a for a in record.get("author") or [] if a.get("family")][:authors]
    names = []
    for person in people:
        initials = " ".join(f"{part[0]}." for part in (person.get("given") or "X").split())
        names.append(f"{person['family']}, {initials}")
    if len(names) > 1:
        author_text = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        author_text = names[0] if names else "Anonymous, A."
    year = record["issued"]["date-parts"][0][0] + year_shift
    title = _plain((record.get("title") or ["Untitled"])[0]).rstrip(".")
    journal = _plain((record.get("container-title") or [""])[0])
    volume = record.get("volume")
    issue = record.get("issue")
    pages = record.get("page") or record.get("article-number")
    where = journal
    if volume:
        where += f", {volume}" + (f"({issue})" if issue else "")
    if pages:
        where += f", {pages}"
    line = f"{author_text} ({year}). {title}. {where}."
    if with_doi:
        line += f" https://doi.org/{record['DOI']}"
    return line


def fault_article(server: RegistryServer, title: str = "Fault test article") -> str:
    """The article text: a few claims, then a References section covering every path."""
    lines = [
        f"# {title}",
        "",
        "Collagen cross-linking improves engineered musculoskeletal tissue (Makris, 2014).",
        "About 45% of wild fish downstream of sewage outfalls carry parasites (Bailey, 2018).",
        "Indwelling pleural catheters reduce hospital stays for pleural effusion (Messeder, 2018).",
        "Ambient light exposure causes faster enzyme kinetics in fibroblasts (Testperson, 2019).",
        "",
        "## References",
        "",
    ]
    for doi in DOI_WORKS:
        record = server.crossref_record(doi)
        assert record is not None, doi
        shift = 3 if doi == WRONG_YEAR_DOI else 0
        lines.append(apa_reference(record, year_shift=shift))
        if doi in DESCRIPTIONS:  # the article's own sentence about the source: a claim
            lines.append(DESCRIPTIONS[doi])
    for doi in SEARCH_WORKS:
        record = server.crossref_record(doi)
        assert record is not None, doi
        lines.append(apa_reference(record, with_doi=False))
    retracted = server.crossref_record(CONSTRUCTED_RETRACTED_DOI)
    assert retracted is not None
    lines.append(apa_reference(retracted))
    lines.append("This study shows that ambient light exposure speeds up enzyme kinetics.")
    lines.append(
        "Nobody, A. (2012). A paper that does not exist. PLoS ONE, 7(3), e1. "
        f"https://doi.org/{NOT_FOUND_DOI}"
    )
    lines.append(
        "Doe, J. (2023). A preprint on arXiv about measurement. arXiv. "
        f"https://doi.org/{ELSEWHERE_DOI}"
    )
    lines.append(
        "Zzyzx, Q. (1999). Quantum basket weaving among alpine marmots. "
        "Journal of Improbable Crafts, 4(2), 11-19."
    )
    return "\n".join(lines) + "\n"


def write_fault_article(server: RegistryServer, path: Path, title: str | None = None) -> Path:
    path.write_text(fault_article(server, title or path.stem), encoding="utf-8")
    return path
