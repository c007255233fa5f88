"""The backward engine: walks the graph from the roots to the leaves without recursion.

Nodes run in a deterministic order: a node runs once every node that feeds it a gradient has
run, and among the ready nodes the most recently created runs first (as in PyTorch, where the
sequence number orders the ready queue). Gradients arriving at the same node input are summed.
"""

from __future__ import annotations

import heapq
import warnings

from .function import AccumulateGrad, _edge, anomaly
from .grad_mode import set_grad_enabled


def _collect(roots):
    """Count, for each node reachable from ``roots``, how many edges point at it."""
    deps = {}
    seen = set()
    stack = [node for node in roots]
    for node in roots:
        seen.add(node)
    while stack:
        node = stack.pop()
        for edge in node.next_functions:
            if edge is None:
                continue
            child = edge[0]
            deps[child] = deps.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps, seen


def _needed(roots, targets):
    """The nodes whose backward must run: those from which a target is reachable through at
    least one edge. A target itself only receives its gradient unless another target lies
    below it (``autograd.grad(y, h)`` does not run ``h.grad_fn``)."""
    parents = {}
    seen = set(roots)
    stack = list(roots)
    while stack:
        node = stack.pop()
        for edge in node.next_functions:
            if edge is None:
                continue
            child = edge[0]
            parents.setdefault(child, []).append(node)
            if child not in seen:
                seen.add(child)
                stack.append(child)
    needed = set()
    stack = [p for t in targets for p in parents.get(t, ())]
    while stack:
        node = stack.pop()
        if node not in needed:
            needed.add(node)
            stack.extend(parents.get(node, ()))
    return needed


def run_backward(
    tensors,
    grad_tensors,
    retain_graph: bool,
    create_graph: bool,
    inputs=None,
    allow_unused: bool = False,
    accumulate: bool = True,
):
    """Backpropagate from ``tensors``; accumulate into leaves, or return grads of ``inputs``."""
    roots = []
    owners = {}  # id(array) -> how many places received it; >1 means it must be copied
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        node, nr = _edge(t)
        roots.append((node, nr, g))
        owners[id(g._data)] = 2  # handed in by the caller: never stolen

    targets = None
    capture = None
    if inputs is not None:
        capture = {}
        targets = []
        for idx, t in enumerate(inputs):
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            edge = _edge(t)
            capture.setdefault(edge[0], []).append((edge[1], idx, t))
            targets.append(edge[0])

    root_nodes = []
    buffers = {}
    for node, nr, g in roots:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = {}
            root_nodes.append(node)
        buf[nr] = g if nr not in buf else buf[nr] + g

    deps, _ = _collect(root_nodes)
    needed = _needed(root_nodes, targets) if targets is not None else None

    results = [None] * len(inputs) if inputs is not None else None
    heap = [(-n._seq, n) for n in root_nodes if deps.get(n, 0) == 0]
    heapq.heapify(heap)
    with set_grad_enabled(create_graph):
        while heap:
            _, node = heapq.heappop(heap)
            buf = buffers.pop(node, None)
            grads = _run_node(
                node,
                buf,
                needed,
                capture,
                results,
                create_graph,
                retain_graph,
                accumulate,
                inputs is None,
                owners,
            )
            for i, edge in enumerate(node.next_functions):
                if edge is None:
                    continue
                child, nr = edge
                g = grads[i] if grads is not None and i < len(grads) else None
                if g is not None:
                    key = id(g._data)
                    owners[key] = owners.get(key, 0) + 1
                    cbuf = buffers.get(child)
                    if cbuf is None:
                        cbuf = buffers[child] = {}
                    prev = cbuf.get(nr)
                    cbuf[nr] = g if prev is None else prev + g
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    heapq.heappush(heap, (-child._seq, child))

    if results is not None:
        for r in results:
            if r is None and not allow_unused and not accumulate:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
    return results


def _run_node(
    node,
    buf,
    needed,
    capture,
    results,
    create_graph,
    retain_graph,
    accumulate,
    accumulate_all,
    owners,
):
    """Run one node on its gathered gradients; return the gradients for its inputs."""
    if not buf:
        return None
    grads = _gather(node, buf)
    if node._pre_hooks:
        grads = _run_pre_hooks(node, grads)
    if capture is not None and node in capture:
        leaf = isinstance(node, AccumulateGrad)
        for nr, idx, t in capture[node]:
            g = grads[nr]
            if accumulate:
                if leaf:
                    _accumulate_leaf(t, g, create_graph, owners)
                elif not t._retains_grad:  # retain_grad's hook has stored it already
                    _accumulate(t, g, create_graph, owners)
            else:
                if leaf:
                    g = _leaf_hooks(t, g)
                results[idx] = g if results[idx] is None else results[idx] + g
    if needed is not None and node not in needed:
        return None
    if isinstance(node, AccumulateGrad):
        if accumulate and accumulate_all:
            _accumulate_leaf(node.variable, grads[0], create_graph, owners)
        return None
    if node._materialize_grads and any(g is None for g in grads):  # `in` would call __eq__
        grads = _materialize(node, grads)
    out = node.apply(*grads)
    if type(out) is not tuple:
        out = (out,)
    n_in = len(node.next_functions)
    if len(out) != n_in:
        # extra trailing Nones, or missing grads for trailing non-tensor arguments, are fine
        if len(out) > n_in and all(g is None for g in out[n_in:]):
            out = out[:n_in]
        elif len(out) < n_in and all(e is None for e in node.next_functions[len(out) :]):
            out = out + (None,) * (n_in - len(out))
        else:
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients (expected "
                f"{len(node.next_functions)}, got {len(out)})"
            )
    if anomaly.enabled:
        _check_anomaly(node, out)
    if node._hooks:
        for hook in node._hooks:
            replaced = hook(out, grads)
            if replaced is not None:
                out = tuple(replaced)
    if not retain_graph:
        node._release()
    return out


def _gather(node, buf):
    meta = node._out_meta
    if meta is None:
        if len(buf) == 1 and 0 in buf:
            return [buf[0]]
        return [buf.get(i) for i in range(max(buf) + 1)]
    return [buf.get(i) for i in range(len(meta))]


def _materialize(node, grads):
    from .._tensor import Tensor

    meta = node._out_meta
    out = []
    for i, g in enumerate(grads):
        if g is None and meta is not None and meta[i] is not None:
            shape, dtype = meta[i][0], meta[i][1]
            g = Tensor._make(_zeros(shape, dtype))
        out.append(g)
    return out


def _zeros(shape, dtype):
    import numpy as np

    if hasattr(dtype, "np"):
        dtype = dtype.np
    return np.zeros(shape, dtype)


def _run_pre_hooks(node, grads):
    grads = list(grads)
    hooks = list(node._pre_hooks)
    # retain_grad sees the gradient after every other hook of its tensor, as in torch
    hooks.sort(key=lambda entry: getattr(entry[1], "_retains_grad", False))
    for nr, fn in hooks:
        if nr is None:
            replaced = fn(tuple(grads))
            if replaced is not None:
                grads = list(replaced)
        elif grads[nr] is not None:
            replaced = fn(grads[nr])
            if replaced is not None:
                grads[nr] = replaced
    return grads


def _leaf_hooks(t, g):
    """A leaf's tensor hooks, in order; each may replace the gradient."""
    for hook in t._hooks or ():
        replaced = hook(g)
        if replaced is not None:
            g = replaced
    return g


def _accumulate_leaf(t, g, create_graph, owners):
    if t._hooks:
        g = _leaf_hooks(t, g)
        if g is not None:  # a hook may have kept a reference: .grad must not be that tensor
            owners[id(g._data)] = owners.get(id(g._data), 0) + 2
    _accumulate(t, g, create_graph, owners)
    for hook in t.__dict__.get("_post_accumulate_hooks", ()):
        hook(t)


def _accumulate(t, g, create_graph, owners):
    """Add ``g`` into ``t.grad``: take ``g`` itself when nothing else holds its memory."""
    if g is None:
        return
    current = t._grad
    if current is None:
        if create_graph:
            t._grad = g
        elif g._data.base is None and owners.get(id(g._data), 0) <= 1 and g._grad_fn is None:
            t._grad = g.detach()
        else:  # a copy of its own (on arrays: no graph is built here)
            t._grad = type(g)._make(g._data.copy())
    elif create_graph or current._requires_grad:
        t._grad = current + g
    else:
        current._data += g._data
        current._vc[0] += 1


def _check_anomaly(node, out):
    import numpy as np

    for i, g in enumerate(out):
        if g is not None and g._data.dtype.kind in "fc" and np.isnan(g._data).any():
            if node._trace:
                warnings.warn(
                    "Error detected in "
                    f"{node.name()}. Traceback of forward call that caused the error:\n"
                    + "".join(node._trace),
                    stacklevel=2,
                )
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
