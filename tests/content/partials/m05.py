"""Partly right m05 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 9 (the reflection's 2 points are graded by hand).
"""

LAST_TWO_LABELS = """TWO_PART_SUFFIXES = ["gov.vn", "com.vn", "edu.vn", "org.vn", "net.vn"]


def registered_domain(url):
    return ".".join(host_of(url).split(".")[-2:])
"""

PUNYCODE_AT_START = """def is_punycode(host):
    return host.startswith("xn--")


def lookalike_of(url, trusted=TRUSTED):
    if registered_domain(url) in trusted:
        return None
    host = skeleton(host_of(url))
    for good in trusted:
        if skeleton(good.split(".")[0]) in host:
            return good
    return None
"""

ONE_HOP = """def expand(url, table=SHORT_LINKS, max_hops=5):
    return table.get(without_scheme(url), url)


def link_verdict(url):
    final = expand(url)
    if registered_domain(final) in TRUSTED:
        return "official"
    if lookalike_of(final) is not None:
        return "lookalike"
    return "other"
"""

CASES = [
    # Forgets two-part endings: every .gov.vn site becomes "gov.vn", so government sites look fake.
    # Keeps test-ex1-simple, test-ex2-punycode, test-ex3-expand and the quiz; loses the other five.
    {"edits": {"ex1-domain": LAST_TWO_LABELS}, "expected": 4},
    # Looks for xn-- only at the very start and misses raw Unicode hosts: loses test-ex2-punycode.
    {"edits": {"ex2-lookalike": PUNYCODE_AT_START}, "expected": 8},
    # Follows one hop only (a short link to a short link is not expanded) and taps the link in the
    # quiz: loses test-ex3-expand, test-ex3-verdict and test-ex4-quiz.
    {
        "edits": {"ex3-expand": ONE_HOP, "ex4-quiz-code": 'quiz.value = ["tap"]\nquiz.check()\n'},
        "expected": 6,
    },
]
