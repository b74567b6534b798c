"""m04 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 15 (the reflection's 2 points are graded by hand): exercise 1, the phone inbox
(10 messages, 5 points), exercise 2, the red flags (8 details, 4 points), exercise 3, the scam chat
(4 steps, 2 points), exercise 4, the 156 report (4 parts, 2 points), and exercise 5 (level 3, the
order of the steps after being scammed, 2 points). The citizens' edition (target level 2) has no
exercise 5, so its autograded total is 13. Every item earns its own share of its exercise.
"""

CORRECT = {
    "m04-inbox": {
        "i01": "safe",
        "i02": "scam",
        "i03": "scam",
        "i04": "safe",
        "i05": "scam",
        "i06": "safe",
        "i07": "scam",
        "i08": "safe",
        "i09": "scam",
        "i10": "safe",
    },
    "m04-flags": {
        "a1": "flag",
        "a2": "flag",
        "a3": "not",
        "a4": "not",
        "b1": "flag",
        "b2": "flag",
        "b3": "flag",
        "b4": "not",
    },
    "m04-chat": {"c1": "check_app", "c2": "stop_now", "c3": "block", "c4": "report"},
    "m04-report": {"r1": "156", "r2": "LD", "r3": "scam_number", "r4": "content"},
    "m04-after": ["bank", "evidence", "police", "report", "warn"],
}

CASES = [
    # The learner of the old course: trusts the bank's real brandname with a link (i02) and the
    # polite caller who says "never share the code" (i07); answers nothing else.
    # Exercise 1: 8 of 10 right = 4 of 5 points; the rest 0.
    {
        "answers": {"m04-inbox": {**CORRECT["m04-inbox"], "i02": "safe", "i07": "safe"}},
        "expected": 4,
    },
    # Half right everywhere: every message a scam (the 5 scams right, 2.5); every detail a red flag
    # (5 of 8, 2.5); asks the scammer's name and deletes at the end (2 of 4 steps, 1); sends to 156
    # with LD but his own number and the OTP (2 of 4, 1); bank first but the rest backwards
    # (5 of 10 pairs in order, 1). 2.5 + 2.5 + 1 + 1 + 1 = 8.
    {
        "answers": {
            "m04-inbox": {item: "scam" for item in CORRECT["m04-inbox"]},
            "m04-flags": {item: "flag" for item in CORRECT["m04-flags"]},
            "m04-chat": {"c1": "ask_name", "c2": "stop_now", "c3": "block", "c4": "delete"},
            "m04-report": {"r1": "156", "r2": "LD", "r3": "my_number", "r4": "otp"},
            "m04-after": ["bank", "report", "warn", "police", "evidence"],
        },
        "expected": 8,
    },
    # Marks everything safe and sees no red flag anywhere: the 5 genuine messages (2.5) and the 3
    # details that are not red flags (1.5); exercise 5 left as it was. 2.5 + 1.5 = 4.
    {
        "answers": {
            "m04-inbox": {item: "safe" for item in CORRECT["m04-inbox"]},
            "m04-flags": {item: "not" for item in CORRECT["m04-flags"]},
            "m04-after": ["", "", "", "", ""],
        },
        "expected": 4,
    },
]
