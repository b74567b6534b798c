"""Recall and precision of hocso's personal-data redaction on a labelled vi/en set.

    python bench/redaction.py [--quick] [--show-misses]

The set (bench/redaction_cases.jsonl) is synthetic: every number is made up, phone numbers only have
valid Vietnamese shapes. Cases marked "held_out" were written after the rules were tuned, "held_out_2"
(addresses, plates, dates of birth, names, spelled digits...) before the rules for those kinds existed,
"held_out_3" after those rules, "held_out_4" after the next round; each part's first-pass score is
recorded in BENCHMARKS.md. An expected item counts as found when a
redaction overlaps it; a redaction is correct when it overlaps an expected item; `coverage` is the share
of the expected items' characters that were hidden (an address cut in half is found but half-covered).
The anchor is a naive regex (any run of 9+ digits, e-mails), run on the same set, so the ratio shows what
the context rules buy. Last line: `redaction: recall=<x> precision=<y> ...`.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from hocso.assistant.redaction import redact

CASES = Path(__file__).with_name("redaction_cases.jsonl")
_NAIVE = re.compile(r"[\w.+-]+@[\w.-]+\.\w+|\+?\d[\d .]{7,}\d")


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    kind_right: int = 0
    chars_expected: int = 0
    chars_hidden: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def coverage(self) -> float:
        return self.chars_hidden / self.chars_expected if self.chars_expected else 1.0


def load_cases(path: Path = CASES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _spans(text: str, entities: list[dict]) -> list[tuple[int, int, str]]:
    spans = []
    for entity in entities:
        start = text.index(entity["value"])
        spans.append((start, start + len(entity["value"]), entity["kind"]))
    return spans


def evaluate(cases: list[dict], naive: bool = False, misses: list[str] | None = None) -> Score:
    score = Score()
    for case in cases:
        text = case["text"]
        expected = _spans(text, case["entities"])
        if naive:
            predicted = [(m.start(), m.end(), "?") for m in _NAIVE.finditer(text)]
        else:
            predicted = [(r.start, r.end, r.kind) for r in redact(text).redactions]
        score.expected += len(expected)
        score.predicted += len(predicted)
        for start, end, kind in expected:
            hits = [p for p in predicted if p[0] < end and start < p[1]]
            score.chars_expected += end - start
            score.chars_hidden += sum(1 for i in range(start, end) if any(p[0] <= i < p[1] for p in hits))
            if hits:
                score.found += 1
                score.kind_right += any(p[2] == kind for p in hits)
            elif misses is not None:
                misses.append(f"missed {kind}: {text}")
        for start, end, kind in predicted:
            if any(start < e_end and e_start < end for e_start, e_end, _ in expected):
                score.correct += 1
            elif misses is not None:
                misses.append(f"extra {kind}: {text[start:end]!r} in {text}")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="same set (it is small); kept for symmetry")
    parser.add_argument("--show-misses", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    cases = load_cases()
    misses: list[str] = []
    started = time.perf_counter()
    score = evaluate(cases, misses=misses)
    elapsed_ms = (time.perf_counter() - started) * 1000 / len(cases)
    anchor = evaluate(cases, naive=True)
    if args.show_misses:
        for line in misses:
            print(line)
    print(
        f"cases: {len(cases)} sentences, {score.expected} personal items, {len(cases) - sum(1 for c in cases if c['entities'])} with none"
    )
    print(f"anchor (naive digit/e-mail regex): recall={anchor.recall:.3f} precision={anchor.precision:.3f}")
    for part, about in (
        ("held_out", "written after the rules"),
        ("held_out_2", "new kinds, written before their rules"),
        ("held_out_3", "written after the new kinds' rules"),
        ("held_out_4", "written after the final rules"),
    ):
        chosen = [c for c in cases if c.get("set") == part]
        held = evaluate(chosen)
        print(
            f"{part} ({len(chosen)} sentences, {about}): recall={held.recall:.3f} "
            f"precision={held.precision:.3f} coverage={held.coverage:.3f}"
        )
    print("per kind (found/expected):", " ".join(f"{k}={v}" for k, v in per_kind(cases).items()))
    print(f"kind accuracy (found with the right kind): {score.kind_right / max(score.found, 1):.3f}")
    print(
        f"redaction: recall={score.recall:.3f} precision={score.precision:.3f} coverage={score.coverage:.3f} "
        f"kind_accuracy={score.kind_right / max(score.found, 1):.3f} ms_per_sentence={elapsed_ms:.2f} "
        f"cases={len(cases)}"
    )


def per_kind(cases: list[dict]) -> dict[str, str]:
    """Found/expected for each kind, each item scored on its own sentence."""
    kinds = sorted({e["kind"] for c in cases for e in c["entities"]})
    result = {}
    for kind in kinds:
        alone = [dict(c, entities=[e]) for c in cases for e in c["entities"] if e["kind"] == kind]
        score = evaluate(alone)
        result[kind] = f"{score.found}/{score.expected}"
    return result


if __name__ == "__main__":
    main()
