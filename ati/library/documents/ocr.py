"""Straightening and OCR of page images, with Debian's tesseract run as a subprocess.

The binary is called directly (TSV output) rather than through pytesseract: one less
dependency, and the environment (OMP_THREAD_LIMIT=1) and the temporary file are ours.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .geometry import arabic_share
from .types import Box

TESSERACT = "tesseract"
#: Tesseract's OpenMP threads: one, as the machine's cores are shared by several workers.
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
TIMEOUT = 120
LANGS = {"fr": "fra", "ar": "ara", "auto": "fra+ara"}
#: The side of the small image on which orientation and skew are estimated.
SMALL = 900
MAX_SKEW = 10.0


@dataclass
class OcrResult:
    #: Lines in reading order, each a list of (text, box in fractions, confidence).
    lines: list[list[tuple[str, Box, float | None]]]
    language: str
    mean_confidence: float


def _ink(gray: Image.Image) -> np.ndarray:
    """Coordinates (y, x) of dark pixels of a small copy of the image."""
    small = gray.copy()
    small.thumbnail((SMALL, SMALL))
    a = np.asarray(small, dtype=np.uint8)
    threshold = min(160, int(a.mean()) - 40) if a.size else 128
    ys, xs = np.nonzero(a < max(threshold, 40))
    if len(ys) > 40_000:  # a sample is enough and keeps the estimate fast
        pick = np.random.default_rng(0).choice(len(ys), 40_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    return np.stack([ys, xs]).astype(np.float64)


def _profile_score(points: np.ndarray, angle: float) -> float:
    """How sharply rows of text stand out when the points are turned by `angle` degrees."""
    if points.shape[1] == 0:
        return 0.0
    t = np.deg2rad(angle)
    ys = points[0] * np.cos(t) - points[1] * np.sin(t)
    hist = np.bincount((ys - ys.min()).astype(np.int64))
    return float(np.sum(np.diff(hist.astype(np.float64)) ** 2))


def estimate_skew(gray: Image.Image) -> tuple[float, float]:
    """(skew in degrees, score): the angle that makes text rows sharpest, within ±MAX_SKEW."""
    points = _ink(gray)
    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=lambda a: _profile_score(points, a))
    fine = max(
        np.arange(best - 0.5, best + 0.51, 0.1), key=lambda a: _profile_score(points, float(a))
    )
    return round(float(fine), 1), _profile_score(points, float(fine))


def sideways(gray: Image.Image) -> tuple[bool, float]:
    """Whether text lines run vertically (the page is turned by 90 or 270 degrees), and
    the skew of the page as it is (reused when it is upright)."""
    skew, upright = estimate_skew(gray)
    _, turned = estimate_skew(gray.rotate(90, expand=True))
    return turned > 1.5 * upright, skew


def osd_rotation(gray: Image.Image) -> int:
    """Degrees (counter-clockwise, as Pillow turns) to put the page upright, by tesseract's OSD."""
    out = _run(gray, ["--psm", "0"], check=False)
    for row in out.splitlines():
        if row.startswith("Rotate:"):
            try:
                return (-int(row.split(":")[1])) % 360
            except ValueError:
                return 0
    return 0


def straighten(gray: Image.Image) -> tuple[Image.Image, int, float]:
    """The image turned upright and deskewed; degrees turned (counter-clockwise) and skew."""
    rotation = 0
    turned, skew = sideways(gray)
    if turned:
        rotation = osd_rotation(gray) or 90
        gray = gray.rotate(rotation, expand=True)
        skew, _ = estimate_skew(gray)
    if abs(skew) >= 0.2:
        gray = gray.rotate(
            skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=_background(gray)
        )
    return gray, rotation, skew


def _background(gray: Image.Image) -> int:
    hist = gray.histogram()
    return int(max(range(256), key=lambda v: hist[v]))


def _run(gray: Image.Image, args: list[str], *, check: bool = True) -> str:
    with tempfile.TemporaryDirectory(prefix="ati-ocr-") as folder:
        path = os.path.join(folder, "page.pgm")  # uncompressed: nothing to encode or decode
        gray.save(path)
        proc = subprocess.run(
            [TESSERACT, path, "-", *args],
            capture_output=True,
            env=ENV,
            timeout=TIMEOUT,
            check=False,
        )
    if check and proc.returncode:
        raise RuntimeError(f"tesseract failed: {proc.stderr.decode(errors='replace')[:300]}")
    return proc.stdout.decode("utf-8", errors="replace")


def recognise(gray: Image.Image, lang: str = "auto", dpi: int = 300) -> OcrResult:
    """The words of an upright page image, in reading order, with their confidences."""
    tsv = _run(gray, ["-l", LANGS.get(lang, LANGS["auto"]), "--dpi", str(dpi), "tsv"])
    width, height = gray.size
    lines: dict[tuple[int, int, int, int], list[tuple[str, Box, float | None]]] = {}
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)
    confidences = []
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = row[11].strip()
        conf = float(row[10])
        if not text or conf < 0:
            continue
        left, top, w, h = (int(v) for v in row[6:10])
        box = (left / width, top / height, (left + w) / width, (top + h) / height)
        key = (int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        lines.setdefault(key, []).append((text, box, conf))
        confidences.append(conf)
    ordered = [lines[k] for k in sorted(lines)]
    if lang in ("fr", "ar"):
        language = lang
    else:
        # Only confident words vote: fra+ara reads stray Arabic letters in French noise.
        sure = [t for line in ordered for t, _, c in line if c is not None and c >= 60]
        language = (
            "ar" if arabic_share(sure or [t for ln in ordered for t, _, _ in ln]) > 0.5 else "fr"
        )
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(ordered, language, mean)
