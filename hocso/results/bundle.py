"""A unit's results as one small signed file that can travel over any link (a USB stick, an e-mail).

Layout: the line `HOCSO-RESULTS 1`, a JSON header line, the zlib-compressed JSON body, and the
Ed25519 signature (64 bytes) of everything before it, made with the exporting server's own key
(`hocso.keys`, "<course>-results"). The header says which course and unit, who signed (key
fingerprint), when, and the body's SHA-256, so a truncated, altered or foreign-signed file is
recognised before anything is read into the centre. The body holds learners (id, name, group,
unit), the course's graded items, points per learner and item, and level per competence; no
notebooks.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hocso import keys
from hocso.config import Course
from hocso.errors import HocsoError

MAGIC = b"HOCSO-RESULTS 1\n"
SIGNATURE_BYTES = 64

Refusal = Literal["not_a_bundle", "truncated", "altered", "foreign", "wrong_course", "older", "other_signer"]


class BundleRefused(HocsoError):
    """Why a bundle is not imported (`why` is one of `Refusal`); nothing of it was imported."""

    def __init__(self, why: Refusal, detail: str) -> None:
        super().__init__(detail)
        self.why: Refusal = why


@dataclass(frozen=True)
class Bundle:
    """One unit's results as read back from a verified bundle file."""

    course: str
    unit: str
    signer: str
    created: str  # ISO time (UTC) with microseconds: newer bundles of a unit sort later
    digest: str  # SHA-256 of the body, the bundle's identity
    learners: pd.DataFrame  # learner_id, name, group, unit
    points: pd.DataFrame  # learner_id, module, notebook, grade_id, points, max_points, competence
    levels: pd.DataFrame  # learner_id, competence, level


def key_name(course: Course) -> str:
    return f"{course.id}-results"


def signing_key(course: Course) -> Ed25519PrivateKey:
    """This server's results key, made on first use; its public half goes to the centre once."""
    return keys.private_key(key_name(course))


def write_bundle(
    path: Path,
    course: Course,
    unit: str,
    learners: pd.DataFrame,
    points: pd.DataFrame,
    levels: pd.DataFrame,
    key: Ed25519PrivateKey,
    created: datetime | None = None,
) -> Path:
    """Write one unit's bundle; the tables are those of `Bundle` (rows of that unit only)."""
    body = zlib.compress(
        json.dumps(
            {
                "learners": learners[["learner_id", "name", "group", "unit"]].astype(str).values.tolist(),
                "items": _items(points),
                "points": _points(points, learners),
                "levels": _levels(levels, learners),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode(),
        level=6,  # smaller than 9 on this JSON, and twice as fast
    )
    header = {
        "course": course.id,
        "unit": unit,
        "signer": keys.fingerprint(key),
        "created": (created or datetime.now(UTC)).isoformat(timespec="microseconds"),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_bytes": len(body),
        "learners": len(learners),
    }
    signed = MAGIC + json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + body
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(signed + key.sign(signed))
    partial.replace(path)  # never a half-written bundle under the final name
    return path


def read_header(data: bytes) -> dict[str, Any]:
    """The header of a bundle's bytes, without checking the signature (to know who to check it with)."""
    if not data.startswith(MAGIC):
        raise BundleRefused(
            "not_a_bundle", "this file is not a hocso results bundle (it does not start with HOCSO-RESULTS 1)"
        )
    line_end = data.find(b"\n", len(MAGIC))
    if line_end < 0:
        raise BundleRefused(
            "truncated", "the bundle ends inside its header: the file was cut short; send it again"
        )
    try:
        header = json.loads(data[len(MAGIC) : line_end].decode())
    except ValueError:
        raise BundleRefused("altered", "the bundle's header is not readable: the file was changed") from None
    if not isinstance(header, dict) or not {"course", "unit", "signer", "created", "body_sha256"} <= set(
        header
    ):
        raise BundleRefused(
            "altered", "the bundle's header lacks course, unit, signer or date: the file was changed"
        )
    return header


def read_bundle(data: bytes, public_key: Ed25519PublicKey) -> Bundle:
    """The bundle's contents once its signature (by `public_key`) and body checksum hold."""
    return parse_body(*verified_body(data, public_key))


def verified_body(data: bytes, public_key: Ed25519PublicKey) -> tuple[dict[str, Any], bytes]:
    """The header and the compressed body, once the signature and the checksum hold (nothing parsed)."""
    header = read_header(data)
    line_end = data.find(b"\n", len(MAGIC))
    if len(data) < line_end + 1 + SIGNATURE_BYTES:
        raise BundleRefused(
            "truncated", "the bundle is shorter than its signature: the file was cut short; send it again"
        )
    expected = int(header.get("body_bytes", -1))
    if len(data) < line_end + 1 + expected + SIGNATURE_BYTES:
        raise BundleRefused(
            "truncated", "the bundle is shorter than its header says: the file was cut short; send it again"
        )
    signed, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    body = signed[line_end + 1 :]
    if len(body) != expected or hashlib.sha256(body).hexdigest() != header["body_sha256"]:
        raise BundleRefused("altered", "the bundle's results do not match its checksum: the file was changed")
    try:
        public_key.verify(signature, signed)
    except InvalidSignature:
        raise BundleRefused(
            "altered", "the bundle's signature does not match: the file was changed after it was signed"
        ) from None
    return header, body


def parse_body(header: dict[str, Any], body: bytes) -> Bundle:
    """A verified body as tables."""
    raw = json.loads(zlib.decompress(body).decode())
    learners = pd.DataFrame(raw["learners"], columns=["learner_id", "name", "group", "unit"])
    items = pd.DataFrame(raw["items"], columns=["module", "notebook", "grade_id", "max_points", "competence"])
    numbers = np.array(raw["points"], dtype="float64").reshape(-1, 3)  # learner index, item index, points
    learner, item = numbers[:, 0].astype("int64"), numbers[:, 1].astype("int64")
    if len(numbers) and (
        learner.max() >= len(learners) or item.max() >= len(items) or min(learner.min(), item.min()) < 0
    ):
        raise BundleRefused("altered", "the bundle's points name learners or items it does not list")
    points = items.iloc[item].reset_index(drop=True)
    points.insert(0, "learner_id", learners["learner_id"].to_numpy()[learner])
    points["points"] = numbers[:, 2]
    ids = learners["learner_id"].tolist()
    levels = pd.DataFrame(
        [[ids[li], competence, level] for li, competence, level in raw["levels"] if 0 <= li < len(ids)],
        columns=["learner_id", "competence", "level"],
    )
    return Bundle(
        course=str(header["course"]),
        unit=str(header["unit"]),
        signer=str(header["signer"]),
        created=str(header["created"]),
        digest=str(header["body_sha256"]),
        learners=learners,
        points=points[["learner_id", "module", "notebook", "grade_id", "points", "max_points", "competence"]],
        levels=levels,
    )


def _items(points: pd.DataFrame) -> list[list[Any]]:
    keys_ = ["module", "notebook", "grade_id", "max_points", "competence"]
    unique = points[keys_].drop_duplicates(["module", "notebook", "grade_id"])
    return [
        [str(m), str(n), str(g), float(x), None if pd.isna(c) else str(c)] for m, n, g, x, c in unique.values
    ]


def _points(points: pd.DataFrame, learners: pd.DataFrame) -> list[tuple[int, int, float]]:
    """[learner index, item index, points] per row, the indexes into the body's learners and items."""
    item_keys = ["module", "notebook", "grade_id"]
    items = pd.MultiIndex.from_tuples([tuple(item[:3]) for item in _items(points)], names=item_keys)
    item = items.get_indexer(pd.MultiIndex.from_frame(points[item_keys].astype(str)))
    learner = pd.Index(learners["learner_id"].astype(str)).get_indexer(
        pd.Index(points["learner_id"].astype(str))
    )
    if (learner < 0).any():
        raise ValueError("the points name learners that the bundle's learners table does not list")
    values = points["points"].astype("float64")
    return list(zip(learner.tolist(), item.tolist(), values.tolist(), strict=True))


def _levels(levels: pd.DataFrame, learners: pd.DataFrame) -> list[list[Any]]:
    learner_index = {learner: i for i, learner in enumerate(learners["learner_id"].astype(str))}
    return [
        [learner_index[str(learner)], str(competence), int(level)]
        for learner, competence, level in levels[["learner_id", "competence", "level"]].values
        if str(learner) in learner_index
    ]
