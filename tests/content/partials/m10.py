"""Partly right m10 submissions: source of a solution cell by grade_id, and the exact score expected.

Autograded total is 8 (the reflection's 2 points are graded by hand).
"""

NO_EMAIL = """import re

def redact_simple(text):
    text = re.sub(r"(?<!\\d)\\d{12}(?!\\d)", "[CCCD]", text)
    return re.sub(r"(?<!\\d)0\\d{3}[ .]?\\d{3}[ .]?\\d{3}(?!\\d)", "[SĐT]", text)
"""

PHONE_TOGETHER_ONLY = """import re

def redact_simple(text):
    text = re.sub(r"(?<!\\d)\\d{12}(?!\\d)", "[CCCD]", text)
    text = re.sub(r"(?<!\\d)0\\d{9}(?!\\d)", "[SĐT]", text)
    return re.sub(r"[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+", "[EMAIL]", text)
"""

CONTEXT_AS_IS = """def build_prompt(role, task, context, fmt):
    return f"Vai trò: {role}\\nNhiệm vụ: {task}\\nBối cảnh: {context}\\nĐịnh dạng: {fmt}"
"""

CASES = [
    # E-mails are not hidden: loses m10-redact-email (1) and the hidden part of m10-prompt-redacted (1).
    {"edits": {"m10-redact-code": NO_EMAIL}, "expected": 6},
    # "0912 000 123" is not seen as a phone number: loses m10-redact-phone (1).
    {"edits": {"m10-redact-code": PHONE_TOGETHER_ONLY}, "expected": 7},
    # The context is sent as it is: loses m10-prompt-redacted (1).
    {"edits": {"m10-prompt-code": CONTEXT_AS_IS}, "expected": 7},
]
