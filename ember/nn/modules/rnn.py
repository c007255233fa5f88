"""Recurrent layers: `RNN`, `LSTM`, `GRU` and their cells, with PyTorch's parameter names,
shapes, gate order and initialisation, so a torch ``state_dict`` loads directly.

For each layer and direction the input projections of all time steps are one matrix product;
only the recurrent part loops over time. Packed sequences are run in their sorted order: at
step t the first ``batch_sizes[t]`` rows are active, so an update is a prefix of the batch.
"""

from __future__ import annotations

import math

from ... import ops
from ..._tensor import Tensor
from ...ops.recurrent import LSTMSequence
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(mode, x_t, h, w_hh, b_hh):
    """One step of the tanh/relu RNN; ``x_t`` already holds ``x W_ih^T + b_ih``."""
    pre = x_t + ops.matmul(h, w_hh.t())
    if b_hh is not None:
        pre = pre + b_hh
    return pre.tanh() if mode == "RNN_TANH" else pre.relu()


def _lstm_step(x_t, state, w_hh, b_hh, w_hr):
    """math: i,f,g,o = x + h W_hh^T;  c' = s(f) c + s(i) tanh(g);  h' = s(o) tanh(c') [W_hr^T]"""
    h, c = state
    gates = x_t + ops.matmul(h, w_hh.t())
    if b_hh is not None:
        gates = gates + b_hh
    i, f, g, o = gates.chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = ops.matmul(h, w_hr.t())
    return h, c


def _gru_step(x_t, h, w_hh, b_hh):
    """math: r,z = s(x_rz + h W_hrz^T + b_hrz);  n = tanh(x_n + r (h W_hn^T + b_hn));
    h' = (1 - z) n + z h"""
    hh = ops.matmul(h, w_hh.t())
    if b_hh is not None:
        hh = hh + b_hh
    x_r, x_z, x_n = x_t.chunk(3, -1)
    h_r, h_z, h_n = hh.chunk(3, -1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ):
        super().__init__()
        if (
            not isinstance(dropout, (int, float))
            or not 0 <= dropout <= 1
            or isinstance(dropout, bool)
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the "
                "probability of an element being zeroed"
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [
                    ("weight_ih", (gate_size, layer_input)),
                    ("weight_hh", (gate_size, real_hidden)),
                ]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    param = Parameter(ops.empty(shape, device=device, dtype=dtype))
                    setattr(self, name + suffix, param)
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self) -> None:
        """Kept so scripts calling it run; ember's weights need no flattening."""

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ---- running ------------------------------------------------------------------------

    def _weights(self, layer: int, direction: int):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        get = lambda name: getattr(self, name + suffix, None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")

    def _check_input(self, input: Tensor, batch_sizes) -> None:
        expected = 2 if batch_sizes is not None else 3
        if batch_sizes is None and input.dim() not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead"
            )
        if batch_sizes is not None and input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.size(-1)}"
            )

    def _initial(self, hx, batch: int, input: Tensor, size: int, what: str):
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, batch, size)
        if hx is None:
            return ops.zeros(shape, dtype=input.dtype, device=input.device)
        if tuple(hx.shape) != shape:
            raise RuntimeError(f"Expected {what} size {shape}, got {tuple(hx.shape)}")
        return hx

    def forward(self, input, hx=None):
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_idx, unsorted_idx = input
            steps = _unpack_steps(data, batch_sizes)
            batch = int(batch_sizes[0])
            if hx is not None:
                hx = _permute_state(hx, sorted_idx)
            self._check_input(data, batch_sizes)
            sizes = [int(b) for b in batch_sizes.tolist()]
        else:
            self._check_input(input, None)
            unbatched = input.dim() == 2
            if unbatched:
                input = input.unsqueeze(1)
                if hx is not None:
                    hx = _map_state(hx, lambda h: h.unsqueeze(1))
            elif self.batch_first:
                input = input.transpose(0, 1)
            if input.size(0) == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            batch = input.size(1)
            sizes = None
            steps = None if self.mode == "LSTM" else list(input.unbind(0))
        real_hidden = self.proj_size or self.hidden_size
        if self.mode == "LSTM":
            if hx is not None and not isinstance(hx, tuple):
                raise RuntimeError("lstm expects hx to be a tuple (h_0, c_0)")
            like = input if steps is None else steps[0]
            h0 = self._initial(None if hx is None else hx[0], batch, like, real_hidden, "hidden[0]")
            c0 = self._initial(
                None if hx is None else hx[1], batch, like, self.hidden_size, "hidden[1]"
            )
        else:
            h0 = self._initial(hx, batch, steps[0], real_hidden, "hidden")
            c0 = None
        if steps is None:  # an LSTM on a padded batch: whole-sequence fused kernels
            out, h_n, c_n = self._run_lstm_layers(input, h0, c0)
        else:
            outputs, h_n, c_n = self._run_layers(steps, sizes, h0, c0)
        if packed:
            data_out = ops.cat(outputs, 0)
            out = PackedSequence(data_out, batch_sizes, sorted_idx, unsorted_idx)
            h_n = _permute_state(h_n, unsorted_idx)
            c_n = _permute_state(c_n, unsorted_idx) if c_n is not None else None
        else:
            if steps is not None:
                out = ops.stack(outputs, 0)
            if unbatched:
                out = out.squeeze(1)
                h_n = h_n.squeeze(1)
                c_n = c_n.squeeze(1) if c_n is not None else None
            elif self.batch_first:
                out = out.transpose(0, 1)
        return out, ((h_n, c_n) if self.mode == "LSTM" else h_n)

    def _run_lstm_layers(self, x: Tensor, h0: Tensor, c0: Tensor):
        """Every layer and direction of an LSTM over a (T, B, F) tensor, each as one fused
        Function (ops.recurrent.LSTMSequence), with no per-step tensors."""
        directions = 2 if self.bidirectional else 1
        steps = x.shape[0]
        backwards = ops.arange(steps - 1, -1, -1)
        h_last, c_last = [], []
        batch = x.shape[1]
        x = x.permute(2, 0, 1)  # feature-major, (F, T, B), as LSTMSequence runs
        for layer in range(self.num_layers):
            results = []
            for direction in range(directions):
                idx = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, direction)
                # every step's projection as one product: (4H, F) @ (F, T*B), both biases
                # in it as one more input row of ones, (4H, F+1) @ (F+1, T*B): not b_hh at
                # every step, and no pass over the (4H, T*B) result to add them
                inputs = x.reshape(x.shape[0], -1)
                bias = b_ih if b_hh is None else b_hh if b_ih is None else b_ih + b_hh
                if bias is not None:
                    ones = inputs.new_ones((1, inputs.shape[1]))
                    w_ih, inputs = ops.cat([w_ih, bias.unsqueeze(1)], 1), ops.cat([inputs, ones])
                xs = ops.matmul(w_ih, inputs).reshape(-1, steps, batch)
                if direction:
                    xs = xs[:, backwards]
                outs, h, c = LSTMSequence.apply(xs, h0[idx], c0[idx], w_hh, w_hr)
                results.append(outs[:, backwards] if direction else outs)
                h_last.append(h)
                c_last.append(c)
            x = results[0] if directions == 1 else ops.cat(results, 0)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout)
        out = x.permute(1, 2, 0).contiguous()  # (T, B, P) as torch lays it out
        return out, ops.stack(h_last, 0), ops.stack(c_last, 0)

    def _run_layers(self, steps, sizes, h0, c0):
        directions = 2 if self.bidirectional else 1
        layer_input = steps
        h_last, c_last = [], []
        for layer in range(self.num_layers):
            results = []
            for direction in range(directions):
                idx = layer * directions + direction
                outs, h, c = self._run_direction(
                    layer_input,
                    sizes,
                    layer,
                    direction,
                    h0[idx],
                    c0[idx] if c0 is not None else None,
                )
                results.append(outs)
                h_last.append(h)
                if c is not None:
                    c_last.append(c)
            if directions == 1:
                layer_output = results[0]
            else:
                layer_output = [ops.cat([f, b], -1) for f, b in zip(*results)]
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_output = [_dropout(x, self.dropout) for x in layer_output]
            layer_input = layer_output
        h_n = ops.stack(h_last, 0)
        c_n = ops.stack(c_last, 0) if c_last else None
        return layer_input, h_n, c_n

    def _run_direction(self, steps, sizes, layer, direction, h, c):
        w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, direction)
        # all time steps' input projections in one matrix product
        lengths = [s.shape[0] for s in steps]
        projected = ops.matmul(ops.cat(steps, 0), w_ih.t())
        if b_ih is not None:
            projected = projected + b_ih
        xs = list(projected.split(lengths, 0))
        order = range(len(xs) - 1, -1, -1) if direction else range(len(xs))
        outs = [None] * len(xs)
        state = (h, c) if c is not None else h
        for t in order:
            active = lengths[t]
            full = active == (state[0] if c is not None else state).shape[0]
            if full:
                state = self._step(xs[t], state, w_hh, b_hh, w_hr)
                outs[t] = state[0] if c is not None else state
                continue
            current = _map_state(state, lambda s, n=active: s[:n])
            new = self._step(xs[t], current, w_hh, b_hh, w_hr)
            state = _merge_prefix(new, state, active)
            outs[t] = new[0] if c is not None else new
        if c is not None:
            return outs, state[0], state[1]
        return outs, state, None

    def _step(self, x_t, state, w_hh, b_hh, w_hr):
        if self.mode == "LSTM":
            return _lstm_step(x_t, state, w_hh, b_hh, w_hr)
        if self.mode == "GRU":
            return _gru_step(x_t, state, w_hh, b_hh)
        return _rnn_step(self.mode, x_t, state, w_hh, b_hh)


def _map_state(state, fn):
    if isinstance(state, tuple):
        return tuple(fn(s) for s in state)
    return fn(state)


def _merge_prefix(new, old, active):
    """Rows [0, active) from ``new``, the rest from ``old`` (inactive sequences keep state)."""
    if isinstance(new, tuple):
        return tuple(_merge_prefix(n, o, active) for n, o in zip(new, old))
    return ops.cat([new, old[active:]], 0)


def _permute_state(state, index):
    if state is None or index is None:
        return state
    if isinstance(state, tuple):
        return tuple(_permute_state(s, index) for s in state)
    return state[:, index]


def _unpack_steps(data: Tensor, batch_sizes: Tensor):
    return list(data.split([int(b) for b in batch_sizes.tolist()], 0))


def _dropout(x: Tensor, p: float) -> Tensor:
    if p >= 1:
        return x * 0
    keep = (ops.rand(x.shape, dtype=x.dtype) >= p).to(x.dtype)
    return x * keep / (1 - p)


class RNN(RNNBase):
    """Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu)."""

    def __init__(self, *args, nonlinearity: str = "tanh", **kwargs):
        if "nonlinearity" in kwargs:
            nonlinearity = kwargs.pop("nonlinearity")
        if len(args) > 3:
            raise TypeError("pass options after input_size, hidden_size, num_layers by keyword")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s if self.nonlinearity == "tanh" else s + f", nonlinearity={self.nonlinearity}"


class LSTM(RNNBase):
    """Long short-term memory, gates in torch's order (input, forget, cell, output)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit, gates in torch's order (reset, update, new)."""

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(
            ops.empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype)
        )
        self.weight_hh = Parameter(
            ops.empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype)
        )
        if bias:
            self.bias_ih = Parameter(
                ops.empty(num_chunks * hidden_size, device=device, dtype=dtype)
            )
            self.bias_hh = Parameter(
                ops.empty(num_chunks * hidden_size, device=device, dtype=dtype)
            )
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input: Tensor, hx, n_states: int):
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.dim()}D instead"
            )
        if input.size(-1) != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.size(-1)} "
                f"expected {self.input_size}"
            )
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
        batch = input.size(0)
        if hx is None:
            zeros = ops.zeros((batch, self.hidden_size), dtype=input.dtype, device=input.device)
            hx = zeros if n_states == 1 else (zeros, zeros)
        elif unbatched:
            hx = _map_state(hx, lambda h: h.unsqueeze(0))
        x_proj = ops.matmul(input, self.weight_ih.t())
        if self.bias_ih is not None:
            x_proj = x_proj + self.bias_ih
        return x_proj, hx, unbatched


class RNNCell(RNNCellBase):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device=None,
        dtype=None,
    ):
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input: Tensor, hx=None) -> Tensor:
        x, h, unbatched = self._prepare(input, hx, 1)
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        out = _rnn_step(mode, x, h, self.weight_hh, self.bias_hh)
        return out.squeeze(0) if unbatched else out


class LSTMCell(RNNCellBase):
    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None
    ):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx=None):
        x, state, unbatched = self._prepare(input, hx, 2)
        h, c = _lstm_step(x, state, self.weight_hh, self.bias_hh, None)
        if unbatched:
            return h.squeeze(0), c.squeeze(0)
        return h, c


class GRUCell(RNNCellBase):
    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None
    ):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx=None) -> Tensor:
        x, h, unbatched = self._prepare(input, hx, 1)
        out = _gru_step(x, h, self.weight_hh, self.bias_hh)
        return out.squeeze(0) if unbatched else out
