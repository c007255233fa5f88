"""Fused recurrence: a whole sequence of LSTM steps (one layer, one direction) as one Function.

The step-by-step graph of a recurrent layer has a dozen nodes per time step; here forward runs
the time loop on arrays and keeps each step's gate activations, and backward runs
backpropagation through time on arrays, in reverse. When a double backward is asked for
(``create_graph``), backward instead rebuilds the sequence with the step functions of
``ember.nn.modules.rnn`` (ember ops, differentiable again) and differentiates that. GRU, RNN
and packed sequences still run as that step-by-step graph.

Inputs are already projected, ``xs[:, t] = W_ih x_t + b_ih + b_hh`` for every t, by the caller,
and feature-major, ``(4H, T, B)``: see ``LSTMSequence``.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import enable_grad, state
from ._util import xp_of


def _sigmoid_(x, xp):
    """``1 / (1 + e^-x)`` computed in place in ``x`` (e^-x may overflow to inf: gives 0)."""
    with np.errstate(over="ignore"):
        xp.negative(x, out=x)
        xp.exp(x, out=x)
        x += 1
        xp.divide(1, x, out=x)  # (NumPy's reciprocal takes twice as long, same values)
    return x


def _matrix(a):
    """``(n, steps, batch)`` as one ``(n, steps * batch)`` matrix."""
    return a.reshape(a.shape[0], -1)


class _Recurrence(ArrayFunction):
    """Shared backward fallback: rebuild the graph with ember ops when create_graph is on."""

    @staticmethod
    def _composed(ctx, grads):
        from .. import autograd

        inputs = ctx.saved_tensors[: len(ctx.next_functions)]  # (then the saved outputs)
        needs = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
        with enable_grad():
            outs = ctx.step_fn(*inputs)
        pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
        found = autograd.grad(
            [o for o, _ in pairs],
            [inputs[i] for i in needs],
            [g for _, g in pairs],
            create_graph=True,
            allow_unused=True,
        )
        result = [None] * len(inputs)
        for i, g in zip(needs, found):
            result[i] = g
        return tuple(result)


class LSTMSequence(_Recurrence):
    """math: i,f,g,o = s(.), s(.), tanh(.), s(.) of xs_t + W_hh h_t
    c_t = f c_{t-1} + i g;  h_t = [W_hr] (o tanh(c_t))

    Feature-major: ``xs`` is ``(4H, T, B)`` (the projected inputs ``W_ih x_t``, all steps one
    matrix product ``W_ih X`` of the caller's) and the outputs are ``(P, T, B)``, the next
    layer's ``X`` as it is; h_T is ``(B, P)`` and c_T ``(B, H)``. The states are features by
    batch, so that each step's product is a wide weight times a narrow state, ``W_hh h``, the
    shape OpenBLAS is fastest at (0.10 against 0.18 ms for 1024 gates and a 32x256 state),
    and each gate is a block of rows."""

    @staticmethod
    def forward(ctx, xs, h0, c0, w_hh, w_hr):
        xp = xp_of(xs)
        steps, hidden = xs.shape[1], c0.shape[-1]
        outs = xp.empty((h0.shape[1], steps, h0.shape[0]), dtype=xs.dtype)
        saved = []
        h, c = xp.ascontiguousarray(h0.T), xp.ascontiguousarray(c0.T)
        for t in range(steps):
            gates = w_hh @ h
            gates += xs[:, t]
            _sigmoid_(gates[: 2 * hidden], xp)  # the input and forget gates, one block
            i, f = gates[:hidden], gates[hidden : 2 * hidden]
            g = xp.tanh(gates[2 * hidden : 3 * hidden], out=gates[2 * hidden : 3 * hidden])
            o = _sigmoid_(gates[3 * hidden :], xp)
            c_prev = c
            c = f * c_prev
            c += i * g
            tc = xp.tanh(c)
            h = outs[:, t]
            if w_hr is not None:
                hr = o * tc
                xp.matmul(w_hr, hr, out=h)
            else:
                hr = None  # (only the projection's gradient needs o tanh(c) kept)
                xp.multiply(o, tc, out=h)
            saved.append((i, f, g, o, c_prev, tc, hr))
        ctx.steps = saved
        ctx.step_fn = _lstm_composed
        # the outputs are the states h_t the weight gradient needs: saved as an output, so
        # that writing into them before backward is caught by the version check
        ctx.save_for_backward(xs, h0, c0, w_hh, w_hr, outs)
        return outs, xp.ascontiguousarray(h.T), xp.ascontiguousarray(c.T)

    @staticmethod
    def backward(ctx, d_outs, d_hn, d_cn):
        if state.enabled:
            return _Recurrence._composed(ctx, (d_outs, d_hn, d_cn))
        xs, h0, c0, w_hh, w_hr, outs = ctx.saved_tensors
        xp = xp_of(xs._data)
        w_hh_t = w_hh._data.T
        w_hr_t = None if w_hr is None else w_hr._data.T
        d_outs_a = d_outs._data
        dh_next = xp.ascontiguousarray(d_hn._data.T)
        dc_next = xp.ascontiguousarray(d_cn._data.T)
        steps = len(ctx.steps)
        hidden = c0.shape[-1]
        d_xs = xp.empty(xs.shape, dtype=dh_next.dtype)
        d_hs = None if w_hr_t is None else xp.empty(d_outs_a.shape, dtype=d_outs_a.dtype)
        # a step's gate gradients are computed in one contiguous block of rows, then copied
        # into the step's (strided) column of d_xs once: ops on that column itself cost a loop
        # per row (8-12 us each against ~2.5, 15.1 -> 12.6 ms per 64-step layer)
        d_gates = xp.empty((4 * hidden, dh_next.shape[1]), dtype=dh_next.dtype)
        d_i, d_f = d_gates[:hidden], d_gates[hidden : 2 * hidden]
        d_g, d_o = d_gates[2 * hidden : 3 * hidden], d_gates[3 * hidden :]
        for t in range(steps - 1, -1, -1):
            i, f, g, o, c_prev, tc, hr = ctx.steps[t]
            dh = d_outs_a[:, t] + dh_next
            if w_hr_t is not None:
                d_hs[:, t] = dh
                dh = w_hr_t @ dh
            dc = dh * o * (1 - tc * tc)
            dc += dc_next
            xp.multiply(dc, g, out=d_i)
            d_i *= i * (1 - i)
            xp.multiply(dc, c_prev, out=d_f)
            d_f *= f * (1 - f)
            xp.multiply(dc, i, out=d_g)
            d_g *= 1 - g * g
            xp.multiply(dh, tc, out=d_o)
            d_o *= o * (1 - o)
            d_xs[:, t] = d_gates
            dh_next = w_hh_t @ d_gates
            dc_next = dc * f
        # the weight gradients summed over the steps: one product each, the steps folded into
        # its inner dim (a product per step would be 64 thin ones, each added in)
        h_prev = xp.concatenate([h0._data.T[:, None], outs._data[:, : steps - 1]], axis=1)
        d_w_hh = _matrix(d_xs) @ _matrix(h_prev).T
        d_w_hr = None
        if w_hr_t is not None:
            d_w_hr = _matrix(d_hs) @ _matrix(xp.stack([s[6] for s in ctx.steps], axis=1)).T
        return (
            Tensor._make(d_xs),
            Tensor._make(xp.ascontiguousarray(dh_next.T)),
            Tensor._make(xp.ascontiguousarray(dc_next.T)),
            Tensor._make(d_w_hh),
            None if d_w_hr is None else Tensor._make(d_w_hr),
        )


def _lstm_composed(xs, h, c, w_hh, w_hr):
    """``LSTMSequence`` written with ember ops (the step functions of ``nn.modules.rnn``),
    feature-major as it is."""
    from ..nn.modules.rnn import _lstm_step
    from .shape import stack

    outs = []
    for x_t in xs.unbind(1):
        h, c = _lstm_step(x_t.t(), (h, c), w_hh, None, w_hr)
        outs.append(h.t())
    return stack(outs, 1), h, c
