"""m10 answers as the widgets save them: every graded question fully right, and partly right learners.

Autograded total 10 (the reflection's 2 points are graded by hand): m10-hide 3 (6 pieces x 0.5),
m10-prompt 2 (4 parts x 0.5), m10-safe-to-send 3 (6 options x 0.5), m10-preview 2 (4 previews x 0.5,
level 3: not in the citizens' edition).
"""

CORRECT = {
    "m10-hide": {"p1": "hide", "p2": "keep", "p3": "hide", "p4": "hide", "p5": "hide", "p6": "keep"},
    "m10-prompt": {"role": "b", "task": "a", "context": "c", "format": "b"},
    "m10-safe-to-send": ["masked", "procedure", "summary"],
    "m10-preview": {"v1": "send", "v2": "fix", "v3": "fix", "v4": "send"},
}

CASES = [
    # Hides everything, harmless details too (loses p2, p6: 2 x 0.5); pastes the full list as context
    # (loses 0.5); thinks asking about the password is fine (loses 0.5); trusts every preview (2 x 0.5):
    # 2 + 1.5 + 2.5 + 1.
    {
        "answers": {
            "m10-hide": {k: "hide" for k in CORRECT["m10-hide"]},
            "m10-prompt": {**CORRECT["m10-prompt"], "context": "b"},
            "m10-safe-to-send": ["masked", "password", "procedure", "summary"],
            "m10-preview": {"v1": "send", "v2": "send", "v3": "send", "v4": "send"},
        },
        "expected": 7.0,
    },
    # Only exercise 1 done, half of it: keeps the ID number, the phone and the OTP (3 of 6 right).
    {
        "answers": {
            "m10-hide": {"p1": "keep", "p2": "keep", "p3": "keep", "p4": "hide", "p5": "keep", "p6": "keep"}
        },
        "expected": 1.5,
    },
]
