"""m17 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 11: exercise 1, healthy habits (6, 3 points), exercise 2, old devices and the
environment (6 actions, 3 points), exercise 3 (level 2, creative and safe ideas, 5, 2.5 points),
exercise 4 (level 3, which domain a person is missing, 5 people, 2.5 points). Every group's target
level in domain 4 is 3 or more, so every edition holds all four.
"""

CORRECT = {
    "m17-habits": {"h1": "good", "h2": "bad", "h3": "good", "h4": "bad", "h5": "good", "h6": "bad"},
    "m17-environment": {"e1": "do", "e2": "dont", "e3": "do", "e4": "dont", "e5": "do", "e6": "dont"},
    "m17-ideas": {"i1": "good", "i2": "risky", "i3": "good", "i4": "good", "i5": "risky"},
    "m17-gaps": {"g1": "d1", "g2": "d4", "g3": "d2", "g4": "d6", "g5": "d3"},
}

CASES = [
    # Calls every habit healthy (h1, h3, h5: 3 x 0.5) and every idea good (i1, i3, i4: 3 x 0.5).
    {
        "answers": {
            "m17-habits": {item: "good" for item in CORRECT["m17-habits"]},
            "m17-ideas": {item: "good" for item in CORRECT["m17-ideas"]},
        },
        "expected": 3,
    },
    # "Do it" for every action (e1, e3, e5: 3 x 0.5); sees a safety gap in everyone (g2 only: 0.5).
    {
        "answers": {
            "m17-environment": {item: "do" for item in CORRECT["m17-environment"]},
            "m17-gaps": {item: "d4" for item in CORRECT["m17-gaps"]},
        },
        "expected": 2,
    },
]
