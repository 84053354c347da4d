"""Train the reference-string labeller (a linear-chain CRF) on AnyStyle's labelled data.

Why a trained labeller: hand-written rules read clean, rendered reference strings well
and real ones badly (0.616 of fields right on real strings). The field's tools (AnyStyle,
GROBID, CERMINE) label tokens with a CRF trained on real references; this does the
same with python-crfsuite, on the training part of ``benchmarks/reference_data.py``
only (the held-out part is for ``benchmarks/parsing.py``).

L1 regularisation drops the features that do not help, which keeps the shipped model
small; L2 keeps the rest smooth. The model is written to the package, where
``citeaudit.reading.labeller`` loads it once per process.

Usage: ``uv run python benchmarks/train_parser.py [--c1 0.05] [--c2 0.01] [--iterations 200]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pycrfsuite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from citeaudit.reading.features import sequence_features  # noqa: E402
from citeaudit.reading.labeller import MODEL  # noqa: E402
from reference_data import load  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--c1", type=float, default=0.05, help="L1 penalty (default 0.05)")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 penalty (default 0.01)")
    parser.add_argument("--iterations", type=int, default=200, help="L-BFGS iterations")
    parser.add_argument(
        "--split",
        default="train",
        choices=("train", "train-minus-dev"),
        help="train on all training data (default) or leave the dev part out to compare designs",
    )
    parser.add_argument("--out", type=Path, default=MODEL, help=f"model file (default {MODEL})")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    references = load(args.split)
    for ref in references:
        words, labels = ref.token_labels()
        if words:
            trainer.append(sequence_features(words), labels)
    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.iterations,
            "feature.possible_transitions": True,
        }
    )
    tmp = args.out.with_suffix(".tmp")
    trainer.train(str(tmp))
    tmp.replace(args.out)
    info = pycrfsuite.Tagger()
    info.open(str(args.out))
    features = len(info.info().state_features)
    print(
        json.dumps(
            {
                "references": len(references),
                "seconds": round(time.perf_counter() - started, 1),
                "model_bytes": args.out.stat().st_size,
                "state_features": features,
                "c1": args.c1,
                "c2": args.c2,
                "iterations": args.iterations,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
