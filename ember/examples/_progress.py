"""A progress bar per epoch: tqdm when installed, a plain one-line bar otherwise."""

from __future__ import annotations

import sys
import time


def progress(iterable, description: str):
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(iterable, description)
    return tqdm(iterable, desc=description, leave=False)


class _PlainBar:
    def __init__(self, iterable, description: str, width: int = 30):
        self.iterable = iterable
        self.description = description
        self.width = width

    def __iter__(self):
        if not sys.stderr.isatty():  # a log file gets the per-epoch lines only
            yield from self.iterable
            return
        total = len(self.iterable)
        start = time.perf_counter()
        for i, item in enumerate(self.iterable, 1):
            yield item
            done = int(self.width * i / total)
            rate = i / max(time.perf_counter() - start, 1e-9)
            sys.stderr.write(
                f"\r{self.description} [{'#' * done}{'.' * (self.width - done)}] "
                f"{i}/{total} {rate:.0f} it/s"
            )
            sys.stderr.flush()
        sys.stderr.write("\r" + " " * (len(self.description) + self.width + 30) + "\r")
