"""ember.vision.transforms: tensor paths against torch tensor ops, PIL paths against Pillow and
hand-computed values, random transforms against ember.manual_seed."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from PIL import Image

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

rng = np.random.default_rng(0)
RGB = rng.integers(0, 256, (9, 13, 3), dtype=np.uint8)
FLOAT = rng.random((2, 3, 11, 14), dtype=np.float32)


def pil():
    return Image.fromarray(RGB)


def et(a):
    return ember.tensor(a)


def close(e, t, atol=1e-5):
    e = e._data if isinstance(e, ember.Tensor) else np.asarray(e)
    t = t.numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    assert e.shape == t.shape and e.dtype == t.dtype, (e.shape, t.shape, e.dtype, t.dtype)
    np.testing.assert_allclose(e.astype(np.float64), t.astype(np.float64), atol=atol)


def test_to_tensor_and_back():
    x = T.ToTensor()(pil())
    assert x.shape == (3, 9, 13) and x.dtype == ember.float32
    close(x, torch.from_numpy(RGB).permute(2, 0, 1).float() / 255)
    close(T.PILToTensor()(pil()), torch.from_numpy(RGB).permute(2, 0, 1))
    back = T.ToPILImage()(x)
    assert back.mode == "RGB" and np.array_equal(np.asarray(back), RGB)
    gray = T.ToPILImage()(ember.tensor(RGB[:, :, :1].transpose(2, 0, 1).copy()))
    assert gray.mode == "L"
    assert T.ToTensor()(RGB.astype(np.float64)).dtype == ember.float64
    with pytest.raises(TypeError):
        T.ToTensor()([1, 2])


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest"])
@pytest.mark.parametrize("size", [(5, 6), (20, 31), (11, 7)])
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_tensor_matches_interpolate(mode, size, antialias):
    e = F.resize(et(FLOAT), size, F.InterpolationMode(mode), antialias=antialias)
    kw = {} if mode == "nearest" else dict(align_corners=False, antialias=antialias)
    t = TF.interpolate(torch.from_numpy(FLOAT), size=size, mode=mode, **kw)
    close(e, t, atol=1e-5)


def test_resize_int_size_and_pil():
    assert F.resize(et(FLOAT), 7).shape == (2, 3, 7, 8)  # shorter edge 11 -> 7, 14 -> int(8.9)
    assert T.Resize(4)(pil()).size == (5, 4)
    assert T.Resize((4, 6))(pil()).size == (6, 4)
    ref = pil().resize((6, 4), Image.BILINEAR)
    assert np.array_equal(np.asarray(T.Resize((4, 6))(pil())), np.asarray(ref))
    assert T.Resize(6, max_size=7)(pil()).size == (7, 5)
    u8 = ember.tensor(RGB.transpose(2, 0, 1).copy())
    assert F.resize(u8, (4, 6)).dtype == ember.uint8


def test_crops_hand_checked():
    x = et(np.arange(30, dtype=np.float32).reshape(1, 5, 6))
    # top = round((5 - 3) / 2) = 1, left = round(1.5) = 2 (round half to even, as torchvision)
    assert F.center_crop(x, 3)._data[0].tolist() == [[8, 9, 10], [14, 15, 16], [20, 21, 22]]
    assert F.center_crop(x, [2, 4])._data[0].tolist() == [[13, 14, 15, 16], [19, 20, 21, 22]]
    padded = F.center_crop(x, 7)._data[0]  # pads 1 top, 1 bottom, 0 left, 1 right
    assert padded.shape == (7, 7) and padded[0].tolist() == [0] * 7
    assert padded[1].tolist() == [0, 1, 2, 3, 4, 5, 0]
    assert F.crop(x, 1, 2, 2, 2)._data[0].tolist() == [[8, 9], [14, 15]]
    assert F.crop(x, -1, -1, 2, 2)._data[0].tolist() == [[0, 0], [0, 0]]
    assert T.CenterCrop(5)(pil()).size == (5, 5)
    c = T.CenterCrop((3, 5))(pil())
    assert np.array_equal(np.asarray(c), RGB[3:6, 4:9])


@pytest.mark.parametrize(
    "mode, torch_mode", [("constant", "constant"), ("edge", "replicate"), ("reflect", "reflect")]
)
def test_pad_tensor_matches_torch(mode, torch_mode):
    e = F.pad(et(FLOAT), [1, 2, 3, 1], padding_mode=mode)
    t = TF.pad(torch.from_numpy(FLOAT), (1, 3, 2, 1), mode=torch_mode)
    close(e, t)
    sym = F.pad(et(FLOAT), 2, padding_mode="symmetric")._data
    assert np.array_equal(sym[..., 0:2, 2:-2], FLOAT[..., 1::-1, :])


def test_pad_pil_fill_and_modes():
    p = T.Pad((1, 2), fill=(9, 8, 7))(pil())
    a = np.asarray(p)
    assert p.size == (15, 13) and a[0, 0].tolist() == [9, 8, 7]
    assert np.array_equal(a[2:-2, 1:-1], RGB)
    r = np.asarray(F.pad(pil(), 2, padding_mode="reflect"))
    assert np.array_equal(r, np.pad(RGB, ((2, 2), (2, 2), (0, 0)), mode="reflect"))


def test_flips():
    close(F.hflip(et(FLOAT)), torch.from_numpy(FLOAT).flip(-1))
    close(F.vflip(et(FLOAT)), torch.from_numpy(FLOAT).flip(-2))
    assert np.array_equal(np.asarray(F.hflip(pil())), RGB[:, ::-1])
    assert T.RandomHorizontalFlip(p=0.0)(pil()).tobytes() == pil().tobytes()
    assert np.array_equal(np.asarray(T.RandomVerticalFlip(p=1.0)(pil())), RGB[::-1])


def test_normalize():
    mean, std = [0.1, 0.2, 0.3], [0.5, 0.25, 2.0]
    x = et(FLOAT)
    expected = (torch.from_numpy(FLOAT) - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[
        :, None, None
    ]
    close(T.Normalize(mean, std)(x), expected)
    y = et(FLOAT.copy())
    out = T.Normalize(mean, std, inplace=True)(y)
    assert out is y
    close(y, expected)
    with pytest.raises(TypeError):
        F.normalize(ember.tensor(RGB), mean, std)
    with pytest.raises(ValueError):
        F.normalize(et(FLOAT), mean, [1.0, 0.0, 1.0])
    g = et(FLOAT).requires_grad_()
    F.normalize(g, mean, std).sum().backward()
    close(g.grad, torch.ones(2, 3, 11, 14) / torch.tensor(std)[:, None, None])


def test_convert_image_dtype():
    u8 = ember.tensor(np.array([[[0, 128, 255]]], np.uint8))
    close(F.convert_image_dtype(u8, ember.float32), torch.tensor([[[0, 128, 255]]]) / 255.0)
    f = ember.tensor([[[0.0, 0.5, 1.0]]])
    assert F.convert_image_dtype(f, ember.uint8).tolist() == [[[0, 127, 255]]]
    assert F.convert_image_dtype(u8, ember.int16).tolist() == [[[0, 128 * 128, 255 * 128]]]


def test_grayscale_and_color():
    x = et(FLOAT[0])
    expected = 0.2989 * FLOAT[0, 0] + 0.587 * FLOAT[0, 1] + 0.114 * FLOAT[0, 2]
    np.testing.assert_allclose(F.rgb_to_grayscale(x)._data[0], expected, rtol=1e-6)
    assert F.rgb_to_grayscale(x, 3).shape == (3, 11, 14)
    assert T.Grayscale()(pil()).mode == "L"
    assert T.RandomGrayscale(p=1.0)(pil()).mode == "RGB"
    close(F.adjust_brightness(x, 0.5), torch.from_numpy(FLOAT[0]) * 0.5)
    close(F.adjust_brightness(x, 3.0), (torch.from_numpy(FLOAT[0]) * 3).clamp(0, 1))
    mean = expected.mean()
    close(F.adjust_contrast(x, 0.3), (0.3 * FLOAT[0] + 0.7 * mean).astype(np.float32))
    close(F.adjust_saturation(x, 0.0), np.broadcast_to(expected, (3, 11, 14)).astype(np.float32))
    close(F.adjust_hue(x, 0.0), FLOAT[0], atol=1e-5)
    shifted = F.adjust_hue(et(np.array([[[1.0]], [[0.0]], [[0.0]]], np.float32)), 1 / 3)
    np.testing.assert_allclose(shifted._data[:, 0, 0], [0, 1, 0], atol=1e-6)  # red -> green
    assert F.adjust_hue(pil(), 0.25).mode == "RGB"
    out = T.ColorJitter(0.4, 0.4, 0.4, 0.1)(x)
    assert out.shape == x.shape and out.dtype == x.dtype
    with pytest.raises(ValueError):
        F.adjust_hue(x, 0.7)


def test_gaussian_blur_matches_conv():
    x = torch.from_numpy(FLOAT)
    k = torch.exp(-0.5 * (torch.linspace(-2, 2, 5) / 1.5) ** 2)
    k = k / k.sum()
    kernel = (k[:, None] * k[None, :]).expand(3, 1, 5, 5)
    expected = TF.conv2d(TF.pad(x, (2, 2, 2, 2), mode="reflect"), kernel, groups=3)
    close(F.gaussian_blur(et(FLOAT), 5, 1.5), expected, atol=1e-5)
    assert T.GaussianBlur(3)(pil()).size == (13, 9)
    with pytest.raises(ValueError):
        F.gaussian_blur(et(FLOAT), 4, 1.0)


def test_rotate_and_affine_tensor_match_pil():
    u8 = ember.tensor(RGB.transpose(2, 0, 1).copy())
    for angle in (90, 30, -45):
        from_pil = np.asarray(F.rotate(pil(), angle)).transpose(2, 0, 1)
        assert np.array_equal(F.rotate(u8, angle)._data, from_pil)
    expanded = np.asarray(F.rotate(pil(), 90, expand=True)).transpose(2, 0, 1)
    assert F.rotate(u8, 90, expand=True)._data.shape == expanded.shape
    assert np.array_equal(F.rotate(u8, 90, expand=True)._data, expanded)
    args = dict(angle=20, translate=(1, -2), scale=1.1, shear=(5, 3))
    e = F.affine(u8, **args, fill=7)._data
    p = np.asarray(F.affine(pil(), **args, fill=7)).transpose(2, 0, 1)
    assert (e != p).mean() < 0.02  # rounding of coordinates may differ on a few edge pixels
    r90 = F.rotate(et(np.arange(4.0, dtype=np.float32).reshape(1, 2, 2)), 90)
    assert r90._data[0].tolist() == [[1, 3], [0, 2]]  # counter-clockwise
    assert F.rotate(pil(), 30, interpolation=T.InterpolationMode.BILINEAR).size == (13, 9)


def test_erase():
    x = et(FLOAT[0].copy())
    out = F.erase(x, 1, 2, 3, 4, 0.0)
    ref = FLOAT[0].copy()
    ref[:, 1:4, 2:6] = 0
    close(out, ref)
    assert out is not x
    ember.manual_seed(0)
    erased = T.RandomErasing(p=1.0, value=(1.0, 2.0, 3.0))(x)
    changed = erased._data != x._data
    assert changed.any() and (erased._data[1][changed[1]] == 2.0).all()
    assert T.RandomErasing(p=1.0, value="random")(x).shape == x.shape


def test_random_transforms_follow_manual_seed():
    pipeline = T.Compose(
        [
            T.RandomResizedCrop(6),
            T.RandomCrop(5, padding=2, padding_mode="edge"),
            T.RandomRotation(20),
            T.RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5),
            T.RandomApply([T.ColorJitter(0.3)], p=0.5),
            T.RandomChoice([T.RandomHorizontalFlip(), T.RandomVerticalFlip()]),
            T.RandomOrder([T.GaussianBlur(3), T.RandomGrayscale()]),
            T.ToTensor(),
        ]
    )
    ember.manual_seed(7)
    a = [pipeline(pil())._data for _ in range(3)]
    ember.manual_seed(7)
    b = [pipeline(pil())._data for _ in range(3)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert a[0].shape == (3, 5, 5)


def test_random_crop_params():
    ember.manual_seed(0)
    seen = set()
    for _ in range(50):
        seen.add(T.RandomCrop.get_params(pil(), (7, 7))[:2])
    assert all(0 <= i <= 2 and 0 <= j <= 6 for i, j in seen) and len(seen) > 5
    assert T.RandomCrop(20, pad_if_needed=True)(pil()).size == (20, 20)
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop(20)(pil())
    i, j, h, w = T.RandomResizedCrop.get_params(pil(), (0.08, 1.0), (3 / 4, 4 / 3))
    assert 0 < h <= 9 and 0 < w <= 13 and i + h <= 9 and j + w <= 13


def test_lambda_and_errors():
    assert T.Lambda(lambda v: v + 1)(1) == 2
    with pytest.raises(TypeError):
        T.Lambda(3)
    with pytest.raises(TypeError):
        F.hflip([1, 2])
    assert "Normalize" in repr(T.Compose([T.Normalize([0.5], [0.5])]))


NO_PILLOW = """
import sys
sys.modules["PIL"] = None  # makes `import PIL` fail as if Pillow were not installed
import numpy as np
import ember
from ember.vision import transforms as T, datasets
x = ember.tensor(np.random.rand(3, 8, 8).astype(np.float32))
out = T.Compose([T.RandomCrop(6, padding=1), T.RandomHorizontalFlip(), T.Resize(4),
                 T.Normalize([0.5] * 3, [0.2] * 3)])(x)
assert out.shape == (3, 4, 4)
assert datasets.Digits()[0][0].shape == (1, 8, 8)
try:
    T.ToPILImage()(x)
except ImportError as e:
    print(e)
"""


def test_works_without_pillow():
    import subprocess
    import sys

    root = __file__.rsplit("/tests/", 1)[0]
    out = subprocess.run(
        [sys.executable, "-c", NO_PILLOW], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "ember[vision]" in out.stdout


PHOTOMETRIC = [
    ("invert", ()),
    ("posterize", (3,)),
    ("solarize", (100,)),
    ("autocontrast", ()),
    ("equalize", ()),
    ("adjust_sharpness", (1.7,)),
    ("adjust_sharpness", (0.0,)),
]


@pytest.mark.parametrize("name, args", PHOTOMETRIC)
def test_photometric_tensor_matches_pillow(name, args):
    u8 = ember.tensor(RGB.transpose(2, 0, 1).copy())
    from_tensor = getattr(F, name)(u8, *args)._data
    from_pil = np.asarray(getattr(F, name)(pil(), *args)).transpose(2, 0, 1)
    assert from_tensor.dtype == np.uint8
    assert np.abs(from_tensor.astype(int) - from_pil.astype(int)).max() <= 1


def test_photometric_float_tensors_and_classes():
    x = et(FLOAT[0])
    close(F.invert(x), 1 - torch.from_numpy(FLOAT[0]))
    close(
        F.solarize(x, 0.5),
        torch.where(
            torch.from_numpy(FLOAT[0]) >= 0.5,
            1 - torch.from_numpy(FLOAT[0]),
            torch.from_numpy(FLOAT[0]),
        ),
    )
    stretched = F.autocontrast(x)._data
    assert np.allclose(stretched.min(axis=(1, 2)), 0) and np.allclose(stretched.max(axis=(1, 2)), 1)
    with pytest.raises(TypeError):
        F.equalize(x)
    crops = T.FiveCrop(4)(pil())
    assert len(crops) == 5 and all(c.size == (4, 4) for c in crops)
    assert np.array_equal(np.asarray(crops[3]), RGB[5:, 9:])
    ten = T.TenCrop((3, 5))(et(FLOAT[0]))
    assert len(ten) == 10 and np.array_equal(ten[5]._data, FLOAT[0, :, :3, ::-1][:, :, :5])
    with pytest.raises(ValueError):
        T.FiveCrop(20)(pil())
    for t in (
        T.RandomInvert(1.0),
        T.RandomPosterize(2, 1.0),
        T.RandomSolarize(128, 1.0),
        T.RandomAdjustSharpness(2, 1.0),
        T.RandomAutocontrast(1.0),
        T.RandomEqualize(1.0),
    ):
        assert t(pil()).size == (13, 9)
    img = pil()
    assert T.RandomEqualize(0.0)(img) is img


def test_perspective_tensor_matches_pillow():
    u8 = ember.tensor(RGB.transpose(2, 0, 1).copy())
    start = [[0, 0], [12, 0], [12, 8], [0, 8]]
    end = [[2, 1], [11, 0], [12, 7], [1, 8]]
    nearest = T.InterpolationMode.NEAREST
    e = F.perspective(u8, start, end, nearest, fill=3)._data
    p = np.asarray(F.perspective(pil(), start, end, nearest, fill=3)).transpose(2, 0, 1)
    assert np.array_equal(e, p)
    e = F.perspective(u8, start, end, fill=3)._data.astype(int)
    p = np.asarray(F.perspective(pil(), start, end, fill=3)).transpose(2, 0, 1).astype(int)
    assert np.abs(e - p).max() <= 1
    identity = F.perspective(et(FLOAT[0]), start, start)
    close(identity, FLOAT[0], atol=1e-5)
    ember.manual_seed(0)
    out = T.RandomPerspective(0.5, p=1.0)(u8)
    assert out.shape == u8.shape and not np.array_equal(out._data, u8._data)
    s, e = T.RandomPerspective.get_params(13, 9, 0.5)
    assert s[2] == [12, 8] and 0 <= e[0][0] <= 3 and 9 <= e[1][0] <= 12


@pytest.mark.parametrize("center", [None, [3, 2], [10, 7]])
def test_rotate_and_affine_about_a_center_match_pillow(center):
    u8 = ember.tensor(RGB.transpose(2, 0, 1).copy())
    e = F.affine(u8, 25, (1, 0), 1.0, (0, 0), center=center)._data
    p = np.asarray(F.affine(pil(), 25, (1, 0), 1.0, (0, 0), center=center)).transpose(2, 0, 1)
    assert np.array_equal(e, p)
    e = F.rotate(u8, 25, center=center)._data
    p = np.asarray(F.rotate(pil(), 25, center=center)).transpose(2, 0, 1)
    assert np.array_equal(e, p)
