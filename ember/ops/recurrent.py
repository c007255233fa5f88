"""Fused recurrence: a whole sequence of LSTM steps (one layer, one direction) as one Function.

The step-by-step graph of a recurrent layer has a dozen nodes per time step; here forward runs
the time loop on arrays and keeps each step's gate activations, and backward runs
backpropagation through time on arrays, in reverse. When a double backward is asked for
(``create_graph``), backward instead rebuilds the sequence with the step functions of
``ember.nn.modules.rnn`` (ember ops, differentiable again) and differentiates that. GRU, RNN
and packed sequences still run as that step-by-step graph.

Inputs are already projected: ``xs[t] = x_t W_ih^T + b_ih`` for every t, one matrix product
done by the caller.
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
        xp.reciprocal(x, out=x)
    return x


def _rows(a):
    """``(steps, batch, n)`` as one ``(steps * batch, n)`` matrix."""
    return a.reshape(-1, a.shape[-1])


class _Recurrence(ArrayFunction):
    """Shared backward fallback: rebuild the graph with ember ops when create_graph is on."""

    @staticmethod
    def _composed(ctx, grads):
        from .. import autograd

        inputs = ctx.saved_tensors
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
    """math: i,f,g,o = s(.), s(.), tanh(.), s(.) of xs_t + h W_hh^T + b_hh
    c_t = f c_{t-1} + i g;  h_t = (o tanh(c_t)) [W_hr^T]"""

    @staticmethod
    def forward(ctx, xs, h0, c0, w_hh, b_hh, w_hr):
        xp = xp_of(xs)
        steps, hidden = xs.shape[0], c0.shape[-1]
        outs = xp.empty((steps,) + h0.shape, dtype=xs.dtype)
        saved = []
        h, c = h0, c0
        w_hh_t = w_hh.T
        inputs = xs + b_hh if b_hh is not None else xs  # the bias added once, for every step
        for t in range(steps):
            gates = h @ w_hh_t
            gates += inputs[t]
            _sigmoid_(gates[:, : 2 * hidden], xp)  # the input and forget gates side by side
            i, f = gates[:, :hidden], gates[:, hidden : 2 * hidden]
            g = xp.tanh(gates[:, 2 * hidden : 3 * hidden], out=gates[:, 2 * hidden : 3 * hidden])
            o = _sigmoid_(gates[:, 3 * hidden :], xp)
            c_prev, h_prev = c, h
            c = f * c_prev + i * g
            tc = xp.tanh(c)
            hr = o * tc
            h = hr @ w_hr.T if w_hr is not None else hr
            outs[t] = h
            saved.append((i, f, g, o, c_prev, tc, hr, h_prev))
        ctx.steps = saved
        ctx.step_fn = _lstm_composed
        ctx.save_for_backward(xs, h0, c0, w_hh, b_hh, w_hr)
        return outs, h.copy(), c.copy()

    @staticmethod
    def backward(ctx, d_outs, d_hn, d_cn):
        if state.enabled:
            return _Recurrence._composed(ctx, (d_outs, d_hn, d_cn))
        xs, h0, c0, w_hh, b_hh, w_hr = ctx.saved_tensors
        xp = xp_of(xs._data)
        w_hh_a = w_hh._data
        w_hr_a = None if w_hr is None else w_hr._data
        d_outs_a = d_outs._data
        dh_next = d_hn._data.copy()
        dc_next = d_cn._data.copy()
        d_xs = xp.empty_like(xs._data)
        d_hs = None if w_hr_a is None else xp.empty(d_outs_a.shape, dtype=d_outs_a.dtype)
        for t in range(len(ctx.steps) - 1, -1, -1):
            i, f, g, o, c_prev, tc, hr, h_prev = ctx.steps[t]
            dh = d_outs_a[t] + dh_next
            if w_hr_a is not None:
                d_hs[t] = dh
                dh = dh @ w_hr_a
            dc = dc_next + dh * o * (1 - tc * tc)
            d_gates = d_xs[t]
            hidden = tc.shape[-1]
            # each gate's gradient written straight into its slice of d_xs
            d_i, d_f = d_gates[:, :hidden], d_gates[:, hidden : 2 * hidden]
            d_g, d_o = d_gates[:, 2 * hidden : 3 * hidden], d_gates[:, 3 * hidden :]
            xp.multiply(dc, g, out=d_i)
            d_i *= i * (1 - i)
            xp.multiply(dc, c_prev, out=d_f)
            d_f *= f * (1 - f)
            xp.multiply(dc, i, out=d_g)
            d_g *= 1 - g * g
            xp.multiply(dh, tc, out=d_o)
            d_o *= o * (1 - o)
            dh_next = d_gates @ w_hh_a
            dc_next = dc * f
        # the weight gradients summed over the steps: one product each, the steps folded into
        # its inner dim (a product per step would be 64 thin ones, each added in)
        d_w_hh = _rows(d_xs).T @ _rows(xp.stack([s[7] for s in ctx.steps]))
        d_w_hr = None
        if w_hr_a is not None:
            d_w_hr = _rows(d_hs).T @ _rows(xp.stack([s[6] for s in ctx.steps]))
        d_b = None if b_hh is None else Tensor._make(d_xs.sum(axis=(0, 1)))
        return (
            Tensor._make(d_xs),
            Tensor._make(dh_next),
            Tensor._make(dc_next),
            Tensor._make(d_w_hh),
            d_b,
            None if d_w_hr is None else Tensor._make(d_w_hr),
        )


def _lstm_composed(xs, h, c, w_hh, b_hh, w_hr):
    from ..nn.modules.rnn import _lstm_step
    from .shape import stack

    outs = []
    for x_t in xs.unbind(0):
        h, c = _lstm_step(x_t, (h, c), w_hh, b_hh, w_hr)
        outs.append(h)
    return stack(outs, 0), h, c
