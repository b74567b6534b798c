"""m05 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 10 (the reflection's 2 points are graded by hand): exercise 1 (4 links, 2 points),
exercise 2 (8 links, 4 points), exercises 3 and 4 (1 point each), exercise 5 (level 3, 4 links, 2 points).
The citizens' edition (target level 2) has no exercise 5, so its autograded total is 8.
"""

CORRECT = {
    "m05-parts": {"p1": "b", "p2": "a", "p3": "c", "p4": "b"},
    "m05-links": {
        "g1": "official",
        "g2": "lookalike",
        "g3": "short",
        "g4": "lookalike",
        "g5": "official",
        "g6": "short",
        "g7": "lookalike",
        "g8": "official",
    },
    "m05-portal": ["d"],
    "m05-id-error": ["c"],
    "m05-tricks": {"t1": "at", "t2": "punycode", "t3": "swap", "t4": "front"},
}

CASES = [
    # Trusts whatever name comes first: p2 "dichvucong.gov.vn" (-0.5) and p3 "gov.vn" (-0.5) in
    # exercise 1; calls g2 official (-0.5); picks the look-alike portal (-1); exercise 4 right;
    # exercise 5: confuses "real name in front" with "swapped letters" on t4 (-0.5).
    # 1 + 3.5 + 0 + 1 + 1.5 = 7.
    {
        "answers": {
            "m05-parts": {"p1": "b", "p2": "b", "p3": "b", "p4": "b"},
            "m05-links": {**CORRECT["m05-links"], "g2": "official"},
            "m05-portal": ["a"],
            "m05-id-error": ["c"],
            "m05-tricks": {"t1": "at", "t2": "punycode", "t3": "swap", "t4": "swap"},
        },
        "expected": 7,
    },
    # Answers only half of exercise 2 (4 of 8 links, all right) and taps the link in exercise 4;
    # leaves exercises 1, 3 and 5 blank: 2 points.
    {
        "answers": {
            "m05-links": {k: CORRECT["m05-links"][k] for k in ("g1", "g2", "g3", "g4")},
            "m05-id-error": ["a"],
        },
        "expected": 2,
    },
    # Marks every link "official" in exercise 2 (3 of 8 right: 1.5) and everything else right: 7.5.
    {
        "answers": {**CORRECT, "m05-links": {k: "official" for k in CORRECT["m05-links"]}},
        "expected": 7.5,
    },
]
