"""Partly right m07 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 9 (the reflection's 2 points are graded by hand).
"""

ALWAYS_GPS = "def has_gps(path):\n    return True\n"

COPY_ONLY = "import shutil\n\ndef strip_exif(src, dst):\n    shutil.copy(src, dst)  # copies the EXIF too\n"

NO_BOUNDARIES = "import re\n\ndef find_id_numbers(text):\n    return re.findall(r'\\d{12}', text)  # also finds 12 digits inside longer numbers\n"

CASES = [
    # has_gps says yes to every photo: loses m07-has-gps (2) and, through risky_posts, m07-posts-exact (1).
    {"edits": {"m07-has-gps-code": ALWAYS_GPS}, "expected": 6},
    # A plain copy keeps the EXIF: loses m07-strip-gps and m07-strip-all (1 + 1).
    {"edits": {"m07-strip-code": COPY_ONLY}, "expected": 7},
    # No digit boundaries: a 13-digit order number counts, losing m07-ids (2) and m07-posts-exact (1).
    {"edits": {"m07-ids-code": NO_BOUNDARIES}, "expected": 6},
]
