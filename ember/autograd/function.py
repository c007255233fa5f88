"""Recording operations for backward: graph nodes, `Function`, and the array-level `ArrayFunction`.

Every recorded operation is a `Node`. Its `next_functions` point at the nodes that produced its
inputs (or at an `AccumulateGrad` for a leaf), so the graph can be walked from a loss back to
the parameters. A node is also the `ctx` its forward saw: what forward saved for backward lives
on it, and `grad_fn` of a tensor is that object.

Two kinds of functions create nodes:

* `Function` is PyTorch's `torch.autograd.Function`: forward and backward take Tensors.
* `ArrayFunction` is how ember writes its own ops: forward takes raw arrays (numpy or cupy) and
  returns arrays; backward takes and returns Tensors, so it is differentiable again.
"""

from __future__ import annotations

import itertools
import threading
import traceback

from .grad_mode import no_grad, state

_sequence = itertools.count()


class _AnomalyState:
    enabled = False
    check_nan = True


anomaly = _AnomalyState()


class Node:
    """One recorded operation in the autograd graph (the object a tensor's `grad_fn` is)."""

    __slots__ = (
        "next_functions",
        "needs_input_grad",
        "_saved",
        "_freed",
        "_seq",
        "_out_meta",
        "_pre_hooks",
        "_hooks",
        "_non_differentiable",
        "_materialize_grads",
        "_to_save",
        "_trace",
        "__dict__",
        "__weakref__",
    )

    def __init__(self):
        self.next_functions = ()
        self.needs_input_grad = ()
        self._saved = None
        self._freed = False
        self._seq = next(_sequence)
        self._out_meta = None
        self._pre_hooks = None
        self._hooks = None
        self._non_differentiable = None
        self._materialize_grads = True
        self._to_save = None
        self._trace = None

    # ---- what a forward may call on its ctx ------------------------------------------------

    def save_for_backward(self, *tensors):
        self._to_save = tensors

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = outputs

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def set_materialize_grads(self, value: bool):
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        """The tensors saved by forward; raises when the graph was freed or an input modified."""
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward."
            )
        if self._saved is None:
            return ()
        return tuple(self._unpack(entry) for entry in self._saved)

    def _unpack(self, entry):
        # entry: (tensor or None, array, version counter, version at save, output_nr)
        tensor, array, counter, version, output_nr = entry
        if counter is not None and counter[0] != version:
            what = _describe(array if tensor is None else tensor._data)
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{what}]"
                f"{_which_output(tensor)}, is at version {counter[0]}; expected version "
                f"{version} instead. Hint: enable anomaly detection to find the operation that "
                "failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False)."
            )
        if tensor is not None:
            return tensor
        if array is None:
            return None
        # An output saved by its own node: rebuilt on access, so the node does not keep its
        # output alive (no reference cycle) while double backward still sees this grad_fn.
        out = _tensor_cls()._make(array)
        if output_nr >= 0:
            out._requires_grad = True
            out._grad_fn = self
            out._output_nr = output_nr
            out._vc = counter
        return out

    # ---- hooks and introspection ------------------------------------------------------------

    def name(self) -> str:
        return type(self).__name__

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its gradients."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; it may return replacement gradients."""
        return self._add_pre_hook(None, fn)

    def _add_pre_hook(self, output_nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = (output_nr, fn)
        self._pre_hooks.append(entry)
        return _RemovableHandle(self._pre_hooks, entry)

    @property
    def metadata(self) -> dict:
        return self.__dict__.setdefault("_metadata", {})

    def _release(self):
        if self._saved is not None:
            self._saved = None
            self._freed = True

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    def apply(self, *grads):  # pragma: no cover - overridden
        raise NotImplementedError


class AccumulateGrad(Node):
    """The node for a leaf tensor that requires grad: backward ends by adding into `.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        super().__init__()
        self.variable = variable


class _RemovableHandle:
    __slots__ = ("_container", "_item")

    def __init__(self, container, item):
        self._container = container
        self._item = item

    def remove(self):
        try:
            self._container.remove(self._item)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_TENSOR = None


def _tensor_cls():
    global _TENSOR
    if _TENSOR is None:
        from .._tensor import Tensor

        _TENSOR = Tensor
    return _TENSOR


def _describe(array) -> str:
    from .._dtype import from_numpy_dtype

    kind = from_numpy_dtype(array.dtype).name
    kind = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor"}.get(kind, kind)
    return f"{kind} [{', '.join(str(s) for s in array.shape)}]"


def _which_output(t) -> str:
    if t is None or t._grad_fn is None:
        return ""
    return f", which is output {t._output_nr} of {t._grad_fn.name()}"


def _edge(t):
    """Where the gradient of input ``t`` goes: (node, output_nr), or None."""
    if not t._requires_grad:
        return None
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    return (t._accumulator(), 0)


class _BackwardNodeMixin:
    """The node class made for each Function subclass (``MulBackward0`` for ``Mul``)."""

    __slots__ = ()
    _forward_cls = None

    def apply(self, *grads):
        out = self._forward_cls.backward(self, *grads)
        for g in out if type(out) is tuple else (out,):
            if g is not None and g._data.dtype.kind == "c":
                raise _complex_gradient(self)
        return out


def _complex_gradient(node) -> RuntimeError:
    """ember's backward formulas are for real tensors: through a complex one they would not
    give torch's (conjugate Wirtinger) gradients, so backward stops instead."""
    return RuntimeError(
        f"ember does not differentiate through complex tensors yet: {node.name()} would give a "
        "complex gradient, and ember's formulas are not torch's conjugate Wirtinger ones. Keep "
        "complex values out of the graph (compute on real and imaginary parts as real tensors, "
        "or detach)."
    )


class _CustomBackwardMixin(_BackwardNodeMixin):
    """The node of a user's Function: its gradients are checked against the inputs, as torch
    does (a broadcast gradient is summed back, a gradient in another dtype is cast)."""

    __slots__ = ()

    def apply(self, *grads):
        out = self._forward_cls.backward(self, *grads)
        outs = out if type(out) is tuple else (out,)
        meta = self.__dict__.get("_in_meta", ())
        return tuple(_checked_grad(self, i, g, meta) for i, g in enumerate(outs))


def _checked_grad(node, i, g, meta):
    if g is None or i >= len(meta):
        return g
    if meta[i] is None:
        raise RuntimeError(
            f"function {node.name()} returned a gradient different than None at position "
            f"{i + 1}, but the corresponding forward input was not a Variable"
        )
    if not isinstance(g, _tensor_cls()):
        return g
    shape, dtype = meta[i]
    if tuple(g.shape) != tuple(shape):
        try:
            expandable = _broadcast_shape(shape, g.shape) == tuple(g.shape)
        except ValueError:
            expandable = False
        if not expandable:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"{list(g.shape)} but expected shape compatible with {list(shape)}"
            )
        lead = g.dim() - len(shape)
        dims = tuple(range(lead)) + tuple(
            lead + d for d, n in enumerate(shape) if n == 1 and g.shape[lead + d] != 1
        )
        if dims:
            g = g.sum(dim=dims, keepdim=True)
        g = g.reshape(tuple(shape))
    if g.dtype is not dtype and g.is_floating_point():
        g = g.to(dtype)
    return g


def _broadcast_shape(a, b) -> tuple:
    import numpy as np

    return tuple(np.broadcast_shapes(tuple(a), tuple(b)))


def _make_node_class(cls):
    name = cls.__dict__.get("node_name") or f"{cls.__name__}{cls._node_suffix}"
    namespace = {"_forward_cls": cls, "__module__": cls.__module__}
    mixin = _CustomBackwardMixin if cls._check_grads else _BackwardNodeMixin
    return type(name, (mixin, Node), namespace)


class _ForwardCtx:
    """Stands in for the node when nothing is recorded: saving is a no-op."""

    def __init__(self, needs_input_grad=()):
        self.needs_input_grad = needs_input_grad

    def save_for_backward(self, *tensors):
        pass

    def mark_non_differentiable(self, *outputs):
        pass

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        pass


class Function:
    """Base of custom differentiable operations, as ``torch.autograd.Function``.

    Subclasses define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as static
    methods working on Tensors, and are called through ``apply``.
    """

    node_name = None
    _node_suffix = "Backward"  # torch names a custom Function's node ``CubeBackward``
    _check_grads = True  # a user's backward is checked against the inputs; ember's own are not

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._node_cls = _make_node_class(cls)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional: with it, ``forward(*args)`` takes no ctx and this saves what backward needs."""
        raise NotImplementedError("setup_context is not overridden.")

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _tensor_cls()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        record = (
            state.enabled and not state.inference and any(t._requires_grad for t in tensor_args)
        )
        ctx = cls._node_cls()
        ctx.needs_input_grad = tuple(
            isinstance(a, Tensor) and a._requires_grad and record for a in args
        )
        with no_grad():
            if cls.setup_context is Function.setup_context:
                outputs = cls.forward(ctx, *args, **kwargs)
            else:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        if not record:
            ctx._to_save = None
            return outputs
        non_diff = ctx._non_differentiable or ()
        inputs_by_id = {id(t): t for t in tensor_args}
        # edges first: a dirty input returned as output is about to get this node as grad_fn
        ctx.next_functions = tuple(_edge(a) if isinstance(a, Tensor) else None for a in args)
        ctx._in_meta = tuple(
            (a._data.shape, a.dtype) if isinstance(a, Tensor) else None for a in args
        )
        wrapped = []
        for nr, o in enumerate(outs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                continue
            if id(o) in inputs_by_id and not _is_dirty(ctx, o):
                # an input returned as-is: the output is a new tensor aliasing its memory
                alias = Tensor._make(o._data)
                alias._vc = o._vc
                o = alias
            if any(o is n for n in non_diff) or not o.dtype.is_floating_point:
                o._requires_grad = False
            else:
                o._requires_grad = True
                o._grad_fn = ctx
                o._output_nr = nr
            wrapped.append(o)
        ctx._out_meta = tuple(
            (o.shape, o.dtype, o.device) if isinstance(o, Tensor) else None for o in wrapped
        )
        saved = ctx._to_save
        ctx._to_save = None
        if saved:
            if any(t is not None and t._inference for t in saved):
                raise RuntimeError(_INFERENCE_SAVED)
            ctx._saved = tuple(
                (None, None, None, 0, -1) if t is None else (t, None, t._vc, t._vc[0], -1)
                for t in saved
            )
        if anomaly.enabled:
            ctx._trace = traceback.format_stack()[:-1]
        return wrapped[0] if single else tuple(wrapped)


def _is_dirty(ctx, t) -> bool:
    return any(t is d for d in ctx.__dict__.get("_dirty", ()))


# one stand-in per number of inputs, per thread: a forward may read needs_input_grad or set
# attributes on its ctx, and another thread's op must not change them under it
_NO_CTX = threading.local()


def _no_ctx(n: int) -> _ForwardCtx:
    by_count = getattr(_NO_CTX, "by_count", None)
    if by_count is None:
        by_count = _NO_CTX.by_count = [_ForwardCtx((False,) * k) for k in range(64)]
    return by_count[n] if n < 64 else _ForwardCtx((False,) * n)


class ArrayFunction(Function):
    """Base of ember's own ops: forward on arrays through ``xp``, backward on Tensors.

    ``forward(ctx, *args, **params)`` receives each Tensor argument as its array (other
    arguments as they are) and returns an array or a tuple of arrays. Arrays passed to
    ``ctx.save_for_backward`` come back in backward as Tensors: an input as the input tensor
    itself, an output as the output tensor, anything else as a constant.
    """

    is_view = False  # outputs share memory with input 0, and its version counter
    _node_suffix = "Backward0"  # as torch's built-in nodes: ``MulBackward0``
    _check_grads = False

    @classmethod
    def apply(cls, *args, **params):
        Tensor = _tensor_cls()
        record = False
        arrays = []
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._data)
                if a._requires_grad:
                    record = True
            else:
                arrays.append(a)
        record = record and state.enabled and not state.inference
        if not record:
            out = cls.forward(_no_ctx(len(args)), *arrays, **params)
            if type(out) is tuple:
                return tuple(_wrap_plain(cls, o, args) for o in out)
            return _wrap_plain(cls, out, args)

        ctx = cls._node_cls()
        needs = [False] * len(args)
        for i, a in enumerate(args):
            if isinstance(a, Tensor) and a._requires_grad:
                needs[i] = True
        ctx.needs_input_grad = tuple(needs)
        raw = cls.forward(ctx, *arrays, **params)
        multi = type(raw) is tuple
        raw_outs = raw if multi else (raw,)
        non_diff = ctx._non_differentiable
        outs = []
        for nr, o in enumerate(raw_outs):
            t = _wrap_plain(cls, o, args)
            differentiable = t._data.dtype.kind in "fc" or t._data.dtype.name == "bfloat16"
            if differentiable and not (non_diff and any(o is n for n in non_diff)):
                t._requires_grad = True
                t._grad_fn = ctx
                t._output_nr = nr
            outs.append(t)
        ctx.next_functions = tuple(_edge(a) if need else None for a, need in zip(args, needs))
        if multi:
            ctx._out_meta = tuple((t._data.shape, t._data.dtype) for t in outs)
        to_save = ctx._to_save
        if to_save:
            ctx._to_save = None
            ctx._saved = tuple(_resolve_saved(s, arrays, args, raw_outs, outs) for s in to_save)
        if anomaly.enabled:
            ctx._trace = traceback.format_stack()[:-1]
        return tuple(outs) if multi else outs[0]


def _wrap_plain(cls, out, args):
    Tensor = _tensor_cls()
    t = Tensor._make(out)
    if cls.is_view:
        base = args[0]
        t._vc = base._vc
        t._base = base if base._base is None else base._base
        t._inference = base._inference  # a view of an inference tensor is one too
    return t


_INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd."
)


def _resolve_saved(s, arrays, args, raw_outs, outs):
    if s is None:
        return (None, None, None, 0, -1)
    if not hasattr(s, "shape"):  # a Python number: handed back as it is
        return (s, None, None, 0, -1)
    for a, t in zip(arrays, args):
        if s is a and t is not a:
            if t._inference:
                raise RuntimeError(_INFERENCE_SAVED)
            return (t, None, t._vc, t._vc[0], -1)
    for nr, o in enumerate(raw_outs):
        if s is o:
            t = outs[nr]
            if t._grad_fn is None:  # a non-differentiable output: plain constant
                return (t, None, t._vc, t._vc[0], -1)
            return (None, t._data, t._vc, t._vc[0], nr)
    return (_tensor_cls()._make(s), None, None, 0, -1)


def once_differentiable(fn):
    """Decorate a backward that is not itself differentiable: it runs under no_grad, and using
    its results in a double backward raises."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with no_grad():
            outputs = fn(ctx, *grads)
        if not state.enabled:
            return outputs
        Tensor = _tensor_cls()
        upstream = [g for g in grads if isinstance(g, Tensor) and g._requires_grad]
        if not upstream:
            return outputs
        return _delay_error(outputs, upstream)

    return wrapper


class _Error(Node):
    """A node whose backward raises: it marks gradients of a ``once_differentiable`` backward."""

    __slots__ = ()

    def name(self) -> str:
        return "Error"

    def apply(self, *grads):
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


def _delay_error(outputs, upstream):
    """Outputs that carry the graph of ``upstream`` into a node that raises when reached."""
    Tensor = _tensor_cls()
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
    node = _Error()
    node.next_functions = tuple(_edge(g) for g in upstream)
    node._out_meta = tuple(None for _ in outs)
    wrapped = []
    for nr, o in enumerate(outs):
        if isinstance(o, Tensor) and o._data.dtype.kind in "fc":
            alias = Tensor._make(o._data)
            alias._requires_grad = True
            alias._grad_fn = node
            alias._output_nr = nr
            o = alias
        wrapped.append(o)
    return wrapped[0] if single else tuple(wrapped)


class FunctionCtx(Node):
    """The type of `ctx` as PyTorch names it; ember's contexts are graph nodes."""

    __slots__ = ()


__all__ = [
    "Function",
    "ArrayFunction",
    "Node",
    "AccumulateGrad",
    "FunctionCtx",
    "once_differentiable",
]
