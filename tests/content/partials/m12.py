"""Partly right m12 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 6 (the reflection's 2 points are graded by hand).
"""

TEXT_MODE = """def sha256_of(path):
    return hashlib.sha256(open(path, encoding="utf-8").read().encode()).hexdigest()  # text mode
"""

EXACT_TEXT = """def matches_checksum(path, official):
    return sha256_of(path) == official  # a pasted hash with spaces or capitals fails
"""

KNOWN_KINDS_ONLY = """def excess_permissions(app, needed):
    return set(app["permissions"]) - set(needed[app["category"]])  # KeyError for an unknown kind
"""

CASES = [
    # Reading as text breaks on a binary file: loses m12-sha-hidden (1).
    {"edits": {"m12-sha-code": TEXT_MODE}, "expected": 5},
    # No strip/lower: loses m12-match (1).
    {"edits": {"m12-match-code": EXACT_TEXT}, "expected": 5},
    # Unknown app kinds crash: loses m12-perm-hidden (1).
    {"edits": {"m12-perm-code": KNOWN_KINDS_ONLY}, "expected": 5},
]
