"""m00 answers as the widgets save them: every question right, and partly right learners.

Autograded total is 15: fifteen one-item questions (a ChoiceBoard with one item each), 1 point each,
the same for every group (the items carry no edition level).
"""

CORRECT = {
    "m00-q01": {"q": "settings"},
    "m00-q02": {"q": "refuse"},
    "m00-q03": {"q": "type"},
    "m00-q04": {"q": "check"},
    "m00-q05": {"q": "hang"},
    "m00-q06": {"q": "named"},
    "m00-q07": {"q": "compare"},
    "m00-q08": {"q": "ask"},
    "m00-q09": {"q": "call"},
    "m00-q10": {"q": "bank"},
    "m00-q11": {"q": "offline"},
    "m00-q12": {"q": "clean"},
    "m00-q13": {"q": "police"},
    "m00-q14": {"q": "maybe"},
    "m00-q15": {"q": "internal"},
}

CASES = [
    # Answers only the seven easiest questions, one per domain, all right: 7 points.
    {
        "answers": {
            qid: CORRECT[qid]
            for qid in ["m00-q01", "m00-q03", "m00-q05", "m00-q07", "m00-q09", "m00-q12", "m00-q14"]
        },
        "expected": 7,
    },
    # Every question answered, two wrong (question 1 and the state-secrets question 11): 13 points.
    {
        "answers": {
            **CORRECT,
            "m00-q01": {"q": "never"},
            "m00-q11": {"q": "home"},
        },
        "expected": 13,
    },
]
