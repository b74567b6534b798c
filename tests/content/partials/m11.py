"""Partly right m11 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 8 (the reflection's 2 points are graded by hand).
"""

REPEATS = """import re

def missing_citations(answer, sources):
    return [n for n in re.findall(r"\\[(\\d+)\\]", answer) if n not in sources]  # not sorted, repeats
"""

SUBSTRING = """def wrong_numbers(claim, source):
    return {n for n in re.findall(r"\\d+", claim) if n not in source}  # "5" hides inside "5656"
"""

MONEY_ONLY = """def verify_call(event):
    return "CALL_BACK_KNOWN_NUMBER" if event.get("asks_money") else "CONTINUE"
"""

CASES = [
    # Repeated and unsorted citation numbers: loses m11-citations-hidden (1).
    {"edits": {"m11-citations-code": REPEATS}, "expected": 7},
    # Numbers compared as substrings of the source: loses m11-numbers (2).
    {"edits": {"m11-numbers-code": SUBSTRING}, "expected": 6},
    # An OTP request is not treated as a scam: loses m11-call (2).
    {"edits": {"m11-call-code": MONEY_ONLY}, "expected": 6},
]
