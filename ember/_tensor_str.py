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
    """Set how tensors print (torch's options and profiles: default, short, full)."""
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
    """Chooses one format for all elements (integer-valued, fixed or scientific).

    As in torch, only the finite non-zero values decide the mode and the column width: a
    ratio above 1000 between the largest and smallest magnitude, a magnitude above 1e8, or
    (for non-integer values) one below 1e-4 switches to scientific notation.
    """

    def __init__(self, values: np.ndarray):
        self.kind = values.dtype.kind
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        self.precision = PRINT_OPTIONS["precision"]
        if self.kind in "iub":
            strs = [self._int(v) for v in values.reshape(-1)]
            self.width = max((len(s) for s in strs), default=1)
            return
        flat = values.reshape(-1).astype(np.float64)
        nonzero = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero.size == 0:
            return
        self.int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
        big, small = np.abs(nonzero).max(), np.abs(nonzero).min()
        if big / small > 1000.0 or big > 1e8 or (not self.int_mode and small < 1e-4):
            self.sci_mode = True
        if PRINT_OPTIONS["sci_mode"] is not None:
            self.sci_mode = PRINT_OPTIONS["sci_mode"]
        self.width = max(len(self._fmt(v)) for v in nonzero)

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


class _ComplexFormatter:
    """Real and imaginary parts each get their own `_Formatter`: ``1.+2.j``."""

    def __init__(self, values: np.ndarray):
        self.real = _Formatter(values.real)
        self.imag = _Formatter(values.imag)
        self.width = self.real.width + self.imag.width + 1

    def __call__(self, v) -> str:
        real = self.real(v.real)
        imag = (self.imag(v.imag) + "j").lstrip()
        return real + imag if imag[0] in "+-" else real + "+" + imag


def _summarize(a: np.ndarray, edge: int) -> np.ndarray:
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * edge:
        a = np.concatenate([a[:edge], a[-edge:]])
    return np.stack([_summarize(x, edge) for x in a]) if a.ndim > 1 else a


def _format(a: np.ndarray, fmt, indent: int, summarize: bool, edge: int) -> str:
    if a.ndim == 0:
        return fmt(a)
    cut = summarize and a.shape[0] > 2 * edge
    if a.ndim == 1:
        if cut:
            items = [fmt(v) for v in a[:edge]] + [" ..."] + [fmt(v) for v in a[-edge:]]
        else:
            items = [fmt(v) for v in a]
        per_line = max(1, (PRINT_OPTIONS["linewidth"] - indent) // (fmt.width + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if cut:
        parts = [_format(r, fmt, indent + 1, summarize, edge) for r in a[:edge]]
        parts.append("...")
        parts.extend(_format(r, fmt, indent + 1, summarize, edge) for r in a[-edge:])
    else:
        parts = [_format(r, fmt, indent + 1, summarize, edge) for r in a]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def tensor_repr(t) -> str:
    """``repr(t)`` as torch prints it."""
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
        formatter = _ComplexFormatter(shown) if data.dtype.kind == "c" else _Formatter(shown)
        body = _format(data, formatter, len(prefix), summarize, edge)
    if t.is_cuda:
        suffixes.append(f"device='{t.device}'")
    implied = (
        _dtype.get_default_dtype(),
        _dtype.default_complex_dtype(),
        _dtype.int64,
        _dtype.bool_,
    )
    if t.dtype not in implied or (data.size == 0 and t.dtype is not _dtype.get_default_dtype()):
        suffixes.append(f"dtype={t.dtype}")
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + body
    for suffix in suffixes:
        # a suffix that would reach the line width goes on its own line, under the data
        last_line = len(text) - text.rfind("\n") - 1
        if last_line + len(", ") + len(suffix) + len(")") >= PRINT_OPTIONS["linewidth"]:
            text += ",\n" + " " * len(prefix) + suffix
        else:
            text += ", " + suffix
    return text + ")"
