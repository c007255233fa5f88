"""Settings NumPy's OpenBLAS reads once, when it loads: so imported before anything else.

After each product OpenBLAS's threads spin, waiting for the next one, for 2**28 cycles (about
0.1 s) by default. ember's steps put single-core NumPy passes and its own kernel threads
(``backends.parallel``) between products, and a spinning thread takes a core from them; two
libraries timed side by side lose a core to each other the same way. 2**20 cycles (about
0.4 ms) still covers the gaps between the products of one layer. A value already set is kept,
and nothing changes when NumPy was imported before ember.
"""

import os
import sys

if "numpy" not in sys.modules:
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "20")
