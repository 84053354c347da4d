"""How well does a judge answer "does the source say this?" on real claim-verification data.

    uv run python benchmarks/claim_support.py \\
        --claims benchmarks/data/claim-eval/citation-integrity/claims_dev.jsonl \\
        --corpus benchmarks/data/claim-eval/citation-integrity/corpus.jsonl [--json]
    uv run python benchmarks/claim_support.py \\
        --healthver benchmarks/data/claim-eval/healthver/healthver_dev.csv [--json]

Each (claim, cited source) pair goes through `judge_claim` exactly as the pipeline
calls it (the claim cited, the source's sentences as its text), and the verdict is
mapped to the data set's labels (claim_eval.VERDICT_TO_LABEL): supported -> SUPPORT;
partially_supported and contradicted -> REFUTE (the source addresses the claim but does
not back it as stated); unsupported and unverifiable -> NEI. Prints per-class
precision, recall and F1, macro-F1 and pairs judged per second; with --json, one JSON
object as the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from citeaudit.judging.choice import JUDGES, get_judge
from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import SourceText
from claim_eval import LABELS, VERDICT_TO_LABEL, load_citation_integrity, load_healthver, scores


def _calibration(judge: object, pairs: list, gold: list[str]) -> dict | None:
    """Reliability of the judge's calibrated P(SUPPORT) on these pairs: per bin, the mean
    confidence against how often the pair was a SUPPORT; and the expected calibration
    error (ECE), calibrated and raw. None for a judge without a model."""
    model = getattr(judge, "model", None)
    if model is None or not hasattr(judge, "classify"):
        return None
    confidence, raw = [], []
    for pair in pairs:
        _, probabilities, _ = judge.classify(
            pair.claim, SourceText(pair.pair_id, pair.sentences), pair.co_cited
        )
        confidence.append(model.support_confidence(probabilities))
        raw.append(probabilities["SUPPORT"])
    hit = [label == "SUPPORT" for label in gold]

    def error(values: list[float]) -> float:
        total = 0.0
        for low in range(10):
            inside = [
                i
                for i, v in enumerate(values)
                if low / 10 <= v < (low + 1) / 10 or (low == 9 and v == 1.0)
            ]
            if inside:
                mean = sum(values[i] for i in inside) / len(inside)
                frequency = sum(hit[i] for i in inside) / len(inside)
                total += len(inside) / len(values) * abs(mean - frequency)
        return total

    bins = []
    for low in range(10):
        inside = [
            i
            for i, v in enumerate(confidence)
            if low / 10 <= v < (low + 1) / 10 or (low == 9 and v == 1.0)
        ]
        if inside:
            bins.append(
                {
                    "range": f"{low / 10:.1f}-{(low + 1) / 10:.1f}",
                    "n": len(inside),
                    "mean": round(sum(confidence[i] for i in inside) / len(inside), 3),
                    "frequency": round(sum(hit[i] for i in inside) / len(inside), 3),
                }
            )
    return {"ece": round(error(confidence), 4), "ece_raw": round(error(raw), 4), "bins": bins}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=Path, help="Citation-Integrity claims (MultiVerS jsonl)")
    parser.add_argument("--corpus", type=Path, help="Citation-Integrity corpus (jsonl)")
    parser.add_argument("--healthver", type=Path, help="HealthVer CSV")
    parser.add_argument("--judge", choices=JUDGES, default="learned")
    parser.add_argument("--limit", type=int, help="only the first N pairs")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    if args.healthver:
        pairs = load_healthver(args.healthver)
        dataset = f"healthver:{args.healthver.name}"
    elif args.claims and args.corpus:
        pairs = load_citation_integrity(args.claims, args.corpus)
        dataset = f"citation-integrity:{args.claims.name}"
    else:
        parser.error("give --claims and --corpus, or --healthver")
    pairs = pairs[: args.limit] if args.limit else pairs

    started = time.perf_counter()
    judge = get_judge(args.judge)
    load_seconds = time.perf_counter() - started
    gold, predicted, verdicts = [], [], Counter()
    passed: list[bool] = []  # `supported` and not flagged for an editor's look
    started = time.perf_counter()
    for pair in pairs:
        source = SourceText(pair.pair_id, pair.sentences)
        judgment = judge_claim(
            pair.claim, [source], cited=True, judge=judge, co_cited=pair.co_cited
        )
        verdicts[judgment.verdict + (" (needs a look)" if judgment.needs_look else "")] += 1
        gold.append(pair.label)
        predicted.append(VERDICT_TO_LABEL[judgment.verdict])
        passed.append(judgment.verdict == "supported" and not judgment.needs_look)
    seconds = time.perf_counter() - started
    right = sum(1 for ok, label in zip(passed, gold, strict=True) if ok and label == "SUPPORT")
    passed_precision = round(right / sum(passed), 4) if any(passed) else None
    calibration = _calibration(judge, pairs, gold)
    result = scores(gold, predicted)
    per_class = result["per_class"]
    assert isinstance(per_class, dict)

    print(f"{dataset}  judge={args.judge}  pairs={len(pairs)}")
    print(f"{'label':<8} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for label in LABELS:
        row = per_class[label]
        print(
            f"{label:<8} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} "
            f"{row['support']:>8}"
        )
    rate = len(pairs) / seconds if seconds else 0.0
    print(f"macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}  "
          f"{rate:.1f} pairs/s (model load {load_seconds:.1f}s)")  # fmt: skip
    print("verdicts: " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
    print(
        f"supported and passed (no editor's look needed): {sum(passed)}, precision "
        f"{passed_precision if passed_precision is not None else '–'}; all supported: precision "
        f"{per_class['SUPPORT']['precision']}"
    )
    if calibration:
        print(
            f"P(SUPPORT) calibration error {calibration['ece']:.3f} (raw {calibration['ece_raw']:.3f})"
        )
        for row in calibration["bins"]:
            print(f"  confidence {row['range']}: {row['n']:>5} pairs, mean {row['mean']:.2f}, "
                  f"SUPPORT {row['frequency']:.2f}")  # fmt: skip
    if args.json:
        print(
            json.dumps(
                {
                    "dataset": dataset,
                    "judge": args.judge,
                    "n": len(pairs),
                    "macro_f1": result["macro_f1"],
                    "accuracy": result["accuracy"],
                    "per_class": per_class,
                    "pairs_per_second": round(rate, 2),
                    "model_load_seconds": round(load_seconds, 2),
                    "verdicts": dict(verdicts),
                    "verdict_to_label": VERDICT_TO_LABEL,
                    "supported_passed": sum(passed),
                    "supported_passed_precision": passed_precision,
                    "calibration": calibration,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
