"""Partly right m02 submissions: source of a solution cell by grade_id, and the exact score expected."""

NO_CONTEXT = """def check_password(password, context=()):
    problems = []
    if len(password) < 15:
        problems.append("too_short")
    if password.lower() in BLOCKLIST:
        problems.append("blocklisted")
    return problems  # forgets the context words
"""

OLD_POLICY = """policy = {
    "min_15_characters": False,
    "must_have_symbol": True,
    "change_every_90_days": True,
    "check_against_blocklist": True,
    "allow_spaces_and_vietnamese": True,
    "sms_otp_is_strongest_2fa": False,
}
"""

CASES = [
    # No context-word rule: loses test-ex1-context only.
    {"edits": {"ex1-check": NO_CONTEXT}, "expected": 6},
    # The old composition-and-rotation policy: loses test-ex3-composition only.
    {"edits": {"ex3-policy": OLD_POLICY}, "expected": 6},
    # Exercise 2 left undone: loses both of its test cells.
    {"edits": {"ex2-count": "def possibilities(a, n):\n    raise NotImplementedError()\n"}, "expected": 5},
]
