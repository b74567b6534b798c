"""m16 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 10.5: exercise 1, the code of conduct (6 comments, 3 points), exercise 2, share
or not (5 stories, 2.5 points), exercise 3 (level 2, keeping accounts, 6 actions, 3 points),
exercise 4 (level 3, cadres and soldiers, 5 sentences, 2 points). Every group's target level in
domain 2 is 3 or more, so every edition holds all four.
"""

CORRECT = {
    "m16-conduct": {"k1": "ok", "k2": "not_ok", "k3": "not_ok", "k4": "ok", "k5": "not_ok", "k6": "ok"},
    "m16-share": {"h1": "report", "h2": "official", "h3": "report", "h4": "official", "h5": "ignore"},
    "m16-account": {"a1": "do", "a2": "do", "a3": "dont", "a4": "do", "a5": "dont", "a6": "do"},
    "m16-cadres": ["real_name", "report", "unit"],
}

CASES = [
    # Finds every comment fine (k1, k4, k6 right: 3 x 0.5) and does everything asked about the account,
    # the "support agent" and the "blue tick" link included (a1, a2, a4, a6 right: 4 x 0.5).
    {
        "answers": {
            "m16-conduct": {item: "ok" for item in CORRECT["m16-conduct"]},
            "m16-account": {item: "do" for item in CORRECT["m16-account"]},
        },
        "expected": 3.5,
    },
    # Reports everything (h1, h3 right: 2 x 0.5); chooses "unit" and "rumour" (unit chosen and
    # "spokesperson" left out rightly: 2 of 5 x 0.4).
    {
        "answers": {
            "m16-share": {item: "report" for item in CORRECT["m16-share"]},
            "m16-cadres": ["rumour", "unit"],
        },
        "expected": 1.8,
    },
]
