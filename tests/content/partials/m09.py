"""m09 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total 7 (the reflection's 2 points are graded by hand): m09-why 2 (4 options x 0.5),
m09-claims 3 (6 sentences x 0.5), m09-ask 2 (4 requests x 0.5, level 3: not in the citizens' edition).
"""

CORRECT = {
    "m09-why": ["check", "random"],
    "m09-claims": {
        "c1": "supported",
        "c2": "contradicted",
        "c3": "supported",
        "c4": "needs_checking",
        "c5": "contradicted",
        "c6": "supported",
    },
    "m09-ask": {"q1": "ai_ok", "q2": "check_official", "q3": "ai_ok", "q4": "check_official"},
}

CASES = [
    # Falls for the digit-run trap of issue 15 #3: accepts "01/01/2025" (c2) and rejects "1/1/2026" (c3),
    # and trusts the majority: loses 2 x 0.5 of m09-claims and 1 x 0.5 of m09-why.
    {
        "answers": {
            "m09-why": ["check", "majority", "random"],
            "m09-claims": {**CORRECT["m09-claims"], "c2": "supported", "c3": "contradicted"},
            "m09-ask": CORRECT["m09-ask"],
        },
        "expected": 5.5,
    },
    # Only the quiz, half right (picks "random" and "lookup"): 2 of 4 options right = 1 point.
    {"answers": {"m09-why": ["lookup", "random"]}, "expected": 1.0},
    # Trusts the AI with everything in exercise 3 (two of four right) and leaves exercise 2 half done.
    {
        "answers": {
            "m09-why": CORRECT["m09-why"],
            "m09-claims": {"c1": "supported", "c2": "contradicted", "c3": "supported"},
            "m09-ask": {"q1": "ai_ok", "q2": "ai_ok", "q3": "ai_ok", "q4": "ai_ok"},
        },
        "expected": 4.5,
    },
]
