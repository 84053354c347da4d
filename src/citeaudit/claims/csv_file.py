"""claims.csv: the one file that both the tool and editors write.

The tool proposes claims; editors then review, reject, annotate or add rows by hand,
usually in a spreadsheet. Everything here follows from that shared ownership:

* reading is strict, so a typo an editor made is reported (with its row) instead of
  silently changing what gets audited, yet tolerant of what spreadsheets add on their
  own (a UTF-8 BOM, CRLF line ends, padding around codes, empty trailing rows);
* claim ids are derived from the claim itself, so a re-run of the proposer recognises
  rows that editors already own, and merging never overwrites or resurrects them;
* writing is atomic and neutralises spreadsheet formulas, because the file is opened
  in spreadsheet programs and must never be left half-written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from citeaudit.errors import InputError
from citeaudit.files import atomic_write_text
from citeaudit.models import CLAIM_KINDS, Claim

COLUMNS: tuple[str, ...] = ("claim_id", "article", "line", "kind", "text", "refs", "status", "note")
STATUSES: tuple[str, ...] = ("proposed", "reviewed", "rejected")
REFS_SEPARATOR = ";"

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
_FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_WHOLE_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class MergeStats:
    """What a merge did, so the CLI can tell editors how many rows are new for them."""

    added: int  # proposals appended as new rows
    kept: int  # existing rows, all kept unchanged
    skipped: int = 0  # proposals dropped because a row for that claim already exists


# --- cells -------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """Make a cell inert in spreadsheets, reversibly.

    A leading `'` stops Excel/LibreOffice from evaluating `=`, `+`, `-`, `@`, tab or CR.
    Cells that already start with quotes before such a character get one more quote,
    which is what makes `unneutralise(neutralise(x)) == x` hold for every string.
    """
    return "'" + cell if _starts_like_formula(cell.lstrip("'")) else cell


def unneutralise(cell: str) -> str:
    """Undo `neutralise`, so text like "-5% of patients" survives a round trip."""
    if cell.startswith("'") and _starts_like_formula(cell.lstrip("'")):
        return cell[1:]
    return cell


def _starts_like_formula(cell: str) -> bool:
    return cell[:1] in _FORMULA_TRIGGERS and cell != ""


# --- ids ---------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """The form of a claim's text that identifies it: case, spacing and Unicode
    composition differences are editing noise, not a different claim."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def claim_id_for(article: str, text: str) -> str:
    """A stable id, readable by the article it belongs to.

    Derived from content rather than position, so re-running the proposer after the
    article moved sentences around still finds the rows editors already handled.
    """
    ascii_name = unicodedata.normalize("NFKD", article).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "claim"
    digest = hashlib.sha1(f"{article}\n{normalise_text(text)}".encode()).hexdigest()
    return f"{slug}-{digest[:8]}"


# --- reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """A row of claims.csv that cannot be read, and the article it names (if it names one)."""

    article: str | None
    error: InputError


def read_claims(
    path: str | os.PathLike[str], *, row_problems: list[RowProblem] | None = None
) -> list[Claim]:
    """Read claims.csv; any problem raises `InputError` naming the file and row.

    With `row_problems`, a bad row is collected there instead and reading goes on: a
    nightly run over a site fails only the article whose row is bad. Problems with the
    whole file (encoding, header, CSV syntax) still raise, since no row can be trusted.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise _error(path, None, "file not found") from None
    except OSError as exc:
        raise _error(path, None, f"cannot read file: {exc.strerror or exc}") from None

    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise _error(path, None, f"file is empty (expected a header: {', '.join(COLUMNS)})")
        _check_header(path, header)
        claims: list[Claim] = []
        first_row_of: dict[str, int] = {}
        end_of_previous = reader.line_num
        for record in reader:
            row = end_of_previous + 1  # where the record starts; a quoted cell may span lines
            end_of_previous = reader.line_num
            if not any(record):
                continue  # blank or all-empty rows are what spreadsheets leave at the end
            try:
                claim = _parse_row(path, row, header, record)
                if claim.claim_id in first_row_of:
                    first = first_row_of[claim.claim_id]
                    raise _error(
                        path, row, f"duplicate claim_id {claim.claim_id!r} (rows {first} and {row})"
                    )
            except InputError as problem:
                if row_problems is None:
                    raise
                row_problems.append(RowProblem(_article_cell(header, record), problem))
                continue
            first_row_of[claim.claim_id] = row
            claims.append(claim)
    except csv.Error as exc:
        raise _error(path, reader.line_num or None, f"malformed CSV: {exc}") from None
    return claims


def _article_cell(header: list[str], record: list[str]) -> str | None:
    """The article a (possibly malformed) row names, when it can be told."""
    if len(record) != len(header):
        return None
    return unneutralise(record[header.index("article")]).strip() or None


def _error(path: str | os.PathLike[str], row: int | None, message: str) -> InputError:
    return InputError(message, path=os.fspath(path), row=row)


def _decode(path: str | os.PathLike[str], data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _error(path, 1, "file is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8')")
    header = data.split(b"\n", 1)[0]
    if b"\x00" in header:  # UTF-16 without a BOM, or not text at all; NULs in cells are text
        raise _error(
            path, 1, "the header contains NUL bytes: UTF-16 or a binary file, not UTF-8 CSV"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        row = before.count(b"\n") + 1
        # In characters, as an editor's cursor counts them, not bytes.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise _error(
            path,
            row,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            f"(column {column}); save the file as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from None
    return text.removeprefix("\ufeff")


def _check_header(path: str | os.PathLike[str], header: list[str]) -> None:
    problems: list[str] = []
    duplicated = sorted({name for name in header if header.count(name) > 1}, key=header.index)
    if duplicated:
        problems.append(f"column(s) named more than once: {_quoted(duplicated)}")
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        problems.append(f"missing column(s): {_quoted(missing)}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {_quoted(unknown)}")
    if problems:
        expected = ", ".join(COLUMNS)
        raise _error(path, 1, f"{'; '.join(problems)} (expected columns: {expected})")


def _parse_row(
    path: str | os.PathLike[str], row: int, header: list[str], record: list[str]
) -> Claim:
    if len(record) != len(header):
        raise _error(
            path,
            row,
            f"has {len(record)} fields, expected {len(header)} "
            "(an unquoted comma, or a quote out of place?)",
        )
    cells = {name: unneutralise(value) for name, value in zip(header, record, strict=True)}

    # Codes are compared after trimming: spreadsheet padding is invisible to editors.
    claim_id = cells["claim_id"].strip()
    if not claim_id:
        raise _error(path, row, "claim_id is empty")
    article = cells["article"].strip()
    if not article:
        raise _error(path, row, "article is empty")
    line_cell = cells["line"].strip()
    if not _WHOLE_NUMBER.fullmatch(line_cell):
        raise _error(path, row, f"line {line_cell!r} is not a whole number")
    line = int(line_cell)
    if line < 1:
        raise _error(path, row, f"line must be 1 or more, got {line}")
    kind = cells["kind"].strip()
    if kind not in CLAIM_KINDS:
        raise _error(
            path, row, f"unknown kind {kind!r} (expected one of: {', '.join(CLAIM_KINDS)})"
        )
    text = cells["text"]
    if not text.strip():
        raise _error(path, row, "text is empty")
    status = cells["status"].strip()
    if status not in STATUSES:
        raise _error(
            path, row, f"unknown status {status!r} (expected one of: {', '.join(STATUSES)})"
        )
    refs = [key.strip() for key in cells["refs"].split(REFS_SEPARATOR) if key.strip()]
    return Claim(
        claim_id=claim_id,
        article=article,
        line=line,
        kind=kind,
        text=text,
        refs=refs,
        status=status,
        note=cells["note"],
        row=row,
    )


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in names)


# --- merging -----------------------------------------------------------------------


def merge_claims(existing: list[Claim], proposed: list[Claim]) -> tuple[list[Claim], MergeStats]:
    """Add the tool's new proposals without touching any row an editor may own.

    Every existing row is returned unchanged and in place; a rejected row is a
    decision, and keeping it is what stops the same proposal from coming back.
    A proposal is new only if neither its id nor (within its article) its normalised
    text is already present. New rows go after the existing rows of their article,
    ordered by line, so editors find them next to the rows they relate to.
    """
    known_ids = {claim.claim_id for claim in existing}
    known_texts = {(claim.article, normalise_text(claim.text)) for claim in existing}
    new_by_article: dict[str, list[Claim]] = {}
    skipped = 0
    for claim in proposed:
        text_key = (claim.article, normalise_text(claim.text))
        if claim.claim_id in known_ids or text_key in known_texts:
            skipped += 1
            continue
        known_ids.add(claim.claim_id)  # a proposal listed twice is added once
        known_texts.add(text_key)
        new_by_article.setdefault(claim.article, []).append(claim)
    for rows in new_by_article.values():
        rows.sort(key=lambda claim: claim.line)  # stable: equal lines keep proposal order

    last_index_of = {claim.article: i for i, claim in enumerate(existing)}
    merged: list[Claim] = []
    for i, claim in enumerate(existing):
        merged.append(claim)
        if last_index_of[claim.article] == i:
            merged.extend(new_by_article.pop(claim.article, []))
    for rows in new_by_article.values():  # articles with no rows yet, in proposal order
        merged.extend(rows)

    added = len(merged) - len(existing)
    return merged, MergeStats(added=added, kept=len(existing), skipped=skipped)


# --- writing -----------------------------------------------------------------------


def format_claims(claims: Iterable[Claim]) -> str:
    """The exact text `write_claims` writes; separate so it can be diffed or previewed."""
    # The csv writer quotes a cell only for characters in its lineterminator, so with "\n"
    # a cell holding a lone "\r" would be written bare and split the row when read back.
    # Rows are therefore written with "\r\n" (quoting both) and the terminator swapped.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    lines: list[str] = []
    for cells in [COLUMNS, *(_cells(claim) for claim in claims)]:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        lines.append(buffer.getvalue().removesuffix("\r\n") + "\n")
    return "".join(lines)


def _cells(claim: Claim) -> list[str]:
    cells = (
        claim.claim_id,
        claim.article,
        str(claim.line),
        claim.kind,
        claim.text,
        REFS_SEPARATOR.join(claim.refs),
        claim.status,
        claim.note,
    )
    return [neutralise(cell) for cell in cells]


def write_claims(path: str | os.PathLike[str], claims: Iterable[Claim]) -> None:
    """Write claims.csv atomically (UTF-8 without BOM, `\\n` line ends, inert cells)."""
    atomic_write_text(path, format_claims(claims))


def file_state(path: str | os.PathLike[str]) -> bytes | None:
    """The file's bytes as read now (None if absent), to notice a save made meanwhile."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def write_claims_unless_changed(
    path: str | os.PathLike[str], claims: Iterable[Claim], read_as: bytes | None
) -> None:
    """Write claims.csv only if nobody saved it since it was read as `read_as`.

    An editor may save the file in a spreadsheet while `extract` works; writing the
    merge then would silently drop their save. Refusing (exit 2) keeps it: running
    `extract` again merges into their version.
    """
    if file_state(path) != read_as:
        raise _error(
            path,
            None,
            "changed while citeaudit was working (saved by someone else?); nothing was "
            "written: run the command again",
        )
    write_claims(path, claims)
