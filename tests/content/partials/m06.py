"""m06 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 11 (the reflection's 2 points are graded by hand): exercise 1 (8 payment screens,
4 points), exercise 2 (8 options, 2 points), exercise 3 (the portal, 1 point), exercise 4 (4 fee
payments, 2 points), exercise 5 (level 3, 5 biometric situations, 2 points). The citizens' edition
(target level 2) has no exercise 5, so its autograded total is 9.
"""

CORRECT = {
    "m06-pay": {
        "p1": "pay",
        "p2": "stop",
        "p3": "stop",
        "p4": "stop",
        "p5": "pay",
        "p6": "pay",
        "p7": "stop",
        "p8": "pay",
    },
    "m06-before": ["a", "c", "e", "g"],
    "m06-portal": ["c"],
    "m06-fees": {"f1": "pay", "f2": "stop", "f3": "stop", "f4": "pay"},
    "m06-biometric": {"b1": "normal", "b2": "scam", "b3": "scam", "b4": "normal", "b5": "scam"},
}

CASES = [
    # Trusts any code that scans: pays p2, p3, p4 (3 x 0.5 lost: 2.5); checks the name and amount but
    # also trusts the logos (a, b, c: b wrong, e and g missed: 5 of 8 options, 1.25); portal right (1);
    # pays the "official" on Zalo (f3 lost: 1.5); thinks every face scan is a scam (b1, b4 lost: 1.2).
    # 2.5 + 1.25 + 1 + 1.5 + 1.2 = 7.45.
    {
        "answers": {
            "m06-pay": {**CORRECT["m06-pay"], "p2": "pay", "p3": "pay", "p4": "pay"},
            "m06-before": ["a", "b", "c"],
            "m06-portal": ["c"],
            "m06-fees": {**CORRECT["m06-fees"], "f3": "pay"},
            "m06-biometric": {k: "scam" for k in CORRECT["m06-biometric"]},
        },
        "expected": 7.45,
    },
    # Stops at everything: half of exercise 1 (2), exercise 4 half (1); taps the SMS link (portal 0);
    # leaves exercises 2 and 5 blank: 3 points.
    {
        "answers": {
            "m06-pay": {k: "stop" for k in CORRECT["m06-pay"]},
            "m06-portal": ["a"],
            "m06-fees": {k: "stop" for k in CORRECT["m06-fees"]},
        },
        "expected": 3,
    },
]
