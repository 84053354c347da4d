"""Bracketed author–year groups are read part by part, and bodies (corporate authors)
are references that can be cited. Made-up articles in the shapes real ones use."""

from __future__ import annotations

import pytest

from citeaudit.reading.article import parse_article
from citeaudit.reading.references import looks_like_reference

REFERENCES = """References

Baker, A., Smith, B. and Jones, C. (1979) Exercise and blood pressure. J Hypertens 3, 1-9.
Van den Berg, P. and Moss, R. (1996) Walking trials in older adults. Spine 21, 3-9.
Chen, L., Wu, X. and Li, Y. (2003) Statins in adults. Lancet 361, 10-15.
World Heart Federation (2015) Heart Facts 2015. Geneva: WHF.
"""


def _article(body: str):
    return parse_article(f"{body}\n\n{REFERENCES}", name="h", path="h.md")


def test_each_part_of_an_author_year_group_links_on_its_own():
    article = _article(
        "Exercise lowers blood pressure (Baker et al, 1979; Van den Berg and Moss, 1996)."
    )
    [sentence] = article.sentences
    assert sentence.refs == ("baker1979", "vandenberg1996")
    assert sentence.text == "Exercise lowers blood pressure."
    assert article.citation_problems == []


def test_parts_that_are_not_citations_are_passed_over():
    article = _article("Statins were tested (Ito K, unpublished data; Chen et al. 2003).")
    assert article.sentences[0].refs == ("chen2003",)
    assert article.citation_problems == []


def test_a_part_naming_nothing_in_the_list_is_reported_and_the_rest_still_link():
    article = _article("Walking helps (Van den Berg and Moss, 1996; Nobody 2001; Ito K 2004).")
    assert article.sentences[0].refs == ("vandenberg1996",)
    assert [p.message for p in article.citation_problems] == [
        "(Nobody, 2001): no reference by Nobody; (Ito, 2004): no reference by Ito"
    ]
    assert article.citation_problems[0].line == 1


def test_a_body_in_the_reference_list_is_a_reference_not_a_description():
    article = _article("Heart disease kills most (World Heart Federation, 2015).")
    assert [r.key for r in article.references][-1] == "worldheartfederation2015"
    assert article.references[2].description is None, "not read as Chen's description"
    assert article.sentences[0].refs == ("worldheartfederation2015",)


@pytest.mark.parametrize(
    "text",
    [
        "Heart disease kills most (WHF, 2015).",
        "The World Heart Federation (2015) says heart disease kills most.",
    ],
)
def test_a_body_is_cited_by_its_initials_or_in_the_sentence(text):
    article = _article(text)
    assert article.sentences[0].refs == ("worldheartfederation2015",)
    assert article.citation_problems == []


@pytest.mark.parametrize(
    "line",
    [
        "World Heart Federation (2015) Heart Facts 2015. Geneva: WHF.",
        "World Heart Federation. (2015). Heart facts 2015. Geneva: WHF.",
        "Centers for Disease Control and Prevention (2020). Back pain facts. https://cdc.example/x",
        "American Heart Association, 2019. Heart disease statistics. Dallas: AHA.",
        "World Health Organization. Guidelines on physical activity. Geneva: WHO; 2020.",
    ],
)
def test_references_by_bodies_look_like_references(line):
    assert looks_like_reference(line)


@pytest.mark.parametrize(
    "line",
    [
        "World Heart Federation (2015) estimates that heart disease kills millions.",
        "The World Heart Federation (2015) report lists the main risks of heart disease.",
        "A Cochrane Review (2019) found that massage helps most people.",
        "This foundational work is widely cited in the field of myofascial pain.",
    ],
)
def test_sentences_about_a_source_that_name_a_body_stay_descriptions(line):
    assert not looks_like_reference(line)


def test_a_month_in_brackets_is_not_an_author():
    article = _article("Rates rose (January 2015) and fell (spring 2016).")
    assert article.sentences[0].refs == ()
    assert article.citation_problems == []


@pytest.mark.parametrize(
    "text",
    [
        "Statins were tested (for example, Chen et al. 2003).",
        "Statins were tested (reviewed in Chen et al., 2003).",
        "Statins were tested (see also Chen et al. 2003, p. 12).",
    ],
)
def test_words_before_the_first_name_of_a_part_do_not_hide_it(text):
    article = _article(text)
    assert article.sentences[0].refs == ("chen2003",)
    assert article.citation_problems == []


@pytest.mark.parametrize(
    "text",
    [
        "Enrolment closed early (N = 1994 patients).",
        "The cohort was large (n = 2015).",
        "Rates rose (data from the national survey, 2019).",
    ],
)
def test_brackets_with_a_year_that_name_no_author_are_not_citations(text):
    article = _article(text)
    assert article.sentences[0].refs == ()
    assert article.citation_problems == []


def test_a_work_in_press_with_its_year_is_still_a_citation():
    article = _article("Walking helps (Van den Berg and Moss, 1996; Chen, 2024, in press).")
    assert article.sentences[0].refs == ("vandenberg1996",)
    assert [p.message for p in article.citation_problems] == [
        "(Chen, 2024): Chen is cited for 2003, not 2024"
    ]


def test_et_al_in_markdown_emphasis_is_read_in_groups_and_in_running_text():
    article = _article(
        "Exercise lowers blood pressure (Baker *et al.*, 1979; Van den Berg and Moss, 1996)."
        " As Baker _et al._ (1979) found, walking helps."
    )
    first, second = article.sentences
    assert first.refs == ("baker1979", "vandenberg1996")
    assert second.refs == ("baker1979",)
    assert article.citation_problems == []


def test_an_author_year_citation_after_a_question_mark_cites_the_question():
    article = parse_article(
        """# Apps

If they can disclose, what are the options? (Warner et al., 2018)
Most apps allow it.

## References

1. Warner M, Gutmann A, Sasse MA. Privacy unraveling. Proc ACM Hum Comput Interact. 2018;2:181.
""",
        name="apps",
        path="apps.md",
    )
    cited = {s.text: s.refs for s in article.sentences}
    assert cited["If they can disclose, what are the options?"] == (article.references[0].key,)
    assert cited["Most apps allow it."] == ()


IN_PRESS = """References

Dienes, Z. (2008). Understanding Psychology as a Science. Basingstoke: Palgrave.
Dienes, Z. (in press). How Bayesian statistics are needed. Prog Brain Res.
Dienes, Z. (forthcoming). How Bayes factors change our science. J Math Psychol.
Rouder, J. N., Speckman, P. L. and Sun, D. (2009). Bayesian t tests. Psychon Bull Rev 16, 225-237.
Schmidt, F. L. and Hunter, J. E. (2015). Methods of Meta-Analysis. Los Angeles: Sage.
"""


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Scales constrain it (Dienes, in press).", ("dienesa",)),
        (
            "Scales constrain it (see Dienes, 2008, in press, for examples).",
            ("dienes2008", "dienesa"),
        ),
        ("See Dienes, forthcoming, for examples of constraints.", ("dienesb",)),
        ("As Dienes (in press) shows, scales constrain it.", ("dienesa",)),
        ("Thus, Rouder et al. (2009, p. 232) recommend it.", ("rouder2009",)),
        ("Meta-analysis corrects it (Schmidt & Hunter, 2015, Ch. 1).", ("schmidt2015",)),
        # a page past a thousand, written with its comma
        ("Meta-analysis corrects it (Schmidt & Hunter, 2015, p. 1,101).", ("schmidt2015",)),
        ("Rouder et al. (2009, p. 1,232) recommend it.", ("rouder2009",)),
    ],
)
def test_works_in_press_and_citations_with_a_locator_link_to_their_entries(text, keys):
    article = parse_article(f"{text}\n\n{IN_PRESS}", name="p", path="p.md")
    assert article.sentences[0].refs == keys
    assert article.citation_problems == []


def test_a_bracketed_aside_that_ends_with_its_full_stop_ends_its_sentence():
    article = parse_article(
        "Defaults are common. (See Dienes, 2008, for the argument.) Thus, Rouder et al. "
        f"(2009) recommend priors.\n\n{IN_PRESS}",
        name="p",
        path="p.md",
    )
    # the aside points at its source for the sentence before; the next sentence is apart
    assert [(s.text, s.refs) for s in article.sentences] == [
        ("Defaults are common.", ("dienes2008",)),
        ("Thus, Rouder et al. recommend priors.", ("rouder2009",)),
    ]


def test_a_part_of_years_alone_goes_with_the_names_before_it():
    body = "Walking helps (Chen et al., 2003; 1996; Van den Berg and Moss, 1996)."
    refs = REFERENCES + "Chen, L. and Wu, X. (1996) Walking in adults. BMJ 312, 1-5.\n"
    article = parse_article(f"{body}\n\n{refs}", name="h", path="h.md")
    assert set(article.sentences[0].refs) == {"chen2003", "chen1996", "vandenberg1996"}
    assert article.citation_problems == []


def test_a_comma_before_et_al_in_running_text_still_names_the_authors():
    article = _article("As Chen, et al. (2003) showed, statins help adults.")
    assert article.sentences[0].refs == ("chen2003",)


def test_numbered_entries_whose_year_carries_a_letter_are_read_and_cited():
    refs = """## References

1. Björk B . 2016a. Hybrid open access: a longitudinal study. Journal of Informetrics 10(4):919-932
2. Björk B-C . 2016b. The open access movement at a crossroad. Learned Publishing 29(2):131-134
3. Björk BC . 2017. Gold, green, and black open access. Learned Publishing 30:173-175
"""
    article = parse_article(
        f"Social networks host many papers (Björk, 2016a; Björk, 2016b).\n\n{refs}",
        name="p",
        path="p.md",
    )
    assert len(article.references) == 3
    assert len(article.sentences[0].refs) == 2
    assert article.citation_problems == []


def test_a_cited_name_whose_entry_of_that_year_was_read_given_name_first_is_still_found():
    """The list writes given names first; "David M. Halperin, 2015." reads right, but
    "David M. Halperin and Trevor Hoppe (editors), 2017." may not: the 2017 citation
    must still find its entry, not stop at the 2015 one."""
    references = (
        "References\n\n"
        "David M. Halperin, 2015. Queer disclosure. Durham, N.C.: Duke University Press.\n"
        "David M. Halperin and Trevor Hoppe (editors), 2017. The war on sex. Durham, N.C.: "
        "Duke University Press.\n"
        "Mary D. Fan, 2011. Sex, privacy, and public health. U.C. Davis Law Review, volume 45, "
        "pp. 531-596.\n"
    )
    article = parse_article(
        "HIV remains a vector of state power (Halperin and Hoppe, 2017, p. 255). Disclosure "
        f"protocols changed in the 1980s (Halperin, 2015).\n\n{references}",
        name="hiv",
        path="hiv.md",
    )
    by_year = {ref.year: ref.key for ref in article.references}
    assert [s.refs for s in article.sentences] == [(by_year[2017],), (by_year[2015],)]
    assert article.citation_problems == []


def test_author_year_citations_in_square_brackets_link_like_those_in_round_ones():
    article = _article(
        "Statins were tried in adults [Chen et al., 2003]. Walking helped older adults "
        "(over 70 [Van den Berg and Moss, 1996]). Exercise helped [Baker et al, 1979; "
        "World Heart Federation, 2015]. The heart [sic] is a pump."
    )
    assert [s.refs for s in article.sentences] == [
        ("chen2003",),
        ("vandenberg1996",),
        ("baker1979", "worldheartfederation2015"),
        (),
    ]
    assert article.sentences[0].text == "Statins were tried in adults."


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        (
            "Statins were tried in adults (Chen et al., 2008).",
            "chen2003",
            "(Chen et al., 2008): the list has no Chen 2008; linked to Chen 2003, the one "
            "entry of that shape a digit away: check the year",
        ),
        (
            "Walking helps [Van den Berg and Moss, 1998].",
            "vandenberg1996",
            "(Van den Berg & Moss, 1998): the list has no Van den Berg 1998; linked to Van "
            "den Berg 1996, the one entry of that shape a digit away: check the year",
        ),
    ],
)
def test_a_year_mistyped_by_one_digit_links_to_the_one_entry_of_its_authors_and_is_reported(
    text, key, message
):
    article = _article(text)
    assert article.sentences[0].refs == (key,)
    assert [p.message for p in article.citation_problems] == [message]


@pytest.mark.parametrize(
    "text",
    [
        "Statins were tried in adults (Chen, 2008).",  # one name alone
        "Exercise helps (Baker et al., 1990).",  # two digits away
        "Walking helps (Van den Berg and Smith, 1998).",  # another second author
    ],
)
def test_a_year_that_fits_no_entry_more_loosely_stays_unlinked_and_reported(text):
    article = _article(text)
    assert article.sentences[0].refs == ()
    assert len(article.citation_problems) == 1
