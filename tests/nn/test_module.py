"""The Module system against torch: registration, naming, state_dict, loading, modes,
conversion, hooks, containers and repr (compared as text)."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from helpers import copy_weights, to_ember

import ember


def build(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.act = nn.GELU(approximate="tanh")
            self.register_buffer("scale", lib.ones(4))
            self.register_buffer("cache", lib.zeros(2), persistent=False)

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(3, 4, bias=False)
            self.blocks = nn.ModuleList([Block(), Block()])
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 2), "b": nn.Sequential(nn.ReLU())})
            self.extra = nn.Parameter(lib.zeros(2))
            self.plist = nn.ParameterList([nn.Parameter(lib.ones(3))])
            self.out = nn.Sequential(
                OrderedDict([("drop", nn.Dropout(0.0)), ("proj", nn.Linear(4, 3))])
            )
            self.tied = nn.Linear(3, 4, bias=False)
            self.tied.weight = self.embed.weight
            self.none_child = None

        def forward(self, x):
            h = self.embed(x)
            for block in self.blocks:
                h = block(h)
            return self.out(h) + self.tied(x).sum()

    return Net()


def test_repr_and_names_match_torch():
    t, e = build(torch), build(ember)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    names = lambda m, **kw: [n for n, _ in m.named_parameters(**kw)]  # noqa: E731
    for kw in ({"prefix": "m"}, {"recurse": False}, {"remove_duplicate": False}):
        assert names(e, **kw) == names(t, **kw)
    assert [n for n, _ in e.named_modules(prefix="root")] == [
        n for n, _ in t.named_modules(prefix="root")
    ]
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert list(e.state_dict(keep_vars=True)) == list(t.state_dict(keep_vars=True))


def test_load_state_dict_and_forward():
    t, e = build(torch), build(ember)
    copy_weights(t, e)
    x = np.random.default_rng(0).standard_normal((2, 3)).astype("float32")
    ye = e(ember.from_numpy(x))
    yt = t(torch.from_numpy(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    assert e.tied.weight is e.embed.weight


def test_load_state_dict_errors_like_torch():
    t, e = build(torch), build(ember)
    sd_t = t.state_dict()
    sd_e = {k: to_ember(v) for k, v in sd_t.items()}
    del sd_t["extra"], sd_e["extra"]
    sd_t["bogus"] = torch.zeros(1)
    sd_e["bogus"] = ember.zeros(1)
    sd_t["embed.weight"] = torch.zeros(5, 3)
    sd_e["embed.weight"] = ember.zeros(5, 3)
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(sd_t)
    with pytest.raises(RuntimeError) as ee:
        e.load_state_dict(sd_e)
    assert str(ee.value) == str(te.value)
    del sd_t["embed.weight"], sd_e["embed.weight"]
    rt = t.load_state_dict(sd_t, strict=False)
    re_ = e.load_state_dict(sd_e, strict=False)
    assert (sorted(re_.missing_keys), re_.unexpected_keys) == (
        sorted(rt.missing_keys),
        rt.unexpected_keys,
    )
    assert repr(e.load_state_dict(e.state_dict())) == "<All keys matched successfully>"
    with pytest.raises(TypeError):
        e.load_state_dict([1, 2])


@pytest.mark.parametrize(
    "action",
    [
        lambda lib, m: setattr(m, "fc", lib.zeros(2)),  # tensor over a module
        lambda lib, m: setattr(m.fc, "weight", lib.zeros(2)),  # tensor over a parameter
        lambda lib, m: setattr(m, "scale", 3),  # non-tensor over a buffer
        lambda lib, m: m.register_buffer("fc", lib.zeros(1)),
        lambda lib, m: m.register_buffer("a.b", lib.zeros(1)),
        lambda lib, m: m.register_buffer("x", 3),
        lambda lib, m: m.register_parameter("p", lib.zeros(1)),
        lambda lib, m: m.add_module("x", 3),
        lambda lib, m: m.add_module("a.b", lib.nn.ReLU()),
        lambda lib, m: m.missing_attribute,
        lambda lib, m: m.get_submodule("fc.nothing"),
        lambda lib, m: m.get_parameter("fc.nope"),
        lambda lib, m: m.train("yes"),
        lambda lib, m: m.to(lib.int64),
        lambda lib, m: m.register_parameter("q", lib.nn.Parameter(lib.ones(2)) * 2),
    ],
)
def test_bad_registration_raises_like_torch(action):
    errors = []
    for lib in (torch, ember):
        m = build(lib).blocks[0]
        with pytest.raises(Exception) as info:
            action(lib, m)
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0]), (errors[1], errors[0])
    assert str(errors[1]) == str(errors[0])


def test_registration_semantics():
    nn = ember.nn
    m = nn.Module()
    m.w = nn.Parameter(ember.ones(2))
    assert "w" in m._parameters
    m.w = None
    assert m.w is None and "w" in m._parameters
    m.register_buffer("b", ember.zeros(1))
    m.b = ember.ones(3)
    assert m.b.shape == (3,) and "b" in m._buffers
    m.buf2 = nn.Buffer(ember.ones(2), persistent=False)
    assert "buf2" in m._buffers and "buf2" not in m.state_dict()
    del m.b
    assert "b" not in m._buffers
    m.sub = nn.Linear(2, 2)
    m.sub = None
    assert list(m.children()) == []
    assert m.get_submodule("") is m
    lin = nn.Linear(2, 3)
    assert lin.get_parameter("weight") is lin.weight
    p = nn.Parameter(ember.zeros(2))
    assert isinstance(p, ember.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == repr(torch.nn.Parameter(torch.zeros(2)))
    assert not nn.Parameter(ember.zeros(2), requires_grad=False).requires_grad
    assert isinstance(copy.deepcopy(p), nn.Parameter)
    assert isinstance(pickle.loads(pickle.dumps(p)), nn.Parameter)
    assert isinstance(p * 2, ember.Tensor) and not isinstance(p * 2, nn.Parameter)


def test_train_eval_zero_grad_apply_requires_grad():
    m = build(ember)
    assert m.training and all(s.training for s in m.modules())
    assert m.eval() is m
    assert not any(s.training for s in m.modules())
    m.train()
    x = ember.randn(2, 3)
    m(x).sum().backward()
    assert m.embed.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert not np.any(m.embed.weight.grad.numpy())
    m.zero_grad()
    assert m.embed.weight.grad is None
    seen = []
    m.apply(lambda s: seen.append(type(s).__name__))
    assert seen[-1] == "Net" and seen[0] == "Linear"
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_double_and_float_keep_parameter_identity():
    m = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.BatchNorm1d(2))
    w = m[0].weight
    m.double()
    assert m[0].weight is w and w.dtype == ember.float64
    assert m[1].running_mean.dtype == ember.float64
    assert m[1].num_batches_tracked.dtype == ember.int64
    m.to(ember.float32)
    assert w.dtype == ember.float32
    m.half().float()
    assert m.to("cpu") is m and m.cpu() is m
    m.type(ember.float64)
    assert w.dtype == ember.float64


def test_forward_hooks_and_handles():
    calls = []
    for lib in (torch, ember):
        lin = lib.nn.Linear(2, 2)
        log = []
        h1 = lin.register_forward_pre_hook(
            lambda m, args, log=log: log.append("pre") or (args[0] * 2,)
        )
        h2 = lin.register_forward_hook(lambda m, args, out, log=log: log.append("post") or out + 1)
        h3 = lin.register_forward_hook(
            lambda m, a, k, o, log=log: log.append(sorted(k)), with_kwargs=True
        )
        h0 = lin.register_forward_pre_hook(lambda m, a, log=log: log.append("first"), prepend=True)
        x = lib.ones(1, 2)
        y1 = lin(x)
        for h in (h1, h2, h3, h0):
            h.remove()
        y2 = lin(x * 2) + 1
        calls.append((log, (y1 - y2).detach().numpy().round(4).tolist()))
        with lin.register_forward_hook(lambda m, a, o: o * 0):
            assert float(lin(x).abs().sum()) == 0
        assert float(lin(x).abs().sum()) != 0
    expected_out = calls[0][1]
    assert calls[1][0] == calls[0][0]
    np.testing.assert_allclose(calls[1][1], expected_out, atol=1e-4)


def test_full_backward_hook():
    results = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        lin = lib.nn.Linear(3, 2)
        with lib.no_grad():
            lin.weight.copy_(lib.ones(2, 3))
        seen = {}

        def hook(module, grad_input, grad_output, seen=seen):
            seen["in"] = [g.detach().numpy().copy() for g in grad_input]
            seen["out"] = [g.detach().numpy().copy() for g in grad_output]
            return (grad_input[0] * 10,)

        lin.register_full_backward_hook(hook)
        x = lib.ones(4, 3, requires_grad=True)
        (lin(x) * 3).sum().backward()
        results.append((seen, x.grad.numpy().copy()))
    (ts, tg), (es, eg) = results
    np.testing.assert_allclose(es["in"][0], ts["in"][0])
    np.testing.assert_allclose(es["out"][0], ts["out"][0])
    np.testing.assert_allclose(eg, tg)


def test_sequential_and_lists_like_torch():
    for lib in (torch, ember):
        nn = lib.nn
        s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
        assert len(s) == 3 and isinstance(s[1], nn.Tanh) and isinstance(s[-1], nn.Sigmoid)
        assert isinstance(s[1:], nn.Sequential) and len(s[1:]) == 2
        s.append(nn.ReLU())
        s.insert(0, nn.Identity())
        s.extend([nn.GELU()])
        del s[2]
        assert [type(m).__name__ for m in s] == ["Identity", "ReLU", "Sigmoid", "ReLU", "GELU"]
        assert list(s._modules) == ["0", "1", "2", "3", "4"]
        with pytest.raises(IndexError):
            s[9]
        ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        ml += [nn.ReLU()]
        ml.insert(1, nn.Tanh())
        assert [type(m).__name__ for m in ml] == ["Linear", "Tanh", "Linear", "Linear", "ReLU"]
        md = nn.ModuleDict({"x": nn.ReLU()})
        md["y"] = nn.Tanh()
        md.update([("z", nn.GELU())])
        assert list(md.keys()) == ["x", "y", "z"] and "y" in md and len(md) == 3
        assert type(md.pop("x")).__name__ == "ReLU"
        pd = nn.ParameterDict({"a": nn.Parameter(lib.ones(2))})
        pd["b"] = lib.zeros(3)
        assert isinstance(pd["b"], nn.Parameter) and list(pd) == ["a", "b"]
        pl = nn.ParameterList([lib.ones(2)])
        pl.append(nn.Parameter(lib.zeros(1)))
        assert len(pl) == 2 and isinstance(pl[0], nn.Parameter)
        assert len(list(nn.Sequential(nn.Linear(2, 2), pl).parameters())) == 4


def test_container_reprs_match_torch():
    def make(lib):
        nn = lib.nn
        return [
            nn.Sequential(),
            nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.ReLU(), nn.Linear(2, 3), nn.Linear(2, 3)]),
            nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.Sequential(nn.Tanh())}),
            nn.ParameterList([nn.Parameter(lib.zeros(2, 3)), lib.zeros(2), "x"]),
            nn.ParameterDict({"a": nn.Parameter(lib.zeros(2)), "b": lib.zeros(3).double()}),
            nn.ParameterList([nn.Parameter(lib.zeros(4))]),
        ]

    for e, t in zip(make(ember), make(torch)):
        assert repr(e) == repr(t)


def test_deepcopy_and_pickle_module():
    m = build(ember)
    m2 = copy.deepcopy(m)
    assert m2.tied.weight is m2.embed.weight
    assert m2.embed.weight is not m.embed.weight
    seq = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.BatchNorm1d(3))
    m3 = pickle.loads(pickle.dumps(seq))
    assert list(m3.state_dict()) == list(seq.state_dict())
    np.testing.assert_array_equal(m3[0].weight.detach().numpy(), seq[0].weight.detach().numpy())


def test_backward_pre_hook_and_inputs_without_grad():
    results = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        lin = lib.nn.Linear(3, 2)
        with lib.no_grad():
            lin.weight.copy_(lib.ones(2, 3))
        seen = []
        lin.register_full_backward_pre_hook(lambda m, go, seen=seen: (go[0] * 2,))
        lin.register_full_backward_hook(
            lambda m, gi, go, seen=seen: seen.append((gi[0] is None, go[0].numpy().copy()))
        )
        x = lib.ones(4, 3)  # does not require grad: grad_input is (None,)
        lin(x).sum().backward()
        results.append((seen, lin.weight.grad.numpy().copy()))
    (ts, tw), (es, ew) = results
    assert len(es) == len(ts) == 1 and es[0][0] and ts[0][0]
    np.testing.assert_allclose(es[0][1], ts[0][1])
    np.testing.assert_allclose(ew, tw)


def test_old_batchnorm_checkpoint_and_extra_state():
    from collections import OrderedDict

    for lib in (torch, ember):
        bn = lib.nn.BatchNorm1d(3)
        sd = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
        assert repr(bn.load_state_dict(sd)) == "<All keys matched successfully>"
        versioned = OrderedDict(sd)
        versioned._metadata = {"": {"version": 2}}
        with pytest.raises(RuntimeError, match="num_batches_tracked"):
            bn.load_state_dict(versioned)

        class Counter(lib.nn.Module):
            def __init__(self, nn=lib.nn):
                super().__init__()
                self.lin = nn.Linear(2, 2)
                self.count = 3

            def get_extra_state(self):
                return {"count": self.count}

            def set_extra_state(self, state):
                self.count = state["count"]

        a, b = Counter(), Counter()
        a.count = 7
        sd = a.state_dict()
        assert list(sd) == ["_extra_state", "lin.weight", "lin.bias"]
        b.load_state_dict(sd)
        assert b.count == 7
        del sd["_extra_state"]
        with pytest.raises(RuntimeError, match="_extra_state"):
            b.load_state_dict(sd)
