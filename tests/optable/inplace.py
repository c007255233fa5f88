"""Table entries: the in-place ``op_`` methods, each on a non-leaf (so the write is recorded)
and compared with torch in value, gradient and double gradient; plus the shape helpers that
return views or plain values."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, away_from_zero, noncontig, positive

ENTRIES = []

UNARY = {
    "neg abs sign exp exp2 expm1 sin cos tan atan sinh cosh tanh asinh sigmoid erf erfc floor "
    "ceil round trunc frac square nan_to_num": arr(3, 4),
    "log log2 log10 log1p sqrt rsqrt": positive(3, 4),
    "reciprocal": away_from_zero(3, 4),
    "asin acos atanh erfinv": arr(3, 4, low=-0.9, high=0.9),
    "acosh": positive(3, 4, low=1.2, high=3.0),
    "logit": arr(3, 4, low=0.1, high=0.9),
}
for names, maker in UNARY.items():
    for name in names.split():
        ENTRIES.append(
            OpEntry(
                f"Tensor.{name}_",
                args(maker),
                fn=lambda lib, x, _n=name: getattr(x * 1, _n + "_")(),
                grad=name not in ("asinh", "atanh", "acosh"),  # torch has no derivative for these
            )
        )

BINARY = {
    "add sub mul": arr(3, 4),
    "div fmod remainder floor_divide": away_from_zero(3, 4),
    "pow": arr(3, 4, low=0.5, high=1.5),
}
for names, maker in BINARY.items():
    for name in names.split():
        grad = name not in ("fmod", "remainder", "floor_divide")
        ENTRIES.append(
            OpEntry(
                f"Tensor.{name}_",
                args(positive(3, 4) if name == "pow" else arr(3, 4), maker),
                fn=lambda lib, x, y, _n=name: getattr(x * 1, _n + "_")(y),
                grad=grad,
                errors=(args(arr(3, 4), arr(2, 4)),)
                if name in ("add", "sub", "mul", "div")
                else (),
            )
        )

COMPARE = "eq ne lt le gt ge logical_and logical_or logical_xor".split()
for name in COMPARE:
    ENTRIES.append(
        OpEntry(
            f"Tensor.{name}_",
            args(arr(3, 4), arr(3, 4)),
            fn=lambda lib, x, y, _n=name: getattr(x.detach().clone(), _n + "_")(y.detach() > 0),
            grad=False,
        )
    )
ENTRIES += [
    OpEntry(
        "Tensor.logical_not_",
        args(arr(3, 4)),
        fn=lambda lib, x: x.detach().logical_not_(),
        grad=False,
    ),
    OpEntry("Tensor.clamp_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).clamp_(-0.5, 0.5)),
    OpEntry("Tensor.clip_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).clip_(max=0.5)),
    OpEntry("Tensor.clamp_min_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).clamp_min_(0.1)),
    OpEntry("Tensor.clamp_max_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).clamp_max_(0.1)),
    OpEntry("Tensor.triu_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).triu_(1)),
    OpEntry("Tensor.cumprod_", args(positive(3, 4)), fn=lambda lib, x: (x * 1).cumprod_(1)),
    OpEntry(
        "Tensor.fill_",
        args(arr(3, 4), arr()),
        fn=lambda lib, x, v: (x * 1).fill_(v),
        errors=(args(arr(3, 4), arr(2)),),
    ),
    OpEntry("Tensor.zero_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).zero_()),
    OpEntry(
        "Tensor.copy_",
        args(arr(3, 4), arr(4)),
        fn=lambda lib, x, s: (x * 1).copy_(s),
        errors=(args(arr(3, 4), arr(3)),),
    ),
    OpEntry(
        "Tensor.copy_",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.zeros(3, 4, dtype=lib.int64).copy_(x),
        grad=False,
        variant="cast",
    ),
    OpEntry(
        "Tensor.bitwise_and_",
        lambda rng, dt: [rng.integers(0, 8, (3, 4))],
        fn=lambda lib, x: x.clone().bitwise_and_(5),
        dtypes=("int64",),
    ),
]
for name in ("bitwise_or", "bitwise_xor"):
    ENTRIES.append(
        OpEntry(
            f"Tensor.{name}_",
            lambda rng, dt: [rng.integers(0, 8, (3, 4))],
            fn=lambda lib, x, _n=name: getattr(x.clone(), _n + "_")(3),
            dtypes=("int64",),
        )
    )
ENTRIES.append(
    OpEntry(
        "Tensor.bitwise_not_",
        lambda rng, dt: [rng.integers(0, 8, (3, 4))],
        fn=lambda lib, x: x.clone().bitwise_not_(),
        dtypes=("int64",),
    )
)

# ---- shape helpers --------------------------------------------------------------------------
ENTRIES += [
    OpEntry(
        "Tensor.reshape_as", args(noncontig(3, 4), arr(2, 6)), fn=lambda lib, x, o: x.reshape_as(o)
    ),
    OpEntry("swapdims", args(arr(2, 3, 4)), fn=lambda lib, x: lib.swapdims(x, 0, 2)),
    OpEntry("clone", args(noncontig(3, 4))),
    OpEntry("Tensor.contiguous", args(noncontig(3, 4)), fn=lambda lib, x: x.contiguous()),
    OpEntry(
        "Tensor.is_contiguous",
        args(noncontig(3, 4)),
        fn=lambda lib, x: (x.is_contiguous(), x[:, :1].is_contiguous(), x.T.is_contiguous()),
        grad=False,
    ),
    OpEntry(
        "Tensor.stride",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: (x.stride(), x.permute(2, 0, 1)[1:, None, :, ::2].stride(), x.stride(-1)),
        grad=False,
    ),
    OpEntry(
        "Tensor.storage_offset",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: (x[1, 1:].storage_offset(), x.T[2].storage_offset()),
        grad=False,
    ),
    OpEntry(
        "Tensor.data_ptr",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: (x[1].data_ptr() - x.data_ptr(), x.T.data_ptr() == x.data_ptr()),
        grad=False,
    ),
    OpEntry(
        "cat",
        args(arr(2, 3), arr(1, 3)),
        fn=lambda lib, a, b: lib.cat([a, b]),
        errors=(args(arr(2, 3), arr(2, 2)),),
    ),
    OpEntry("concat", args(arr(2, 3), arr(2, 1)), fn=lambda lib, a, b: lib.concat([a, b], 1)),
    OpEntry(
        "concatenate", args(arr(2, 3), arr(2, 3)), fn=lambda lib, a, b: lib.concatenate([a, b], -1)
    ),
    OpEntry(
        "stack",
        args(arr(2, 3), arr(2, 3)),
        fn=lambda lib, a, b: lib.stack([a, b], 1),
        errors=(args(arr(2, 3), arr(3, 2)),),
    ),
    OpEntry("row_stack", args(arr(3), arr(2, 3)), fn=lambda lib, a, b: lib.row_stack([a, b])),
]

# ---- in-place changes of sizes and strides --------------------------------------------------
ENTRIES += [
    OpEntry("Tensor.t_", args(arr(2, 3)), fn=lambda lib, x: (x * 1).t_()),
    OpEntry("Tensor.transpose_", args(arr(2, 3, 4)), fn=lambda lib, x: (x * 1).transpose_(0, 2)),
    OpEntry("Tensor.swapaxes_", args(arr(2, 3, 4)), fn=lambda lib, x: (x * 1).swapaxes_(0, 1)),
    OpEntry("Tensor.swapdims_", args(arr(2, 3, 4)), fn=lambda lib, x: (x * 1).swapdims_(1, 2)),
    OpEntry("Tensor.squeeze_", args(arr(2, 1, 3)), fn=lambda lib, x: (x * 1).squeeze_(1)),
    OpEntry("Tensor.unsqueeze_", args(arr(2, 3)), fn=lambda lib, x: (x * 1).unsqueeze_(-1)),
    OpEntry(
        "Tensor.as_strided_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).as_strided_((2, 2), (4, 1))
    ),
    OpEntry(
        "Tensor.resize_",
        args(arr(2, 3)),
        fn=lambda lib, x: x.detach().clone().resize_(3, 2),
        grad=False,
    ),
    OpEntry(
        "Tensor.resize_as_",
        args(arr(2, 3), arr(6)),
        fn=lambda lib, x, o: x.detach().clone().resize_as_(o),
        grad=False,
    ),
]

# ---- torch.<op>_ functions (the in-place methods called as functions) ------------------------
DOMAIN = {
    "acos_ arccos_ asin_ arcsin_ atanh_ arctanh_": arr(3, 4, low=-0.9, high=0.9),
    "acosh_ arccosh_": positive(3, 4, low=1.2, high=3.0),
    "log_ log2_ log10_ log1p_ sqrt_ rsqrt_": positive(3, 4),
    "logit_": arr(3, 4, low=0.1, high=0.9),
    "reciprocal_": away_from_zero(3, 4),
}
EXTRA = {
    "clamp_": (-0.5, 0.5), "clamp_max_": (0.5,), "clamp_min_": (-0.5,), "clip_": (-0.5, 0.5),
    "fill_": (0.25,), "as_strided_": ((2, 2), (1, 2)),
}  # fmt: skip
NO_GRAD = {"asinh_", "arcsinh_", "atanh_", "arctanh_", "acosh_", "arccosh_", "detach_"}
for name in (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ as_strided_ asin_ "
    "asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ detach_ erf_ erfc_ "
    "exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ "
    "negative_ reciprocal_ round_ rsqrt_ sigmoid_ sin_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ zero_"
).split():
    maker = next((m for names, m in DOMAIN.items() if name in names.split()), arr(3, 4))
    ENTRIES.append(
        OpEntry(
            name,
            args(maker),
            fn=lambda lib, x, _n=name: getattr(lib, _n)(x * 1, *EXTRA.get(_n, ())),
            grad=name not in NO_GRAD,
        )
    )
ENTRIES += [
    OpEntry(
        "index_put_",
        args(arr(3, 4), arr(4)),
        fn=lambda lib, x, v: lib.index_put_(x * 1, (lib.tensor([2, 0]),), v),
    ),
    OpEntry(
        "resize_as_",
        args(arr(2, 3), arr(3, 2)),
        fn=lambda lib, x, o: lib.resize_as_(x.detach().clone(), o),
        grad=False,
    ),
]

# ---- copies of views, and functions around them ----------------------------------------------
COPIES = {
    "alias_copy": lambda lib, x: lib.alias_copy(x),
    "as_strided_copy": lambda lib, x: lib.as_strided_copy(x, (2, 2), (1, 3), 1),
    "detach_copy": lambda lib, x: lib.detach_copy(x),
    "diagonal_copy": lambda lib, x: lib.diagonal_copy(x, 1),
    "expand_copy": lambda lib, x: lib.expand_copy(x[:1], (2, 3, 4)),
    "permute_copy": lambda lib, x: lib.permute_copy(x, (1, 0)),
    "select_copy": lambda lib, x: lib.select_copy(x, 1, 2),
    "slice_copy": lambda lib, x: lib.slice_copy(x, 1, 1, None, 2),
    "split_copy": lambda lib, x: lib.split_copy(x, 2),
    "split_with_sizes_copy": lambda lib, x: lib.split_with_sizes_copy(x, [1, 2]),
    "squeeze_copy": lambda lib, x: lib.squeeze_copy(x[:1], 0),
    "t_copy": lambda lib, x: lib.t_copy(x),
    "transpose_copy": lambda lib, x: lib.transpose_copy(x, 0, 1),
    "unbind_copy": lambda lib, x: lib.unbind_copy(x, 1),
    "unfold_copy": lambda lib, x: lib.unfold_copy(x, 1, 2, 1),
    "unsqueeze_copy": lambda lib, x: lib.unsqueeze_copy(x, 1),
    "view_copy": lambda lib, x: lib.view_copy(x, (4, 3)),
    "detach": lambda lib, x: lib.detach(x),
    "unsafe_split_with_sizes": lambda lib, x: lib.unsafe_split_with_sizes(x, [2, 1]),
    "fill": lambda lib, x: lib.fill(x, 1.5),
}
ENTRIES += [OpEntry(name, args(arr(3, 4)), fn=fn, grad=name not in ("detach", "detach_copy"))
            for name, fn in COPIES.items()]  # fmt: skip
ENTRIES += [
    OpEntry(
        "fill", args(arr(3, 4), arr()), fn=lambda lib, x, v: lib.fill(x, v), variant="tensor-value"
    ),
    OpEntry(
        "as_strided_scatter",
        args(arr(3, 4), arr(2, 2)),
        fn=lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (1, 4), 1),
        # torch 2.13's backward for input is the gradient inside the written region and 0
        # outside, the reverse of d(out)/d(input); ember's is checked in test_views.py
        grad=False,
    ),
    OpEntry(
        "unravel_index",
        lambda rng, dt: [rng.integers(-20, 20, (5,))],
        fn=lambda lib, i: lib.unravel_index(i, (3, 4)),
        dtypes=("int64",),
        errors=(lambda rng, dt: [rng.uniform(0, 1, (2,)).astype("float32")],),
    ),
]

# ---- aliases' in-place forms and other methods ------------------------------------------------
for name in "absolute_ multiply_ subtract_ divide_ true_divide_".split():
    ENTRIES.append(
        OpEntry(
            f"Tensor.{name}",
            args(arr(3, 4), away_from_zero(3, 4)),
            fn=lambda lib, x, y, _n=name: (
                getattr(x * 1, _n)() if _n == "absolute_" else getattr(x * 1, _n)(y)
            ),
        )
    )
for name in "greater_ greater_equal_ less_ less_equal_ not_equal_".split():
    ENTRIES.append(
        OpEntry(
            f"Tensor.{name}",
            args(arr(3, 4)),
            fn=lambda lib, x, _n=name: getattr(x.detach().clone(), _n)(0.0),
            grad=False,
        )
    )
ENTRIES += [
    OpEntry(
        "Tensor.bitwise_left_shift_",
        lambda rng, dt: [rng.integers(0, 8, (3, 4))],
        fn=lambda lib, x: x.clone().bitwise_left_shift_(2),
        dtypes=("int64",),
    ),
    OpEntry(
        "Tensor.bitwise_right_shift_",
        lambda rng, dt: [rng.integers(0, 8, (3, 4))],
        fn=lambda lib, x: x.clone().bitwise_right_shift_(1),
        dtypes=("int64",),
    ),
    OpEntry(
        "Tensor.float_power_",
        args(positive(3, 4)),
        fn=lambda lib, x: (x * 1).float_power_(2),
        dtypes=("float64",),
        errors=(args(positive(3)),),
    ),
    OpEntry(
        "Tensor.fill_diagonal_",
        args(arr(5, 3)),
        fn=lambda lib, x: (x * 1).fill_diagonal_(0.5, wrap=True),
        errors=(args(arr(3)),),
    ),
    OpEntry(
        "Tensor.fill_diagonal_",
        args(arr(3, 3, 3)),
        fn=lambda lib, x: (x * 1).fill_diagonal_(-1.0),
        variant="cube",
    ),
    OpEntry(
        "Tensor.sum_to_size",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: x.sum_to_size(3, 1),
        errors=(args(arr(2, 4)),),
    ),
    OpEntry(
        "Tensor.is_same_size",
        args(arr(2, 3), arr(3, 2)),
        fn=lambda lib, x, y: (x.is_same_size(y), x.is_same_size(x)),
        grad=False,
    ),
    OpEntry(
        "Tensor.is_nonzero",
        args(arr(1)),
        fn=lambda lib, x: x.is_nonzero(),
        grad=False,
        errors=(args(arr(2)),),
    ),
    OpEntry(
        "Tensor.is_signed",
        args(arr(2)),
        fn=lambda lib, x: (x.is_signed(), x.to(lib.uint8).is_signed()),
        grad=False,
    ),
    OpEntry(
        "Tensor.apply_",
        args(arr(2, 3)),
        fn=lambda lib, x: x.detach().clone().apply_(lambda v: v * v + 1),
        grad=False,
    ),
    OpEntry(
        "Tensor.map_",
        args(arr(2, 3), arr(3)),
        fn=lambda lib, x, y: x.detach().clone().map_(y.detach(), lambda a, b: a - 2 * b),
        grad=False,
    ),
    OpEntry(
        "Tensor.as_strided_scatter",
        args(arr(3, 4), arr(2, 2)),
        fn=lambda lib, x, s: x.as_strided_scatter(s, (2, 2), (4, 1)),
        grad=False,
    ),
    OpEntry(
        "Tensor.unsafe_split_with_sizes",
        args(arr(3, 4)),
        fn=lambda lib, x: x.unsafe_split_with_sizes([1, 3], 1),
    ),
]

ENTRIES += [
    OpEntry("relu_", args(arr(3, 4)), fn=lambda lib, x: lib.relu_(x * 1)),
    OpEntry("Tensor.relu_", args(arr(3, 4)), fn=lambda lib, x: (x * 1).relu_()),
]
