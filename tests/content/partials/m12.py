"""m12 graded by widgets: every graded question's fully right answer, and partly right learners.

Points: m12-store 4 (8 app pages, 0.5 each, level 1), m12-permissions 3 (6 requests, 0.5 each,
level 2), m12-settings 2 (4 settings, 0.5 each, level 2), m12-trouble 2 (4 problems, 0.5 each,
level 3); 11 autograded points, plus a 2-point reflection graded by hand.
"""

CORRECT = {
    "m12-store": {
        "s1": "install",
        "s2": "skip",
        "s3": "skip",
        "s4": "skip",
        "s5": "install",
        "s6": "skip",
        "s7": "install",
        "s8": "install",
    },
    "m12-permissions": {
        "p1": "allow",
        "p2": "refuse",
        "p3": "allow",
        "p4": "refuse",
        "p5": "refuse",
        "p6": "allow",
    },
    "m12-settings": {"u1": "now", "u2": "on", "u3": "pin", "u4": "block"},
    "m12-trouble": {"t1": "now", "t2": "free", "t3": "remove", "t4": "no"},
}

CASES = [
    # Trusts anything in a store and anything popular: installs the fake "support" app (s2) and the
    # flashlight (s4); 6 of 8 pages right (3). Allows every permission: 3 of 6 (1.5). Settings and
    # problems not answered: 4.5 of 11.
    {
        "answers": {
            "m12-store": {**CORRECT["m12-store"], "s2": "install", "s4": "install"},
            "m12-permissions": {p: "allow" for p in CORRECT["m12-permissions"]},
        },
        "expected": 4.5,
    },
    # The old module's lesson: a matching SHA-256 makes an .apk fine (t4 "install"), and an .apk from
    # an "officer" (s3) is installed: store 7 of 8 (3.5), permissions all right (3), settings 2 of 4
    # (unknown apps allowed, updates skipped: 1), problems 3 of 4 (1.5): 9 of 11.
    {
        "answers": {
            "m12-store": {**CORRECT["m12-store"], "s3": "install"},
            "m12-permissions": CORRECT["m12-permissions"],
            "m12-settings": {**CORRECT["m12-settings"], "u1": "later", "u4": "allow"},
            "m12-trouble": {**CORRECT["m12-trouble"], "t4": "install"},
        },
        "expected": 9,
    },
]
