"""Printing tensors the way PyTorch prints them: ``tensor([1., 2.], requires_grad=True)``."""

from __future__ import annotations

import numpy as np

from . import _dtype

PRINT_OPTIONS = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    if profile == "default":
        PRINT_OPTIONS.update(precision=4, threshold=1000, edgeitems=3, linewidth=80)
    elif profile == "short":
        PRINT_OPTIONS.update(precision=2, threshold=1000, edgeitems=2, linewidth=80)
    elif profile == "full":
        PRINT_OPTIONS.update(precision=4, threshold=float("inf"), edgeitems=3, linewidth=80)
    for key, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            PRINT_OPTIONS[key] = value
    PRINT_OPTIONS["sci_mode"] = sci_mode


class _Formatter:
    """Chooses one format for all elements (integer-valued, fixed or scientific)."""

    def __init__(self, values: np.ndarray):
        self.kind = values.dtype.kind
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        precision = PRINT_OPTIONS["precision"]
        self.precision = precision
        if self.kind in "iub":
            strs = [self._int(v) for v in values.reshape(-1)]
            self.width = max((len(s) for s in strs), default=1)
            return
        finite = values[np.isfinite(values)].astype(np.float64)
        nonzero = np.abs(finite[finite != 0])
        if finite.size == 0:
            self.width = max((len(self._fmt(v)) for v in values.reshape(-1)), default=1)
            return
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if self.int_mode:
            if nonzero.size and nonzero.max() > 1e8:
                self.int_mode = False
                self.sci_mode = True
        else:
            if nonzero.size and (
                nonzero.max() / nonzero.min() > 1000.0
                or nonzero.max() > 1e8
                or nonzero.min() < 1e-4
            ):
                self.sci_mode = True
        if PRINT_OPTIONS["sci_mode"] is not None:
            self.sci_mode = PRINT_OPTIONS["sci_mode"]
            if self.sci_mode:
                self.int_mode = False
        self.width = max((len(self._fmt(v)) for v in values.reshape(-1)), default=1)

    def _int(self, v) -> str:
        if self.kind == "b":
            return str(bool(v))
        return str(int(v))

    def _fmt(self, v) -> str:
        if self.kind in "iub":
            return self._int(v)
        v = float(v)
        if not np.isfinite(v):
            return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
        if self.sci_mode:
            return f"{v:.{self.precision}e}"
        if self.int_mode:
            return f"{v:.0f}."
        return f"{v:.{self.precision}f}"

    def __call__(self, v) -> str:
        return self._fmt(v).rjust(self.width)


def _summarize(a: np.ndarray, edge: int) -> np.ndarray:
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * edge:
        a = np.concatenate([a[:edge], a[-edge:]])
    return np.stack([_summarize(x, edge) for x in a]) if a.ndim > 1 else a


def _format(a: np.ndarray, fmt: _Formatter, indent: int, summarize: bool, edge: int) -> str:
    if a.ndim == 0:
        return fmt(a)
    if a.ndim == 1:
        items = [fmt(v) for v in a]
        if summarize and len(items) > 2 * edge:
            items = items[:edge] + ["..."] + items[-edge:]
        per_line = max(1, (PRINT_OPTIONS["linewidth"] - indent) // (fmt.width + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = list(a)
    parts = [_format(r, fmt, indent + 1, summarize, edge) for r in rows]
    if summarize and len(parts) > 2 * edge:
        parts = parts[:edge] + ["..."] + parts[-edge:]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def tensor_repr(t) -> str:
    data = t._host()
    if t.dtype is _dtype.bfloat16 or data.dtype == np.float16:
        data = data.astype(np.float32)
    summarize = data.size > PRINT_OPTIONS["threshold"]
    edge = PRINT_OPTIONS["edgeitems"]
    shown = _summarize(data, edge) if summarize else data
    prefix = "tensor("
    suffixes = []
    if data.size == 0:
        body = "[]"
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
    else:
        body = _format(
            data if not summarize else data, _Formatter(shown), len(prefix), summarize, edge
        )
    if t.is_cuda:
        suffixes.append(f"device='{t.device}'")
    if t.dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_) or (
        data.size == 0 and t.dtype is not _dtype.get_default_dtype()
    ):
        suffixes.append(f"dtype={t.dtype}")
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return prefix + body + "".join(", " + s for s in suffixes) + ")"
