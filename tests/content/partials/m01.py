"""m01 graded by widgets: every graded question's right answer as the widgets save it, and partly
right learners with the exact autograded points the per-item split predicts."""

CORRECT = {
    # Exercise 1 (level 1, 4 points, 0.5 per file)
    "m01-folders": {
        "f1": "document",
        "f2": "image",
        "f3": "spreadsheet",
        "f4": "document",
        "f5": "image",
        "f6": "spreadsheet",
        "f7": "document",
        "f8": "other",
    },
    # Exercise 2 (level 1, 2 points, 0.5 per request)
    "m01-find": {"r1": "bb_t10", "r2": "anh_th", "r3": "luong9_xlsx", "r4": "hd_pdf"},
    # Exercise 3 (level 1, 2 points, by pairs of steps in order)
    "m01-save": ["save", "close", "rename", "search", "open"],
    # Exercise 4 (level 3, 2 points, 0.4 per problem)
    "m01-fixes": {"p1": "downloads", "p2": "close", "p3": "backup", "p4": "refuse", "p5": "office"},
}

CASES = [
    # Half right: the four lower-case files sorted, but capitals and .csv/.mp3 put in Documents
    # (4 of 8 x 0.5 = 2); two requests right, the PDF payroll and the .apk chosen (2 x 0.5 = 1);
    # the steps in reverse order (0 pairs right); exercise 4 not answered. 2 + 1 + 0 + 0 = 3.
    {
        "answers": {
            "m01-folders": {
                "f1": "document",
                "f2": "image",
                "f3": "spreadsheet",
                "f4": "document",
                "f5": "document",
                "f6": "document",
                "f7": "spreadsheet",
                "f8": "document",
            },
            "m01-find": {"r1": "bb_t10", "r2": "anh_th", "r3": "luong9_pdf", "r4": "vneid_apk"},
            "m01-save": ["open", "search", "rename", "close", "save"],
        },
        "expected": 3,
    },
    # Only exercise 3, renaming before closing: 9 of 10 pairs in order, 2 x 9/10 = 1.8.
    {"answers": {"m01-save": ["save", "rename", "close", "search", "open"]}, "expected": 1.8},
    # Only exercise 4, opening the .pdf.apk and renaming the .docx to .jpg: 3 of 5 x 0.4 = 1.2.
    {
        "answers": {
            "m01-fixes": {"p1": "downloads", "p2": "close", "p3": "backup", "p4": "open", "p5": "jpg"}
        },
        "expected": 1.2,
    },
]
