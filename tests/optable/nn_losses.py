"""Table entries: ``nn.functional`` losses (every reduction), CTC included."""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, away_from_zero, ints, positive
from .nn_functional import F, fl, prob, signs

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


# ---- losses --------------------------------------------------------------------------------
def loss(name, makers, call, variant="", **kw):
    return OpEntry(F(name), args(*makers), fn=call, variant=variant, **kw)


W5 = [0.5, 1.0, 2.0, 0.1, 1.5]
targets = ints(6, low=0, high=5)
for red in ("mean", "sum", "none"):
    add(
        loss(
            "cross_entropy",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).cross_entropy(x, t, reduction=r),
            red,
            errors=(
                args(arr(3, 5), ints(2, low=0, high=5)),
                args(arr(3, 5), ints(3, low=5, high=6)),
            ),
        ),
        loss(
            "cross_entropy",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).cross_entropy(
                x,
                t,
                weight=lib.tensor(W5, dtype=x.dtype),
                ignore_index=2,
                reduction=r,
                label_smoothing=0.2,
            ),
            red + "-weight-ignore-smooth",
        ),
        loss(
            "cross_entropy",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).cross_entropy(
                x, t, ignore_index=1, reduction=r, label_smoothing=0.1
            ),
            red + "-ignore-smooth",
        ),
        loss(
            "cross_entropy",
            (arr(2, 5, 3, 4), ints(2, 3, 4, low=0, high=5)),
            lambda lib, x, t, r=red: fl(lib).cross_entropy(
                x, t, weight=lib.tensor(W5, dtype=x.dtype), reduction=r
            ),
            red + "-4d-weight",
        ),
        loss(
            "cross_entropy",
            (arr(4, 5), positive(4, 5)),
            lambda lib, x, p, r=red: fl(lib).cross_entropy(
                x, p.softmax(1), reduction=r, label_smoothing=0.1
            ),
            red + "-probs",
        ),
        loss(
            "cross_entropy",
            (arr(2, 5, 3), positive(2, 5, 3)),
            lambda lib, x, p, r=red: fl(lib).cross_entropy(
                x, p, weight=lib.tensor(W5, dtype=x.dtype), reduction=r
            ),
            red + "-probs-3d-weight",
        ),
        loss(
            "nll_loss",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).nll_loss(x, t, reduction=r),
            red,
            errors=(args(arr(3, 5), arr(3)), args(arr(2, 3, 4, 5), ints(2, 4, 4, low=0, high=3))),
        ),
        loss(
            "nll_loss",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).nll_loss(
                x, t, weight=lib.tensor(W5, dtype=x.dtype), ignore_index=0, reduction=r
            ),
            red + "-weight-ignore",
        ),
        loss(
            "nll_loss",
            (arr(5), ints(low=0, high=5)),
            lambda lib, x, t, r=red: fl(lib).nll_loss(x, t, reduction=r),
            red + "-unbatched",
        ),
        loss(
            "mse_loss",
            (arr(3, 4), arr(3, 4)),
            lambda lib, x, t, r=red: fl(lib).mse_loss(x, t, reduction=r),
            red,
            errors=(args(arr(3), arr(4)),),
        ),
        loss(
            "l1_loss",
            (away_from_zero(3, 4), arr(3, 4)),
            lambda lib, x, t, r=red: fl(lib).l1_loss(x, t * 0.1, reduction=r),
            red,
        ),
        loss(
            "smooth_l1_loss",
            (arr(3, 4), arr(3, 4)),
            lambda lib, x, t, r=red: fl(lib).smooth_l1_loss(x, t, reduction=r, beta=0.5),
            red,
        ),
        loss(
            "huber_loss",
            (arr(3, 4), arr(3, 4)),
            lambda lib, x, t, r=red: fl(lib).huber_loss(x, t, reduction=r, delta=0.7),
            red,
        ),
        loss(
            "binary_cross_entropy",
            (prob(3, 4), prob(3, 4)),
            lambda lib, x, t, r=red: fl(lib).binary_cross_entropy(x, t, reduction=r),
            red,
            errors=(args(prob(3), prob(3, 1)), args(arr(3, low=1.5, high=2), prob(3))),
        ),
        loss(
            "binary_cross_entropy",
            (prob(3, 4), prob(3, 4)),
            lambda lib, x, t, r=red: fl(lib).binary_cross_entropy(
                x, t, weight=lib.tensor([1.0, 2.0, 0.5, 0.1], dtype=x.dtype), reduction=r
            ),
            red + "-weight",
            gradgrad=False,
        ),
        loss(
            "binary_cross_entropy_with_logits",
            (arr(3, 4, low=-30, high=30), prob(3, 4)),
            lambda lib, x, t, r=red: fl(lib).binary_cross_entropy_with_logits(x, t, reduction=r),
            red,
        ),
        loss(
            "binary_cross_entropy_with_logits",
            (arr(3, 4), prob(3, 4)),
            lambda lib, x, t, r=red: fl(lib).binary_cross_entropy_with_logits(
                x,
                t,
                weight=lib.tensor([1.0, 2.0, 0.5, 0.1], dtype=x.dtype),
                pos_weight=lib.tensor([3.0, 1.0, 0.5, 2.0], dtype=x.dtype),
                reduction=r,
            ),
            red + "-pos_weight",
        ),
        loss(
            "kl_div",
            (arr(3, 4), prob(3, 4)),
            lambda lib, x, t, r=red: fl(lib).kl_div(x, t, reduction=r),
            red,
        ),
        loss(
            "kl_div",
            (arr(3, 4), arr(3, 4)),
            lambda lib, x, t, r=red: fl(lib).kl_div(x, t, reduction=r, log_target=True),
            red + "-log_target",
        ),
        loss(
            "poisson_nll_loss",
            (arr(3, 4), positive(3, 4, high=4)),
            lambda lib, x, t, r=red: fl(lib).poisson_nll_loss(x, t, reduction=r),
            red,
        ),
        loss(
            "poisson_nll_loss",
            (positive(3, 4), positive(3, 4, high=4)),
            lambda lib, x, t, r=red: fl(lib).poisson_nll_loss(
                x, t, log_input=False, full=True, reduction=r
            ),
            red + "-full",
        ),
        loss(
            "gaussian_nll_loss",
            (arr(3, 4), arr(3, 4), positive(3, 4)),
            lambda lib, x, t, v, r=red: fl(lib).gaussian_nll_loss(x, t, v, reduction=r),
            red,
            errors=(args(arr(3, 4), arr(3, 4), arr(3, 2)),),
        ),
        loss(
            "gaussian_nll_loss",
            (arr(3, 4), arr(3, 4), positive(3)),
            lambda lib, x, t, v, r=red: fl(lib).gaussian_nll_loss(x, t, v, full=True, reduction=r),
            red + "-full-var1d",
        ),
        loss(
            "cosine_embedding_loss",
            (arr(4, 5), arr(4, 5), signs(4)),
            lambda lib, a, b, y, r=red: fl(lib).cosine_embedding_loss(a, b, y, 0.2, reduction=r),
            red,
        ),
        loss(
            "margin_ranking_loss",
            (arr(6), arr(6), signs(6)),
            lambda lib, a, b, y, r=red: fl(lib).margin_ranking_loss(a, b, y, 0.3, reduction=r),
            red,
        ),
        loss(
            "hinge_embedding_loss",
            (away_from_zero(3, 4), signs(3, 4)),
            lambda lib, x, y, r=red: fl(lib).hinge_embedding_loss(x, y, 1.3, reduction=r),
            red,
        ),
        loss(
            "multilabel_soft_margin_loss",
            (arr(3, 4), prob(3, 4)),
            lambda lib, x, y, r=red: fl(lib).multilabel_soft_margin_loss(
                x, y.round(), weight=lib.tensor([1.0, 2.0, 0.5, 0.1], dtype=x.dtype), reduction=r
            ),
            red,
        ),
        loss(
            "multi_margin_loss",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).multi_margin_loss(x, t, reduction=r),
            red,
            gradgrad=False,
        ),
        loss(
            "multi_margin_loss",
            (arr(6, 5), targets),
            lambda lib, x, t, r=red: fl(lib).multi_margin_loss(
                x, t, p=2, margin=0.5, weight=lib.tensor(W5, dtype=x.dtype), reduction=r
            ),
            red + "-p2-weight",
            gradgrad=False,
        ),
        loss(
            "soft_margin_loss",
            (arr(3, 4), signs(3, 4)),
            lambda lib, x, y, r=red: fl(lib).soft_margin_loss(x, y.detach(), reduction=r),
            red,
        ),
        loss(
            "triplet_margin_loss",
            (arr(4, 5), arr(4, 5), arr(4, 5)),
            lambda lib, a, p, n, r=red: fl(lib).triplet_margin_loss(a, p, n, reduction=r),
            red,
        ),
        loss(
            "triplet_margin_loss",
            (arr(4, 5), arr(4, 5), arr(4, 5)),
            lambda lib, a, p, n, r=red: fl(lib).triplet_margin_loss(
                a, p, n, margin=2.0, p=1, swap=True, reduction=r
            ),
            red + "-swap-p1",
        ),
    )
add(
    loss("mse_loss", (arr(3, 4), arr(4)), lambda lib, x, t: fl(lib).mse_loss(x, t), "broadcast"),
    loss(
        "mse_loss",
        (arr(3, 4), arr(3, 4)),
        lambda lib, x, t: fl(lib).mse_loss(x, t, reduce=False),
        "legacy-reduce",
    ),
    loss(
        "kl_div",
        (arr(3, 4), prob(3, 4)),
        lambda lib, x, t: fl(lib).kl_div(x, t, reduction="batchmean"),
        "batchmean",
    ),
    loss(
        "cross_entropy",
        (arr(5), ints(low=0, high=5)),
        lambda lib, x, t: fl(lib).cross_entropy(x, t),
        "unbatched",
    ),
    loss(
        "smooth_l1_loss",
        (arr(3, 4), arr(3, 4)),
        lambda lib, x, t: fl(lib).smooth_l1_loss(x, t, beta=0.0),
        "beta0",
    ),
)


# ---- CTC ------------------------------------------------------------------------------------
def log_probs(*shape):
    def make(rng, dtype):
        x = rng.standard_normal(shape)
        return (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(dtype)

    return make


for red in ("none", "mean", "sum"):
    add(
        OpEntry(
            F("ctc_loss"),
            args(log_probs(7, 3, 5)),
            fn=lambda lib, lp, r=red: fl(lib).ctc_loss(
                lp,
                lib.tensor([[1, 2, 2], [3, 1, 0], [4, 4, 4]]),
                lib.tensor([7, 5, 6]),
                lib.tensor([3, 2, 0]),
                reduction=r,
            ),
            variant=red,
            gradgrad=False,
        )
    )
add(
    OpEntry(
        F("ctc_loss"),
        args(log_probs(6, 2, 4)),
        fn=lambda lib, lp: fl(lib).ctc_loss(
            lp, lib.tensor([1, 2, 3, 3, 1]), (6, 6), (2, 3), blank=0, reduction="sum"
        ),
        variant="concatenated",
        gradgrad=False,
    ),
    OpEntry(
        F("ctc_loss"),
        args(log_probs(3, 2, 4)),
        fn=lambda lib, lp: fl(lib).ctc_loss(
            lp, lib.tensor([[1, 2, 1], [1, 1, 1]]), [3, 3], [3, 3], zero_infinity=True
        ),
        variant="zero-infinity",
        gradgrad=False,
    ),
    OpEntry(
        F("ctc_loss"),
        args(log_probs(6, 4)),
        fn=lambda lib, lp: fl(lib).ctc_loss(lp, lib.tensor([2, 1]), [6], [2], blank=3),
        variant="unbatched-blank",
        gradgrad=False,
    ),
)


# ---- multilabel margin, triplet with a distance function ------------------------------------
def label_lists(rng, dtype):
    """Rows of class indices ended by -1 (what multilabel_margin_loss reads)."""
    return np.array([[3, 0, -1, 1, 2], [1, 2, 4, 0, -1], [-1, 0, 0, 0, 0], [4, 3, 2, 1, 0]])


for red in ("none", "mean", "sum"):
    add(
        loss(
            "multilabel_margin_loss",
            (arr(4, 5), label_lists),
            lambda lib, x, t, r=red: fl(lib).multilabel_margin_loss(x, t, reduction=r),
            red,
            gradgrad=False,
        ),
        loss(
            "triplet_margin_with_distance_loss",
            (arr(4, 5), arr(4, 5), arr(4, 5)),
            lambda lib, a, p, n, r=red: fl(lib).triplet_margin_with_distance_loss(
                a, p, n, reduction=r
            ),
            red,
        ),
    )
add(
    loss(
        "multilabel_margin_loss",
        (arr(5), lambda rng, dtype: np.array([2, 4, -1, 0, 0])),
        lambda lib, x, t: fl(lib).multilabel_margin_loss(x, t),
        "1d",
        gradgrad=False,
    ),
    loss(
        "triplet_margin_with_distance_loss",
        (arr(4, 5), arr(4, 5), arr(4, 5)),
        lambda lib, a, p, n: fl(lib).triplet_margin_with_distance_loss(
            a,
            p,
            n,
            distance_function=lambda u, v: 1.0 - fl(lib).cosine_similarity(u, v),
            margin=0.5,
            swap=True,
        ),
        "cosine-swap",
    ),
)
add(
    loss(
        "linear_cross_entropy",
        (arr(6, 4), arr(5, 4), targets, arr(5)),
        lambda lib, x, w, t, b: fl(lib).linear_cross_entropy(
            x, w, t, linear_bias=b, ignore_index=2, label_smoothing=0.1
        ),
    ),
    loss(
        "linear_cross_entropy",
        (arr(6, 4), arr(5, 4), targets),
        lambda lib, x, w, t: fl(lib).linear_cross_entropy(x, w, t, reduction="sum"),
        "no-ignore",
    ),
)
