"""Images as data (loaders/images.py, loaders/recolor.py): reading, sampling, recolouring, small pictures."""

import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from loaders.errors import DataError
from loaders.images import MAX_SIDE, SAMPLE_IMAGES, TREE_SAMPLE, is_image, pixel_grid_shape, read_image, sample_image
from loaders.pixels import PixelImage
from loaders.recolor import (
    EMPTY_CLUSTER_GREY,
    cluster_colors,
    grey_image_uri,
    hex_color,
    nearest_center,
    png_data_uri,
    recolor,
    recolor_by,
)


def encode(array_or_image, fmt="PNG", **save) -> bytes:
    picture = array_or_image if isinstance(array_or_image, Image.Image) else Image.fromarray(array_or_image)
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **save)
    return buffer.getvalue()


def random_rgb(height, width, seed=0) -> np.ndarray:
    return np.random.RandomState(seed).randint(0, 256, size=(height, width, 3)).astype(np.uint8)


def decode_uri(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height but holds (almost) no pixel data: decoding it would fail."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 10))


# Reading


def test_png_round_trips_to_its_pixels_as_features():
    pixels = random_rgb(4, 5)
    data = read_image(encode(pixels), "tiny.png")
    assert data.name == "tiny.png"
    assert data.feature_names == ("R", "G", "B")
    assert data.features.dtype == np.float64
    np.testing.assert_array_equal(data.features, pixels.reshape(-1, 3).astype(float))
    np.testing.assert_array_equal(data.image.pixels, pixels)
    np.testing.assert_array_equal(data.image.sample_index, np.arange(20))
    assert data.sample_names[:2] == ("pixel (0, 0)", "pixel (0, 1)")
    assert data.sample_names[7] == "pixel (1, 2)"
    assert data.notes == ("All 20 pixels build the tree.",)
    assert data.provenance == {
        "source": "image",
        "filename": "tiny.png",
        "format": "png",
        "max_side": MAX_SIDE,
        "sample_size": TREE_SAMPLE,
        "seed": 0,
    }
    assert data.classes is None and data.image_shape is None


def test_jpeg_is_read_with_its_format_and_close_colours():
    pixels = np.full((16, 16, 3), (200, 40, 90), dtype=np.uint8)
    data = read_image(encode(pixels, "JPEG", quality=95), "photo.jpg")
    assert data.provenance["format"] == "jpeg"
    assert data.features.shape == (256, 3)
    assert np.abs(data.features - [200, 40, 90]).max() <= 4


def test_transparent_pixels_are_drawn_on_white_with_a_note():
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)
    rgba[0, 0] = (10, 20, 30, 255)  # opaque
    rgba[0, 1] = (10, 20, 30, 0)  # fully transparent: white
    rgba[1, 0] = (0, 0, 0, 128)  # half black on white
    rgba[1, 1] = (255, 0, 0, 255)
    data = read_image(encode(rgba), "logo.png")
    got = data.image.pixels
    np.testing.assert_array_equal(got[0, 0], (10, 20, 30))
    np.testing.assert_array_equal(got[0, 1], (255, 255, 255))
    assert np.all(np.abs(got[1, 0].astype(int) - 127) <= 1)
    np.testing.assert_array_equal(got[1, 1], (255, 0, 0))
    assert any("transparent" in note and "white" in note for note in data.notes)


def test_opaque_rgba_gets_no_transparency_note():
    rgba = np.dstack([random_rgb(3, 3), np.full((3, 3), 255, dtype=np.uint8)])
    data = read_image(encode(rgba), "opaque.png")
    np.testing.assert_array_equal(data.image.pixels, rgba[..., :3])
    assert not any("transparent" in note for note in data.notes)


def test_palette_image_is_read_as_its_colours():
    picture = Image.new("P", (3, 1))
    picture.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * (253 * 3))
    picture.putdata([0, 1, 2])
    data = read_image(encode(picture), "palette.png")
    np.testing.assert_array_equal(data.features, [[255, 0, 0], [0, 255, 0], [0, 0, 255]])


def test_palette_transparency_is_drawn_on_white():
    picture = Image.new("P", (2, 1))
    picture.putpalette([9, 9, 9, 200, 100, 50] + [0] * (254 * 3))
    picture.putdata([0, 1])
    data = read_image(encode(picture, transparency=0), "palette.png")
    np.testing.assert_array_equal(data.features, [[255, 255, 255], [200, 100, 50]])


@pytest.mark.parametrize(
    ("picture", "expected"),
    [
        (Image.fromarray(np.array([[0, 128, 255]], dtype=np.uint8)), [0, 128, 255]),
        (Image.fromarray(np.array([[0, 32896, 65535]], dtype=np.uint16)), [0, 128, 255]),  # 16-bit grey
        (Image.fromarray(np.array([[False, True]])), [0, 255]),  # 1-bit
    ],
    ids=["8-bit", "16-bit", "1-bit"],
)
def test_grey_images_have_equal_channels_and_a_note(picture, expected):
    data = read_image(encode(picture), "grey.png")
    np.testing.assert_array_equal(data.features, np.repeat(np.array(expected, dtype=float)[:, None], 3, axis=1))
    assert any("greyscale" in note for note in data.notes)


def test_exif_orientation_turns_the_picture_upright():
    pixels = random_rgb(2, 3)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to view"
    data = read_image(encode(pixels, exif=exif.tobytes()), "phone.png")
    np.testing.assert_array_equal(data.image.pixels, np.rot90(pixels, k=-1))
    assert any("EXIF orientation" in note for note in data.notes)


def test_large_picture_is_scaled_down_to_max_side_with_a_note():
    pixels = np.zeros((200, 1000, 3), dtype=np.uint8)
    pixels[:, 500:] = (250, 250, 0)
    data = read_image(encode(pixels), "wide.png", sample_size=100)
    assert data.image.pixels.shape == (96, 480, 3)
    assert data.provenance["max_side"] == 480
    assert any("1,000 x 200" in note and "480 x 96" in note for note in data.notes)
    small = read_image(encode(pixels, "JPEG"), "wide.jpg", max_side=100, sample_size=100)
    assert small.image.pixels.shape == (20, 100, 3)
    assert small.provenance["max_side"] == 100


def test_many_pixels_are_sampled_at_random_with_a_seed():
    pixels = random_rgb(50, 60)
    data = read_image(encode(pixels), "many.png", sample_size=500, seed=3)
    index = data.image.sample_index
    assert data.features.shape == (500, 3) and len(data.sample_names) == 500
    assert np.all(np.diff(index) > 0) and index.max() < 3000
    np.testing.assert_array_equal(data.features, pixels.reshape(-1, 3)[index])
    row, col = divmod(int(index[0]), 60)
    assert data.sample_names[0] == f"pixel ({row}, {col})"
    assert "500 of 3,000 pixels, drawn at random (seed 3), build the tree" in data.notes[-1]
    assert data.provenance["sample_size"] == 500 and data.provenance["seed"] == 3
    again = read_image(encode(pixels), "many.png", sample_size=500, seed=3)
    np.testing.assert_array_equal(again.image.sample_index, index)
    assert again.fingerprint == data.fingerprint
    other = read_image(encode(pixels), "many.png", sample_size=500, seed=4)
    assert not np.array_equal(other.image.sample_index, index)


def test_huge_png_header_is_refused_before_decoding():
    raw = png_header_only(20_000, 30_000)
    with pytest.raises(DataError) as error:
        read_image(raw, "photo.png")
    assert str(error.value) == (
        "photo.png is 20,000 x 30,000 pixels (600 million); images up to 40 million pixels can be read: "
        "make it smaller first"
    )


def test_pillow_bomb_warning_range_is_refused_with_the_size():
    # 100 million pixels: above Pillow's warning limit (89 million), below its error limit.
    with pytest.raises(DataError, match=r"10,000 x 10,000 pixels \(100 million\)"):
        read_image(png_header_only(10_000, 10_000), "big.png", max_pixels=200_000_000)


def test_huge_jpeg_header_is_refused_with_its_size():
    raw = bytearray(encode(random_rgb(8, 8), "JPEG"))
    at = raw.index(b"\xff\xc0")  # baseline start of frame: length, precision, height, width
    raw[at + 5 : at + 9] = struct.pack(">HH", 60_000, 50_000)
    with pytest.raises(DataError, match=r"photo.jpg is 50,000 x 60,000 pixels \(3,000 million\); images up to 40"):
        read_image(bytes(raw), "photo.jpg")


def test_max_pixels_is_checked_on_the_header_alone():
    # The header promises 100 x 100 pixels, the data is missing: only the size is reported.
    with pytest.raises(DataError, match=r"100 x 100 pixels \(10,000\); images up to 5,000 pixels can be read"):
        read_image(png_header_only(100, 100), "small.png", max_pixels=5_000)


def test_truncated_file_is_refused_with_a_message():
    raw = encode(random_rgb(64, 64))
    with pytest.raises(DataError, match=r"cut\.png could not be decoded .*truncated or corrupt.*save it again"):
        read_image(raw[: len(raw) // 2], "cut.png")
    jpeg = encode(random_rgb(64, 64), "JPEG")
    with pytest.raises(DataError, match="truncated or corrupt"):
        read_image(jpeg[: len(jpeg) // 2], "cut.jpg")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, r"could not be decoded \(its header is damaged\)"),
        (b"not an image at all", "is not a PNG or JPEG image, which cannot be read; save it as PNG or JPEG"),
        (encode(random_rgb(4, 4), "GIF"), "is a GIF image, which cannot be read; save it as PNG or JPEG"),
    ],
    ids=["broken-png", "text", "gif"],
)
def test_not_a_readable_png_or_jpeg_is_refused(raw, message):
    with pytest.raises(DataError, match=f"picture.png {message}"):
        read_image(raw, "picture.png")


def test_empty_file_is_refused():
    with pytest.raises(DataError, match="empty"):
        read_image(b"", "nothing.png")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="sample_size"):
        read_image(encode(random_rgb(2, 2)), "x.png", sample_size=0)
    with pytest.raises(ValueError, match="max_side"):
        sample_image("china", max_side=-1)


def test_is_image_goes_by_content_and_uses_the_name_as_a_hint():
    png, jpeg = encode(random_rgb(2, 2)), encode(random_rgb(2, 2), "JPEG")
    csv = b"x,y\n1,2\n3,4\n"
    assert is_image(png, "a.png") and is_image(jpeg, "a.jpg")
    assert is_image(png, "misnamed.csv") and is_image(jpeg, "noname")
    assert not is_image(csv, "data.csv")
    assert not is_image(csv, "data.png")  # text is not an image, whatever its name
    assert is_image(b"\x00\x01binary junk", "broken.JPEG")  # binary + image name: read_image explains
    assert not is_image(b"\x00\x01binary junk", "broken.bin")


# Sample images


@pytest.mark.parametrize("key", list(SAMPLE_IMAGES))
def test_sample_images_load_as_sampled_pixels(key):
    data = sample_image(key)
    assert data.name == f"{key.title()} (sample image)"
    assert data.features.shape == (TREE_SAMPLE, 3)
    assert data.image.pixels.shape == (320, 480, 3)
    assert data.provenance == {
        "source": "image",
        "sample_image": SAMPLE_IMAGES[key],
        "max_side": MAX_SIDE,
        "sample_size": TREE_SAMPLE,
        "seed": 0,
    }
    assert not any("scaled down" in note for note in data.notes)  # the menu entry says so
    assert "2,000 of 153,600 pixels" in data.notes[-1]


def test_unknown_sample_image_lists_the_keys():
    with pytest.raises(DataError, match="china, flower"):
        sample_image("mona-lisa")


# Recolouring


def brute_force_nearest(pixels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    flat = pixels.reshape(-1, 3).astype(float)
    distances = [[float(((p - c) ** 2).sum()) for c in centers] for p in flat]
    return np.array([int(np.argmin(row)) for row in distances]) + 1


def test_cluster_colors_are_the_rounded_means_and_skip_label_zero():
    features = np.array([[0, 0, 0], [10, 20, 31], [255, 255, 255], [100, 100, 100]], dtype=float)
    colors = cluster_colors(features, np.array([1, 1, 3, 0]))
    assert colors.dtype == np.uint8 and colors.shape == (3, 3)
    np.testing.assert_array_equal(colors[0], (5, 10, 16))
    np.testing.assert_array_equal(colors[1], (EMPTY_CLUSTER_GREY,) * 3)  # cluster 2 has no sample
    np.testing.assert_array_equal(colors[2], (255, 255, 255))


def test_recolor_uses_exactly_k_colours_and_matches_brute_force():
    pixels = random_rgb(30, 40, seed=1)
    image = PixelImage(pixels=pixels, sample_index=np.arange(1200))
    # k = 6 centres that are pixels of the picture, so each is at least its own pixel's nearest.
    centers = pixels.reshape(-1, 3)[[0, 100, 333, 500, 901, 1199]]
    out = recolor(image, centers)
    assert out.shape == pixels.shape and out.dtype == np.uint8
    assert len(np.unique(out.reshape(-1, 3), axis=0)) == 6
    expected = centers[brute_force_nearest(pixels, centers) - 1].reshape(pixels.shape)
    np.testing.assert_array_equal(out, expected)


def test_nearest_center_matches_brute_force_with_fractional_centres_and_chunks(monkeypatch):
    monkeypatch.setattr("loaders.recolor._CHUNK_ELEMENTS", 50)  # many small chunks
    pixels = random_rgb(12, 10, seed=2)
    centers = np.random.RandomState(5).uniform(0, 255, size=(7, 3))
    np.testing.assert_array_equal(nearest_center(pixels.reshape(-1, 3), centers), brute_force_nearest(pixels, centers))
    image = PixelImage(pixels=pixels, sample_index=np.arange(120))
    expected = np.rint(centers).astype(np.uint8)[brute_force_nearest(pixels, centers) - 1].reshape(pixels.shape)
    np.testing.assert_array_equal(recolor(image, centers), expected)


def test_recolor_by_paints_the_model_labels():
    pixels = random_rgb(5, 6, seed=3)
    image = PixelImage(pixels=pixels, sample_index=np.arange(30))
    colors = np.array([[0, 0, 0], [255, 255, 255]], dtype=np.uint8)
    out = recolor_by(image, lambda flat: np.where(flat[:, 0] >= 128, 2, 1), colors)
    np.testing.assert_array_equal(out, np.where(pixels[..., :1] >= 128, 255, 0).repeat(3, axis=2))
    with pytest.raises(ValueError, match=r"1\.\.2"):
        recolor_by(image, lambda flat: np.zeros(len(flat), dtype=int), colors)


# Small pictures and names


def test_png_data_uri_round_trips_colour_and_grey():
    pixels = random_rgb(7, 9)
    np.testing.assert_array_equal(decode_uri(png_data_uri(pixels)), pixels)
    grey = pixels[..., 0]
    np.testing.assert_array_equal(decode_uri(png_data_uri(grey)), grey)
    with pytest.raises(ValueError, match="uint8"):
        png_data_uri(pixels.astype(float))


def test_grey_image_uri_draws_dark_ink_on_light_paper_in_crisp_blocks():
    vector = np.zeros(64)
    vector[0] = 16.0  # top-left pixel: full ink
    vector[9] = 8.0  # (1, 1): half ink
    picture = decode_uri(grey_image_uri(vector))
    assert picture.shape == (48, 48)
    assert np.all(picture[:6, :6] == 0) and np.all(picture[6:12, 6:12] == 127)
    assert picture[0, 6] == 255 and picture[47, 47] == 255
    light_on_dark = decode_uri(grey_image_uri(vector, shape=(4, 16), scale=2, invert=False))
    assert light_on_dark.shape == (8, 32) and light_on_dark[0, 0] == 255


def test_hex_color():
    assert hex_color((255, 0, 16)) == "#ff0010"
    assert hex_color(np.array([1.4, 127.6, 0], dtype=float)) == "#018000"
    with pytest.raises(ValueError):
        hex_color((256, 0, 0))


def test_pixel_grid_shape_recognises_digits_and_nothing_else():
    from sklearn.datasets import load_digits

    assert pixel_grid_shape(load_digits().feature_names) == (8, 8)
    assert pixel_grid_shape([f"pixel_{r}_{c}" for r in range(2) for c in range(3)]) == (2, 3)
    assert pixel_grid_shape(["R", "G", "B"]) is None
    assert pixel_grid_shape([]) is None
    assert pixel_grid_shape(["pixel_0_0", "pixel_0_1", "pixel_1_0"]) is None  # incomplete grid
    assert pixel_grid_shape(["pixel_0_1", "pixel_0_0"]) is None  # not row-major
    assert pixel_grid_shape(["pixel_0_0", "pixel_0_0"]) is None


def test_damaged_files_raise_only_data_error():
    import random

    rng = random.Random(0)
    sources = [encode(random_rgb(12, 16)), encode(random_rgb(12, 16), "JPEG")]
    for i in range(300):
        raw = bytearray(sources[i % 2])
        if i % 3 == 0:
            raw = raw[: rng.randrange(1, len(raw))]
        else:
            for _ in range(rng.randrange(1, 8)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        try:
            data = read_image(bytes(raw), "damaged.png")
        except DataError:
            continue
        assert data.features.shape[1] == 3
