"""Images as data: every pixel is a point in RGB space (the colour-quantisation lesson).

Data Science from Scratch (ch. 19) and the Python Data Science Handbook's
k-means chapter cluster the pixels of a photo into k colours and redraw the
photo with them. This module reads a PNG or JPEG (or one of scikit-learn's
sample images) into a :class:`Dataset` whose samples are pixels;
:mod:`loaders.recolor` redraws a picture from cluster colours.

Every problem with a file raises :class:`DataError` with the problem and the
fix; a wrong argument from the code raises ``ValueError``.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from collections.abc import Sequence
from pathlib import PurePath

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from loaders.dataset import Dataset
from loaders.errors import DataError
from loaders.pixels import PixelImage

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
MAX_IMAGE_PIXELS = 40_000_000  # width x height a file may declare; checked before decoding
MAX_SIDE = 480  # the picture is scaled down so its longer side is at most this
TREE_SAMPLE = 2_000  # pixels the tree is built on when the picture has more
SAMPLE_IMAGES = {"china": "china.jpg", "flower": "flower.jpg"}
SAMPLE_IMAGE_TITLES = {"china": "China (sample image)", "flower": "Flower (sample image)"}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_OPEN_FORMATS = ("PNG", "JPEG")
_OTHER_IMAGES = {b"GIF87a": "GIF", b"GIF89a": "GIF", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}
_FORMAT_NAMES = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg"}  # MPO: a phone's multi-picture JPEG
_RESAMPLE = Image.Resampling.LANCZOS
# Pillow's errors for a file it cannot decode: UnidentifiedImageError and "image file is
# truncated" are OSError; a bad chunk or header is SyntaxError; a bad field ValueError.
_READ_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error)
_BOMB_PIXELS = re.compile(r"Image size \((\d+) pixels\)")
_PIXEL_NAME = re.compile(r"pixel_(\d+)_(\d+)")
_TURNED = frozenset(range(2, 9))  # EXIF orientations other than 1 (upright)
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers (not DHT, JPG, DAC)


def is_image(raw: bytes, filename: str) -> bool:
    """True when the bytes are a PNG or JPEG file, to be read by :func:`read_image`.

    Parameters
    ----------
    raw : bytes
    filename : str
        A hint only: a name ending in one of :data:`IMAGE_EXTENSIONS` makes
        binary content (a NUL byte near the start) count as a broken image,
        so that :func:`read_image` explains the problem instead of the table
        reader. Text named ``.png`` is not an image.

    Returns
    -------
    bool

    Notes
    -----
    Looks at the first kilobyte only.
    """
    if raw.startswith(_PNG_MAGIC) or raw.startswith(_JPEG_MAGIC):
        return True
    return PurePath(filename).suffix.lower() in IMAGE_EXTENSIONS and b"\x00" in raw[:1024]


def read_image(
    raw: bytes,
    filename: str,
    *,
    max_pixels: int = MAX_IMAGE_PIXELS,
    max_side: int = MAX_SIDE,
    sample_size: int = TREE_SAMPLE,
    seed: int = 0,
) -> Dataset:
    """Read a PNG or JPEG into a dataset whose samples are pixels (R, G, B).

    Parameters
    ----------
    raw : bytes
        The file's content.
    filename : str
        Names the dataset and the messages.
    max_pixels : int
        Files declaring more pixels (width x height) are refused before they
        are decoded.
    max_side : int
        The picture is scaled down (Lanczos) so its longer side is at most this.
    sample_size : int
        The tree is built on every pixel when there are at most this many,
        else on this many drawn at random.
    seed : int
        Seeds the random draw.

    Returns
    -------
    Dataset
        ``features`` (n, 3) float64 in 0..255 are the sampled pixels' R, G, B;
        ``image`` holds the whole (scaled) picture and which pixels are the
        samples; ``sample_names`` are ``"pixel (row, col)"``. Notes say what
        reading did (transparency, orientation, scaling, sampling).

    Raises
    ------
    DataError
        If the file is not a PNG or JPEG, is too large, truncated or corrupt.
    ValueError
        If an argument is out of range.

    Notes
    -----
    Only the header is read before the size check, so a huge file costs
    nothing. Decoding takes memory for the full picture (3 bytes a pixel,
    at most ``3 * max_pixels`` bytes); a JPEG is decoded at a reduced scale
    when it is much larger than ``max_side``. Time is linear in the pixels.
    The decompression-bomb warning is caught with ``warnings.catch_warnings``,
    which changes the process's warning filters while it runs.
    """
    _check_arguments(max_pixels=max_pixels, max_side=max_side, sample_size=sample_size)
    if not raw:
        raise DataError(f"{filename} is empty; upload a PNG or JPEG image, or a table")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw), formats=_OPEN_FORMATS) as picture:
                width, height = picture.size
                if width * height > max_pixels:
                    raise _too_many_pixels(filename, width * height, max_pixels, (width, height))
                file_format = _FORMAT_NAMES.get(picture.format or "", "png")
                pixels, notes = _decode(picture, filename, max_side)
        except DataError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb_error(raw, filename, max_pixels, error) from error
        except UnidentifiedImageError as error:
            raise _unidentified(raw, filename) from error
        except _READ_ERRORS as error:
            raise _unreadable(filename, error) from error
    provenance = {"source": "image", "filename": filename, "format": file_format}
    return _pixel_dataset(filename, pixels, notes, provenance, max_side=max_side, sample_size=sample_size, seed=seed)


def sample_image(key: str, *, max_side: int = MAX_SIDE, sample_size: int = TREE_SAMPLE, seed: int = 0) -> Dataset:
    """One of scikit-learn's sample photos as a pixel dataset, read like :func:`read_image`.

    Parameters
    ----------
    key : str
        A key of :data:`SAMPLE_IMAGES` (``"china"``, ``"flower"``).
    max_side, sample_size, seed
        As for :func:`read_image`.

    Returns
    -------
    Dataset
        Named by :data:`SAMPLE_IMAGE_TITLES`; ``provenance`` is
        ``{"source": "image", "sample_image": "china.jpg", "max_side", "sample_size", "seed"}``
        so code can say ``load_sample_image("china.jpg")``.

    Raises
    ------
    DataError
        If the key is unknown; the message lists the valid keys.

    Notes
    -----
    The photos (640 x 427) ship with scikit-learn; nothing is downloaded.
    Reading one takes about 15 ms.
    """
    if key not in SAMPLE_IMAGES:
        raise DataError(f"unknown sample image {key!r}; choose one of: {', '.join(SAMPLE_IMAGES)}")
    _check_arguments(max_side=max_side, sample_size=sample_size)
    from sklearn.datasets import load_sample_image

    filename = SAMPLE_IMAGES[key]
    picture = Image.fromarray(np.asarray(load_sample_image(filename), dtype=np.uint8))
    _shrink(picture, filename, max_side)  # no note: the menu entry says these photos are scaled for the page
    notes: list[str] = []
    provenance = {"source": "image", "sample_image": filename}
    return _pixel_dataset(
        SAMPLE_IMAGE_TITLES[key],
        np.asarray(picture),
        notes,
        provenance,
        max_side=max_side,
        sample_size=sample_size,
        seed=seed,
    )


def _check_arguments(**values: int) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _decode(picture: Image.Image, filename: str, max_side: int) -> tuple[np.ndarray, list[str]]:
    """Decode an opened file: colour mode, scaling, orientation; the pixels as (h, w, 3) uint8."""
    notes: list[str] = []
    picture = _scalable_mode(picture, filename)
    notes += _shrink(picture, filename, max_side)
    if picture.getexif().get(ExifTags.Base.Orientation, 1) in _TURNED:
        notes.append(f"{filename} was turned upright, as its EXIF orientation tag says.")
    rgb, note = _to_rgb(ImageOps.exif_transpose(picture), filename)
    if note:
        notes.append(note)
    return np.asarray(rgb, dtype=np.uint8), notes


def _scalable_mode(picture: Image.Image, filename: str) -> Image.Image:
    """A mode Pillow can scale smoothly: palettes and 16-bit grey are converted, others kept."""
    mode = picture.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK", "YCbCr"):
        return picture
    if mode == "1":
        return picture.convert("L")
    if mode in ("P", "PA"):
        transparent = mode == "PA" or "transparency" in picture.info
        return picture.convert("RGBA" if transparent else "RGB")
    if mode.startswith("I;16") or mode == "I":
        values = np.asarray(picture).astype(np.float64)
        return Image.fromarray(np.clip(np.rint(values / 257.0), 0, 255).astype(np.uint8))
    raise DataError(f"{filename} has colour mode {mode}, which cannot be read; save it as an 8-bit RGB PNG or JPEG")


def _shrink(picture: Image.Image, filename: str, max_side: int) -> list[str]:
    """Scale the picture down in place so its longer side is at most ``max_side``; a note if it was."""
    width, height = picture.size
    if max(width, height) <= max_side:
        picture.load()
        return []
    picture.thumbnail((max_side, max_side), _RESAMPLE)
    new_width, new_height = picture.size
    return [
        f"{filename} ({width:,} x {height:,} pixels) was scaled down to {new_width:,} x {new_height:,} "
        f"(the longer side at most {max_side:,} pixels) so the page stays quick."
    ]


def _to_rgb(picture: Image.Image, filename: str) -> tuple[Image.Image, str]:
    """The picture in RGB; transparency is composited on white. Returns a note, or ``""``."""
    mode = picture.mode
    if mode == "RGB":
        return picture, ""
    if mode in ("RGBA", "LA"):
        rgba = picture.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] == 255:
            return rgba.convert("RGB"), ""
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        note = f"{filename} has transparent pixels: they were drawn on white."
        return Image.alpha_composite(paper, rgba).convert("RGB"), note
    if mode == "L":
        return picture.convert("RGB"), f"{filename} is greyscale: every pixel has R = G = B."
    return picture.convert("RGB"), f"{filename} was converted from {mode} to RGB."


def _pixel_dataset(
    name: str, pixels: np.ndarray, notes: Sequence[str], provenance: dict, *, max_side: int, sample_size: int, seed: int
) -> Dataset:
    """The dataset of a decoded picture: all pixels, or a seeded random sample of them."""
    height, width = pixels.shape[:2]
    n_pixels = height * width
    if n_pixels <= sample_size:
        index = np.arange(n_pixels, dtype=np.intp)
        how = f"All {n_pixels:,} pixels build the tree."
    else:
        index = np.sort(np.random.RandomState(seed).choice(n_pixels, sample_size, replace=False)).astype(np.intp)
        how = (
            f"{sample_size:,} of {n_pixels:,} pixels, drawn at random (seed {seed}), build the tree; "
            "the redrawn image gives every pixel its nearest cluster's mean colour."
        )
    features = pixels.reshape(-1, 3)[index].astype(np.float64)
    rows, cols = np.divmod(index, width)
    return Dataset(
        name=name,
        features=features,
        feature_names=("R", "G", "B"),
        sample_names=tuple(f"pixel ({r}, {c})" for r, c in zip(rows.tolist(), cols.tolist())),
        notes=(*notes, how),
        provenance={**provenance, "max_side": max_side, "sample_size": sample_size, "seed": seed},
        image=PixelImage(pixels=pixels, sample_index=index),
    )


def _too_many_pixels(filename: str, total: int, max_pixels: int, size: tuple[int, int] | None) -> DataError:
    what = f"is {size[0]:,} x {size[1]:,} pixels ({_count(total)})" if size else f"has {_count(total)} pixels"
    return DataError(f"{filename} {what}; images up to {_count(max_pixels)} pixels can be read: make it smaller first")


def _count(pixels: int) -> str:
    if pixels < 1_000_000:
        return f"{pixels:,}"
    millions = pixels / 1e6
    return f"{millions:,.0f} million" if millions >= 100 else f"{millions:.3g} million"


def _bomb_error(raw: bytes, filename: str, max_pixels: int, error: BaseException) -> DataError:
    """Pillow refused the file as a decompression bomb: name its size and the cap."""
    size = _declared_size(raw)
    match = _BOMB_PIXELS.search(str(error))
    total = size[0] * size[1] if size else int(match.group(1)) if match else 0
    return _too_many_pixels(filename, total, max_pixels, size)


def _declared_size(raw: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR or a JPEG's start-of-frame header, without decoding; None if not found."""
    if raw.startswith(_PNG_MAGIC) and raw[12:16] == b"IHDR" and len(raw) >= 24:
        return struct.unpack(">II", raw[16:24])
    if not raw.startswith(_JPEG_MAGIC):
        return None
    at = 2
    while at + 9 <= len(raw) and raw[at] == 0xFF:
        marker = raw[at + 1]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", raw[at + 5 : at + 9])
            return width, height
        if marker == 0xFF or 0xD0 <= marker <= 0xD8:  # fill byte, or a marker without a length
            at += 1 if marker == 0xFF else 2
            continue
        at += 2 + struct.unpack(">H", raw[at + 2 : at + 4])[0]
    return None


def _unidentified(raw: bytes, filename: str) -> DataError:
    """Pillow did not recognise the file as PNG or JPEG: say what it is, when the first bytes tell."""
    if raw.startswith(_PNG_MAGIC) or raw.startswith(_JPEG_MAGIC):
        return _unreadable(filename, "its header is damaged")
    kind = next((name for magic, name in _OTHER_IMAGES.items() if raw.startswith(magic)), None)
    if kind is None and raw[8:12] == b"WEBP":
        kind = "WebP"
    what = f"a {kind} image" if kind else "not a PNG or JPEG image"
    return DataError(f"{filename} is {what}, which cannot be read; save it as PNG or JPEG and upload it again")


def _unreadable(filename: str, error: BaseException | str) -> DataError:
    reason = error if isinstance(error, str) else str(error).splitlines()[0] if str(error) else type(error).__name__
    return DataError(
        f"{filename} could not be decoded ({reason}): the file is truncated or corrupt; "
        "open it in an image editor, save it again as PNG or JPEG, and upload that"
    )


# Recolouring: the picture redrawn with cluster colours


def pixel_grid_shape(feature_names: Sequence[str]) -> tuple[int, int] | None:
    """(rows, cols) when the features are the pixels of one grey image, else None.

    Parameters
    ----------
    feature_names : sequence of str
        Every name must be ``pixel_<r>_<c>`` and together they must cover a
        full rows x cols grid in row-major order (scikit-learn's digits:
        ``pixel_0_0`` ... ``pixel_7_7``).

    Returns
    -------
    tuple of int or None
    """
    cells = [_PIXEL_NAME.fullmatch(str(name)) for name in feature_names]
    if not cells or not all(cells):
        return None
    rows = max(int(m.group(1)) for m in cells) + 1
    cols = max(int(m.group(2)) for m in cells) + 1
    expected = [f"pixel_{r}_{c}" for r in range(rows) for c in range(cols)]
    return (rows, cols) if list(map(str, feature_names)) == expected else None
