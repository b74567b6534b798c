"""VietQR payloads (module m06): read, check and build the EMVCo text behind a bank-transfer QR code.

A QR sticker pasted over a shop's code is a common scam, and the only defence is to read what the
code says before paying: which bank (BIN), which account, how much, and whether the checksum (CRC-16
in tag 63) still matches. Layout, from NAPAS's VietQR spec on top of EMVCo MPM:

    00 format "01" | 01 "11" static / "12" with amount | 38 merchant account: 00 GUID A000000727,
    01 (00 BIN, 01 account), 02 service QRIBFTTA (to account) / QRIBFTTC (to card) | 53 currency 704 |
    54 amount | 58 country VN | 62 additional data: 08 purpose | 63 CRC-16/CCITT-FALSE, 4 hex digits
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

from hocso.safety.errors import VietQrError

NAPAS_GUID = "A000000727"
SERVICES = ("QRIBFTTA", "QRIBFTTC")
CURRENCY_VND = "704"
BIOMETRIC_PER_TRANSFER_VND = 10_000_000
BIOMETRIC_PER_DAY_VND = 20_000_000

BANKS = {  # NAPAS bank BIN -> short name (public identifiers printed on every VietQR)
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970422": "MB",
    "970432": "VPBank",
    "970416": "ACB",
    "970423": "TPBank",
    "970403": "Sacombank",
    "970437": "HDBank",
    "970441": "VIB",
    "970443": "SHB",
    "970448": "OCB",
}


@dataclass(frozen=True)
class Tlv:
    """One tag-length-value field; `position` is the index of its tag in the payload."""

    tag: str
    length: int
    value: str
    position: int


@dataclass(frozen=True)
class VietQrPayment:
    """What a VietQR code asks you to pay, and whether its checksum is intact."""

    bank_bin: str
    bank_name: str | None
    account: str
    service: str
    amount: int | None
    currency: str
    country: str
    message: str | None
    guid: str
    dynamic: bool
    crc: str
    crc_ok: bool


def crc16_ccitt(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 bytes, as 4 uppercase hex digits.

    binascii.crc_hqx is exactly this CRC when started at 0xFFFF.
    """
    return f"{binascii.crc_hqx(data.encode('utf-8'), 0xFFFF):04X}"


def crc_ok(payload: str) -> bool:
    """True when tag 63 closes the payload and holds the CRC of everything before its value."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return crc16_ccitt(payload[:-4]) == payload[-4:]


def parse_tlv(payload: str, offset: int = 0) -> list[Tlv]:
    """Split `payload` into fields; `offset` is added to positions so nested errors point into the code."""
    fields = []
    index = 0
    while index < len(payload):
        head = payload[index : index + 4]
        where = offset + index
        if len(head) < 4:
            raise VietQrError(
                f"VietQR: truncated field at position {where}: {head!r} (a field needs 2-digit tag + 2-digit length)"
            )
        tag, length_text = head[:2], head[2:]
        if not tag.isdigit() or not tag.isascii():
            raise VietQrError(f"VietQR: tag {tag!r} at position {where} is not two digits")
        if not length_text.isdigit() or not length_text.isascii():
            raise VietQrError(
                f"VietQR: tag {tag} at position {where} has length {length_text!r}, not two digits"
            )
        length = int(length_text)
        value = payload[index + 4 : index + 4 + length]
        if len(value) < length:
            raise VietQrError(
                f"VietQR: tag {tag} at position {where} says {length} characters but only {len(value)} remain"
            )
        fields.append(Tlv(tag, length, value, where))
        index += 4 + length
    return fields


def parse_vietqr(payload: str) -> VietQrPayment:
    """Read a VietQR transfer code; raises VietQrError naming the tag and position of what is wrong."""
    payload = payload.strip()
    top = _by_tag(parse_tlv(payload))
    _require(top, "00", "payload format")
    merchant = _require(top, "38", "merchant account information (VietQR)")
    inner = _by_tag(parse_tlv(merchant.value, merchant.position + 4))
    guid = _require(inner, "00", "NAPAS GUID", parent="38").value
    if guid != NAPAS_GUID:
        raise VietQrError(
            f"VietQR: tag 38.00 at position {inner['00'].position} is {guid!r}, not NAPAS's {NAPAS_GUID}"
        )
    beneficiary = _require(inner, "01", "beneficiary (bank BIN and account)", parent="38")
    who = _by_tag(parse_tlv(beneficiary.value, beneficiary.position + 4))
    bank_bin = _require(who, "00", "bank BIN", parent="38.01").value
    account = _require(who, "01", "account or card number", parent="38.01").value
    service = inner["02"].value if "02" in inner else ""
    if service and service not in SERVICES:
        raise VietQrError(
            f"VietQR: tag 38.02 at position {inner['02'].position} is {service!r}, not one of {', '.join(SERVICES)}"
        )
    amount = _amount(top["54"]) if "54" in top else None
    message = None
    if "62" in top:
        extra = _by_tag(parse_tlv(top["62"].value, top["62"].position + 4))
        message = extra["08"].value if "08" in extra else None
    crc_field = _require(top, "63", "CRC")
    return VietQrPayment(
        bank_bin=bank_bin,
        bank_name=BANKS.get(bank_bin),
        account=account,
        service=service,
        amount=amount,
        currency=top["53"].value if "53" in top else "",
        country=top["58"].value if "58" in top else "",
        message=message,
        guid=guid,
        dynamic=top["01"].value == "12" if "01" in top else amount is not None,
        crc=crc_field.value,
        crc_ok=crc_ok(payload),
    )


def build_vietqr(
    bin: str, account: str, amount: int | None = None, message: str | None = None, service: str = "QRIBFTTA"
) -> str:
    """The VietQR text for a transfer to `account` at bank `bin`, ending with its CRC."""
    if service not in SERVICES:
        raise VietQrError(f"VietQR: service {service!r} is not one of {', '.join(SERVICES)}")
    if amount is not None and amount <= 0:
        raise VietQrError("VietQR: the amount (tag 54) must be a positive number of đồng")
    beneficiary = _field("00", bin) + _field("01", account)
    merchant = _field("00", NAPAS_GUID) + _field("01", beneficiary) + _field("02", service)
    body = _field("00", "01") + _field("01", "12" if amount else "11") + _field("38", merchant)
    body += _field("53", CURRENCY_VND)
    if amount:
        body += _field("54", str(amount))
    body += _field("58", "VN")
    if message:
        body += _field("62", _field("08", message))
    body += "6304"
    return body + crc16_ccitt(body)


def needs_biometric(amount_vnd: int, daily_total_vnd: int = 0) -> bool:
    """True when a transfer needs face/fingerprint confirmation (SBV rule since 1 July 2024).

    `daily_total_vnd` is what was already sent today: one transfer over 10M VND, or one that takes the
    day's total over 20M VND, needs biometrics.
    """
    return amount_vnd > BIOMETRIC_PER_TRANSFER_VND or daily_total_vnd + amount_vnd > BIOMETRIC_PER_DAY_VND


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQrError(f"VietQR: tag {tag} value is {len(value)} characters; a field holds at most 99")
    return f"{tag}{len(value):02d}{value}"


def _by_tag(fields: list[Tlv]) -> dict[str, Tlv]:
    seen: dict[str, Tlv] = {}
    for item in fields:
        if item.tag in seen:
            raise VietQrError(
                f"VietQR: tag {item.tag} appears twice (positions {seen[item.tag].position} and {item.position})"
            )
        seen[item.tag] = item
    return seen


def _require(fields: dict[str, Tlv], tag: str, what: str, parent: str | None = None) -> Tlv:
    if tag not in fields:
        name = f"{parent}.{tag}" if parent else tag
        raise VietQrError(f"VietQR: tag {name} ({what}) is missing")
    return fields[tag]


def _amount(item: Tlv) -> int:
    text = item.value
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not text or value <= 0 or not all(ch.isdigit() or ch == "." for ch in text) or value != int(value):
        raise VietQrError(
            f"VietQR: tag 54 (amount) at position {item.position} is {text!r}, not a whole number of đồng"
        )
    return int(value)
