"""m11 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total 8 (the reflection's 2 points are graded by hand): m11-citations 3 (6 sentences x 0.5),
m11-calls 3 (6 calls x 0.5), m11-unsupported 2 (4 options x 0.5, level 3: not in the citizens' edition).
"""

CORRECT = {
    "m11-citations": {
        "c1": "matches",
        "c2": "differs",
        "c3": "matches",
        "c4": "differs",
        "c5": "matches",
        "c6": "missing",
    },
    "m11-calls": {
        "k1": "call_back",
        "k2": "go_to_police",
        "k3": "go_to_police",
        "k4": "carry_on",
        "k5": "call_back",
        "k6": "go_to_police",
    },
    "m11-unsupported": ["s2", "s4"],
}

CASES = [
    # The old verify_call rule (issue 15 #10): "call back a known number" for every call that asks for
    # money or an OTP, police included: loses k2, k3, k6 (3 x 0.5). Accepts the wrong citation c4 and
    # rejects "1/1/2026" (c5): loses 2 x 0.5. Exercise 3 right.
    {
        "answers": {
            "m11-citations": {**CORRECT["m11-citations"], "c4": "matches", "c5": "differs"},
            "m11-calls": {
                "k1": "call_back",
                "k2": "call_back",
                "k3": "call_back",
                "k4": "carry_on",
                "k5": "call_back",
                "k6": "call_back",
            },
            "m11-unsupported": ["s2", "s4"],
        },
        "expected": 5.5,
    },
    # Only exercise 3, half right: picks s2 (right) and s3 (wrong), misses s4: s1 and s2 right = 1 point.
    {"answers": {"m11-unsupported": ["s2", "s3"]}, "expected": 1.0},
]
