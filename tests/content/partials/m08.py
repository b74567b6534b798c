"""Partly right m08 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 5 (the reflection's 2 points are graded by hand).
"""

GOV_ANYWHERE = """def reliability_score(source):
    score = int("gov.vn" in source["domain"])  # "gov.vn.tin-gia.example" fools it
    score += int(bool(source["author"])) + int(bool(source["date"])) + int(bool(source["cites"]))
    return score - int(bool(source["sensational"]))


def rank_sources(sources):
    return [s["id"] for s in sorted(sources, key=lambda s: (-reliability_score(s), s["id"]))]
"""

NO_DATE_CASE = """from datetime import date

def is_recycled(path, event_date):
    return read_photo_metadata(path).taken.date() < event_date  # crashes on a photo without a date
"""

CASES = [
    # A look-alike domain containing "gov.vn" scores as official: loses m08-score (1).
    {"edits": {"m08-rank-code": GOV_ANYWHERE}, "expected": 4},
    # A stripped photo crashes: loses m08-recycled-hidden (1).
    {"edits": {"m08-recycled-code": NO_DATE_CASE}, "expected": 4},
]
