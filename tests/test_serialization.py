"""Checkpoints: torch -> ember -> torch round trips, shared storages, safety against crafted
files, atomic saves, and safetensors interoperability."""

from __future__ import annotations

import io
import os
import pickle
import warnings
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _sample(dtype: str, shape=(2, 3)):
    rng = np.random.default_rng(0)
    return (rng.standard_normal(shape) * 10).astype(dtype)


def _same(e: ember.Tensor, t: torch.Tensor):
    assert str(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_file_loads_in_ember(tmp_path, dtype):
    arr = _sample(dtype)
    path = tmp_path / "t.pt"
    torch.save({"x": torch.from_numpy(arr), "scalar": torch.tensor(3), "n": 1}, path)
    out = ember.load(path)
    _same(out["x"], torch.from_numpy(arr))
    assert out["scalar"].item() == 3 and out["n"] == 1


@pytest.mark.parametrize("dtype", DTYPES)
def test_ember_file_loads_in_torch(tmp_path, dtype):
    arr = _sample(dtype)
    path = tmp_path / "e.pt"
    ember.save(
        {
            "x": ember.from_numpy(arr.copy()),
            "empty": ember.zeros(0, 4),
            "zero_dim": ember.tensor(2.5),
        },
        path,
    )
    out = torch.load(path, weights_only=True)
    _same(ember.from_numpy(arr), out["x"])
    assert tuple(out["empty"].shape) == (0, 4)
    assert out["zero_dim"].item() == 2.5


def test_views_share_storage_both_ways(tmp_path):
    base = ember.arange(12.0).reshape(3, 4)
    path = tmp_path / "v.pt"
    ember.save({"base": base, "col": base[:, 1], "t": base.t()}, path)
    with zipfile.ZipFile(path) as zf:
        assert sum(1 for n in zf.namelist() if "/data/" in n) == 1  # one storage, written once
    loaded = torch.load(path, weights_only=True)
    assert torch.equal(loaded["col"], torch.arange(12.0).reshape(3, 4)[:, 1])
    loaded["base"][0, 1] = 100.0
    assert loaded["col"][0].item() == 100.0  # still a view after loading in torch

    tbase = torch.arange(6.0).reshape(2, 3)
    torch.save({"base": tbase, "row": tbase[1]}, path)
    mine = ember.load(path)
    mine["base"][1, 2] = -1.0
    assert mine["row"][2].item() == -1.0  # and after loading in ember


def test_nested_containers_and_parameters(tmp_path):
    path = tmp_path / "n.pt"
    obj = {
        "list": [torch.ones(2), (torch.zeros(1), 3)],
        "od": OrderedDict(a=torch.eye(2)),
        "s": "text",
        "none": None,
        "f": 1.5,
    }
    torch.save(obj, path)
    out = ember.load(path)
    assert isinstance(out["od"], OrderedDict)
    assert out["list"][1][1] == 3 and out["s"] == "text" and out["none"] is None
    ember.save(out, path)
    back = torch.load(path, weights_only=True)
    assert torch.equal(back["od"]["a"], torch.eye(2))


def test_noncontiguous_tensor(tmp_path):
    path = tmp_path / "nc.pt"
    x = ember.arange(20.0).reshape(4, 5).t()[1:3]
    ember.save(x, path)
    t = torch.load(path, weights_only=True)
    np.testing.assert_array_equal(t.numpy(), x.numpy())


def test_file_objects_and_bytes(tmp_path):
    buf = io.BytesIO()
    ember.save({"a": ember.ones(3)}, buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=True)["a"].sum().item() == 3
    buf = io.BytesIO()
    torch.save({"a": torch.ones(2)}, buf)
    buf.seek(0)
    assert ember.load(buf)["a"].sum().item() == 2


def test_legacy_format(tmp_path):
    path = tmp_path / "legacy.pt"
    base = torch.arange(6.0).reshape(2, 3)
    torch.save(
        {"x": base, "row": base[1], "i": torch.tensor([1, 2])},
        path,
        _use_new_zipfile_serialization=False,
    )
    out = ember.load(path)
    np.testing.assert_array_equal(out["x"].numpy(), base.numpy())
    np.testing.assert_array_equal(out["row"].numpy(), base[1].numpy())
    out["x"][1, 0] = 9.0
    assert out["row"][0].item() == 9.0


def test_map_location_and_cuda_files(tmp_path):
    path = tmp_path / "m.pt"
    torch.save({"x": torch.ones(2)}, path)
    assert ember.load(path, map_location="cpu")["x"].device == ember.device("cpu")
    assert ember.load(path, map_location={"cpu": "cpu"})["x"].sum().item() == 2
    assert ember.load(path, map_location=lambda s, loc: s)["x"].sum().item() == 2


def test_weights_only_refuses_unknown_globals(tmp_path):
    path = tmp_path / "evil.pt"
    canary = tmp_path / "canary"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {canary}",))

    torch.save({"x": Evil()}, path)
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system|Unsupported"):
        ember.load(path)
    assert not canary.exists()


def test_safe_globals_extend_the_allowlist(tmp_path):
    path = tmp_path / "g.pt"
    torch.save({"c": complex(1, 2), "t": torch.ones(1)}, path)
    ember.load(path)  # complex is plain pickle data, no global needed
    assert ember.load(path)["c"] == complex(1, 2)
    torch.save({"s": slice(1, 2)}, path)
    with pytest.raises(pickle.UnpicklingError):
        ember.load(path)
    with ember.serialization.safe_globals([(slice, "builtins.slice")]):
        assert ember.load(path)["s"] == slice(1, 2)


def test_declared_storage_size_is_checked(tmp_path):
    path = tmp_path / "big.pt"
    torch.save({"x": torch.ones(4)}, path)
    with zipfile.ZipFile(path) as zf:
        records = {n: zf.read(n) for n in zf.namelist()}
    pkl = next(n for n in records if n.endswith("data.pkl"))
    # declare 4 billion elements in the persistent id: must fail before allocating
    records[pkl] = records[pkl].replace(b"K\x04t", b"J\x00\x00\x00\x7ft")
    out = tmp_path / "crafted.pt"
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in records.items():
            zf.writestr(n, data)
    with pytest.raises((RuntimeError, pickle.UnpicklingError)):
        ember.load(out)


def test_out_of_bounds_view_is_refused(tmp_path):
    path = tmp_path / "oob.pt"
    torch.save(torch.ones(4), path)
    with zipfile.ZipFile(path) as zf:
        records = {n: zf.read(n) for n in zf.namelist()}
    pkl = next(n for n in records if n.endswith("data.pkl"))
    data = records[pkl]
    # the size tuple (4,) becomes (40,): reaching past the 4-element storage
    assert b"K\x04\x85" in data
    records[pkl] = data.replace(b"K\x04\x85", b"K\x28\x85", 1)
    out = tmp_path / "crafted.pt"
    with zipfile.ZipFile(out, "w") as zf:
        for n, d in records.items():
            zf.writestr(n, d)
    with pytest.raises(RuntimeError, match="outside"):
        ember.load(out)


def _crafted_variants(good: bytes, cases: int, seed: int = 0):
    """Mutations of a valid checkpoint: flipped bytes, truncations, splices, altered sizes."""
    rng = np.random.default_rng(seed)
    for case in range(cases):
        data = bytearray(good)
        kind = case % 4
        if kind == 0:
            for _ in range(rng.integers(1, 8)):
                data[rng.integers(0, len(data))] = rng.integers(0, 256)
        elif kind == 1:
            data = data[: rng.integers(0, len(data))]
        elif kind == 2:
            start = rng.integers(0, len(data))
            data[start:start] = bytes(rng.integers(0, 256, rng.integers(1, 64)).tolist())
        else:  # an integer opcode's argument inflated: declared sizes, shapes, offsets
            positions = [i for i in range(len(data) - 1) if data[i] in (0x4B, 0x4A)]
            i = positions[rng.integers(0, len(positions))]
            data[i + 1] = rng.integers(0, 256)
        yield bytes(data)


def test_fuzzed_checkpoints_fail_cleanly(tmp_path):
    """2,000 mutated files: each loads, or raises a clear error; none runs code, hangs, or
    allocates much more than the file holds."""
    import time
    import tracemalloc

    path = tmp_path / "ok.pt"
    torch.save(
        {
            "w": torch.arange(8.0).reshape(2, 4),
            "b": torch.ones(2, dtype=torch.int64),
            "evil_name": "os.system",
        },
        path,
    )
    good = path.read_bytes()
    canary = tmp_path / "canary"
    allowed = (
        RuntimeError,
        pickle.UnpicklingError,
        zipfile.BadZipFile,
        ValueError,
        KeyError,
        EOFError,
        TypeError,
        OSError,
        IndexError,
        OverflowError,
    )
    loaded = 0
    tracemalloc.start()
    try:
        for data in _crafted_variants(good, 2000):
            tracemalloc.reset_peak()
            start = time.perf_counter()
            try:
                out = ember.load(io.BytesIO(data))
                loaded += 1
                assert isinstance(out, dict)
            except allowed:
                pass
            assert time.perf_counter() - start < 1.0
            assert tracemalloc.get_traced_memory()[1] < 20 * len(data) + (1 << 20)
    finally:
        tracemalloc.stop()
    assert not canary.exists()
    assert loaded > 0  # some mutations (e.g. in padding) leave a loadable file


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    ember.save({"v": ember.ones(3)}, path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("No space left on device")

    from ember.serialization import _save

    monkeypatch.setattr(_save, "_write_archive", fail)
    with pytest.raises(OSError):
        ember.save({"v": ember.zeros(3)}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


def test_record_alignment(tmp_path):
    path = tmp_path / "a.pt"
    ember.save({"a": ember.ones(5), "b": ember.zeros(7)}, path)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if "/data/" in info.filename:
                with open(path, "rb") as fh:
                    fh.seek(info.header_offset + 26)
                    n, m = np.frombuffer(fh.read(4), "<u2")
                assert (info.header_offset + 30 + int(n) + int(m)) % 64 == 0


def test_mmap_load(tmp_path):
    path = tmp_path / "mm.pt"
    torch.save({"x": torch.arange(10.0)}, path)
    out = ember.load(path, mmap=True)
    np.testing.assert_array_equal(out["x"].numpy(), np.arange(10.0, dtype=np.float32))


# ---- safetensors ------------------------------------------------------------------------------


def test_safetensors_interop(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    from ember.serialization import safetensors as est

    tensors = {"w": ember.randn(3, 4), "i": ember.arange(5), "h": ember.ones(2, dtype=ember.half)}
    path = tmp_path / "m.safetensors"
    est.save_file(tensors, path, metadata={"format": "pt"})
    theirs = st.load_file(str(path))
    for k, v in tensors.items():
        np.testing.assert_array_equal(theirs[k], v.numpy())
    st.save_file({"a": np.arange(6, dtype=np.float32).reshape(2, 3)}, str(path))
    mine = est.load_file(path)
    np.testing.assert_array_equal(mine["a"].numpy(), np.arange(6, dtype=np.float32).reshape(2, 3))
    with est.safe_open(path, framework="pt") as f:
        assert f.keys() == ["a"]
        assert f.get_slice("a").get_shape() == [2, 3]
        np.testing.assert_array_equal(f.get_tensor("a")[1].numpy(), [3.0, 4.0, 5.0])
    assert est.load(est.save({"z": ember.zeros(2)}))["z"].shape == (2,)


def test_safetensors_validation():
    from ember.serialization import safetensors as est

    good = est.save({"a": ember.ones(4)})
    with pytest.raises(est.SafetensorError):
        est.load(good[:-1])
    bad = bytearray(good)
    bad[0:8] = (10**9).to_bytes(8, "little")
    with pytest.raises(est.SafetensorError):
        est.load(bytes(bad))
    header = b'{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,16]}}'
    with pytest.raises(est.SafetensorError):
        est.load(len(header).to_bytes(8, "little") + header + b"\0" * 16)


def test_parameters_round_trip(tmp_path):
    path = tmp_path / "p.pt"
    torch.save(
        {
            "p": torch.nn.Parameter(torch.ones(3)),
            "frozen": torch.nn.Parameter(torch.zeros(2), requires_grad=False),
        },
        path,
    )
    out = ember.load(path)
    assert isinstance(out["p"], ember.nn.Parameter) and out["p"].requires_grad
    assert not out["frozen"].requires_grad
    ember.save(out, path)
    back = torch.load(path, weights_only=True)
    assert isinstance(back["p"], torch.nn.Parameter) and back["p"].requires_grad
    assert torch.equal(back["p"], torch.ones(3))


def test_module_and_optimizer_state_dicts_move_both_ways(tmp_path):
    path = tmp_path / "m.pt"
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    topt = torch.optim.Adam(tm.parameters())
    tm(torch.randn(5, 3)).sum().backward()
    topt.step()
    torch.save({"model": tm.state_dict(), "opt": topt.state_dict()}, path)
    em = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4))
    eopt = ember.optim.Adam(em.parameters())
    ckpt = ember.load(path)
    em.load_state_dict(ckpt["model"])
    eopt.load_state_dict(ckpt["opt"])
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    em.eval()
    tm.eval()
    np.testing.assert_allclose(
        em(ember.from_numpy(x)).detach().numpy(),
        tm(torch.from_numpy(x)).detach().numpy(),
        rtol=1e-6,
        atol=1e-6,  # the weights are unseeded: an output can land near 0
    )
    ember.save({"model": em.state_dict(), "opt": eopt.state_dict()}, path)
    back = torch.load(path, weights_only=True)
    tm.load_state_dict(back["model"])
    topt.load_state_dict(back["opt"])
    assert list(back["model"]) == list(tm.state_dict())


def test_big_endian_files_are_byte_swapped(tmp_path):
    path = tmp_path / "le.pt"
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    ember.save({"x": ember.from_numpy(values.copy())}, path)
    with zipfile.ZipFile(path) as zf:
        records = {n: zf.read(n) for n in zf.namelist()}
    for name in records:
        if name.endswith("byteorder"):
            records[name] = b"big"
        if "/data/" in name and not name.endswith("serialization_id"):
            records[name] = np.frombuffer(records[name], np.float32).byteswap().tobytes()
    big = tmp_path / "be.pt"
    with zipfile.ZipFile(big, "w") as zf:
        for n, d in records.items():
            zf.writestr(n, d)
    np.testing.assert_array_equal(ember.load(big)["x"].numpy(), values)


def test_hub_downloads_caches_and_checks_hashes(tmp_path, monkeypatch):
    import hashlib

    source = tmp_path / "src"
    source.mkdir()
    ckpt = source / "weights.pt"
    torch.save({"w": torch.ones(3)}, ckpt)
    digest = hashlib.sha256(ckpt.read_bytes()).hexdigest()
    named = source / f"weights-{digest[:8]}.pt"
    named.write_bytes(ckpt.read_bytes())
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    out = ember.hub.load_state_dict_from_url(named.as_uri(), check_hash=True)
    assert out["w"].sum().item() == 3
    cached = tmp_path / "home" / "hub" / "checkpoints" / named.name
    assert cached.exists()
    named.unlink()  # served from the cache now
    assert ember.hub.load_state_dict_from_url(named.as_uri())["w"].shape == (3,)
    bad = source / "other-deadbeef.pt"
    bad.write_bytes(ckpt.read_bytes())
    with pytest.raises(RuntimeError, match="hash"):
        ember.hub.load_state_dict_from_url(bad.as_uri(), check_hash=True)
    with pytest.raises(RuntimeError, match="put it at"):
        ember.hub.load_state_dict_from_url(
            "http://127.0.0.1:9/missing.pt", model_dir=str(tmp_path / "m")
        )


@pytest.mark.parametrize("env, kwargs", [(None, {"weights_only": False}),
                                         ("1", {}), ("1", {"weights_only": False})])  # fmt: skip
def test_weights_only_false_warns_as_torch(tmp_path, monkeypatch, env, kwargs):
    """An explicit ``weights_only=False`` loads without a warning; the environment variable
    that forces it says so only when the argument was not passed."""
    if env is not None:
        monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", env)
    caught = []
    for lib in (ember, torch):
        path = tmp_path / f"{lib.__name__}.pt"
        lib.save({"w": lib.ones(2)}, path)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            assert lib.load(path, **kwargs)["w"].tolist() == [1.0, 1.0]
        caught.append([(w.category, str(w.message)) for w in seen])
    assert caught[0] == caught[1]
