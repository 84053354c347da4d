"""Who a source studied (people, animals, or cells in a dish) and how: an observational
study shows an association, not a cause.

Why: "lowered blood pressure in people with hypertension" cited to a study in rats is
the classic misuse of a source in health writing, and word overlap cannot see it (the
rat study shares every word of the finding). An editor reads who was studied first.

The same holds for design: "coffee prevents liver cancer" cited to a cohort study turns an
association into a cause, the commonest overstatement in health news.

The reading is deliberately cautious, because a wrong flag sends an editor after a
problem that is not there: a source counts as a study of animals (or of cells) only
when its text names animals (or cells) and no people at all. A human trial that
mentions earlier work in mice names its patients too, and is left alone.
"""

from __future__ import annotations

import re

_PEOPLE = re.compile(
    r"\b(?:patients?|participants?|people|persons?|humans|human (?:subjects|volunteers|trials?)|"
    r"adults?|children|child|"
    r"adolescents?|infants?|newborns?|women|men|girls|boys|volunteers?|individuals|"
    r"elderly|residents|workers|smokers|athletes|runners|veterans|students|outpatients?|"
    r"inpatients?|pregnan\w*|population-based|cohort|randomi[sz]ed (?:controlled )?trial)\b",
    re.IGNORECASE,
)
# In a source, any mention of human material ("human muscle biopsies") is reason enough to
# leave it alone; in a claim, "human" names a gene or a protein as often as people.
_HUMAN = re.compile(r"\bhuman\b", re.IGNORECASE)
_ANIMALS = re.compile(
    r"\b(?:rats?|mice|mouse|murine|rodents?|rabbits?|dogs?|canine|pigs?|porcine|piglets?|"
    r"sheep|ovine|cattle|bovine|cows?|horses?|equine|monkeys?|macaques?|primates?|"
    r"zebrafish|drosophila|hamsters?|guinea pigs?|animal models?|animals?)\b",
    re.IGNORECASE,
)
_CELLS = re.compile(
    r"\b(?:in vitro|cell lines?|cell cultures?|cultured (?:\w+ )?cells|cells in culture|"
    r"organoids?|ex vivo)\b",
    re.IGNORECASE,
)


def studied_instead(claim: str, source_text: str) -> str | None:
    """What the source studied instead of people ("rats", "cell lines"), when the claim
    names people ("in people with hypertension", "older adults") and the source names
    animals or cells but no people; None otherwise.

    A claim that names no one is left alone: a citing sentence such as "IL-6 activates
    STAT3" is about a mechanism, which a study of cells may well show."""
    if not _PEOPLE.search(claim) or _ANIMALS.search(claim) or _CELLS.search(claim):
        return None
    if _PEOPLE.search(source_text) or _HUMAN.search(source_text):
        return None
    found = _ANIMALS.search(source_text) or _CELLS.search(source_text)
    return found.group(0).lower() if found else None


# A claim that one thing causes, prevents or cures another, not that the two go together
# ("causes" the verb: "one of the main causes of death" claims no cause of its own).
_CAUSAL = re.compile(
    r"\b(?:caused|causing|causes(?!\s+of\b)|(?:can|may|might|will|could|does|do|did|to)\s+"
    r"cause|leads? to|led to|prevents?|prevented|cures?|cured|"
    r"protects? against|makes? \w+ (?:worse|better)|triggers?)\b",
    re.IGNORECASE,
)
_OBSERVATIONAL = re.compile(
    r"\b(?:cohort|cross-sectional|case-control|observational|population-based|"
    r"prospective(?:ly)? (?:study|studies|followed)|retrospective(?:ly)? (?:study|studies|analy\w+)|"
    r"epidemiolog\w*)\b",
    re.IGNORECASE,
)
_EXPERIMENT = re.compile(
    r"\b(?:randomi[sz]ed|randomly assigned|trials?|placebo|intervention group|"
    r"mendelian randomi[sz]ation)\b",
    re.IGNORECASE,
)


def association_as_cause(claim: str, source_text: str) -> str | None:
    """The design words of an observational source ("cohort") cited for a causal claim
    ("prevents"); None when the claim says no cause or the source reports an experiment."""
    if not _CAUSAL.search(claim) or _EXPERIMENT.search(source_text):
        return None
    found = _OBSERVATIONAL.search(source_text)
    return found.group(0).lower() if found else None


_CHILDREN = re.compile(
    r"\b(?:children|child|kids|infants?|toddlers?|newborns?|neonates?|babies|adolescents?|"
    r"teenagers?|teens|paediatric|pediatric|schoolchildren|boys|girls)\b",
    re.IGNORECASE,
)
_ADULTS = re.compile(
    r"\b(?:adults?|men|women|elderly|older people|aged (?:18|19|2\d|[3-9]\d)|"
    r"postmenopausal|retirees?|veterans|middle-aged)\b",
    re.IGNORECASE,
)


def other_age_group(claim: str, source_text: str) -> str | None:
    """ "adults, not children" when the claim is about children and the source names
    adults only, or the reverse; None when either names both or neither."""
    claim_children, claim_adults = bool(_CHILDREN.search(claim)), bool(_ADULTS.search(claim))
    source_children = bool(_CHILDREN.search(source_text))
    source_adults = bool(_ADULTS.search(source_text))
    if claim_children and not claim_adults and source_adults and not source_children:
        return "adults, not children"
    if claim_adults and not claim_children and source_children and not source_adults:
        return "children, not adults"
    return None
