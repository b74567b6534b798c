"""m99 answers as the widgets save them: every question right, and partly right learners.

Autograded total is 15: fifteen one-item questions (a ChoiceBoard with one item each), 1 point each,
the same for every group (the items carry no edition level).
"""

CORRECT = {
    "m99-q01": {"q": "pin"},
    "m99-q02": {"q": "store"},
    "m99-q03": {"q": "card"},
    "m99-q04": {"q": "misleading"},
    "m99-q05": {"q": "app"},
    "m99-q06": {"q": "file"},
    "m99-q07": {"q": "check"},
    "m99-q08": {"q": "licensed"},
    "m99-q09": {"q": "hang"},
    "m99-q10": {"q": "refuse"},
    "m99-q11": {"q": "no"},
    "m99-q12": {"q": "remove"},
    "m99-q13": {"q": "code"},
    "m99-q14": {"q": "deepfake"},
    "m99-q15": {"q": "anon"},
}

CASES = [
    # Answers only the seven easiest questions, one per domain, all right: 7 points.
    {
        "answers": {
            qid: CORRECT[qid]
            for qid in ["m99-q01", "m99-q03", "m99-q05", "m99-q07", "m99-q09", "m99-q12", "m99-q14"]
        },
        "expected": 7,
    },
    # Every question answered, two wrong (question 1 and the state-secrets question 11): 13 points.
    {
        "answers": {
            **CORRECT,
            "m99-q01": {"q": "none"},
            "m99-q11": {"q": "ok"},
        },
        "expected": 13,
    },
]
