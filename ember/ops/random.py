"""Random numbers: `Generator`, the default generator behind `manual_seed`, and sampling ops.

ember does not reproduce PyTorch's random bits (see docs/differences.md): the same seed gives
the same numbers on every ember run, drawn from NumPy's PCG64, not torch's Mersenne Twister.
"""

from __future__ import annotations

import pickle

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import xp_of
from .creation import _place, _size_arg


class Generator:
    """A random number generator with its own state, as ``torch.Generator``."""

    def __init__(self, device="cpu"):
        from .._device import as_device

        self.device = as_device(device)
        self._seed = 67280421310721
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        """Seed this generator; returns it."""
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        if seed < 0:
            seed += 1 << 64  # a negative seed is read as its 64-bit two's complement
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self) -> int:
        """Seed from fresh entropy; returns the seed."""
        seed = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with."""
        return self._seed

    def get_state(self) -> Tensor:
        """This generator's state, as a uint8 tensor."""
        blob = pickle.dumps((self._seed, self._rng.bit_generator.state))
        return Tensor._make(np.frombuffer(blob, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from get_state."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not _dtype.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        seed, state = _load_state(new_state._data.tobytes())
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64())
        self._rng.bit_generator.state = state
        return self

    def __getstate__(self):
        return {"device": self.device, "state": self.get_state()}

    def __setstate__(self, d):
        self.__init__(d["device"])
        self.set_state(d["state"])


def _load_state(blob: bytes):
    """Read a state written by get_state; only plain data is accepted."""

    class _Plain(pickle.Unpickler):
        def find_class(self, module, name):
            raise pickle.UnpicklingError(f"generator state may not contain {module}.{name}")

    try:
        seed, state = _Plain(__import__("io").BytesIO(blob)).load()
    except Exception as e:
        raise RuntimeError(f"Invalid generator state: {e}") from None
    return seed, state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (NumPy's global generator is left alone)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state, as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator to a state from get_rng_state."""
    default_generator.set_state(new_state)


def _rng(generator) -> np.random.Generator:
    return (generator or default_generator)._rng


def _float_dtype(dtype, kernel: str):
    d = dtype or _dtype.get_default_dtype()
    if not (d.is_floating_point or d.is_complex):
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(d)}'"
        )
    return d


def _finish(array, device, requires_grad) -> Tensor:
    t = Tensor._make(_place(array, device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def rand(
    *args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """Uniform samples on [0, 1)."""
    d = _float_dtype(dtype, "check_uniform_bounds")
    shape = _size_arg(args, size, required=True)
    rng = _rng(generator)
    array = rng.random(shape)
    if d.is_complex:  # real and imaginary parts each uniform on [0, 1)
        array = array + 1j * rng.random(shape)
    array = array.astype(_dtype.to_numpy_dtype(d))
    return _out(_finish(array, device, requires_grad), out)


def randn(
    *args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """Standard normal samples."""
    d = _float_dtype(dtype, "normal_kernel_cpu")
    shape = _size_arg(args, size, required=True)
    rng = _rng(generator)
    if d.np in (np.float32, np.float64):
        array = rng.standard_normal(shape, dtype=d.np)
    elif d.is_complex:  # unit variance in total: each part has variance 1/2
        parts = rng.standard_normal((2,) + shape) * np.sqrt(0.5)
        array = (parts[0] + 1j * parts[1]).astype(d.np)
    else:
        array = rng.standard_normal(shape).astype(_dtype.to_numpy_dtype(d))
    return _out(_finish(array, device, requires_grad), out)


def _out(t: Tensor, out):
    from ._util import handle_out

    return handle_out(t, out)


def randint(
    low=0,
    high=None,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """Integers uniform on [low, high); int64 unless ``dtype`` says otherwise."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    for bound in (low, high):
        if not isinstance(bound, (int, np.integer)) or isinstance(bound, bool):
            raise TypeError(f"randint(): argument 'high' must be int, not {type(bound).__name__}")
    if high <= low:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    shape = _size_arg((size,))
    d = dtype or _dtype.int64
    array = (
        _rng(generator).integers(low, high, shape, dtype=np.int64).astype(_dtype.to_numpy_dtype(d))
    )
    return _out(_finish(array, device, requires_grad), out)


def randperm(
    n: int,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """A random permutation of 0..n-1."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    d = dtype or _dtype.int64
    array = _rng(generator).permutation(n).astype(_dtype.to_numpy_dtype(d))
    return _out(_finish(array, device, requires_grad), out)


def rand_like(
    input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Uniform samples on [0, 1) shaped like ``input``."""
    return rand(
        input.shape,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


def randn_like(
    input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Standard normal samples shaped like ``input``."""
    return randn(
        input.shape,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


def randint_like(
    input: Tensor,
    low=0,
    high=None,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
) -> Tensor:
    """Integers uniform on [low, high) shaped like ``input``."""
    if high is None:
        low, high = 0, low
    return randint(
        low, high, input.shape, dtype=dtype or input.dtype, device=device or input.device
    )


class _Sampled(ArrayFunction):
    """A draw from a distribution whose parameters are tensors. As in torch, the draw is not
    reparameterised: it is part of the graph, and its parameters get zero gradient."""

    @staticmethod
    def forward(ctx, sample, *params):
        ctx.params = [(p.shape, p.dtype) if hasattr(p, "shape") else None for p in params]
        return sample

    @staticmethod
    def backward(ctx, grad):
        xp = xp_of(grad._data)
        zeros = [None if p is None else Tensor._make(xp.zeros(*p)) for p in ctx.params]
        return (None, *zeros)


def _sampler(node_name: str):
    return type(f"_{node_name}", (_Sampled,), {"node_name": node_name})


_NORMAL = {
    (True, True): _sampler("NormalBackward3"),
    (True, False): _sampler("NormalBackward1"),
    (False, True): _sampler("NormalBackward2"),
}
_BERNOULLI = _sampler("BernoulliBackward0")
_POISSON = _sampler("PoissonBackward0")


def normal(
    mean=0.0,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """Normal samples; ``mean`` and ``std`` may be tensors (broadcast) or numbers."""
    if isinstance(std, Tensor) and (std._host() < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not isinstance(std, Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise TypeError(
                "normal() received an invalid combination of arguments: a tensor "
                "mean or std takes no size"
            )
        ref = mean if isinstance(mean, Tensor) else std
        # parameters are read on the host (the draw is made there), the result goes to their device
        m = mean._host() if isinstance(mean, Tensor) else mean
        s = std._host() if isinstance(std, Tensor) else std
        try:
            shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({np.shape(m)}) must match the size of tensor b "
                f"({np.shape(s)}) at a non-singleton dimension"
            ) from None
        z = _rng(generator).standard_normal(shape)
        array = _place((m + s * z).astype(ref._data.dtype), ref.device)
        sampled = _NORMAL[isinstance(mean, Tensor), isinstance(std, Tensor)]
        params = [p for p in (mean, std) if isinstance(p, Tensor)]
        return _out(sampled.apply(array, *params), out)
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    if not isinstance(size, (tuple, list)) and not hasattr(size, "__iter__"):
        raise TypeError(
            f"normal(): argument 'size' must be tuple of ints, not {type(size).__name__}"
        )
    d = _float_dtype(dtype, "normal_kernel_cpu")
    shape = _size_arg((size,))
    array = (mean + std * _rng(generator).standard_normal(shape)).astype(d.np)
    return _out(_finish(array, device, requires_grad), out)


def bernoulli(input: Tensor, p=None, *, generator=None, out=None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0; the dtype of ``input``."""
    if not (input.is_floating_point() or input.is_complex()):
        raise NotImplementedError(
            f'"bernoulli_tensor_cpu_p_" not implemented for '
            f"'{_dtype.scalar_type_name(input.dtype)}'"
        )
    probs = input._host() if p is None else np.full(input._data.shape, p)
    if ((probs < 0) | (probs > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draws = _rng(generator).random(input._data.shape) < probs
    draws = _place(draws.astype(input._data.dtype), input.device)
    return _out(_BERNOULLI.apply(draws, input), out)


def poisson(input: Tensor, generator=None) -> Tensor:
    """Poisson counts with rates ``input``, in the dtype of ``input``."""
    counts = _rng(generator).poisson(input._host()).astype(input._data.dtype)
    counts = _place(counts, input.device)
    return _POISSON.apply(counts, input)


def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, *, generator=None, out=None
) -> Tensor:
    """Indices drawn from the rows of ``input`` (non-negative weights, not necessarily summing
    to 1); without replacement each row gives distinct indices."""
    if not input.is_floating_point():
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: "
            f"{_dtype.scalar_type_name(input.dtype)}"
        )
    probs = input._host().astype(np.float64)
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    one_d = probs.ndim == 1
    rows = probs.reshape(1, -1) if one_d else probs
    n_cat = rows.shape[1]
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > n_cat:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = rows.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _rng(generator)
    if replacement:
        cdf = np.cumsum(rows / totals, axis=1)
        cdf[:, -1] = 1.0
        u = rng.random((rows.shape[0], num_samples))
        idx = np.empty(u.shape, dtype=np.int64)
        for r in range(rows.shape[0]):  # searchsorted is per row; rows are few in practice
            idx[r] = np.searchsorted(cdf[r], u[r], side="right")
        idx = np.minimum(idx, n_cat - 1)
    else:
        # Gumbel top-k: the k largest of log(p) + Gumbel noise are a draw without replacement
        with np.errstate(divide="ignore"):
            keys = np.log(rows) - np.log(-np.log(rng.random(rows.shape)))
        idx = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
        if (np.count_nonzero(rows, axis=1) < num_samples).any():
            raise RuntimeError(
                "invalid multinomial distribution (with replacement=False, not "
                "enough non-negative category to sample)"
            )
    result = idx[0] if one_d else idx
    return _out(Tensor._make(_place(result.astype(np.int64), input.device)), out)
