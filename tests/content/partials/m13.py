"""m13 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 10: exercise 1, real or fake requests (6 items, 3 points), exercise 2, the
portal procedure (6 steps, 2 points), exercise 3, which channel (6 tasks, 3 points), exercise 4
(level 3, helping parents, 5 options, 2 points). Every item earns its own share of its exercise.
"""

CORRECT = {
    "m13-requests": {"r1": "real", "r2": "fake", "r3": "fake", "r4": "real", "r5": "fake", "r6": "real"},
    "m13-procedure": ["login", "find", "form", "attach", "submit", "track"],
    "m13-channels": {
        "n1": "portal",
        "n2": "vneid",
        "n3": "in_person",
        "n4": "portal",
        "n5": "in_person",
        "n6": "vneid",
    },
    "m13-help": ["beside", "store", "warn"],
}

CASES = [
    # Trusts every request (the three real ones right: 3 x 0.5) and files the procedure backwards
    # (no pair of steps in order: 0).
    {
        "answers": {
            "m13-requests": {item: "real" for item in CORRECT["m13-requests"]},
            "m13-procedure": list(reversed(CORRECT["m13-procedure"])),
        },
        "expected": 1.5,
    },
    # Sends everything to the portal (n1, n4 right: 2 x 0.5); helps by sitting beside them but also
    # takes the password (beside right, service rightly left out: 2 of 5 options x 0.4).
    {
        "answers": {
            "m13-channels": {item: "portal" for item in CORRECT["m13-channels"]},
            "m13-help": ["beside", "password"],
        },
        "expected": 1.8,
    },
]
