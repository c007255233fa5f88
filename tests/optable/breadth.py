"""Table entries: torch's top-level forms of nn.functional ops (aten's signatures), ops/misc.py,
ops/sample_stats.py, ops/windows.py and ops/cells.py (the gamma family and ember.special are in
breadth_special.py)."""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, away_from_zero, ints, positive
from .nn_functional import prob, signs

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


# ---- torch.* forms of nn.functional ops -----------------------------------------------------
def _running(lib, dtype, c=3):
    return lib.zeros(c, dtype=dtype), lib.ones(c, dtype=dtype)


add(
    OpEntry(
        "batch_norm",
        args(arr(4, 3, 5), arr(3), arr(3)),
        fn=lambda lib, x, w, b: lib.batch_norm(
            x, w, b, *_running(lib, x.dtype), True, 0.1, 1e-5, False
        ),
        errors=(args(arr(4, 2, 5), arr(3), arr(3)),),
    ),
    OpEntry(
        "batch_norm",
        args(arr(4, 3), arr(3), arr(3)),
        fn=lambda lib, x, w, b: lib.batch_norm(
            x, w, b, *_running(lib, x.dtype), False, 0.1, 1e-5, True
        ),
        variant="eval",
    ),
    OpEntry(
        "layer_norm",
        args(arr(4, 3, 5), arr(3, 5), arr(3, 5)),
        fn=lambda lib, x, w, b: lib.layer_norm(x, [3, 5], w, b, 1e-5, False),
        errors=(args(arr(4, 3, 4), arr(3, 5), arr(3, 5)),),
    ),
    OpEntry(
        "group_norm",
        args(arr(2, 4, 5), arr(4), arr(4)),
        fn=lambda lib, x, w, b: lib.group_norm(x, 2, w, b, 1e-5, False),
        errors=(args(arr(2, 5, 5), arr(5), arr(5)),),
    ),
    OpEntry(
        "instance_norm",
        args(arr(2, 3, 6), arr(3), arr(3)),
        fn=lambda lib, x, w, b: lib.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
    ),
    OpEntry(
        "rms_norm",
        args(arr(4, 5), arr(5)),
        fn=lambda lib, x, w: lib.rms_norm(x, [5], w, 1e-6),
        errors=(args(arr(4, 4), arr(5)),),
    ),
)
for _name in ("dropout", "alpha_dropout", "feature_alpha_dropout"):
    add(
        OpEntry(
            _name,
            args(arr(3, 4, 2)),
            fn=lambda lib, x, n=_name: getattr(lib, n)(x, 0.3, False),
        )
    )
add(
    OpEntry(
        "embedding",
        args(arr(6, 3), ints(2, 4, low=0, high=6)),
        fn=lambda lib, w, i: lib.embedding(w, i, 2),
        errors=(args(arr(6, 3), ints(2, 4, low=6, high=8)),),
    ),
    OpEntry("bilinear", args(arr(4, 3), arr(4, 2), arr(5, 3, 2), arr(5))),
    OpEntry(
        "pixel_shuffle",
        args(arr(2, 8, 2, 3)),
        fn=lambda lib, x: lib.pixel_shuffle(x, 2),
        errors=(args(arr(2, 7, 2, 3)),),
    ),
    OpEntry("pixel_unshuffle", args(arr(2, 2, 4, 6)), fn=lambda lib, x: lib.pixel_unshuffle(x, 2)),
    OpEntry("channel_shuffle", args(arr(2, 6, 3)), fn=lambda lib, x: lib.channel_shuffle(x, 3)),
    OpEntry("pdist", args(arr(5, 3)), gradgrad=False, errors=(args(arr(5)),)),
)
for _r in (0, 1, 2):
    add(
        OpEntry(
            "kl_div",
            args(arr(4, 5), prob(4, 5)),
            fn=lambda lib, x, t, r=_r: lib.kl_div(x, t, r),
            variant=f"r{_r}",
            errors=(args(arr(4, 5), arr(3, 5)),),
        ),
        OpEntry(
            "binary_cross_entropy_with_logits",
            args(arr(4, 5), prob(4, 5)),
            fn=lambda lib, x, t, r=_r: lib.binary_cross_entropy_with_logits(
                x, t, None, lib.tensor([0.5, 1.0, 2.0, 3.0, 0.2], dtype=x.dtype), r
            ),
            variant=f"r{_r}",
            errors=(args(arr(4, 5), prob(3, 5)),),
        ),
        OpEntry(
            "cosine_embedding_loss",
            args(arr(4, 5), arr(4, 5), signs(4)),
            fn=lambda lib, a, b, y, r=_r: lib.cosine_embedding_loss(a, b, y, 0.1, r),
            variant=f"r{_r}",
        ),
        OpEntry(
            "hinge_embedding_loss",
            args(away_from_zero(4, 5), signs(4, 5)),
            fn=lambda lib, x, y, r=_r: lib.hinge_embedding_loss(x, y, 1.0, r),
            variant=f"r{_r}",
        ),
        OpEntry(
            "margin_ranking_loss",
            args(arr(6), arr(6), signs(6)),
            fn=lambda lib, a, b, y, r=_r: lib.margin_ranking_loss(a, b, y, 0.1, r),
            variant=f"r{_r}",
        ),
        OpEntry(
            "poisson_nll_loss",
            args(arr(4, 5), positive(4, 5)),
            fn=lambda lib, x, t, r=_r: lib.poisson_nll_loss(x, t, True, True, 1e-8, r),
            variant=f"r{_r}",
        ),
        OpEntry(
            "triplet_margin_loss",
            args(arr(4, 5), arr(4, 5), arr(4, 5)),
            fn=lambda lib, a, p, n, r=_r: lib.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6, True, r),
            variant=f"r{_r}",
        ),
    )


def _ctc(lib, x, r):
    log_probs = x.log_softmax(2)
    targets = lib.tensor([[1, 2, 2], [3, 1, 0]])
    return lib.ctc_loss(log_probs, targets, [6, 5], [3, 2], 0, r, False)


add(
    *(
        OpEntry(
            "ctc_loss",
            args(arr(6, 2, 4)),
            fn=lambda lib, x, r=r: _ctc(lib, x, r),
            variant=f"r{r}",
            gradgrad=False,
        )
        for r in (0, 1, 2)
    ),
    OpEntry("celu_", args(away_from_zero(3, 4)), fn=lambda lib, x: lib.celu_(x.clone(), 0.5)),
    OpEntry("selu_", args(away_from_zero(3, 4)), fn=lambda lib, x: lib.selu_(x.clone())),
    OpEntry("rrelu_", args(away_from_zero(3, 4)), fn=lambda lib, x: lib.rrelu_(x.clone())),
    OpEntry(
        "threshold_",
        args(away_from_zero(3, 4)),
        fn=lambda lib, x: lib.threshold_(x.clone(), 0.2, 9.0),
    ),
)


# ---- ops/misc.py: set membership and float/integer bit arithmetic ---------------------------
INT = ("int64",)
add(
    OpEntry(
        "isin",
        args(ints(3, 4, low=0, high=8), ints(5, low=0, high=8)),
        dtypes=INT,
        grad=False,
    ),
    OpEntry(
        "isin",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.isin(x.detach().round(), x.detach().round()[0], invert=True),
        grad=False,
        variant="invert",
    ),
    OpEntry(
        "gcd",
        args(ints(3, 4, low=-20, high=20), ints(4, low=-20, high=20)),
        dtypes=INT,
        grad=False,
        errors=(args(arr(3), arr(3)),),
    ),
    OpEntry(
        "lcm",
        args(ints(3, 4, low=-20, high=20), ints(4, low=-20, high=20)),
        dtypes=INT,
        grad=False,
        errors=(args(arr(3), arr(3)),),
    ),
    OpEntry("ldexp", args(arr(3, 4), ints(4, low=-3, high=4))),
    OpEntry("frexp", args(arr(3, 4)), grad=False, errors=(args(ints(3)),)),
    OpEntry("nextafter", args(arr(3, 4), arr(3, 4)), grad=False),
    OpEntry("sgn", args(away_from_zero(3, 4))),
    OpEntry("sgn", args(arr(3, 4)), dtypes=("complex128",), grad=False, variant="complex"),
)
for _name in ("gcd", "lcm"):
    add(
        OpEntry(
            f"Tensor.{_name}_",
            args(ints(3, 4, low=-20, high=20), ints(4, low=-20, high=20)),
            fn=lambda lib, a, b, n=_name: getattr(a.clone(), n + "_")(b),
            dtypes=INT,
            grad=False,
        )
    )
add(
    OpEntry(
        "Tensor.ldexp_",
        args(arr(3, 4), ints(4, low=-3, high=4)),
        fn=lambda lib, a, b: a.clone().ldexp_(b),
    ),
    OpEntry(
        "Tensor.nextafter_",
        args(arr(3, 4), arr(3, 4)),
        fn=lambda lib, a, b: a.clone().nextafter_(b),
        grad=False,
    ),
    OpEntry("Tensor.sgn_", args(away_from_zero(3, 4)), fn=lambda lib, a: a.clone().sgn_()),
)


# ---- ops/sample_stats.py, trapezoid (ops/misc.py), ops/windows.py ---------------------------
def _with_nan(*shape):
    def make(rng, dtype):
        a = rng.uniform(-2, 2, shape).astype(dtype)
        a.reshape(-1)[1] = np.nan
        return a

    return make


for _interp in ("linear", "lower", "higher", "midpoint", "nearest"):
    add(
        OpEntry(
            "quantile",
            args(arr(4, 5)),
            fn=lambda lib, x, i=_interp: lib.quantile(
                x,
                lib.tensor([0.0, 0.3, 0.5, 1.0], dtype=x.dtype),
                dim=1,
                keepdim=True,
                interpolation=i,
            ),  # fmt: skip
            variant=_interp,
        ),
        OpEntry(
            "nanquantile",
            args(_with_nan(4, 5)),
            fn=lambda lib, x, i=_interp: lib.nanquantile(x, 0.4, dim=0, interpolation=i),
            variant=_interp,
        ),
    )
add(
    OpEntry(
        "quantile",
        args(arr(3, 4), 0.7),
        variant="all",
        errors=(args(arr(4, 5), 1.5), args(ints(4, 5), 0.5)),
    ),
    OpEntry(
        "quantile",
        args(_with_nan(3, 4)),
        fn=lambda lib, x: lib.quantile(x, 0.5, dim=1),
        variant="nan",
    ),  # fmt: skip
    OpEntry("nanquantile", args(arr(3, 4), 0.25), variant="all"),
    OpEntry("cov", args(arr(3, 6)), errors=(args(arr(2, 2, 2)),)),
    OpEntry("cov", args(arr(6)), variant="1d"),
    OpEntry(
        "cov",
        args(arr(3, 6), ints(6, low=0, high=4), positive(6)),
        fn=lambda lib, x, f, a: lib.cov(x, correction=0, fweights=f, aweights=a.detach()),
        variant="weights",
    ),
    OpEntry("corrcoef", args(arr(3, 6)), errors=(args(arr(2, 2, 2)),)),
    OpEntry("trapezoid", args(arr(3, 5))),
    OpEntry(
        "trapezoid",
        args(arr(3, 5), positive(5)),
        fn=lambda lib, y, x: lib.trapezoid(y, x.detach().cumsum(0)),
        variant="x",
        errors=(args(arr(3, 5), positive(4)),),
    ),
    OpEntry(
        "trapezoid",
        args(arr(5, 3)),
        fn=lambda lib, y: lib.trapezoid(y, dx=0.3, dim=0),
        variant="dx",
    ),  # fmt: skip
    OpEntry("trapz", args(arr(3, 5), arr(3, 5))),
    OpEntry("cumulative_trapezoid", args(arr(3, 5))),
    OpEntry(
        "cumulative_trapezoid",
        args(arr(3, 5), positive(5)),
        fn=lambda lib, y, x: lib.cumulative_trapezoid(y, x.detach().cumsum(0)),
        variant="x",
        errors=(args(arr(3, 5), positive(4)),),
    ),
)


def _dtype_of(rng, dtype):
    return [dtype]


for _w in ("hann_window", "hamming_window", "blackman_window", "bartlett_window"):
    for _p in (True, False):
        add(
            OpEntry(
                _w,
                _dtype_of,
                fn=lambda lib, d, w=_w, p=_p: getattr(lib, w)(9, p, dtype=getattr(lib, d)),
                grad=False,
                variant=f"periodic={_p}",
                errors=(lambda rng, dtype: ["int64"],),
            )
        )
add(
    OpEntry(
        "kaiser_window",
        _dtype_of,
        fn=lambda lib, d: lib.kaiser_window(8, False, 5.0, dtype=getattr(lib, d)),
        grad=False,
        errors=(lambda rng, dtype: ["int64"],),
    ),
    OpEntry(
        "kaiser_window",
        _dtype_of,
        fn=lambda lib, d: lib.kaiser_window(7, dtype=getattr(lib, d)),
        grad=False,
        variant="periodic",
    ),
)


# ---- torch.* in-place functions, dropout forms, renorm, constant_pad_nd ----------------------
def _ip(name, *extra):
    """``lib.name(x.clone(), *rest, *extra)``; a dropout form's error maker passes p in rest."""

    def call(lib, x, *rest):
        tail = (rest[0], True) if rest and name.endswith("dropout_") else (*rest, *extra)
        return getattr(lib, name)(x.clone(), *tail)

    return call


add(
    OpEntry(
        "gcd_",
        args(ints(3, 4, low=-9, high=9), ints(4, low=-9, high=9)),
        fn=_ip("gcd_"),
        dtypes=INT,
        grad=False,
    ),  # fmt: skip
    OpEntry(
        "lcm_",
        args(ints(3, 4, low=-9, high=9), ints(4, low=-9, high=9)),
        fn=_ip("lcm_"),
        dtypes=INT,
        grad=False,
    ),  # fmt: skip
    OpEntry("ldexp_", args(arr(3, 4), ints(4, low=-3, high=4)), fn=_ip("ldexp_")),
    OpEntry("i0_", args(arr(3, 4)), fn=_ip("i0_")),
    OpEntry("xlogy_", args(arr(3, 4), positive(4)), fn=_ip("xlogy_")),
    OpEntry("sinc_", args(away_from_zero(3, 4)), fn=_ip("sinc_")),
    OpEntry("deg2rad_", args(arr(3, 4)), fn=_ip("deg2rad_")),
    OpEntry("rad2deg_", args(arr(3, 4)), fn=_ip("rad2deg_")),
    OpEntry(
        "constant_pad_nd",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.constant_pad_nd(x, [1, 2, 0, 1], 0.5),
        errors=(args(arr(2)),),
    ),
)
add(
    *(
        OpEntry(n, args(arr(2, 3, 4)), fn=_ip(n, 0.4, False), errors=(args(arr(2, 3), 1.5),))
        for n in ("dropout_", "alpha_dropout_", "feature_alpha_dropout_", "feature_dropout_")
    ),
    OpEntry(
        "feature_dropout", args(arr(2, 3, 4)), fn=lambda lib, x: lib.feature_dropout(x, 0.4, False)
    ),
)
for _p, _dim in ((2, 0), (1, 1), (3.0, -1)):
    add(
        OpEntry(
            "renorm",
            args(arr(3, 4, 2)),
            fn=lambda lib, x, p=_p, d=_dim: lib.renorm(x, p, d, 1.5),
            variant=f"p{_p}-dim{_dim}",
            errors=(args(arr(4)),),
        )
    )
add(OpEntry("Tensor.renorm_", args(arr(3, 4)), fn=lambda lib, x: x.clone().renorm_(2, 0, 1.0)))


# ---- ops/cells.py ----------------------------------------------------------------------------
for _name, _g in (("rnn_tanh_cell", 1), ("rnn_relu_cell", 1), ("gru_cell", 3)):
    add(
        OpEntry(
            _name,
            args(arr(2, 3), arr(2, 4), arr(4 * _g, 3), arr(4 * _g, 4), arr(4 * _g), arr(4 * _g)),
            errors=(
                args(arr(2, 5), arr(2, 4), arr(4 * _g, 3), arr(4 * _g, 4)),
                args(arr(3), arr(4), arr(4 * _g, 3), arr(4 * _g, 4)),  # unbatched
            ),
        ),
        OpEntry(
            _name, args(arr(2, 3), arr(2, 4), arr(4 * _g, 3), arr(4 * _g, 4)), variant="nobias"
        ),
    )
add(
    OpEntry(
        "lstm_cell",
        args(arr(2, 3), arr(2, 4), arr(2, 4), arr(16, 3), arr(16, 4), arr(16), arr(16)),
        fn=lambda lib, x, h, c, wi, wh, bi, bh: lib.lstm_cell(x, (h, c), wi, wh, bi, bh),
        errors=(args(arr(2, 5), arr(2, 4), arr(2, 4), arr(16, 3), arr(16, 4), arr(16), arr(16)),),
    )
)


# ---- gradient (ops/misc.py) -----------------------------------------------------------------
def _coords(n):
    def make(rng, dtype):
        return np.sort(rng.uniform(0, 3, n)).astype(dtype) + np.arange(n, dtype=dtype)

    return make


add(
    OpEntry("gradient", args(arr(4, 5)), errors=(args(arr(1, 5)),)),
    OpEntry(
        "gradient",
        args(arr(4, 5)),
        fn=lambda lib, f: lib.gradient(f, spacing=[0.5, 2.0], edge_order=2),
        variant="scalars-edge2",
        errors=(args(arr(2, 5)),),
    ),
    OpEntry(
        "gradient",
        args(arr(4, 5), _coords(5)),
        fn=lambda lib, f, x: lib.gradient(f, spacing=[x.detach()], dim=1),
        variant="coords",
    ),
    OpEntry(
        "gradient",
        args(arr(4, 5), _coords(4)),
        fn=lambda lib, f, x: lib.gradient(f, spacing=(x.detach(),), dim=0, edge_order=2),
        variant="coords-edge2",
    ),
)


# ---- native_* forms ------------------------------------------------------------------------
add(
    OpEntry(
        "native_channel_shuffle",
        args(arr(2, 6, 3)),
        fn=lambda lib, x: lib.native_channel_shuffle(x, 2),
        grad=False,  # torch has no derivative for it,
    ),
    OpEntry(
        "native_dropout",
        args(arr(3, 4)),
        fn=lambda lib, x, p=0.3, train=False: lib.native_dropout(x, p, train)[0],
        errors=(args(arr(3, 4), 1.5, True),),
    ),
    OpEntry(
        "native_dropout",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.native_dropout(x, 0.3, False)[1],
        grad=False,
        variant="mask",
    ),
    OpEntry(
        "native_layer_norm",
        args(arr(3, 4), arr(4), arr(4)),
        fn=lambda lib, x, w, b: lib.native_layer_norm(x, [4], w, b, 1e-5)[0],
    ),
    OpEntry(
        "native_layer_norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.native_layer_norm(x.detach(), [3, 4], None, None, 1e-5)[1:],
        grad=False,
        variant="stats",
        errors=(args(arr(2, 3, 5)),),
    ),
)


add(
    OpEntry(
        "addmv_",
        args(arr(3), arr(3, 4), arr(4)),
        fn=lambda lib, b, m, v: lib.addmv_(b.clone(), m, v, beta=0.5, alpha=2.0),
    )
)
