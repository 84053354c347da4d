"""claims.csv is shared by the tool and editors: these are the promises made to both."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeaudit.claims.csv_file import (
    COLUMNS,
    MergeStats,
    RowProblem,
    claim_id_for,
    format_claims,
    merge_claims,
    neutralise,
    read_claims,
    unneutralise,
    write_claims,
)
from citeaudit.errors import InputError
from citeaudit.files import atomic_write_bytes, atomic_write_text
from citeaudit.models import CLAIM_KINDS, Claim

HEADER = ",".join(COLUMNS)


def claim(
    text: str = "Back pain affects 80% of adults.",
    *,
    article: str = "back-muscle-pain",
    line: int = 3,
    kind: str = "statistic",
    refs: list[str] | None = None,
    status: str = "proposed",
    note: str = "",
    claim_id: str | None = None,
) -> Claim:
    return Claim(
        claim_id=claim_id or claim_id_for(article, text),
        article=article,
        line=line,
        kind=kind,
        text=text,
        refs=["smith2020"] if refs is None else refs,
        status=status,
        note=note,
    )


def write_raw(path: Path, *rows: str, line_end: str = "\n") -> Path:
    path.write_bytes(line_end.join([HEADER, *rows, ""]).encode())
    return path


def input_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_claims(path)
    return caught.value


# --- reading and writing -------------------------------------------------------------


def test_written_claims_read_back_unchanged(tmp_path: Path) -> None:
    claims = [
        claim(),
        claim(
            'He said "it works", twice;\nthen stopped.',
            line=9,
            kind="efficacy",
            refs=["a2019", "b2020"],
            status="reviewed",
            note="checked, ok",
        ),
        claim("Ärzte empfehlen Bewegung – täglich.", line=12, refs=[], status="rejected"),
    ]
    path = tmp_path / "claims.csv"
    write_claims(path, claims)

    assert read_claims(path) == claims


@pytest.mark.parametrize("text", ["a\rb", "a\r\nb", "a\nb", "ends with CR\r", 'x,\r\n"y"'])
def test_cells_with_line_breaks_of_any_kind_round_trip(tmp_path: Path, text: str) -> None:
    # Regression: csv.writer(lineterminator="\n") leaves a lone "\r" unquoted.
    path = tmp_path / "claims.csv"
    original = claim(text, note=text)
    write_claims(path, [original, claim("next row")])

    assert read_claims(path) == [original, claim("next row")]


def test_rows_remember_the_csv_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_claims(path, [claim("first\nspans two lines", line=1), claim("second", line=2)])

    assert [c.row for c in read_claims(path)] == [2, 4]


def test_refs_are_split_on_semicolons_and_empty_means_uncited(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "claims.csv",
        "c-1,art,1,statistic,Cited twice.,smith2020; jones2019 ;,proposed,",
        "c-2,art,2,statistic,Not cited.,,proposed,",
    )

    cited, uncited = read_claims(path)

    assert cited.refs == ["smith2020", "jones2019"]
    assert uncited.refs == []
    assert not uncited.cited


def test_written_file_is_utf8_without_bom_with_lf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_claims(path, [claim("Grüße aus Köln.")])

    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    assert data.decode("utf-8").startswith(HEADER + "\n")


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + "\r\n".join(
            [HEADER, "c-1,art,4,causal,Stress causes pain.,k1,reviewed,fine", ""]
        ).encode()
    )

    (only,) = read_claims(path)

    assert (only.claim_id, only.kind, only.text, only.note) == (
        "c-1",
        "causal",
        "Stress causes pain.",
        "fine",
    )


def test_padding_around_codes_is_ignored_but_text_is_kept_verbatim(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "claims.csv", " c-1 , art , 4 , causal ,  Spaced text. , k1 , reviewed ,"
    )

    (only,) = read_claims(path)

    assert (only.claim_id, only.article, only.line, only.kind, only.status) == (
        "c-1",
        "art",
        4,
        "causal",
        "reviewed",
    )
    assert only.text == "  Spaced text. "


def test_blank_rows_left_by_spreadsheets_are_ignored(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "claims.csv", "c-1,art,1,statistic,Text.,,proposed,", "", ",,,,,,,", ""
    )

    assert [c.claim_id for c in read_claims(path)] == ["c-1"]


def test_header_only_file_has_no_claims(tmp_path: Path) -> None:
    assert read_claims(write_raw(tmp_path / "claims.csv")) == []


# --- formula injection ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1 more study",
        "-5% fewer relapses",
        "@SUM(A1:A2)",
        "\tindented",
        "\rcarriage return first",
        "'=already quoted by an editor",
        "''-two quotes",
    ],
)
def test_formula_cells_are_neutralised_and_round_trip(tmp_path: Path, text: str) -> None:
    path = tmp_path / "claims.csv"
    original = claim(text, note=text, refs=[])
    write_claims(path, [original])

    (row,) = list(_raw_rows(path))
    assert row["text"].startswith("'")
    assert row["note"].startswith("'")
    assert read_claims(path) == [original]


def test_cells_that_cannot_be_formulas_are_written_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_claims(path, [claim("'quoted' is fine", note="a - b")])

    (row,) = list(_raw_rows(path))
    assert row["text"] == "'quoted' is fine"
    assert row["note"] == "a - b"


@given(st.text())
def test_neutralise_is_undone_exactly_for_any_text(text: str) -> None:
    neutral = neutralise(text)

    assert unneutralise(neutral) == text
    assert neutral[:1] not in {"=", "+", "-", "@", "\t", "\r"}


@given(
    text=st.text(st.characters(exclude_categories=("Cs",)), min_size=1).filter(str.strip),
    note=st.text(st.characters(exclude_categories=("Cs",))),
)
def test_any_text_and_note_survive_a_write_read_round_trip(
    tmp_path_factory: pytest.TempPathFactory, text: str, note: str
) -> None:
    path = tmp_path_factory.mktemp("roundtrip") / "claims.csv"
    original = claim(text, note=note)
    write_claims(path, [original])

    assert read_claims(path) == [original]


def _raw_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- input errors --------------------------------------------------------------------


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    error = input_error(tmp_path / "claims.csv")

    assert error.row is None
    assert str(error) == f"{tmp_path / 'claims.csv'}: file not found"


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b"")

    assert "file is empty" in str(input_error(path))


def test_non_utf8_file_is_rejected_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(
        (HEADER + "\nc-1,art,1,statistic,Fine.,,proposed,\nc-2,art,2,statistic,Caf").encode()
        + b"\xe9 au lait.,,proposed,\n"  # Latin-1 "é", as Excel's plain "CSV" would save it
    )

    error = input_error(path)

    assert error.row == 3
    assert "not valid UTF-8" in str(error)
    assert "0xe9" in str(error)
    assert "column 24" in str(error)


def test_missing_columns_are_rejected_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,article,line,kind,text,refs\nc-1,art,1,statistic,T.,\n")

    error = input_error(path)

    assert error.row == 1
    assert "missing column(s): 'status', 'note'" in str(error)


def test_unknown_columns_are_rejected_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(HEADER + ",reviewer,Kind\nc-1,art,1,statistic,T.,,proposed,,ann,x\n")

    error = input_error(path)

    assert "unknown column(s): 'reviewer', 'Kind'" in str(error)


def test_unknown_kind_is_rejected_naming_the_row_and_the_kinds(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "claims.csv",
        *[f"c-{i},art,{i},statistic,Text {i}.,,proposed," for i in range(1, 6)],
        "c-6,art,6,statistik,Text 6.,,proposed,",
    )

    error = input_error(path)

    assert error.row == 7
    assert str(error) == (
        f"{path}: row 7: unknown kind 'statistik' (expected one of: statistic, efficacy, "
        "risk, causal, comparison, source_description, product, definition, recommendation, "
        "finding)"
    )


@pytest.mark.parametrize("line", ["abc", "0", "-1", "3.0", "", "٣"])
def test_line_must_be_a_whole_number_from_1(tmp_path: Path, line: str) -> None:
    path = write_raw(tmp_path / "claims.csv", f"c-1,art,{line},statistic,Text.,,proposed,")

    error = input_error(path)

    assert error.row == 2
    assert "line" in str(error)


def test_unknown_status_is_rejected(tmp_path: Path) -> None:
    path = write_raw(tmp_path / "claims.csv", "c-1,art,1,statistic,Text.,,approved,")

    assert "unknown status 'approved' (expected one of: proposed, reviewed, rejected)" in str(
        input_error(path)
    )


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_rejected(tmp_path: Path, text: str) -> None:
    path = write_raw(tmp_path / "claims.csv", f"c-1,art,1,statistic,{text},,proposed,")

    error = input_error(path)

    assert (error.row, error.message) == (2, "text is empty")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (",art,1,statistic,T.,,proposed,", "claim_id is empty"),
        ("c-1,,1,statistic,T.,,proposed,", "article is empty"),
    ],
)
def test_id_and_article_are_required(tmp_path: Path, row: str, problem: str) -> None:
    assert input_error(write_raw(tmp_path / "claims.csv", row)).message == problem


def test_duplicate_ids_are_rejected_naming_both_rows(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "claims.csv",
        "c-1,art,1,statistic,One.,,proposed,",
        "c-2,art,2,statistic,Two.,,proposed,",
        "c-1,art,3,statistic,Three.,,proposed,",
    )

    error = input_error(path)

    assert error.row == 4
    assert "duplicate claim_id 'c-1' (rows 2 and 4)" in str(error)


def test_row_with_a_stray_comma_is_rejected(tmp_path: Path) -> None:
    path = write_raw(tmp_path / "claims.csv", "c-1,art,1,statistic,Pain, stress,,proposed,")

    error = input_error(path)

    assert error.row == 2
    assert "has 9 fields, expected 8" in str(error)


def test_unclosed_quote_is_rejected_as_malformed(tmp_path: Path) -> None:
    path = write_raw(tmp_path / "claims.csv", 'c-1,art,1,statistic,"Never closed.,,proposed,')

    assert "malformed CSV" in str(input_error(path))


def test_utf8_error_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    path = write_raw(tmp_path / "claims.csv", "c-1,art,1,statistic,Grüße,,proposed,")
    path.write_bytes(path.read_bytes().replace(b"e,,proposed", b"\xe9,,proposed"))

    assert "column 25" in str(input_error(path))


def test_rows_are_counted_in_physical_lines_past_multiline_cells(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "claims.csv",
        'c-1,art,1,statistic,"Three\nline\ntext.",,proposed,',
        "c-2,art,2,statistik,Bad kind.,,proposed,",
    )

    assert input_error(path).row == 5


def test_input_errors_are_one_line(tmp_path: Path) -> None:
    path = write_raw(tmp_path / "claims.csv", 'c-1,art,1,"stat\nistic",Text.,,proposed,')

    error = input_error(path)

    assert "\n" not in str(error)
    assert "'stat\\nistic'" in str(error)


# --- ids -----------------------------------------------------------------------------


def test_claim_id_is_stable_readable_and_ignores_case_and_spacing() -> None:
    claim_id = claim_id_for("back-muscle-pain", "Back pain affects 80% of adults.")

    assert re.fullmatch(r"back-muscle-pain-[0-9a-f]{8}", claim_id)
    assert claim_id == claim_id_for("back-muscle-pain", "  back PAIN affects\n80% of adults. ")
    assert claim_id != claim_id_for("back-muscle-pain", "Back pain affects 70% of adults.")
    assert claim_id != claim_id_for("neck-pain", "Back pain affects 80% of adults.")


def test_claim_id_is_the_same_in_every_run() -> None:
    # A changed id would make every editor's row look unrelated to the next proposal.
    assert claim_id_for("back-muscle-pain", "Back pain affects 80% of adults.") == (
        "back-muscle-pain-" + _sha1_prefix("back-muscle-pain\nback pain affects 80% of adults.")
    )


def _sha1_prefix(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest()[:8]


# --- merging -------------------------------------------------------------------------


def test_merge_never_changes_a_row_an_editor_edited() -> None:
    edited = claim(kind="causal", refs=["jones2019"], status="reviewed", note="kind fixed")
    proposal = claim()  # same claim as the tool sees it again
    assert proposal.claim_id == edited.claim_id

    merged, stats = merge_claims([edited], [proposal])

    assert merged == [edited]
    assert merged[0] is edited
    assert (merged[0].kind, merged[0].refs, merged[0].note) == (
        "causal",
        ["jones2019"],
        "kind fixed",
    )
    assert stats == MergeStats(added=0, kept=1, skipped=1)


def test_rejected_claim_is_not_proposed_again() -> None:
    rejected = claim(status="rejected", note="not a factual claim")

    merged, stats = merge_claims([rejected], [claim()])

    assert merged == [rejected]
    assert stats.added == 0


def test_claim_whose_id_an_editor_changed_is_recognised_by_its_text() -> None:
    renamed = claim(claim_id="bmp-statistic-1", status="reviewed")

    merged, stats = merge_claims([renamed], [claim("back pain  affects 80% of ADULTS.")])

    assert merged == [renamed]
    assert stats.added == 0


def test_same_text_in_another_article_is_a_different_claim() -> None:
    existing = claim(article="back-muscle-pain")
    proposal = claim(article="neck-pain")

    merged, _ = merge_claims([existing], [proposal])

    assert merged == [existing, proposal]


def test_new_rows_follow_their_articles_rows_ordered_by_line() -> None:
    a1 = claim("A one.", article="a", line=1, status="reviewed")
    b1 = claim("B one.", article="b", line=1)
    a2 = claim("A two.", article="a", line=20)
    new_a9 = claim("A nine.", article="a", line=9)
    new_a5 = claim("A five.", article="a", line=5)
    new_c3 = claim("C three.", article="c", line=3)
    new_b2 = claim("B two.", article="b", line=2)

    merged, stats = merge_claims([a1, b1, a2], [new_a9, new_c3, new_b2, new_a5])

    assert merged == [a1, b1, new_b2, a2, new_a5, new_a9, new_c3]
    assert stats == MergeStats(added=4, kept=3, skipped=0)


def test_rows_of_other_articles_are_untouched() -> None:
    others = [claim(f"Other {i}.", article="other", line=i, status="reviewed") for i in (3, 1, 2)]

    merged, _ = merge_claims(others, [claim(article="mine")])

    assert merged[:3] == others
    assert [c.line for c in merged[:3]] == [3, 1, 2]  # editors' order is kept too


def test_a_claim_proposed_twice_is_added_once() -> None:
    merged, stats = merge_claims([], [claim(), claim(), claim("BACK pain affects 80% of adults.")])

    assert merged == [claim()]
    assert stats == MergeStats(added=1, kept=0, skipped=2)


def test_merged_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_claims(path, [claim(status="reviewed", note="ok")])

    merged, _ = merge_claims(read_claims(path), [claim(), claim("New one.", line=7)])
    write_claims(path, merged)

    assert [(c.text, c.status) for c in read_claims(path)] == [
        ("Back pain affects 80% of adults.", "reviewed"),
        ("New one.", "proposed"),
    ]


# --- atomic writing ------------------------------------------------------------------


def test_write_replaces_the_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("old content\n")

    write_claims(path, [claim()])

    assert os.listdir(tmp_path) == ["claims.csv"]
    assert path.read_text(encoding="utf-8") == format_claims([claim()])


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("editor's work\n")

    with pytest.raises(TypeError):
        atomic_write_bytes(path, "not bytes")  # type: ignore[arg-type]  # fails mid-write

    assert path.read_text() == "editor's work\n"
    assert os.listdir(tmp_path) == ["claims.csv"]


def test_atomic_write_text_does_not_translate_newlines(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"

    atomic_write_text(path, "a\nb\r\nc")

    assert path.read_bytes() == b"a\nb\r\nc"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_rewriting_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("x\n")
    path.chmod(0o664)

    write_claims(path, [claim()])

    assert stat.S_IMODE(path.stat().st_mode) == 0o664


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_writing_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "claims.csv"
    target.parent.mkdir()
    target.write_text("x\n")
    link = tmp_path / "claims.csv"
    link.symlink_to(target)

    write_claims(link, [claim()])

    assert link.is_symlink()
    assert read_claims(target) == [claim()]


def test_a_site_run_collects_bad_rows_with_their_article_instead_of_stopping(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,article,line,kind,text,refs,status,note\n"
        "a-1,alpha,3,statistic,Half of adults.,,proposed,\n"
        "b-1,beta,4,guess,Something.,,proposed,\n"
        "c-1,,5,statistic,No article.,,proposed,\n"
        "a-2,alpha,6,statistic,A third of children.,,proposed,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="row 3: unknown kind 'guess'"):
        read_claims(path)

    problems: list[RowProblem] = []
    claims = read_claims(path, row_problems=problems)

    assert [c.claim_id for c in claims] == ["a-1", "a-2"]
    assert [(p.article, p.error.row) for p in problems] == [("beta", 3), (None, 4)]
    assert str(problems[0].error) == f"{path}: row 3: unknown kind 'guess' (expected one of: " + (
        ", ".join(CLAIM_KINDS) + ")"
    )
