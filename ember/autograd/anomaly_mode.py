"""Anomaly mode: record where each op was created, and stop at the first NaN gradient."""

from __future__ import annotations

from .function import anomaly


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection checks gradients for NaN."""
    return anomaly.check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off; takes effect at once, restores when used as a context."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self._prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled = bool(mode)
        anomaly.check_nan = bool(check_nan)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        anomaly.enabled, anomaly.check_nan = self._prev
        return False


class detect_anomaly:
    """Context manager (and decorator) enabling anomaly detection inside its block."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled = True
        anomaly.check_nan = self.check_nan

    def __exit__(self, *exc):
        anomaly.enabled, anomaly.check_nan = self._prev
        return False

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return func(*args, **kwargs)

        return wrapper


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off (``torch.set_anomaly_enabled``)."""
    anomaly.enabled = bool(enabled)
    anomaly.check_nan = bool(check_nan)
