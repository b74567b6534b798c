"""Partly right m04 submissions: source of a solution cell by grade_id, and the exact score expected."""

CASES = [
    # Marks every message a scam (loses test-ex1-safe) and forgets that borrowing an organisation's
    # name is impersonation too (loses test-ex2-impersonation): 10 autograded points - 2.
    {
        "edits": {
            "ex1-inbox": "inbox.value = {i: 'scam' for i in ['vi-l01', 'vi-s01', 'vi-l14', 'vi-s05', "
            "'en-l11', 'vi-s12', 'vi-l04', 'en-s13']}\n",
            "ex2c-impersonation": "def impersonates(text, sender, channel):\n"
            "    low = plain(text)\n"
            "    claims = any(word in low for word in AUTHORITY_WORDS)\n"
            "    return claims and (channel in ('call', 'zalo') or is_phone_number(sender))\n",
        },
        "expected": 8,
    },
    # Lower-cases without dropping diacritics in 2a and 2b: "ngay lập tức" and "NGÂN HÀNG SEN VÀNG"
    # no longer match, so test-ex2-urgency and test-ex2-sender fail; impersonation still passes.
    {
        "edits": {
            "ex2a-urgent": "def is_urgent(text):\n"
            "    return any(word in text.lower() for word in URGENT_WORDS)\n",
            "ex2b-sender": "def sender_mismatch(text, sender):\n"
            "    low = text.lower()\n"
            "    return any(any(n in low for n in b.names) and not is_official(sender, b) for b in KNOWN)\n",
        },
        "expected": 8,
    },
    # Safe but silent in the chat (loses test-ex3-report) and keeps "+84" in the 156 report (loses
    # test-ex4-number; the format test uses numbers already written the Vietnamese way).
    {
        "edits": {
            "ex3-choices": "my_choices = ['ask_name', 'block', 'delete']\nplay(my_choices)\n",
            "ex4-report": "def report_156(number, content):\n"
            "    number = number.replace(' ', '').replace('.', '').replace('-', '')\n"
            "    return f'LD {number} {content.strip()}'\n",
        },
        "expected": 8,
    },
]
