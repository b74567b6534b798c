"""m18 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total is 10.5: exercise 1, newer scams (6 situations, 3 points), exercise 2, what may go
into a public AI (5 items, 2.5 points), exercise 3 (level 2, photos by cadres and soldiers, 6, 3
points), exercise 4 (level 3, money "sent by mistake", 5 steps, 2 points). Every group's target in
domain 4 is 3 or more, so every edition holds all four.
"""

CORRECT = {
    "m18-scams": {"s1": "scam", "s2": "scam", "s3": "scam", "s4": "scam", "s5": "scam", "s6": "safe"},
    "m18-ai": {"q1": "never", "q2": "never", "q3": "ok", "q4": "never", "q5": "ok"},
    "m18-photos": {"p1": "dont", "p2": "post", "p3": "dont", "p4": "dont", "p5": "post", "p6": "dont"},
    "m18-mistake": ["stop", "check", "bank", "refund", "police"],
}

CASES = [
    # Finds every situation safe (s6 only: 0.5) and would ask the AI anything (q3, q5: 2 x 0.5).
    {
        "answers": {
            "m18-scams": {item: "safe" for item in CORRECT["m18-scams"]},
            "m18-ai": {item: "ok" for item in CORRECT["m18-ai"]},
        },
        "expected": 1.5,
    },
    # Would post every photo (p2, p5: 2 x 0.5) and handles the "mistake" backwards (0).
    {
        "answers": {
            "m18-photos": {item: "post" for item in CORRECT["m18-photos"]},
            "m18-mistake": list(reversed(CORRECT["m18-mistake"])),
        },
        "expected": 1,
    },
]
