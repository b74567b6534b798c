"""Partly right m09 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 6 (the reflection's 2 points are graded by hand).
"""

NO_NONE = """def most_likely_next(words, word):
    after = Counter(words[i + 1] for i in range(len(words) - 1) if words[i] == word)
    return after.most_common(1)[0][0]  # IndexError when nothing follows
"""

NOT_NORMALISED = """def distinct_answers(answers):
    return len(set(answers))  # "Từ ngày 01/01/2026." and "từ ngày 01/01/2026" count twice
"""

CASES = [
    # Crashes when nothing follows the word: loses the hidden part of m09-next (2).
    {"edits": {"m09-next-code": NO_NONE}, "expected": 4},
    # No normalising: loses m09-distinct (1).
    {"edits": {"m09-distinct-code": NOT_NORMALISED}, "expected": 5},
]
