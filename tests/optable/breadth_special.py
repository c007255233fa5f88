"""Table entries: the gamma family (ops/gamma.py: lgamma, digamma, polygamma, mvlgamma, i0,
igamma, igammac) and the ember.special namespace."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, ints, positive
from .nn_functional import prob

ENTRIES = []
INT = ("int64",)


def add(*entries):
    ENTRIES.extend(entries)


# ---- ops/gamma.py ---------------------------------------------------------------------------
add(
    OpEntry("lgamma", args(arr(3, 4, low=-4.0, high=6.0))),
    OpEntry(
        "lgamma",
        args(positive(20, low=0.5, high=30.0)),
        variant="positive",
        rtol=1e-8,
        atol=1e-9,
        dtypes=("float64",),
    ),  # fmt: skip
    OpEntry("lgamma", args(ints(5, low=1, high=9)), dtypes=INT, grad=False, variant="int"),
    OpEntry("digamma", args(arr(3, 4, low=-4.0, high=6.0))),
    OpEntry(
        "digamma",
        args(positive(20, low=0.5, high=30.0)),
        variant="positive",
        rtol=1e-8,
        atol=1e-9,
        dtypes=("float64",),
    ),  # fmt: skip
    OpEntry(
        "mvlgamma", args(positive(3, 4, low=1.6, high=5.0)), fn=lambda lib, x: lib.mvlgamma(x, 3)
    ),
    OpEntry("i0", args(arr(3, 4, low=-6.0, high=6.0))),
    OpEntry(
        "i0",
        args(arr(10, low=-40.0, high=40.0)),
        variant="wide",
        dtypes=("float64",),
        rtol=1e-8,
        atol=0,
    ),  # fmt: skip
    OpEntry("Tensor.lgamma_", args(positive(3, 4)), fn=lambda lib, x: x.clone().lgamma_()),
    OpEntry("Tensor.digamma_", args(positive(3, 4)), fn=lambda lib, x: x.clone().digamma_()),
    OpEntry("Tensor.i0_", args(arr(3, 4)), fn=lambda lib, x: x.clone().i0_()),
    OpEntry(
        "Tensor.mvlgamma_",
        args(positive(3, 4, low=1.6, high=5.0)),
        fn=lambda lib, x: x.clone().mvlgamma_(2),
    ),
    OpEntry(
        "Tensor.polygamma",
        args(positive(3, 4, low=0.3, high=5.0)),
        fn=lambda lib, x: x.polygamma(1),
        dtypes=("float64",),
        rtol=1e-8,
        atol=1e-9,
    ),
)
add(
    OpEntry(
        "polygamma",
        args(positive(3, 4, low=0.3, high=6.0)),
        fn=lambda lib, x: lib.polygamma(2, x),
        dtypes=("float32",),
        variant="f32",
    )
)
for _n in (0, 1, 2, 3):
    add(
        OpEntry(
            "polygamma",
            args(positive(3, 4, low=0.3, high=6.0)),
            fn=lambda lib, x, n=_n: lib.polygamma(n, x),
            variant=f"n{_n}",
            dtypes=("float64",),
            rtol=1e-8,  # torch's trigamma is good to ~5e-10 relative
            atol=1e-9,
            errors=(args(arr(3), -1),),  # a negative order
        )
    )


# ---- ember.special ----------------------------------------------------------------------------
def S(name):
    return f"special.{name}"


add(
    *(
        OpEntry(S(n), args(arr(3, 4)))
        for n in (
            "erf",
            "erfc",
            "expit",
            "exp2",
            "expm1",
            "sinc",
            "ndtr",
            "i0",
            "i1",
            "round",
            "i0e",
            "i1e",
        )  # fmt: skip
    ),
    OpEntry(S("erfinv"), args(arr(3, 4, low=-0.9, high=0.9))),
    OpEntry(S("i0e"), args(arr(3, 4, low=-60.0, high=60.0)), variant="wide"),
    OpEntry(S("i1e"), args(arr(3, 4, low=-60.0, high=60.0)), variant="wide"),
    OpEntry(S("ndtri"), args(prob(3, 4))),
    OpEntry(S("logit"), args(prob(3, 4))),
    OpEntry(S("log1p"), args(positive(3, 4))),
    OpEntry(S("entr"), args(positive(3, 4))),
    OpEntry(S("entr"), args(arr(3, 4)), grad=False, variant="signs"),
    OpEntry(S("log_ndtr"), args(arr(3, 4, low=-30.0, high=5.0)), dtypes=("float64",)),
    # torch's float32 second derivative is itself off by a few percent in the left tail
    OpEntry(
        S("log_ndtr"),
        args(arr(3, 4, low=-30.0, high=5.0)),
        dtypes=("float32",),
        gradgrad=False,
        variant="f32",
    ),
    OpEntry(S("gammaln"), args(positive(3, 4))),
    OpEntry(S("digamma"), args(positive(3, 4))),
    OpEntry(S("psi"), args(positive(3, 4))),
    OpEntry(
        S("polygamma"),
        args(positive(3, 4)),
        fn=lambda lib, x: lib.special.polygamma(1, x),
        dtypes=("float64",),
        rtol=1e-8,
        atol=1e-9,
    ),  # fmt: skip
    OpEntry(
        S("multigammaln"),
        args(positive(3, 4, low=1.6, high=5.0)),
        fn=lambda lib, x: lib.special.multigammaln(x, 2),
    ),
    OpEntry(S("xlogy"), args(positive(3, 4), positive(4))),
    OpEntry(S("xlog1py"), args(arr(3, 4), positive(4))),
    OpEntry(
        S("xlog1py"),
        args(positive(3, 4)),
        fn=lambda lib, y: lib.special.xlog1py(lib.zeros(3, 4, dtype=y.dtype), y),
        variant="zero",
    ),
    OpEntry(S("softmax"), args(arr(3, 4)), fn=lambda lib, x: lib.special.softmax(x, 1)),
    OpEntry(S("log_softmax"), args(arr(3, 4)), fn=lambda lib, x: lib.special.log_softmax(x, 0)),
    OpEntry(
        S("logsumexp"),
        args(arr(3, 4)),
        fn=lambda lib, x: lib.special.logsumexp(x, 1, keepdim=True),
        errors=(args(arr(3)),),
    ),
)


# ---- igamma / igammac (ops/gamma.py) ---------------------------------------------------------
for _name in ("igamma", "igammac", "special.gammainc", "special.gammaincc"):
    add(
        OpEntry(
            _name,
            args(positive(3, 4, low=0.2, high=8.0), positive(3, 4, low=0.05, high=12.0)),
            fn=lambda lib, a, x, n=_name: getattr(
                lib.special if n.startswith("special.") else lib, n.split(".")[-1]
            )(a.detach(), x),
            errors=(args(ints(3, low=1, high=4), ints(3, low=1, high=4)),),
        )
    )
add(
    OpEntry(
        "Tensor.igamma_",
        args(positive(3, 4), positive(3, 4)),
        fn=lambda lib, a, x: a.detach().clone().igamma_(x.detach()),
        grad=False,
    ),
    OpEntry(
        "Tensor.igammac_",
        args(positive(3, 4), positive(3, 4)),
        fn=lambda lib, a, x: a.detach().clone().igammac_(x.detach()),
        grad=False,
    ),
)
