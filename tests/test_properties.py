"""Property-based tests (hypothesis): no input crashes the parsers citeaudit reads with.

Articles come from web pages and editors, claims.csv from spreadsheets: the reference
parser, the DOI normaliser and the claims.csv reader meet arbitrary text and bytes.
Each either returns a result of the documented shape or, for files, raises the one
error type users see (InputError, one line); nothing else may escape. Where an exact
property is known it is checked too: every spelling of a DOI normalises to one
identity, reference keys are unique, a claim written is read back unchanged.
"""

from __future__ import annotations

import string
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeaudit.claims.csv_file import COLUMNS, read_claims, write_claims
from citeaudit.doi import find_doi, is_valid_doi, normalize_doi
from citeaudit.errors import InputError
from citeaudit.models import CLAIM_KINDS, Claim, Reference
from citeaudit.reading.article import parse_article
from citeaudit.reading.references import looks_like_reference, parse_reference, reference_keys

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
# Text that looks like reference lists: the characters references are made of, so the
# parser's regexes get exercised rather than rejecting everything at the first letter.
REFERENCE_ALPHABET = string.ascii_letters + string.digits + " .,;:()[]&-–'\"“”/\\%?=_#\n\tÀéüß漢"
REFERENCE_LIKE = st.text(REFERENCE_ALPHABET, max_size=300)
_TAIL = string.ascii_letters + string.digits
DOIS = st.builds(
    lambda prefix, body, last: f"10.{prefix}/{body}{last}",
    st.integers(1000, 999_999_999).map(str),
    st.text(_TAIL + "-._;()/:", max_size=40),
    st.sampled_from(_TAIL),
)
PROFILE = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# --- the DOI normaliser --------------------------------------------------------------


@PROFILE
@given(st.one_of(TEXT, REFERENCE_LIKE))
def test_doi_functions_accept_any_text(text: str):
    assert isinstance(normalize_doi(text), str)
    assert isinstance(is_valid_doi(text), bool)
    found = find_doi(text)
    assert found is None or (isinstance(found, str) and found.startswith("10."))


@PROFILE
@given(DOIS)
def test_a_well_formed_doi_normalises_to_its_lower_case_self(doi: str):
    normal = normalize_doi(doi)
    assert normal == doi.lower()
    assert is_valid_doi(normal)
    assert normalize_doi(normal) == normal


@PROFILE
@given(
    DOIS,
    st.sampled_from(
        [
            "{}",
            "doi:{}",
            "DOI: {}",
            "https://doi.org/{}",
            "http://dx.doi.org/{}",
            "doi.org/{}",
            "  {}.  ",
            "{},",
            "{};",
        ]
    ),
    st.booleans(),
    st.booleans(),
)
def test_every_spelling_of_a_doi_is_the_same_identity(
    doi: str, spelling: str, upper: bool, encoded: bool
):
    written = doi.upper() if upper else doi
    written = quote(written, safe="") if encoded else written
    assert normalize_doi(spelling.format(written)) == doi.lower()


@PROFILE
@given(DOIS, st.sampled_from(["See {}. Accessed", "(https://doi.org/{})", 'doi:{} "x"', "{}\n"]))
def test_a_doi_in_running_text_is_found_exactly(doi: str, context: str):
    # Unbalanced parentheses are ambiguous in running text ("(see 10.1000/(a)"): left out.
    if doi.count("(") == doi.count(")") == 0:
        assert find_doi(context.format(doi)) == doi.lower()


# --- the reference parser ------------------------------------------------------------


@PROFILE
@given(st.one_of(TEXT, REFERENCE_LIKE), st.integers(1, 10_000))
def test_the_reference_parser_accepts_any_line(line: str, number: int):
    assert isinstance(looks_like_reference(line), bool)
    ref = parse_reference(line, line_number=number)
    assert isinstance(ref, Reference)
    assert ref.line == number
    assert ref.raw == line.strip()
    assert ref.year is None or isinstance(ref.year, int)
    assert ref.doi is None or ref.doi.startswith("10.")
    assert all(isinstance(author, str) for author in ref.authors)


SURNAMES = st.text(string.ascii_lowercase, min_size=2, max_size=12).map(str.capitalize)
WORDS = st.lists(st.text(string.ascii_lowercase, min_size=3, max_size=10), min_size=2, max_size=8)


@PROFILE
@given(
    st.lists(st.tuples(SURNAMES, st.sampled_from(string.ascii_uppercase)), min_size=1, max_size=4),
    st.integers(1900, 2030),
    WORDS,
    st.one_of(st.none(), DOIS),
)
def test_an_apa_reference_gives_back_its_year_and_doi(
    authors: list[tuple[str, str]], year: int, words: list[str], doi: str | None
):
    names = [f"{surname}, {initial}." for surname, initial in authors]
    author_text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    title = " ".join(words).capitalize()
    line = f"{author_text} ({year}). {title}. Journal of Studies, 12(3), 45-67."
    if doi:
        line += f" https://doi.org/{doi}"
    ref = parse_reference(line, line_number=1)
    assert ref.year == year
    assert ref.doi == (doi.lower() if doi else None)
    assert ref.first_author_surname == authors[0][0]


@PROFILE
@given(
    st.lists(
        st.one_of(REFERENCE_LIKE, st.sampled_from(["Smith, J. (2001). T.", "Smitha"])), max_size=60
    )
)
def test_reference_keys_are_unique_whatever_the_list(lines: list[str]):
    refs = [parse_reference(line, line_number=i + 1) for i, line in enumerate(lines)]
    keys = reference_keys(refs)
    assert len(keys) == len(refs) == len(set(keys))
    assert all(key and key.isascii() for key in keys)


def test_reference_keys_stay_unique_past_twenty_six_same_name_years():
    refs = [parse_reference(f"Smith, J. (2001). Study {i}. J, 1, {i}.", i + 1) for i in range(60)]
    refs.append(parse_reference("Smitha, K. Undated note.", 61))
    keys = reference_keys(refs)
    assert keys[:3] == ["smith2001a", "smith2001b", "smith2001c"]
    assert len(set(keys)) == 61


@PROFILE
@given(st.lists(st.one_of(REFERENCE_LIKE, st.just("References"), st.just("")), max_size=40))
def test_the_article_parser_accepts_any_text_and_keeps_line_numbers_in_range(lines: list[str]):
    text = "\n".join(lines)
    article = parse_article(text, name="a", path="a.md")
    last = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    assert all(1 <= s.line <= last for s in article.sentences)
    assert all(1 <= r.line <= last for r in article.references)
    keys = [r.key for r in article.references]
    assert len(keys) == len(set(keys))


# --- claims.csv ----------------------------------------------------------------------

HEADER = ",".join(COLUMNS).encode()
CSV_ALPHABET = ",\"'\r\n;=+-@ \t\ufeffabc1é\x00"


@PROFILE
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(CSV_ALPHABET, max_size=300).map(str.encode),
        st.text(CSV_ALPHABET, max_size=300).map(lambda t: HEADER + b"\n" + t.encode()),
        st.binary(max_size=200).map(lambda b: HEADER + b"\r\n" + b),
    )
)
def test_loading_any_bytes_as_claims_csv_gives_claims_or_one_input_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
):
    path = tmp_path_factory.mktemp("claims") / "claims.csv"
    path.write_bytes(data)
    try:
        claims = read_claims(path)
    except InputError as error:
        message = str(error)
        assert message.startswith(str(path)) and "\n" not in message
        return
    for claim in claims:
        assert claim.claim_id and claim.article and claim.line >= 1
        assert claim.kind in CLAIM_KINDS and claim.text.strip()


CELL = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
CODE = st.text(
    st.characters(exclude_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=20
).filter(lambda s: s == s.strip() and ";" not in s)


@PROFILE
@given(
    st.lists(
        st.builds(
            Claim,
            claim_id=CODE,
            article=CODE,
            line=st.integers(1, 10**6),
            kind=st.sampled_from(CLAIM_KINDS),
            text=CELL.filter(str.strip),
            refs=st.lists(CODE, max_size=3),
            status=st.sampled_from(["proposed", "reviewed", "rejected"]),
            note=CELL,
        ),
        max_size=8,
        unique_by=lambda c: c.claim_id,
    )
)
def test_any_claims_written_are_read_back_unchanged(
    tmp_path_factory: pytest.TempPathFactory, claims: list[Claim]
):
    path: Path = tmp_path_factory.mktemp("roundtrip") / "claims.csv"
    write_claims(path, claims)
    assert read_claims(path) == claims


def test_a_surname_that_is_also_a_title_word_about_editing_is_kept():
    # found by the property above: "Edited, A. (1900). Aaa edited. ..." lost its author
    ref = parse_reference("Edited, A. (1900). Aaa edited. Journal of Studies, 12(3), 45-67.", 1)
    assert ref.first_author_surname == "Edited"
