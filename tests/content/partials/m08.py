"""m08 graded by widgets: every graded question's right answer as the widgets save it, and half-right learners.

Autograded total is 18 (exercise 4 at level 3 is left out of the citizens' edition); the reflection's
2 points are graded by hand. Points are split evenly over each exercise's items; the step order earns
the share of step pairs in the right order.
"""

CORRECT = {
    "m08-sources": {
        "s1": "reliable",
        "s2": "unreliable",
        "s3": "unreliable",
        "s4": "reliable",
        "s5": "needs_checking",
        "s6": "needs_checking",
        "s7": "unreliable",
    },
    "m08-photos": {"ph1": "old", "ph2": "fits", "ph3": "fits", "ph4": "old", "ph5": "unknown"},
    "m08-search": {"q1": "helps", "q2": "no", "q3": "helps", "q4": "no", "q5": "helps", "q6": "no"},
    "m08-lateral": ["stop", "investigate_source", "find_coverage", "trace_original", "decide"],
}

CASES = [
    # Sources: trusts everything (s1, s4 right: 2 x 1); photos: "fits" for all (ph2, ph3 right: 2 x 1).
    {
        "answers": {
            "m08-sources": {f"s{n}": "reliable" for n in range(1, 8)},
            "m08-photos": {f"ph{n}": "fits" for n in range(1, 6)},
        },
        "expected": 4,
    },
    # Lateral reading with "stop" moved last: the 4 pairs with stop are wrong, 6 of 10 right (3 x 0.6 =
    # 1.8); searches: "helps" for all (q1, q3, q5 right: 3 x 0.5 = 1.5); sources: "needs checking" for
    # all (s5, s6 right: 2 x 1).
    {
        "answers": {
            "m08-lateral": ["investigate_source", "find_coverage", "trace_original", "decide", "stop"],
            "m08-search": {f"q{n}": "helps" for n in range(1, 7)},
            "m08-sources": {f"s{n}": "needs_checking" for n in range(1, 8)},
        },
        "expected": 5.3,
    },
]
