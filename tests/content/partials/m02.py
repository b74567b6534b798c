"""m02 graded by widgets: every graded question's right answer as the widgets save it, and partly
right learners with the exact autograded points the per-item split predicts."""

CORRECT = {
    # Exercise 1 (level 1, 4 points, 0.5 per password)
    "m02-judge": {
        "p1": "weak",
        "p2": "weak",
        "p3": "strong",
        "p4": "weak",
        "p5": "weak",
        "p6": "strong",
        "p7": "weak",
        "p8": "strong",
    },
    # Exercise 2 (level 2, 4 points, 0.5 per option ticked or left as it should be); a Quiz saves sorted keys
    "m02-habits": ["length15", "manager", "mfa", "random_words", "unique"],
    # Exercise 3 (level 2, 3 points, 0.5 per password)
    "m02-context": {"c1": "uses", "c2": "none", "c3": "uses", "c4": "uses", "c5": "none", "c6": "uses"},
    # Exercise 4 (level 3, 3 points, 0.5 per clause)
    "m02-policy": {"q1": "keep", "q2": "drop", "q3": "drop", "q4": "keep", "q5": "keep", "q6": "drop"},
}

CASES = [
    # Half right, "length is all that matters": every long password called strong (the keyboard run,
    # the song line and qwerty123456 wrong: 5 of 8 x 0.5 = 2.5); every habit ticked (5 of 8 = 2.5);
    # every password said to use Lan's details (4 of 6 x 0.5 = 2); exercise 4 not answered.
    {
        "answers": {
            "m02-judge": {
                "p1": "weak",
                "p2": "strong",
                "p3": "strong",
                "p4": "weak",
                "p5": "strong",
                "p6": "strong",
                "p7": "strong",
                "p8": "strong",
            },
            "m02-habits": [
                "composition",
                "length15",
                "manager",
                "mfa",
                "random_words",
                "rotate",
                "song",
                "unique",
            ],
            "m02-context": {
                "c1": "uses",
                "c2": "uses",
                "c3": "uses",
                "c4": "uses",
                "c5": "uses",
                "c6": "uses",
            },
        },
        "expected": 7,
    },
    # Only exercise 4, the old policy (keep symbols, 90-day changes and the security question, refuse
    # pasting): q1 and q4 right, 2 of 6 x 0.5 = 1.
    {
        "answers": {
            "m02-policy": {"q1": "keep", "q2": "keep", "q3": "keep", "q4": "keep", "q5": "drop", "q6": "keep"}
        },
        "expected": 1,
    },
    # Only exercise 2, the old complexity habits: 15+ ticked and the song left out are right, the four
    # good habits left out and rotation and composition ticked are wrong: 2 of 8 x 0.5 = 1.
    {"answers": {"m02-habits": ["composition", "length15", "rotate"]}, "expected": 1},
]
