"""Partly right m06 submissions: source of a solution cell by grade_id, and the exact score expected."""

_EX1_HEAD = "def read_fields(payload):\n    fields = {}\n    i = 0\n    while i < len(payload):\n        tag = payload[i:i + 2]\n"
_EX2_HEAD = "def payee(payload):\n    top = read_fields(payload)\n"
_EX4_HEAD = (
    "from hocso.safety.errors import VietQrError\n\n\n"
    "def qr_verdict(payload, shop_account):\n"
    "    try:\n        payment = parse_vietqr(payload)\n    except VietQrError:\n        return 'unreadable'\n"
)

CASES = [
    # Reads only the second digit of each length: short fields work (test-ex1-short), the 56-character
    # tag 38 does not, so test-ex1-long and both payee cells fail; CRC and verdicts still count (9 in all).
    {
        "edits": {
            "ex1-fields": _EX1_HEAD + "        length = int(payload[i + 3])\n"
            "        fields[tag] = payload[i + 4:i + 4 + length]\n"
            "        i += 4 + length\n"
            "    return fields\n"
        },
        "expected": 6,
    },
    # Leaves the amount as text ("85000"): the bank and account are right, the amount cell fails.
    {
        "edits": {
            "ex2-payee": _EX2_HEAD + "    receiver = read_fields(read_fields(top['38'])['01'])\n"
            "    return receiver['00'], receiver['01'], top.get('54')\n"
        },
        "expected": 8,
    },
    # Never checks that the CRC sits in tag 63 (loses test-ex3-tag63) and compares the account before
    # the CRC, so a code with an edited account reads "wrong_payee", not "tampered" (loses test-ex4-all).
    {
        "edits": {
            "ex3-crc": "def crc_matches(payload):\n    return crc16_ccitt(payload[:-4]) == payload[-4:]\n",
            "ex4-verdict": _EX4_HEAD
            + "    if payment.account != shop_account:\n        return 'wrong_payee'\n"
            "    if not payment.crc_ok:\n        return 'tampered'\n    return 'ok'\n",
        },
        "expected": 7,
    },
]
