"""`AdaptiveLogSoftmaxWithLoss`: a softmax over a large vocabulary split into a frequent
head and rarer clusters, each cluster behind one head entry and a smaller projection."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._tensor import Tensor
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax approximation (Grave et al.): ``forward(input, target)`` returns
    ``(output, loss)``, output the log-probability of each target."""

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        cutoffs,
        div_value: float = 4.0,
        head_bias: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (
            cutoffs != sorted(cutoffs)
            or min(cutoffs) <= 0
            or max(cutoffs) > (n_classes - 1)
            or len(set(cutoffs)) != len(cutoffs)
            or any(int(c) != c for c in cutoffs)
        ):
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an "
                "increasing order, where each value is between 1 and n_classes-1"
            )
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        kw = {"device": device, "dtype": dtype}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **kw)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hidden, bias=False, **kw),
                    Linear(hidden, size, bias=False, **kw),
                )
            )

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for projection in self.tail:
            for layer in projection:
                layer.reset_parameters()

    def forward(self, input: Tensor, target: Tensor) -> _ASMoutput:
        batched = input.dim() == 2
        if input.dim() not in (1, 2) or target.dim() != input.dim() - 1:
            raise RuntimeError(
                "1D target tensor expects 2D input tensors, but found inputs "
                f"with size {list(input.shape)}"
            )
        if batched and input.shape[0] != target.shape[0]:
            raise RuntimeError("Input and target should have the same size in the batch dimension.")
        if not batched:
            input, target = input.unsqueeze(0), target.unsqueeze(0)
        t = np.asarray(target._host()).astype(np.int64)
        if t.size and (t.min() < 0 or t.max() >= self.n_classes):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{t.min()}, {t.max()}] were found. "
            )
        output = input.new_zeros(t.shape[0])
        head_index = t.copy()  # the head entry each row reads: its class or its cluster
        bounds = [0] + self.cutoffs
        for i in range(1, len(bounds) - 1):
            low, high = bounds[i], bounds[i + 1]
            rows = np.flatnonzero((t >= low) & (t < high))
            if rows.size == 0:
                continue
            head_index[rows] = self.shortlist_size + i - 1
            cluster = F.log_softmax(self.tail[i - 1](input[Tensor._make(rows)]), dim=1)
            local = cluster[Tensor._make(np.arange(rows.size)), Tensor._make(t[rows] - low)]
            output[Tensor._make(rows)] = local
        head = F.log_softmax(self.head(input), dim=1)
        output = output + head[Tensor._make(np.arange(t.shape[0])), Tensor._make(head_index)]
        loss = (-output).mean()
        if not batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def log_prob(self, input: Tensor) -> Tensor:
        """Log-probabilities of every class, shape (N, n_classes)."""
        head = F.log_softmax(self.head(input), dim=-1)
        parts = [head[..., : self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = F.log_softmax(self.tail[i](input), dim=-1)
            parts.append(cluster + head[..., self.shortlist_size + i : self.shortlist_size + i + 1])
        from ...ops import shape

        return shape.cat(parts, -1)

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each row."""
        return self.log_prob(input).argmax(-1)
