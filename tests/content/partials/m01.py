"""Partly right m01 submissions: source of a solution cell by grade_id, and the exact score expected."""

CASE_BLIND = """def file_type(name):
    ext = Path(name).suffix  # forgets .lower(): "A.JPG" is not an image
    if ext in {".docx", ".pdf", ".txt"}:
        return "document"
    if ext in {".jpg", ".jpeg", ".png"}:
        return "image"
    if ext in {".xlsx", ".csv"}:
        return "spreadsheet"
    return "other"
"""

CASES = [
    # file_type ignores case: loses test-ex1-case and test-ex2-office (1 + 1) of 7.
    {"edits": {"ex1-file-type": CASE_BLIND}, "expected": 5},
    # find_files compares case-sensitively: loses test-ex3-case.
    {
        "edits": {
            "ex3-find": "def find_files(names, pattern):\n    return [n for n in names if fnmatch.fnmatch(n, pattern)]\n"
        },
        "expected": 6,
    },
    # Only exercise 1 done; the others still raise NotImplementedError.
    {
        "edits": {
            "ex2-organise": "def organise(names):\n    raise NotImplementedError()\n",
            "ex3-find": "def find_files(names, pattern):\n    raise NotImplementedError()\n",
        },
        "expected": 3,
    },
]
