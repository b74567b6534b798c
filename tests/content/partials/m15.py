"""m15 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 10: exercise 1, the AI's summary against the original (5 sentences, 2.5 points),
exercise 2, copyright and labels (6 actions, 3 points), exercise 3, what the filter rule does
(5 messages, 2.5 points), exercise 4 (level 3, drafting with AI, 5 steps, 2 points). The citizens'
(target level 1) and soldiers' (level 2) editions hold exercises 1-3 (8 points).
"""

CORRECT = {
    "m15-summary": {"a1": "true", "a2": "wrong", "a3": "true", "a4": "wrong", "a5": "wrong"},
    "m15-copyright": {"c1": "do", "c2": "dont", "c3": "do", "c4": "dont", "c5": "do", "c6": "dont"},
    "m15-rule": {"t1": "suspicious", "t2": "inbox", "t3": "inbox_flag", "t4": "suspicious", "t5": "inbox"},
    "m15-draft": ["tool", "strip", "ask", "check", "label"],
}

CASES = [
    # Trusts the whole summary (a1, a3 right: 2 x 0.5) and thinks the filter leaves everything in the
    # inbox (t2, t5 right: 2 x 0.5).
    {
        "answers": {
            "m15-summary": {item: "true" for item in CORRECT["m15-summary"]},
            "m15-rule": {item: "inbox" for item in CORRECT["m15-rule"]},
        },
        "expected": 2,
    },
    # "Do it" for everything (c1, c3, c5 right: 3 x 0.5) and the drafting steps backwards (0).
    {
        "answers": {
            "m15-copyright": {item: "do" for item in CORRECT["m15-copyright"]},
            "m15-draft": list(reversed(CORRECT["m15-draft"])),
        },
        "expected": 1.5,
    },
]
