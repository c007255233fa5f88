"""Settings NumPy's OpenBLAS reads once, when it loads: so imported before anything else.

After each product OpenBLAS's threads spin, waiting for the next one, for 2**28 cycles (about
0.1 s) by default. ember's steps put single-core NumPy passes and its own kernel threads
(``backends.parallel``) between products, and a spinning thread takes a core from them; two
libraries timed side by side lose a core to each other the same way. 2**20 cycles (about
0.4 ms) still covers the gaps between the products of one layer. A value already set is kept.

When NumPy was imported first (``import numpy as np`` before ``import ember as torch``), the
variable comes too late for OpenBLAS's own read; ``backends.parallel`` then has OpenBLAS read
its environment again and restarts its threads (``LATE`` says so). Without that, a ResNet
step took 216 ms instead of 123.
"""

import os
import sys

THREAD_TIMEOUT = "20"  # log2 of the cycles OpenBLAS's idle threads spin

LATE = "numpy" in sys.modules
USERS = "OPENBLAS_THREAD_TIMEOUT" in os.environ  # the user's own value: kept
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", THREAD_TIMEOUT)
