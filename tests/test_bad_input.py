"""Bad input gets one clear line naming the file (and row), exit 2, never a traceback.

Each case runs the real `citeaudit` command in a copy of the seed workspace. What
spreadsheets add on their own (a BOM, CRLF line ends) is accepted and changes nothing;
what cannot be audited (an empty, binary, huge or foreign file; a claims.csv with a
broken header, duplicate ids, unknown reference keys) is refused on one line. A
malformed DOI or ISBN inside a valid article is a finding about that reference
(`broken` / `mismatch` on the reference's line), not a refusal of the whole article:
the editor still gets the report.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_run import citeaudit

ARTICLE = "articles/back-muscle-pain.md"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit 2 with exactly one stderr line that contains every fragment; returns the line."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# --- claims.csv ----------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _drop_column(text: str) -> bytes:
    return _csv([row[:-1] for row in _rows(text)]).encode()


def _extra_column(text: str) -> bytes:
    return _csv([[*row, "extra" if i == 0 else ""] for i, row in enumerate(_rows(text))]).encode()


def _duplicate_row(text: str) -> bytes:
    rows = _rows(text)
    return _csv([*rows[:3], rows[2], *rows[3:]]).encode()


def _empty_text(text: str) -> bytes:
    rows = _rows(text)
    rows[5][4] = "   "
    return _csv(rows).encode()


def _unknown_key(text: str) -> bytes:
    return text.replace(",hong1994,reviewed,", ",hong1995,reviewed,", 1).encode()


def _latin1(text: str) -> bytes:
    return text.replace("trigger", "tr\u00efgger", 1).encode("latin-1", "replace")


def _too_many_fields(text: str) -> bytes:
    lines = text.split("\n")
    lines[3] += ",surplus"
    return "\n".join(lines).encode()


BAD_CLAIMS: dict[str, tuple[Callable[[str], bytes], tuple[str, ...]]] = {
    "missing column": (_drop_column, ("claims.csv: row 1: missing column(s): 'note'",)),
    "extra column": (_extra_column, ("claims.csv: row 1: unknown column(s): 'extra'",)),
    "duplicate claim ids": (_duplicate_row, ("claims.csv: row 4: duplicate claim_id",)),
    "unknown reference key": (_unknown_key, ("claims.csv", "row ", "'hong1995'")),
    "empty text": (_empty_text, ("claims.csv: row 6: text is empty",)),
    "non-UTF-8 bytes": (_latin1, ("claims.csv: row ", "not valid UTF-8: byte 0xef")),
    "UTF-16 (Excel 'Unicode text')": (
        lambda text: text.encode("utf-16"),
        ("claims.csv: row 1: file is UTF-16",),
    ),
    "UTF-16 without a BOM": (
        lambda text: text.encode("utf-16-le"),
        ("claims.csv: row 1: the header contains NUL bytes",),
    ),
    "a row with too many fields": (_too_many_fields, ("claims.csv: row 4: has 9 fields",)),
    "an unclosed quote": (
        lambda text: (text + 'x,back-muscle-pain,3,statistic,"never closed\n').encode(),
        ("claims.csv: row ", "malformed CSV"),
    ),
    "an empty file": (lambda text: b"", ("claims.csv: file is empty",)),
}


@pytest.mark.parametrize("case", list(BAD_CLAIMS))
def test_bad_claims_csv_is_refused_on_one_line_naming_file_and_row(workspace: Path, case: str):
    make, fragments = BAD_CLAIMS[case]
    claims = workspace / "claims.csv"
    claims.write_bytes(make(claims.read_text(encoding="utf-8")))
    assert_refused(citeaudit(workspace, "check", ARTICLE, "--offline"), *fragments)


def test_claims_csv_that_is_a_directory_is_refused(workspace: Path):
    (workspace / "claims.csv").unlink()
    (workspace / "claims.csv").mkdir()
    assert_refused(citeaudit(workspace, "check", ARTICLE, "--offline"), "claims.csv", "cannot read")


def _verdicts(workspace: Path) -> dict[str, str]:
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text("utf-8"))
    return {claim["id"]: claim["verdict"] for claim in report["claims"]}


@pytest.mark.parametrize(
    "variant",
    [
        lambda data: b"\xef\xbb\xbf" + data,
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n") + b",,,,,,,\r\n\r\n",
    ],
    ids=["BOM", "CRLF", "BOM, CRLF and empty trailing rows"],
)
def test_what_spreadsheets_add_is_accepted_and_changes_no_verdict(
    workspace: Path, variant: Callable[[bytes], bytes]
):
    assert citeaudit(workspace, "check", ARTICLE, "--offline").returncode == 0
    clean = _verdicts(workspace)
    claims = workspace / "claims.csv"
    claims.write_bytes(variant(claims.read_bytes()))
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 0, result.stderr
    assert _verdicts(workspace) == clean


# --- articles ------------------------------------------------------------------------

BAD_ARTICLES: dict[str, tuple[str, bytes | None, tuple[str, ...]]] = {
    "empty": ("empty.md", b"", ("articles/empty.md: article is empty",)),
    "only whitespace": ("blank.md", b" \n\t\n\n", ("articles/blank.md: article is empty",)),
    "binary": (
        "picture.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ("articles/picture.md: article is a binary file",),
    ),
    "UTF-16": (
        "wide.md",
        "Claim.\n\nReferences\n".encode("utf-16"),
        ("articles/wide.md: article is UTF-16 text",),
    ),
    "Latin-1": (
        "latin.md",
        "First line.\nCaf\u00e9 au lait.\n".encode("latin-1"),
        ("articles/latin.md: row 2: article is not UTF-8 text",),
    ),
    "huge (5 MB)": (
        "huge.md",
        b"Massage helps. " * 360_000,
        ("articles/huge.md: article is 5273 KiB, over the 5120 KiB limit",),
    ),
    "PDF": (
        "paper.pdf",
        b"%PDF-1.4\n",
        ("articles/paper.pdf: unsupported article format '.pdf'", ".md", ".txt", ".html"),
    ),
    "Word": ("paper.docx", b"PK\x03\x04", ("unsupported article format '.docx'",)),
    "no suffix": ("README", b"text", ("articles/README: unsupported article format '(none)'",)),
    "no References section": (
        "uncited.md",
        b"Massage relieves pain in 90% of people.\n",
        ("articles/uncited.md: no references found",),
    ),
    "a References heading over no references": (
        "hollow.md",
        b"Massage relieves pain.\n\nReferences\n\nSee our shop for details.\n",
        (
            "articles/hollow.md: row 3: no references found: no line under the reference list's heading",
        ),
    ),
    "a directory": ("folder.md", None, ("articles/folder.md: cannot read article",)),
}


@pytest.mark.parametrize("case", list(BAD_ARTICLES))
def test_bad_article_is_refused_on_one_line_naming_the_file(workspace: Path, case: str):
    name, content, fragments = BAD_ARTICLES[case]
    path = workspace / "articles" / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    assert_refused(citeaudit(workspace, "check", f"articles/{name}", "--offline"), *fragments)


def test_missing_article_is_refused_and_nothing_is_written(workspace: Path):
    assert_refused(
        citeaudit(workspace, "extract", "articles/gone.md"), "articles/gone.md: article not found"
    )
    assert (workspace / "claims.csv").read_bytes() == (
        Path(__file__).resolve().parent.parent / "claims.csv"
    ).read_bytes()


def test_an_article_with_thousands_of_references_is_audited_in_full(workspace: Path):
    lines = [
        "# Many sources",
        "",
        "Massage relieves back pain in 60% of adults (Author7, 1957).",
        "",
    ]
    lines += ["References", ""]
    for i in range(3000):
        lines.append(
            f"Author{i}, A. B., & Other, C. ({1950 + i % 70}). Study number {i} of muscle pain. "
            f"Journal of Things, {i % 90 + 1}({i % 12 + 1}), {i}-{i + 9}. "
            f"https://doi.org/10.{1000 + i % 9000}/test.{i}"
        )
    (workspace / "articles" / "many.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = citeaudit(workspace, "check", "articles/many.md", "--offline")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "articles/many.md: 3000 references (3000 unverified)" in result.stdout
    report = json.loads((workspace / "reports" / "many.json").read_text(encoding="utf-8"))
    assert len(report["references"]) == 3000
    assert {r["cited"]["line"] for r in report["references"]} == set(range(7, 3007))


# --- identifiers inside a valid article ----------------------------------------------


def _one_reference_article(workspace: Path, reference: str) -> str:
    path = workspace / "articles" / "ids.md"
    path.write_text(
        f"Massage relieves back pain (Smith, 2001).\n\nReferences\n\n{reference}\n",
        encoding="utf-8",
    )
    return "articles/ids.md"


def test_a_malformed_doi_is_a_broken_reference_on_its_line_even_offline(workspace: Path):
    article = _one_reference_article(
        workspace,
        "Smith, J. (2001). Massage for back pain. Journal of Things, 3(4), 1-9. "
        "https://doi.org/10.1234/abc{def}",
    )
    result = citeaudit(workspace, "check", article, "--offline")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "articles/ids.md:5: broken: [smith2001] DOI 10.1234/abc{def is malformed"
    ]


def test_an_isbn_with_a_wrong_check_digit_is_a_mismatch_on_its_line(workspace: Path):
    article = _one_reference_article(
        workspace,
        "Smith, J. (2001). Massage for back pain. 2nd ed. London: Pubs. ISBN 978-0-306-40615-6",
    )
    assert citeaudit(workspace, "check", article, "--offline").returncode == 0
    result = citeaudit(workspace, "check", article, "--offline", "--fail-on", "mismatch")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("articles/ids.md:5: mismatch: [smith2001] isbn: cited '9780306406156'")
    valid = citeaudit(
        workspace,
        "check",
        _one_reference_article(
            workspace,
            "Smith, J. (2001). Massage for back pain. 2nd ed. London: Pubs. ISBN 978-0-306-40615-7",
        ),
        "--offline",
        "--fail-on",
        "mismatch",
    )
    assert valid.returncode == 0, valid.stderr


# --- settings and other files --------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("CITEAUDIT_TIMEOUT", "ten", "CITEAUDIT_TIMEOUT='ten' is not a number > 0"),
        ("CITEAUDIT_TIMEOUT", "0", "CITEAUDIT_TIMEOUT='0' is not a number > 0"),
        ("CITEAUDIT_RETRIES", "-1", "CITEAUDIT_RETRIES='-1' is not a whole number >= 0"),
        ("CITEAUDIT_CROSSREF_URL", "api.crossref.org", "is not an http(s) URL with a host"),
        ("CITEAUDIT_OPENALEX_URL", "file:///etc/passwd", "is not an http(s) URL with a host"),
    ],
)
@pytest.mark.parametrize("command", [("refresh",), ("check", "--offline"), ("extract",)])
def test_bad_settings_are_refused_naming_the_variable(
    workspace: Path, variable: str, value: str, fragment: str, command: tuple[str, ...]
):
    """Offline too: a setting that is wrong now is wrong the day the run goes online."""
    result = citeaudit(workspace, command[0], ARTICLE, *command[1:], env={variable: value})
    assert_refused(result, "citeaudit: ", variable, fragment)


def test_a_damaged_snapshot_is_refused_naming_it(workspace: Path):
    snapshot = sorted((workspace / "sources").glob("*.json"))[0]
    snapshot.write_text('{"schema": "citeaudit.source/1",\n "work": {', encoding="utf-8")
    assert_refused(
        citeaudit(workspace, "check", ARTICLE, "--offline"),
        f"sources/{snapshot.name}: row 2: not valid JSON",
    )


def test_an_output_that_cannot_be_written_is_named_as_given_not_by_a_temporary_name(
    workspace: Path,
):
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "--junit", "/proc/junit.xml")
    assert_refused(result, "citeaudit: /proc/junit.xml: cannot read or write")
    assert ".tmp" not in result.stderr


def test_an_output_folder_that_is_a_file_is_refused(workspace: Path):
    (workspace / "out").write_text("not a folder", encoding="utf-8")
    assert_refused(citeaudit(workspace, "check", ARTICLE, "--offline", "--out", "out"), "out")


# --- CSV injection -------------------------------------------------------------------


def test_every_csv_citeaudit_writes_neutralises_formula_cells(workspace: Path):
    name = "=cmd"
    (workspace / "articles" / f"{name}.md").write_text(
        '=HYPERLINK("http://attacker.example") Massage relieves back pain in 90% of adults.\n'
        "+1 studies show that massage reduces back pain by 50%.\n"
        "-20% of patients report that stretching effectively relieves pain.\n"
        "@SUM(A1) trials show massage improves back pain in 70% of cases.\n\n"
        "References\n\n"
        "Smith, J. (2001). Massage for back pain. Journal of Things, 3(4), 1-9.\n",
        encoding="utf-8",
    )
    result = citeaudit(workspace, "extract", f"articles/{name}.md")
    assert result.returncode == 0, result.stderr
    assert citeaudit(workspace, "check", f"articles/{name}.md", "--offline").returncode in (0, 1)

    written = [p for p in workspace.rglob("*.csv") if p.is_file()]
    assert written, "claims.csv at least"
    seen_triggers = 0
    for path in written:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            for cell in row:
                assert not cell.startswith(FORMULA_START), (path.name, cell)
                seen_triggers += cell.startswith("'") and cell.lstrip("'")[:1] in "=+-@"
    assert seen_triggers >= 5, "the article name and four claim texts were neutralised"

    from citeaudit.claims.csv_file import read_claims

    texts = {c.text for c in read_claims(workspace / "claims.csv") if c.article == name}
    assert any(t.startswith("=HYPERLINK(") for t in texts), "read back exactly as written"
    assert any(t.startswith("-20%") for t in texts)
