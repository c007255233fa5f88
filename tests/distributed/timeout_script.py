"""Run on 2 ranks: rank 1 never joins the collective; rank 0 must get a RuntimeError, not hang."""

import datetime
import os
import sys

import ember
import ember.distributed as dist

dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=2))
if dist.get_rank() == 0:
    try:
        dist.all_reduce(ember.ones(4))
    except RuntimeError as e:
        print(f"rank 0 timed out: {e}", flush=True)
        os._exit(0)  # the pending request cannot be finalized; leave without MPI_Finalize
    sys.exit(1)
else:
    import time

    time.sleep(6)  # alive but never calling the collective
    os._exit(0)
