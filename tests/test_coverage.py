"""Every public op (``ember.ops.__all__``) and every public Tensor method has an entry in the
oracle table (``tests/optable``), or is listed below with the test file that covers it instead.

A Tensor method counts as covered by an entry named ``Tensor.<name>``, or by an entry for the op
``<name>`` when the method *is* that op (``Tensor.exp is ember.exp``).
"""

from __future__ import annotations

import os

import torch
from optable import ENTRIES

import ember

TESTS = os.path.dirname(__file__)

# Non-differentiable utilities and names whose behaviour is checked outside the table, each with
# the test file that covers it (against torch wherever the result is deterministic).
COVERED_ELSEWHERE = {
    # random sampling and generators: shapes, dtypes, ranges, statistics, reproducibility
    "bernoulli": "test_creation.py",
    "get_rng_state": "test_creation.py",
    "initial_seed": "test_creation.py",
    "manual_seed": "test_creation.py",
    "multinomial": "test_creation.py",
    "normal": "test_creation.py",
    "poisson": "test_creation.py",
    "rand": "test_creation.py",
    "rand_like": "test_creation.py",
    "randint": "test_creation.py",
    "randint_like": "test_creation.py",
    "randn": "test_creation.py",
    "randn_like": "test_creation.py",
    "randperm": "test_creation.py",
    "seed": "test_creation.py",
    "set_rng_state": "test_creation.py",
    # the tensor object: metadata, conversion to Python/NumPy, devices
    "Tensor.cuda": "test_tensor.py",
    "Tensor.data_ptr": "test_tensor.py",
    "Tensor.dim": "test_tensor.py",
    "Tensor.element_size": "test_tensor.py",
    "Tensor.get_device": "test_tensor.py",
    "Tensor.is_complex": "test_tensor.py",
    "Tensor.is_contiguous": "test_tensor.py",
    "Tensor.is_floating_point": "test_tensor.py",
    "Tensor.item": "test_tensor.py",
    "Tensor.new": "test_tensor.py",
    "Tensor.ndimension": "test_tensor.py",
    "Tensor.nelement": "test_tensor.py",
    "Tensor.numel": "test_tensor.py",
    "Tensor.numpy": "test_tensor.py",
    "Tensor.size": "test_tensor.py",
    "Tensor.stride": "test_tensor.py",
    "Tensor.tolist": "test_tensor.py",
    # autograd bookkeeping
    "Tensor.backward": "test_autograd.py",
    "Tensor.detach": "test_autograd.py",
    "Tensor.detach_": "test_autograd.py",
    "Tensor.register_hook": "test_autograd.py",
    "Tensor.register_post_accumulate_grad_hook": "test_autograd.py",
    "Tensor.requires_grad_": "test_autograd.py",
    "Tensor.retain_grad": "test_autograd.py",
    # in-place sampling: ranges, statistics and reproducibility from the default seed
    "Tensor.bernoulli_": "test_inplace.py",
    "Tensor.bernoulli": "test_torch_names.py",
    "Tensor.multinomial": "test_torch_names.py",
    "Tensor.cauchy_": "test_inplace.py",
    "Tensor.exponential_": "test_inplace.py",
    "Tensor.geometric_": "test_inplace.py",
    "Tensor.log_normal_": "test_inplace.py",
    "Tensor.normal_": "test_inplace.py",
    "Tensor.random_": "test_inplace.py",
    "Tensor.uniform_": "test_inplace.py",
    # tensor predicates, memory constructors, process-wide settings
    "binomial": "test_breadth.py",
    "histogramdd": "test_breadth.py",
    "embedding_renorm_": "test_breadth.py",
    "empty_permuted": "test_breadth.py",
    "empty_strided": "test_breadth.py",
    "from_file": "test_breadth.py",
    "frombuffer": "test_breadth.py",
    "get_device": "test_breadth.py",
    "is_conj": "test_breadth.py",
    "is_inference": "test_breadth.py",
    "Tensor.is_inference": "test_inference_mode.py",
    "Tensor.const_data_ptr": "test_torch_names.py",
    "Tensor.dim_order": "test_torch_names.py",
    "Tensor.is_pinned": "test_torch_names.py",
    "Tensor.new_empty_strided": "test_torch_names.py",
    "Tensor.pin_memory": "test_torch_names.py",
    "angle": "test_complex_parts.py",
    "complex": "test_complex_parts.py",
    "conj": "test_complex_parts.py",
    "conj_physical": "test_complex_parts.py",
    "imag": "test_complex_parts.py",
    "polar": "test_complex_parts.py",
    "real": "test_complex_parts.py",
    "view_as_complex": "test_complex_parts.py",
    "view_as_real": "test_complex_parts.py",
    "Tensor.angle": "test_complex_parts.py",
    "Tensor.conj": "test_complex_parts.py",
    "Tensor.conj_physical": "test_complex_parts.py",
    "Tensor.is_conj": "test_complex_parts.py",
    "Tensor.is_neg": "test_complex_parts.py",
    "Tensor.resolve_conj": "test_complex_parts.py",
    "Tensor.resolve_neg": "test_complex_parts.py",
    "is_neg": "test_breadth.py",
    "is_nonzero": "test_breadth.py",
    "is_same_size": "test_breadth.py",
    "is_signed": "test_breadth.py",
    "resolve_conj": "test_breadth.py",
    "resolve_neg": "test_breadth.py",
    # shared memory across processes
    "Tensor.share_memory_": "test_surround_multiprocessing.py",
    "Tensor.is_shared": "test_surround_multiprocessing.py",
}

# Names whose entries live on a branch not merged yet (empty when everything has landed).
COVERED_BY_OTHER_BRANCHES: set = set()

# Public in ember but not in torch: helpers that leak out of their family module (their owners
# should make them private, with a leading underscore) and methods torch does not have.
NOT_TORCH_API = {"broadcast_error", "expand_as", "Tensor.rsub"}


def _public_tensor_methods() -> list:
    names = set()
    for name, value in vars(ember.Tensor).items():
        if name.startswith("_") or isinstance(value, property) or not callable(value):
            continue
        names.add(name)
    return sorted(names)


def _is_function_class(value) -> bool:
    return isinstance(value, type) and issubclass(value, ember.autograd.Function)


def _required() -> list:
    # ember.ops.__all__ also lists the autograd Function classes that implement ops (Exp, Mul...):
    # they are how an op is written, not API of their own, and are left out here
    ops = {n for n in ember.ops.__all__ if not _is_function_class(getattr(ember.ops, n))}
    return sorted(ops) + [f"Tensor.{m}" for m in _public_tensor_methods()]


def _covered_by_table(name: str, entry_names: set) -> bool:
    if name in entry_names:
        return True
    # torch.relu and friends are torch.nn.functional's functions, with entries under that name
    functional = getattr(ember.nn.functional, name, None)
    if functional is not None and functional is getattr(ember, name, None):
        return f"nn.functional.{name}" in entry_names
    if name.startswith("Tensor."):
        method = name[len("Tensor.") :]
        bound = getattr(ember.Tensor, method)
        if method in entry_names and getattr(ember, method, None) is bound:
            return True
        return f"nn.functional.{method}" in entry_names and (
            getattr(ember.nn.functional, method, None) is bound
        )
    return False


def test_every_public_op_and_method_has_an_entry():
    # a method that is an op covered by another branch's entry is covered by it too
    entry_names = {e.name for e in ENTRIES} | COVERED_BY_OTHER_BRANCHES
    listed = set(COVERED_ELSEWHERE) | COVERED_BY_OTHER_BRANCHES | NOT_TORCH_API
    missing = [n for n in _required() if n not in listed and not _covered_by_table(n, entry_names)]
    assert not missing, (
        f"{len(missing)} public names have no oracle table entry (add an OpEntry in "
        "tests/optable/<family>.py, or list them in tests/test_coverage.py with the test file "
        "that covers them):\n  " + "\n  ".join(missing)
    )


def test_the_lists_are_current():
    required = set(_required())
    entry_names = {e.name for e in ENTRIES}
    listed = set(COVERED_ELSEWHERE) | COVERED_BY_OTHER_BRANCHES | NOT_TORCH_API
    unknown = sorted(listed - required)
    assert not unknown, f"listed names that ember does not have (typo, or removed?): {unknown}"
    now_covered = sorted(n for n in COVERED_BY_OTHER_BRANCHES if _covered_by_table(n, entry_names))
    assert not now_covered, (
        f"these now have table entries: remove them from COVERED_BY_OTHER_BRANCHES: {now_covered}"
    )
    for name, path in COVERED_ELSEWHERE.items():
        assert os.path.exists(os.path.join(TESTS, path)), f"{name}: {path} does not exist"


def test_public_names_are_torch_names():
    def in_torch(name: str) -> bool:
        if name.startswith("Tensor."):
            return hasattr(torch.Tensor, name[len("Tensor.") :])
        return hasattr(torch, name)

    strays = [n for n in _required() if not in_torch(n) and n not in NOT_TORCH_API]
    assert not strays, f"public in ember but not in torch (make them private?): {strays}"
    fixed = sorted(n for n in NOT_TORCH_API if in_torch(n) or n not in _required())
    assert not fixed, f"remove from NOT_TORCH_API, no longer a stray: {fixed}"
