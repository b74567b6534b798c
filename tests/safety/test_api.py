"""The public names other parts of hocso (widgets, notebooks, tutor) rely on keep their shape."""

from __future__ import annotations

import importlib
import inspect

import pytest

from hocso.errors import HocsoError
from hocso.safety import errors

CONTRACT = {
    "passwords": {
        "assess_password": ["password", "user_inputs"],
        "nist_problems": ["password", "blocklist", "context_words"],
    },
    "otp": {"totp_now": ["secret", "at"], "seconds_left": ["at"], "asks_for_otp": ["message"]},
    "phishing": {
        "red_flags": ["text", "sender", "channel"],
        "explain": ["flag", "lang"],
        "load_messages": ["path"],
    },
    "links": {"inspect_url": ["url"], "registered_domain": ["url"], "is_lookalike": ["domain", "trusted"]},
    "vietqr": {
        "crc16_ccitt": ["data"],
        "parse_tlv": ["payload"],
        "parse_vietqr": ["payload"],
        "build_vietqr": ["bin", "account", "amount", "message", "service"],
        "crc_ok": ["payload"],
        "needs_biometric": ["amount_vnd", "daily_total_vnd"],
    },
    "photos": {
        "read_photo_metadata": ["source"],
        "strip_metadata": ["src", "dst"],
        "make_sample_photo": ["path", "lat", "lon", "taken", "software"],
    },
    "claims": {"check_claims": ["claims", "sources"], "check_citations": ["answer", "sources"]},
    "text": {"fold_diacritics": ["text"]},
}


@pytest.mark.parametrize("module", sorted(CONTRACT))
def test_public_functions_keep_their_parameters(module: str) -> None:
    loaded = importlib.import_module(f"hocso.safety.{module}")
    for name, params in CONTRACT[module].items():
        signature = inspect.signature(getattr(loaded, name))
        assert list(signature.parameters)[: len(params)] == params, f"{module}.{name}"


def test_errors_are_hocso_errors() -> None:
    for error in (errors.SafetyError, errors.VietQrError, errors.PhotoError, errors.MessageSetError):
        assert issubclass(error, HocsoError)
    assert str(errors.VietQrError("VietQR: tag 54")) == "VietQR: tag 54"
