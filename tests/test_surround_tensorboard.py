"""ember.utils.tensorboard.SummaryWriter: real event files (read back here with the protobuf
definitions tensorboardX ships), ember tensors accepted wherever torch's writer takes them."""

from __future__ import annotations

import glob
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import ember

tensorboardX = pytest.importorskip("tensorboardX")
from ember.utils.tensorboard import SummaryWriter  # noqa: E402


def _events(log_dir):
    from tensorboardX.proto import event_pb2

    (path,) = glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))
    data = open(path, "rb").read()
    events, pos = [], 0
    while pos < len(data):
        (length,) = struct.unpack("<Q", data[pos : pos + 8])
        record = data[pos + 12 : pos + 12 + length]  # after the length and its crc
        pos += 12 + length + 4
        event = event_pb2.Event()
        event.ParseFromString(record)
        events.append(event)
    return events


def test_scalars_histograms_images_and_text_reach_the_event_file(tmp_path):
    with SummaryWriter(log_dir=str(tmp_path)) as writer:
        assert writer.log_dir == str(tmp_path) == writer.get_logdir()
        for step in range(3):
            writer.add_scalar("loss", ember.tensor(1.0 / (step + 1)), step)
        writer.add_scalar("lr", 0.1, 0)
        writer.add_histogram("weights", ember.arange(10.0), 0)
        writer.add_image("digit", ember.ones(1, 4, 4) * 0.5, 0)
        writer.add_text("note", "hello", 0)
    values = {}
    for event in _events(str(tmp_path)):
        for v in event.summary.value:
            values.setdefault(v.tag, []).append((event.step, v))
    assert [(s, round(v.simple_value, 6)) for s, v in values["loss"]] == [
        (0, 1.0),
        (1, 0.5),
        (2, round(1 / 3, 6)),
    ]
    assert values["lr"][0][1].simple_value == pytest.approx(0.1)
    histo = values["weights"][0][1].histo
    assert (histo.min, histo.max, histo.num, histo.sum) == (0.0, 9.0, 10.0, 45.0)
    image = values["digit"][0][1].image
    assert (image.height, image.width) == (4, 4)
    assert any(tag.startswith("note") for tag in values)


def test_scalars_dict_of_tensors(tmp_path):
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_scalars("run", {"train": ember.tensor(2.0), "test": np.float32(3.0)}, 5)
    # one run per key (tensorboardX nests them as run/train; torch names them run_train)
    runs = [os.path.relpath(d, tmp_path) for d, _, files in os.walk(tmp_path) if files]
    assert any("train" in r for r in runs) and any("test" in r for r in runs)


def test_add_graph_says_it_is_not_available(tmp_path):
    with SummaryWriter(str(tmp_path)) as writer:
        with pytest.raises(RuntimeError, match="not available in ember"):
            writer.add_graph(object(), ember.ones(1))


def test_without_tensorboardx_the_import_error_names_the_package():
    code = (
        "import sys; sys.modules['tensorboardX'] = None\n"
        "try:\n    import ember.utils.tensorboard\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pip install tensorboardX" in out.stdout, out.stderr
