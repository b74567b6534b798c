"""m14 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 9.5: exercise 1, digital signatures (5 sentences, 2 points), exercise 2, sharing
permissions (5 documents, 2.5 points), exercise 3, the online meeting (5 steps, 2 points),
exercise 4 (level 3, finishing and keeping a document, 6 actions, 3 points). The citizens' (target
level 1) and soldiers' (level 2) editions hold exercises 1-3 (6.5 points).
"""

CORRECT = {
    "m14-signature": ["cipher", "integrity", "valid"],
    "m14-sharing": {"s1": "edit", "s2": "comment", "s3": "view_link", "s4": "edit", "s5": "offline"},
    "m14-meeting": ["invite", "test", "join", "share", "minutes"],
    "m14-finish": {"f1": "do", "f2": "dont", "f3": "do", "f4": "do", "f5": "dont", "f6": "dont"},
}

CASES = [
    # Thinks a pasted signature picture is a digital signature: "valid" chosen and "pin" rightly left
    # out, the other three wrong (2 of 5 x 0.4); gives everyone edit rights (s1, s4 right: 2 x 0.5).
    {
        "answers": {
            "m14-signature": ["picture", "valid"],
            "m14-sharing": {item: "edit" for item in CORRECT["m14-sharing"]},
        },
        "expected": 1.8,
    },
    # "Do it" for every action (f1, f3, f4 right: 3 x 0.5) and the meeting backwards (0).
    {
        "answers": {
            "m14-finish": {item: "do" for item in CORRECT["m14-finish"]},
            "m14-meeting": list(reversed(CORRECT["m14-meeting"])),
        },
        "expected": 1.5,
    },
]
