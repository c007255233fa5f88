"""``ember.nn.utils``: gradient clipping, parameter/vector conversion, parametrizations."""

from . import rnn  # noqa: E402,F401
