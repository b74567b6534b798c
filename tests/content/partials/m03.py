"""Partly right m03 submissions: source of a solution cell by grade_id, and the exact score expected."""

CASES = [
    # No zero padding: "81804" instead of "081804" loses test-ex2-zeros (6 autograded points in all).
    {
        "edits": {"ex2-totp": "def totp(key, unix_time):\n    return str(hotp(key, time_step(unix_time)))\n"},
        "expected": 5,
    },
    # Ignores the bank's "do not share" warnings: loses test-ex3-notices and test-ex3-data.
    {
        "edits": {
            "ex3-asks": "def asks_for_otp(message):\n"
            "    low = message.lower()\n"
            "    return 'otp' in low and any(w in low for w in REQUEST_WORDS)\n"
        },
        "expected": 4,
    },
    # Divides without rounding down: time_step and both TOTP cells fail, exercise 3 still counts.
    {
        "edits": {"ex1-step": "def time_step(unix_time, period=30):\n    return unix_time / period\n"},
        "expected": 3,
    },
]
