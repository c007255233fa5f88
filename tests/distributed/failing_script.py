import ember.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    raise ValueError("rank 1 fails on purpose")
dist.barrier()  # rank 0 would wait here forever if the job were not aborted
