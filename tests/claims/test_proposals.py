"""Proposed claims: every sentence that cites a source, and the check-worthy uncited ones."""

from __future__ import annotations

from citeaudit.claims.proposals import propose_claims
from citeaudit.reading.article import parse_article

ARTICLE = """# Joint health

Caffeine has no effect on bone density [1].
A common APOE variant raises the risk of stroke [2].
Beetroot juice lowered blood pressure in people with hypertension [3].
In a study in rats, a collagen supplement increased tendon strength after injury [1, 3].
Read on to learn more.

## References

1. Lee AB, Mills K. Caffeine and bone. BMJ. 2011;342:d1234.
2. Park J, Ruiz M. APOE and stroke. Lancet. 2015;12(3):55-71.
3. Ito K, Chen L. Beetroot and blood pressure. Hypertension. 2003;104:1-9.
"""


def test_every_sentence_that_cites_a_source_is_proposed_with_its_references():
    article = parse_article(ARTICLE, name="joints", path="joints.md")
    keys = [ref.key for ref in article.references]
    claims = {c.text.split()[0]: c for c in propose_claims(article)}
    assert claims["Caffeine"].refs == [keys[0]]
    assert claims["A"].refs == [keys[1]]
    assert claims["Beetroot"].refs == [keys[2]]
    assert claims["In"].refs == [keys[0], keys[2]]
    cited = [s for s in article.sentences if s.refs]
    assert len(cited) == 4 and all(s.text.split()[0] in claims for s in cited)


def test_an_uncited_sentence_without_a_checkable_claim_is_not_proposed():
    article = parse_article(ARTICLE, name="joints", path="joints.md")
    assert not [c for c in propose_claims(article) if c.text.startswith("Read on")]
