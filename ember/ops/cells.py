"""torch's single-step recurrent cells (``torch.lstm_cell``, ``gru_cell``, ``rnn_tanh_cell``,
``rnn_relu_cell``), composed of ember ops so autograd follows. Weights are laid out as
torch.nn's: ``w_ih`` (gates * hidden, input), ``w_hh`` (gates * hidden, hidden), gates stacked in
torch's order (LSTM: input, forget, cell, output; GRU: reset, update, new)."""

from __future__ import annotations

from .._tensor import Tensor
from . import activation as _activation
from . import unary as _unary


def _check(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, gates: int) -> None:
    if input.dim() != 2 or hx.dim() != 2:
        # aten's cells take batches only (nn.RNNCell adds the batch dim itself)
        raise IndexError(
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
            if min(input.dim(), hx.dim()) == 1
            else f"Expected input to be 2D, got {input.dim()}D instead"
        )
    if input.shape[-1] != w_ih.shape[1]:
        raise RuntimeError(
            f"input has inconsistent input_size: got {input.shape[-1]} expected {w_ih.shape[1]}"
        )
    if hx.shape[-1] * gates != w_hh.shape[0]:
        raise RuntimeError(
            f"hidden has inconsistent hidden_size: got {hx.shape[-1]}, expected "
            f"{w_hh.shape[0] // gates}"
        )


def _linear(x: Tensor, w: Tensor, b) -> Tensor:
    out = x.matmul(w.transpose(0, 1))
    return out + b if b is not None else out


def _gates(input, hx, w_ih, w_hh, b_ih, b_hh):
    return _linear(input, w_ih, b_ih) + _linear(hx, w_hh, b_hh)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None, b_hh=None):
    """``tanh(x w_ih^T + b_ih + h w_hh^T + b_hh)``"""
    _check(input, hx, w_ih, w_hh, 1)
    return _unary.tanh(_gates(input, hx, w_ih, w_hh, b_ih, b_hh))


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None, b_hh=None):
    """``relu(x w_ih^T + b_ih + h w_hh^T + b_hh)``"""
    _check(input, hx, w_ih, w_hh, 1)
    return _activation.relu(_gates(input, hx, w_ih, w_hh, b_ih, b_hh))


def lstm_cell(input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih=None, b_hh=None):
    """One LSTM step: ``hx = (h, c)``; returns ``(h', c')``."""
    h, c = hx
    _check(input, h, w_ih, w_hh, 4)
    i, f, g, o = _gates(input, h, w_ih, w_hh, b_ih, b_hh).chunk(4, -1)
    c_next = _unary.sigmoid(f) * c + _unary.sigmoid(i) * _unary.tanh(g)
    return _unary.sigmoid(o) * _unary.tanh(c_next), c_next


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None, b_hh=None):
    """One GRU step: ``n + z (h - n)`` with the new gate ``n = tanh(x_n + r h_n)``."""
    _check(input, hx, w_ih, w_hh, 3)
    i_r, i_z, i_n = _linear(input, w_ih, b_ih).chunk(3, -1)
    h_r, h_z, h_n = _linear(hx, w_hh, b_hh).chunk(3, -1)
    r = _unary.sigmoid(i_r + h_r)
    z = _unary.sigmoid(i_z + h_z)
    n = _unary.tanh(i_n + r * h_n)
    return n + z * (hx - n)
