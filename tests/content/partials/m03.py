"""m03 graded by widgets: every graded question's fully right answer, and partly right learners.

Points: m03-inbox 5 (10 messages, 0.5 each, level 1), m03-rank 1.5 (4 methods: 6 pairs, 0.25 each,
level 2), m03-call 2.5 (5 steps, 0.5 each, level 2), m03-alerts 2 (4 situations, 0.5 each, level 3);
11 autograded points, plus a 2-point reflection graded by hand.
"""

CORRECT = {
    "m03-inbox": {
        "m1": "scam",
        "m2": "scam",
        "m3": "scam",
        "m4": "notice",
        "m5": "notice",
        "m6": "scam",
        "m7": "notice",
        "m8": "scam",
        "m9": "scam",
        "m10": "notice",
    },
    "m03-rank": ["passkey", "app", "sms", "password"],
    "m03-call": {"c1": "suspect", "c2": "hangup", "c3": "official", "c4": "report", "c5": "bank"},
    "m03-alerts": {"a1": "no", "a2": "stop", "a3": "call", "a4": "move"},
}

CASES = [
    # The old notebook's rule ("it says do not share, so it is safe"; no "OTP" word, no request): the
    # three requests of issue 15 marked as notices, the rest right: 7 of 10 messages x 0.5 = 3.5.
    {
        "answers": {"m03-inbox": {**CORRECT["m03-inbox"], "m1": "notice", "m2": "notice", "m3": "notice"}},
        "expected": 3.5,
    },
    # Half-right everywhere: 5 of 10 messages (2.5); the app above the passkey (5 of 6 pairs: 1.25);
    # hangs up but trusts the "district police" opening and waits after giving the code (3 of 5: 1.5);
    # answers only two alerts, both right (1): 6.25 of 11.
    {
        "answers": {
            "m03-inbox": {
                "m1": "scam",
                "m2": "scam",
                "m3": "notice",
                "m4": "notice",
                "m5": "scam",
                "m6": "scam",
                "m7": "scam",
                "m8": "notice",
                "m9": "scam",
                "m10": "scam",
            },
            "m03-rank": ["app", "passkey", "sms", "password"],
            "m03-call": {"c1": "follow", "c2": "hangup", "c3": "official", "c4": "report", "c5": "wait"},
            "m03-alerts": {"a1": "no", "a3": "call"},
        },
        "expected": 6.25,
    },
    # Everything reversed in the ranking (0 of 6 pairs) and an answer of the wrong shape for the
    # call (a list, not {step: choice}): only the inbox counts, all right: 5.
    {
        "answers": {
            "m03-inbox": CORRECT["m03-inbox"],
            "m03-rank": ["password", "sms", "app", "passkey"],
            "m03-call": ["hangup"],
        },
        "expected": 5,
    },
]
