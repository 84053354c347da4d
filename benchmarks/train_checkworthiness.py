"""Train the check-worthiness model that proposes uncited claims, and write its weights.

    uv run --extra train python benchmarks/train_checkworthiness.py

Training data (all real, all labelled by people; provenance and licences in
``benchmarks/data/checkworthiness/PROVENANCE.md`` and
``benchmarks/data/claim-eval/PROVENANCE.md``):

- Citation-Integrity *train* citing sentences (markers removed): positives, since a
  sentence an author backed with a citation is one a reader could want checked;
- HealthVer *dev* claims: positives (health claims people checked);
- SciTweets (CC BY 4.0): science and health tweets, hand-labelled for whether they
  make a scientifically verifiable claim: both classes;
- the *dev* part of citeaudit's own labelled sentences of real published articles
  (``benchmarks/data/articles/checkworthiness-dev.jsonl``): both classes, the only data
  in the genre the model is used on, so each counts ``--dev-weight`` times.

Never read: the test splits of Citation-Integrity and HealthVer (not in the project) and
``checkworthiness-heldout.jsonl``, which only ``benchmarks/claims.py`` scores.

Choices (regularisation C, and the decision threshold) are made on the dev sentences by
cross-validation grouped by article: each article's sentences are scored by a model
trained without them. The threshold is the highest one whose recall on those
out-of-fold scores is at least ``--recall`` (the issue asks 0.90; a little above leaves
room for articles unlike the dev ones); precision follows from it.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from citeaudit.claims.checkworthiness import WEIGHTS, features

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
C_GRID = (0.1, 0.3, 1.0, 3.0)

_MARKER = re.compile(r"\s*\[[^\]]*<\|[^\]]*\]")
_TWEET_NOISE = re.compile(r"https?://\S+|@\w+|#")


def load_articles(split: str) -> list[tuple[str, str, int]]:
    """(article, sentence, label) of citeaudit's hand-labelled article sentences."""
    path = DATA / "articles" / f"checkworthiness-{split}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(r["article"], r["text"], int(bool(r["checkworthy"]))) for r in rows]


def load_external() -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    ci = DATA / "claim-eval" / "citation-integrity" / "claims_train.jsonl"
    for line in ci.read_text(encoding="utf-8").splitlines():
        claim = json.loads(line)["claim"]
        out.append((" ".join(_MARKER.sub("", claim).split()), 1))
    with (DATA / "claim-eval" / "healthver" / "healthver_dev.csv").open(encoding="utf-8") as fh:
        claims = {row["claim"].strip() for row in csv.DictReader(fh)}
    out.extend((claim, 1) for claim in sorted(claims))
    tweets = DATA / "checkworthiness" / "scitweets-annotations.tsv"
    with tweets.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            answer = row["cat1_final_answer"].strip()
            if answer in ("0.0", "1.0"):
                text = " ".join(_TWEET_NOISE.sub(" ", row["text"]).split())
                if text:
                    out.append((text, int(answer == "1.0")))
    return out


def fit(texts: list[str], labels: list[int], weights: list[float], c: float):
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([features(t) for t in texts])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(matrix, labels, sample_weight=weights)
    return vectoriser, model


def out_of_fold(external, dev, c: float, dev_weight: float) -> np.ndarray:
    articles = sorted({a for a, _, _ in dev})
    scores = np.zeros(len(dev))
    for article in articles:
        train = [(t, y, dev_weight) for a, t, y in dev if a != article]
        rows = [(t, y, 1.0) for t, y in external] + train
        vectoriser, model = fit(*map(list, zip(*rows, strict=True)), c=c)
        index = [i for i, (a, _, _) in enumerate(dev) if a == article]
        matrix = vectoriser.transform([features(dev[i][1]) for i in index])
        scores[index] = model.predict_proba(matrix)[:, 1]
    return scores


def threshold_for(
    scores: np.ndarray, labels: np.ndarray, recall: float
) -> tuple[float, float, float]:
    """The highest threshold keeping recall >= `recall`, with its precision and recall."""
    positives = labels.sum()
    for t in sorted(set(scores.round(4)), reverse=True):
        chosen = scores >= t
        got = (chosen & (labels == 1)).sum() / positives
        if got >= recall:
            return float(t), float((chosen & (labels == 1)).sum() / chosen.sum()), float(got)
    return 0.0, float(labels.mean()), 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recall", type=float, default=0.92)
    parser.add_argument("--dev-weight", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument(
        "--prune", type=float, default=0.02, help="drop weights smaller than this (file size)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    external = load_external()
    dev = load_articles("dev")
    labels = np.array([y for _, _, y in dev])
    best = None
    for c in C_GRID:
        scores = out_of_fold(external, dev, c, args.dev_weight)
        t, precision, recall = threshold_for(scores, labels, args.recall)
        print(
            f"C={c}: threshold {t:.3f}, dev out-of-fold precision {precision:.3f} recall {recall:.3f}"
        )
        if best is None or precision > best[2]:
            best = (c, t, precision, recall)
    c, threshold, precision, recall = best
    rows = [(t, y, 1.0) for t, y in external] + [(t, y, args.dev_weight) for _, t, y in dev]
    vectoriser, model = fit(*map(list, zip(*rows, strict=True)), c=c)
    names = vectoriser.get_feature_names_out()
    weights = {
        str(name): round(float(w), 4)
        for name, w in zip(names, model.coef_[0], strict=True)
        if abs(w) >= args.prune
    }
    payload = {
        "what": "logistic regression over citeaudit.claims.checkworthiness.features",
        "trained_on": {
            "external_sentences": len(external),
            "external_positives": sum(y for _, y in external),
            "dev_article_sentences": len(dev),
            "dev_positives": int(labels.sum()),
        },
        "C": c,
        "threshold": round(threshold, 4),
        "dev_out_of_fold": {"precision": round(precision, 3), "recall": round(recall, 3)},
        "bias": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
    }
    tmp = args.out.with_suffix(".tmp")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    tmp.replace(args.out)
    print(
        json.dumps(
            {
                "C": c,
                "threshold": round(threshold, 4),
                "dev_out_of_fold_precision": round(precision, 3),
                "dev_out_of_fold_recall": round(recall, 3),
                "features": len(weights),
                "bytes": args.out.stat().st_size,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
