"""Grad modes: whether operations are recorded for backward.

`no_grad`, `enable_grad`, `set_grad_enabled` and `inference_mode` work as context managers and
as decorators, as in PyTorch.
"""

from __future__ import annotations

import functools
import inspect
import threading


class _State(threading.local):
    """Per thread, as in PyTorch: a thread's ``no_grad`` (or a backward running in it) does not
    change what another thread records. Every thread starts with grad mode on."""

    def __init__(self):
        self.enabled = True
        self.inference = False


state = _State()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward."""
    return state.enabled


def is_inference_mode_enabled() -> bool:
    """Whether an inference_mode block is active."""
    return state.inference


class _GradModeContext:
    """Base of the grad-mode context managers; subclasses say what `enabled` becomes."""

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    item = next(gen)
                while True:
                    sent = yield item
                    with self.clone():
                        try:
                            item = gen.send(sent)
                        except StopIteration:
                            return

            return generator

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        self._set()
        return None

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
        return False


class no_grad(_GradModeContext):
    """Turn off recording of operations for backward inside the block."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)  # used as a bare decorator: @no_grad

    def _set(self):
        state.enabled = False


class enable_grad(_GradModeContext):
    """Turn recording back on inside a `no_grad` block (not inside `inference_mode`, where
    `is_grad_enabled` says True but nothing is recorded, as in torch)."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def _set(self):
        state.enabled = True


class set_grad_enabled(_GradModeContext):
    """Set recording on or off; takes effect at once, and as a context it restores on exit."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._prev = (state.enabled, state.inference)
        state.enabled = self.mode

    def clone(self):
        return set_grad_enabled(self.mode)

    def _set(self):
        state.enabled = self.mode

    def __enter__(self):
        # the mode was already set by __init__; __exit__ restores what was there before it
        return None

    def __call__(self, func):
        state.enabled, state.inference = self._prev
        return super().__call__(func)


class inference_mode(_GradModeContext):
    """Like `no_grad`; tensors made inside are inference tensors (no version tracking needed)."""

    def __new__(cls, mode=True):
        if callable(mode):
            return cls()(mode)  # used as a bare decorator: @inference_mode
        return super().__new__(cls)

    def __init__(self, mode: bool = True):
        self.mode = bool(mode)

    def clone(self):
        return inference_mode(self.mode)

    def _set(self):
        # inference_mode(False) turns recording back on, even inside no_grad, as in torch
        state.inference = self.mode
        state.enabled = not self.mode
