"""Names and titles folded for comparison: accents, case, punctuation, particles.

Reading needs it to link an author–year marker ("(de Koning, 2001)") to its entry;
verification needs it to compare what the article wrote with what a registry holds.
Both must fold a name the same way, so the rule lives here once, in the lower stage.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le"}
PARTICLES |= {"ten", "ter", "bin", "al", "el", "st", "mc", "y"}
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "π": "pi", "σ": "sigma", "τ": "tau", "ω": "omega",
}  # fmt: skip


# Both cases of each letter, for str.translate (C speed: fold runs on every title and
# name compared, some 16 times per reference resolved).
_GREEK_TABLE = str.maketrans(
    {**_GREEK, **{letter.upper(): name for letter, name in _GREEK.items()}}
)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: for comparisons only."""
    text = html.unescape(text).translate(_GREEK_TABLE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"<[^>]+>", " ", text)  # JATS/HTML markup in registry titles
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("&", " and "))
    return " ".join(text.split())


def surname(name: str) -> str:
    """`Hong, C. Z.` / `Hong, Chang-Zern` / `Chang-Zern Hong` -> `hong` (folded)."""
    name = name.strip()
    family = name.split(",")[0] if "," in name else name.split(" ")[-1]
    return fold(family).replace(" ", "")


def surname_keys(name: str) -> set[str]:
    """Every form under which a surname may be cited: `de Koning` -> {dekoning, koning};
    `Govinda Raju` -> {govindaraju, govinda, raju}; `Borg-Stein` -> {borgstein, borg, stein}."""
    family = name.split(",")[0] if "," in name else name.strip().split(" ")[-1]
    words = fold(family).split()
    keys = {"".join(words)} if words else set()
    keys |= {w for w in words if w not in PARTICLES and len(w) >= 3}
    return {k for k in keys if k}
