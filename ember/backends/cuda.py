"""``torch.backends.cuda`` flags (settable; CuPy's matmul precision is not changed by them)."""


class _MatmulFlags:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built() -> bool:
    from . import cupy

    return cupy() is not None
