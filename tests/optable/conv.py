"""Table entries: convolution, pooling, padding, resampling (torch.nn.functional's forms).

Linear ops (pad, unfold, interpolate, avg pooling...) have gradients that do not depend on the
input, so their double backward is checked through the "grad-graph" entries: the gradient
itself, taken with ``create_graph=True``, is the entry's output, and it is differentiated
again with respect to the upstream gradient and the input.
"""

from __future__ import annotations

import types
import warnings

import numpy as np
from oracle import OpEntry

from .makers import args, arr, noncontig, positive

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def F(lib):
    """torch.nn.functional, or ember's functional ops gathered from their family modules."""
    if lib.__name__ == "torch":
        return lib.nn.functional
    ops = lib.ops
    return types.SimpleNamespace(**{**vars(ops.conv), **vars(ops.pooling), **vars(ops.sampling)})


def fn(name, **kw):
    """``F.name(*inputs, **kw)``."""
    return lambda lib, *xs: getattr(F(lib), name)(*xs, **kw)


def grad_graph(name, **kw):
    """The input gradient of ``F.name(x, **kw)`` for upstream ``g``, as a differentiable
    function of ``x`` and ``g``."""

    def call(lib, x, g):
        # a fresh leaf: the gradient of a linear op does not depend on x at all
        x = x.detach().requires_grad_()
        y = getattr(F(lib), name)(x, **kw)
        y = y[0] if isinstance(y, tuple) else y
        return lib.autograd.grad(y, x, g, create_graph=True)[0]

    return call


def entry(name, inputs, variant="", **kw):
    return OpEntry(
        f"nn.functional.{name}", inputs, fn=fn(name, **kw.pop("call", {})), variant=variant, **kw
    )


def _wrong_rank(*shape):
    return args(arr(*shape))


# ---- convolution ---------------------------------------------------------------------------
CONV_ERRORS = {
    1: (
        args(arr(2, 4, 7), arr(5, 3, 3)),  # wrong channel count
        args(arr(7), arr(5, 3, 3)),  # wrong input rank
        args(arr(2, 3, 7), arr(5, 3)),  # wrong weight rank
    ),
    2: (
        args(arr(2, 4, 6, 6), arr(5, 3, 3, 3)),
        args(arr(6, 6), arr(5, 3, 3, 3)),
        args(arr(2, 3, 2, 2), arr(5, 3, 3, 3)),  # kernel larger than the input
        args(arr(2, 3, 6, 6), arr(5, 3, 3, 3), arr(4)),  # bias size
    ),
    3: (args(arr(2, 4, 4, 4, 4), arr(5, 3, 2, 2, 2)), args(arr(4, 4, 4), arr(5, 3, 2, 2, 2))),
}
for nd, spatial, kernel in ((1, (9,), (3,)), (2, (7, 6), (3, 2)), (3, (5, 4, 5), (2, 3, 2))):
    name = f"conv{nd}d"
    x = arr(2, 4, *spatial)
    add(
        entry(name, args(x, arr(6, 4, *kernel), arr(6)), errors=CONV_ERRORS[nd]),
        entry(
            name,
            args(x, arr(6, 2, *kernel), arr(6)),
            "stride-padding-dilation-groups",
            call=dict(stride=2, padding=(1,) * nd, dilation=(2,) + (1,) * (nd - 1), groups=2),
        ),
        entry(name, args(x, arr(8, 1, *kernel)), "depthwise", call=dict(groups=4, padding=1)),
        entry(name, args(arr(4, *spatial), arr(3, 4, *kernel)), "unbatched"),
        entry(name, args(x, arr(3, 4, *kernel)), "valid", call=dict(padding="valid")),
    )
add(
    entry("conv1d", args(arr(2, 3, 8), arr(4, 3, 4)), "same-even", call=dict(padding="same")),
    entry(
        "conv2d",
        args(arr(2, 3, 7, 6), arr(4, 3, 2, 3)),
        "same-dilated",
        call=dict(padding="same", dilation=(2, 1)),
    ),
    entry(
        "conv2d",
        args(arr(2, 3, 8, 7), arr(5, 3, 3, 3), arr(5)),
        "stride-tuple-padding-tuple",
        call=dict(stride=(2, 1), padding=(0, 2)),
    ),
    entry(
        "conv3d", args(arr(1, 2, 5, 5, 5), arr(2, 2, 3, 3, 3)), "same", call=dict(padding="same")
    ),
    entry(
        "conv2d",
        args(arr(2, 3, 6, 6), arr(4, 3, 3, 3)),
        "same-strided",
        dtypes=(),
        call=dict(padding="same", stride=2),
        errors=(args(arr(2, 3, 6, 6), arr(4, 3, 3, 3)),),
    ),
    entry(
        "conv2d",
        args(arr(2, 4, 6, 6), arr(4, 2, 3, 3)),
        "groups-mismatch",
        dtypes=(),
        call=dict(groups=3),
        errors=(args(arr(2, 4, 6, 6), arr(4, 2, 3, 3)),),
    ),
    entry(
        "conv2d",
        args(arr(2, 3, 6, 6)),
        "dtype-mismatch",
        dtypes=(),
        errors=(
            lambda rng, dt: [arr(2, 3, 6, 6)(rng, "float32"), arr(4, 3, 3, 3)(rng, "float64")],
        ),
    ),
)

CONVT_ERRORS = (
    args(arr(2, 5, 5, 5), arr(4, 3, 3, 3)),  # wrong channel count
    args(arr(5), arr(4, 3, 3, 3)),  # wrong rank
)
for nd, spatial, kernel in ((1, (6,), (3,)), (2, (5, 4), (3, 2)), (3, (3, 4, 3), (2, 3, 2))):
    name = f"conv_transpose{nd}d"
    x = arr(2, 4, *spatial)
    add(
        entry(name, args(x, arr(4, 3, *kernel), arr(3)), errors=CONVT_ERRORS if nd == 2 else ()),
        entry(
            name,
            args(x, arr(4, 2, *kernel), arr(4)),
            "stride-padding-output_padding-groups-dilation",
            call=dict(stride=2, padding=1, output_padding=1, groups=2, dilation=(2,) * nd),
        ),
        entry(name, args(arr(4, *spatial), arr(4, 3, *kernel)), "unbatched"),
    )
add(
    entry(
        "conv_transpose2d",
        args(arr(2, 4, 5, 5), arr(4, 3, 3, 3)),
        "output_padding-too-big",
        dtypes=(),
        call=dict(stride=2, output_padding=2),
        errors=(args(arr(2, 4, 5, 5), arr(4, 3, 3, 3)),),
    )
)

# ---- unfold / fold -------------------------------------------------------------------------
add(
    entry(
        "unfold", args(arr(2, 3, 6, 7)), call=dict(kernel_size=(2, 3)), errors=(_wrong_rank(6, 7),)
    ),
    entry(
        "unfold",
        args(arr(2, 3, 7, 8)),
        "all-options",
        call=dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
    ),
    entry("unfold", args(arr(3, 5, 5)), "unbatched", call=dict(kernel_size=2)),
    entry(
        "fold",
        args(arr(2, 12, 16)),
        call=dict(output_size=(5, 6), kernel_size=(2, 3)),
        errors=(args(arr(2, 12, 21)), args(arr(2, 11, 16))),
    ),
    entry(
        "fold",
        args(arr(2, 12, 18)),
        "all-options",
        call=dict(output_size=(5, 6), kernel_size=(2, 3), padding=1, stride=(2, 1)),
    ),
    entry(
        "fold",
        args(arr(12, 12)),
        "unbatched-dilated",
        call=dict(output_size=(5, 6), kernel_size=(2, 2), dilation=2),
    ),
)

# ---- pad -----------------------------------------------------------------------------------
for mode in ("constant", "reflect", "replicate", "circular"):
    # torch's reflect/replicate gradients carry a graph to x (all zero): see the grad-graph entry
    gg = mode in ("constant", "circular")
    add(
        entry(
            "pad",
            args(arr(2, 3, 4, 5)),
            f"{mode}-2d",
            call=dict(pad=(1, 2, 2, 1), mode=mode),
            gradgrad=gg,
        ),
        entry("pad", args(arr(3, 5)), f"{mode}-1d", call=dict(pad=(2, 3), mode=mode), gradgrad=gg),
        entry(
            "pad",
            args(arr(1, 2, 3, 4, 3)),
            f"{mode}-3d",
            call=dict(pad=(1, 2, 0, 1, 2, 1), mode=mode),
            gradgrad=gg,
        ),
    )
add(
    OpEntry(
        "nn.functional.pad",
        args(arr(2, 3, 4, 5), arr(2, 3, 7, 8)),
        fn=grad_graph("pad", pad=(1, 2, 2, 1), mode="reflect"),
        variant="grad-graph",
    )
)
add(
    entry(
        "pad",
        args(arr(2, 3, 4, 5)),
        "constant-negative-value",
        call=dict(pad=(-1, 2, 0, 1, 1, 1), value=1.5),
    ),
    entry(
        "pad",
        args(arr(3, 4, 5)),
        "circular-negative",
        call=dict(pad=(-1, 2, 1, 0), mode="circular"),
    ),
    entry(
        "pad",
        args(arr(2, 3, 4, 5)),
        "errors",
        dtypes=(),
        call=dict(pad=(1, 2, 3)),
        errors=(args(arr(2, 3, 4, 5)),),
    ),
    entry(
        "pad",
        args(arr(2, 3, 4, 5)),
        "reflect-errors",
        dtypes=(),
        call=dict(pad=(5, 0, 1, 1), mode="reflect"),
        errors=(args(arr(2, 3, 4, 5)), args(arr(5))),
    ),
)

# ---- max pooling ---------------------------------------------------------------------------
POOL_RANK_ERROR = {1: _wrong_rank(5), 2: _wrong_rank(5, 5), 3: _wrong_rank(4, 4)}
for nd, spatial in ((1, (9,)), (2, (8, 7)), (3, (5, 6, 5))):
    x = arr(2, 3, *spatial)
    for pool in ("max", "avg"):
        name = f"{pool}_pool{nd}d"
        variants = [
            ("", dict(kernel_size=2)),
            ("overlap-padding-ceil", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
            ("stride-tuple", dict(kernel_size=2, stride=(1,) + (2,) * (nd - 1))),
        ]
        if pool == "max":
            variants.append(("dilation", dict(kernel_size=2, dilation=2, padding=1)))
        else:
            variants.append(
                ("exclude-pad", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False))
            )
            variants.append(
                (
                    "exclude-pad-ceil",
                    dict(
                        kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False
                    ),
                )
            )
            if nd > 1:
                variants.append(("divisor", dict(kernel_size=2, divisor_override=3)))
        for variant, kw in variants:
            add(
                entry(
                    name,
                    args(x),
                    variant,
                    call=kw,
                    gradgrad=False,  # the gradient does not depend on x: see the grad-graph entry
                    errors=(POOL_RANK_ERROR[nd],) if not variant else (),
                )
            )
        add(
            OpEntry(
                f"nn.functional.{name}",
                args(x, arr(2, 3, *(s // 2 for s in spatial))),
                fn=grad_graph(name, kernel_size=2),
                variant="grad-graph",
            ),
            entry(
                name, args(arr(3, *spatial)), "unbatched", call=dict(kernel_size=2), gradgrad=False
            ),
        )
    add(
        OpEntry(
            f"nn.functional.max_pool{nd}d",
            args(x),
            fn=lambda lib, x, _nd=nd: getattr(F(lib), f"max_pool{_nd}d")(
                x, 3, 2, 1, return_indices=True
            ),
            variant="return_indices",
            gradgrad=False,
        )
    )
add(
    entry(
        "max_pool2d",
        args(arr(2, 3, 6, 6)),
        "pad-too-big",
        dtypes=(),
        call=dict(kernel_size=3, padding=2),
        errors=(args(arr(2, 3, 6, 6)),),
    ),
    entry(
        "max_pool2d",
        lambda rng, dt: [rng.integers(0, 3, (2, 3, 6, 6)).astype(dt)],
        "ties",
        call=dict(kernel_size=2),
        gradgrad=False,
    ),
    entry(
        "max_pool2d_with_indices", args(arr(2, 3, 6, 6)), call=dict(kernel_size=2), gradgrad=False
    ),
    entry("lp_pool2d", args(positive(2, 3, 6, 7)), call=dict(norm_type=2, kernel_size=2)),
    entry(
        "lp_pool2d",
        args(positive(2, 3, 7, 7)),
        "p3-stride-ceil",
        call=dict(norm_type=3, kernel_size=(3, 2), stride=2, ceil_mode=True),
    ),
    entry("lp_pool1d", args(positive(2, 3, 7)), call=dict(norm_type=2, kernel_size=3, stride=2)),
)


def _pool_indices(rng, shape, out_size, kernel):
    """Valid max-pool indices for an unpool input: one random cell of each window."""
    h, w = out_size
    oh, ow = shape[-2:]
    di = rng.integers(0, kernel, shape)
    dj = rng.integers(0, kernel, shape)
    rows = np.arange(oh)[:, None] * kernel + di
    cols = np.arange(ow)[None, :] * kernel + dj
    return (rows * w + cols).astype(np.int64)


add(
    OpEntry(
        "nn.functional.max_unpool2d",
        lambda rng, dt: [arr(2, 3, 3, 4)(rng, dt), _pool_indices(rng, (2, 3, 3, 4), (6, 8), 2)],
        fn=lambda lib, x, i: F(lib).max_unpool2d(x, i, 2),
    ),
    OpEntry(
        "nn.functional.max_unpool2d",
        lambda rng, dt: [arr(2, 3, 3, 4)(rng, dt), _pool_indices(rng, (2, 3, 3, 4), (7, 9), 2)],
        fn=lambda lib, x, i: F(lib).max_unpool2d(x, i, 2, output_size=(7, 9)),
        variant="output_size",
    ),
    OpEntry(
        "nn.functional.max_unpool1d",
        lambda rng, dt: [arr(2, 3, 4)(rng, dt), np.arange(4) * 2 + rng.integers(0, 2, (2, 3, 4))],
        fn=lambda lib, x, i: F(lib).max_unpool1d(x, i, 2),
    ),
)

# ---- adaptive pooling ----------------------------------------------------------------------
for nd, spatial, outs in (
    (1, (7,), [3, 7, 1]),
    (2, (8, 7), [(3, 4), (4, 7), (None, 3), 1]),
    (3, (5, 4, 6), [(2, 3, 4), (5, 2, 3)]),
):
    for pool in ("avg", "max"):
        name = f"adaptive_{pool}_pool{nd}d"
        for out in outs:
            add(
                entry(
                    name,
                    args(arr(2, 3, *spatial)),
                    f"out={out}",
                    call=dict(output_size=out),
                    gradgrad=False,  # linear or piecewise linear in x: see grad-graph
                    errors=(_wrong_rank(*spatial[:-1]),) if out == outs[0] else (),
                )
            )
        add(
            entry(
                name, args(arr(3, *spatial)), "unbatched", call=dict(output_size=2), gradgrad=False
            )
        )
    add(
        OpEntry(
            f"nn.functional.adaptive_max_pool{nd}d",
            args(arr(2, 3, *spatial)),
            fn=lambda lib, x, _nd=nd, _o=outs[0]: getattr(F(lib), f"adaptive_max_pool{_nd}d")(
                x, _o, return_indices=True
            ),
            variant="return_indices",
            gradgrad=False,
        ),
        OpEntry(
            f"nn.functional.adaptive_avg_pool{nd}d",
            args(arr(2, 3, *spatial), arr(2, 3, *([2] * nd))),
            fn=grad_graph(f"adaptive_avg_pool{nd}d", output_size=2),
            variant="grad-graph",
        ),
    )

# ---- interpolate ---------------------------------------------------------------------------
_SHAPES = {
    "linear": (2, 3, 7),
    "bilinear": (2, 3, 5, 7),
    "bicubic": (2, 3, 5, 7),
    "trilinear": (1, 2, 3, 4, 5),
}
for mode in ("nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic", "trilinear"):
    shape = _SHAPES.get(mode, (2, 3, 5, 7))
    sizes = [
        dict(scale_factor=2),
        dict(scale_factor=1.7),
        dict(size=3),
        dict(scale_factor=0.6, recompute_scale_factor=True),
    ]
    if mode == "area":
        sizes = [dict(size=3), dict(scale_factor=0.5)]
    corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
    for kw in sizes:
        for ac in corners:
            label = ",".join(f"{k}={v}" for k, v in kw.items()) + f",align_corners={ac}"
            add(
                entry(
                    "interpolate",
                    args(arr(*shape)),
                    f"{mode}:{label}",
                    call=dict(mode=mode, align_corners=ac, **kw),
                    gradgrad=mode != "area",  # area is adaptive_avg_pool: see its grad-graph
                )
            )
for mode in ("bilinear", "bicubic"):
    for kw in (dict(size=(4, 3)), dict(scale_factor=0.4), dict(size=(9, 12))):
        for ac in (False, True):
            label = ",".join(f"{k}={v}" for k, v in kw.items()) + f",align_corners={ac}"
            add(
                entry(
                    "interpolate",
                    args(arr(2, 3, 11, 9)),
                    f"{mode}-antialias:{label}",
                    call=dict(mode=mode, align_corners=ac, antialias=True, **kw),
                )
            )
add(
    OpEntry(
        "nn.functional.interpolate",
        args(arr(2, 3, 4, 5), arr(2, 3, 8, 10)),
        fn=grad_graph("interpolate", scale_factor=2, mode="bilinear"),
        variant="grad-graph",
    ),
    entry(
        "interpolate",
        args(arr(2, 3, 4, 5)),
        "errors",
        dtypes=(),
        call=dict(scale_factor=2, mode="bilinear", size=3),
        errors=(args(arr(2, 3, 4, 5)), args(arr(2, 3, 4))),
    ),
    entry(
        "interpolate",
        args(arr(2, 3, 4, 5)),
        "antialias-nearest",
        dtypes=(),
        call=dict(scale_factor=0.5, antialias=True),
        errors=(args(arr(2, 3, 4, 5)),),
    ),
    entry(
        "interpolate",
        args(arr(2, 3, 4, 5)),
        "nearest-align_corners",
        dtypes=(),
        call=dict(scale_factor=2, align_corners=True),
        errors=(args(arr(2, 3, 4, 5)),),
    ),
)


# ---- grid_sample / affine_grid -------------------------------------------------------------
def _sample(lib, x, grid, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return F(lib).grid_sample(x, grid * 1.2, **kw)


for mode in ("bilinear", "nearest", "bicubic"):
    for padding_mode in ("zeros", "border", "reflection"):
        for ac in (False, True):
            add(
                OpEntry(
                    "nn.functional.grid_sample",
                    args(arr(2, 3, 5, 6), arr(2, 4, 3, 2, low=-1.5, high=1.5)),
                    fn=lambda lib, x, g, _m=mode, _p=padding_mode, _a=ac: _sample(
                        lib, x, g, mode=_m, padding_mode=_p, align_corners=_a
                    ),
                    variant=f"{mode}-{padding_mode}-align_corners={ac}",
                    gradgrad=mode != "nearest",  # nearest: zero, torch keeps a graph to it
                    errors=(
                        args(arr(2, 3, 5, 6), arr(2, 4, 3, 3)),
                        args(arr(2, 3, 5, 6), arr(3, 4, 3, 2)),
                    )
                    if mode == "bilinear" and padding_mode == "zeros" and not ac
                    else (),
                )
            )
for mode in ("bilinear", "nearest"):
    for padding_mode in ("zeros", "border", "reflection"):
        add(
            OpEntry(
                "nn.functional.grid_sample",
                args(arr(2, 2, 3, 4, 5), arr(2, 3, 2, 2, 3, low=-1.5, high=1.5)),
                fn=lambda lib, x, g, _m=mode, _p=padding_mode: _sample(
                    lib, x, g, mode=_m, padding_mode=_p, align_corners=False
                ),
                variant=f"5d-{mode}-{padding_mode}",
                gradgrad=mode == "bilinear",
            )
        )
for ac in (False, True):
    add(
        OpEntry(
            "nn.functional.affine_grid",
            args(arr(2, 2, 3)),
            fn=lambda lib, t, _a=ac: F(lib).affine_grid(t, (2, 3, 4, 5), align_corners=_a),
            variant=f"2d-align_corners={ac}",
            errors=(args(arr(2, 2, 2)),) if not ac else (),
        ),
        OpEntry(
            "nn.functional.affine_grid",
            args(arr(2, 3, 4)),
            fn=lambda lib, t, _a=ac: F(lib).affine_grid(t, (2, 3, 4, 5, 3), align_corners=_a),
            variant=f"3d-align_corners={ac}",
        ),
    )

# ---- non-contiguous inputs -----------------------------------------------------------------
add(
    entry(
        "conv2d", args(noncontig(2, 3, 6, 5), arr(4, 3, 3, 3)), "noncontig", call=dict(padding=1)
    ),
    entry("conv_transpose2d", args(noncontig(2, 4, 3, 5), arr(4, 3, 2, 2)), "noncontig"),
    entry(
        "max_pool2d",
        args(noncontig(2, 3, 6, 6)),
        "noncontig",
        call=dict(kernel_size=2),
        gradgrad=False,
    ),
    entry(
        "avg_pool2d",
        args(noncontig(2, 3, 6, 6)),
        "noncontig",
        call=dict(kernel_size=3, stride=2),
        gradgrad=False,
    ),
    entry(
        "pad",
        args(noncontig(2, 3, 4, 5)),
        "noncontig-reflect",
        call=dict(pad=(1, 1, 2, 2), mode="reflect"),
        gradgrad=False,
    ),
)

# ---- the torch.* names of these ops, and the remaining nn.functional names -----------------
add(
    OpEntry("conv1d", args(arr(2, 3, 7), arr(4, 3, 3), arr(4))),
    OpEntry("conv2d", args(arr(2, 3, 5, 6), arr(4, 3, 3, 2), arr(4))),
    OpEntry("conv3d", args(arr(1, 2, 4, 3, 4), arr(3, 2, 2, 2, 2))),
    OpEntry("conv_transpose1d", args(arr(2, 3, 5), arr(3, 2, 3))),
    OpEntry("conv_transpose2d", args(arr(2, 3, 4, 3), arr(3, 2, 2, 3), arr(2))),
    OpEntry("conv_transpose3d", args(arr(1, 2, 3, 2, 3), arr(2, 3, 2, 2, 2))),
    OpEntry(
        "avg_pool1d",
        args(arr(2, 3, 8)),
        fn=lambda lib, x: lib.avg_pool1d(x, 3, 2, 1),
        gradgrad=False,
    ),
    OpEntry(
        "max_pool1d", args(arr(2, 3, 8)), fn=lambda lib, x: lib.max_pool1d(x, 2), gradgrad=False
    ),
    OpEntry(
        "max_pool2d",
        args(arr(2, 3, 6, 6)),
        fn=lambda lib, x: lib.max_pool2d(x, 3, 2, 1),
        gradgrad=False,
    ),
    OpEntry(
        "max_pool3d",
        args(arr(1, 2, 4, 4, 4)),
        fn=lambda lib, x: lib.max_pool3d(x, 2),
        gradgrad=False,
    ),
    OpEntry(
        "max_pool1d_with_indices",
        args(arr(2, 3, 8)),
        fn=lambda lib, x: lib.max_pool1d_with_indices(x, 3, 2),
        gradgrad=False,
    ),
    OpEntry(
        "adaptive_avg_pool1d",
        args(arr(2, 3, 7)),
        fn=lambda lib, x: lib.adaptive_avg_pool1d(x, 3),
        gradgrad=False,
    ),
    entry("max_pool1d_with_indices", args(arr(2, 3, 8)), call=dict(kernel_size=2), gradgrad=False),
    entry(
        "max_pool3d_with_indices",
        args(arr(1, 2, 4, 4, 4)),
        call=dict(kernel_size=2),
        gradgrad=False,
    ),
    entry("lp_pool3d", args(positive(1, 2, 4, 4, 4)), call=dict(norm_type=2, kernel_size=2)),
    OpEntry(
        "nn.functional.max_unpool3d",
        lambda rng, dt: [
            arr(1, 2, 2, 2, 2)(rng, dt),
            np.array([0, 3, 9, 14, 48, 51, 57, 62] * 2).reshape(1, 2, 2, 2, 2),
        ],
        fn=lambda lib, x, i: F(lib).max_unpool3d(x, i, 2),
    ),
    entry("upsample", args(arr(2, 3, 3, 4)), call=dict(scale_factor=2, mode="nearest")),
    entry("upsample_nearest", args(arr(2, 3, 3, 4)), call=dict(size=(5, 6))),
    entry("upsample_bilinear", args(arr(2, 3, 3, 4)), call=dict(scale_factor=2)),
)
