"""ember.utils.data against torch.utils.data: datasets, samplers, collate, DataLoader options."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import ember
import ember.utils.data as eud


def to_plain(x):
    """Nested batches as plain Python values with type tags, comparable across libraries."""
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), x.tolist())
    if isinstance(x, dict):
        return ("dict", {k: to_plain(v) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("namedtuple", type(x).__name__, [to_plain(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [to_plain(v) for v in x])
    return x


Point = collections.namedtuple("Point", "x y")

COLLATE_CASES = {
    "ints": [1, 2, 3],
    "bools": [True, False],
    "floats": [1.5, 2.0],
    "np_f32_scalars": [np.float32(1), np.float32(2)],
    "np_i32_scalars": [np.int32(1), np.int32(7)],
    "np_arrays": [np.arange(6, dtype=np.float32).reshape(2, 3)] * 3,
    "np_0d": [np.array(1.5), np.array(2.0)],
    "strings": ["a", "bc"],
    "bytes": [b"a", b"b"],
    "tuples": [(1, 2.0), (3, 4.0)],
    "lists": [[1, 2], [3, 4]],
    "dicts": [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
    "namedtuples": [Point(1, np.zeros(2)), Point(2, np.ones(2))],
    "nested": [{"p": (np.ones(2, np.int16), "s")}, {"p": (np.zeros(2, np.int16), "t")}],
}


@pytest.mark.parametrize("name", list(COLLATE_CASES))
def test_default_collate_matches_torch(name):
    batch = COLLATE_CASES[name]
    assert to_plain(eud.default_collate(batch)) == to_plain(tud.default_collate(batch))


def test_default_collate_tensors():
    arrays = [np.random.rand(2, 3).astype(np.float32) for _ in range(4)]
    e = eud.default_collate([ember.tensor(a) for a in arrays])
    t = tud.default_collate([torch.tensor(a) for a in arrays])
    assert to_plain(e) == to_plain(t)


@pytest.mark.parametrize(
    "batch, error",
    [
        ([object()], TypeError),
        ([np.array(["a"])], TypeError),
        ([[1, 2], [3]], RuntimeError),
        ([np.zeros(2), np.zeros(3)], RuntimeError),
    ],
)
def test_default_collate_errors(batch, error):
    with pytest.raises(error) as t_err:
        tud.default_collate(batch)
    with pytest.raises(error) as e_err:
        eud.default_collate(batch)
    if error is TypeError:
        assert str(e_err.value) == str(t_err.value)


@pytest.mark.parametrize(
    "data",
    [np.arange(3), (np.ones(2), 3), [np.float32(2.0), "x"], {"a": np.zeros(1)}, 5, "s"],
)
def test_default_convert_matches_torch(data):
    assert to_plain(eud.default_convert(data)) == to_plain(tud.default_convert(data))


def test_datasets_basic():
    x, y = ember.arange(12).reshape(6, 2), ember.arange(6)
    ds = eud.TensorDataset(x, y)
    assert len(ds) == 6 and ds[2][0].tolist() == [4, 5] and ds[2][1].item() == 2
    with pytest.raises(AssertionError):
        eud.TensorDataset(x, ember.arange(5))
    cat = ds + ds
    assert isinstance(cat, eud.ConcatDataset) and len(cat) == 12
    assert cat[7][1].item() == 1 and cat[-1][1].item() == 5
    with pytest.raises(ValueError):
        cat[-13]
    sub = eud.Subset(ds, [5, 0])
    assert len(sub) == 2 and sub[0][1].item() == 5
    assert [s[1].item() for s in sub.__getitems__([1, 0])] == [0, 5]
    stack = eud.StackDataset(a=ds, b=list(range(6)))
    assert stack[3]["b"] == 3
    assert eud.StackDataset(ds, ds)[1][1][1].item() == 1
    with pytest.raises(ValueError):
        eud.StackDataset(ds, b=ds)
    with pytest.raises(ValueError):
        eud.StackDataset(ds, list(range(3)))
    with pytest.raises(NotImplementedError):
        eud.Dataset()[0]


def test_chain_dataset():
    from data_helpers import RangeStream

    chain = RangeStream(3) + RangeStream(2)
    assert isinstance(chain, eud.ChainDataset)
    assert list(chain) == [0, 1, 2, 0, 1] and len(chain) == 5
    with pytest.raises(AssertionError):
        eud.ConcatDataset([RangeStream(2)])


def test_random_split():
    ember.manual_seed(0)
    parts = eud.random_split(range(10), [3, 7])
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    g1, g2 = ember.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    a = eud.random_split(range(10), [0.5, 0.5], generator=g1)
    b = eud.random_split(range(10), [0.5, 0.5], generator=g2)
    assert a[0].indices == b[0].indices
    for fractions in ([0.3, 0.3, 0.4], [0.33, 0.33, 0.34], [0.1, 0.9]):
        e = [len(p) for p in eud.random_split(range(11), fractions)]
        t = [len(p) for p in tud.random_split(range(11), fractions)]
        assert e == t
    with pytest.raises(ValueError):
        eud.random_split(range(10), [3, 3])
    with pytest.raises(ValueError):
        eud.random_split(range(10), [1.5, -0.5])


def test_samplers_structure():
    g = ember.Generator().manual_seed(1)
    order = list(eud.RandomSampler(range(10), generator=g))
    assert sorted(order) == list(range(10))
    s = eud.RandomSampler(range(4), num_samples=10, generator=g)
    drawn = list(s)
    assert len(s) == 10 and len(drawn) == 10
    assert sorted(drawn[:8]) == sorted(list(range(4)) * 2)  # two whole permutations first
    rep = list(eud.RandomSampler(range(3), replacement=True, num_samples=70, generator=g))
    assert len(rep) == 70 and set(rep) <= {0, 1, 2}
    sub = list(eud.SubsetRandomSampler([10, 20, 30], generator=g))
    assert sorted(sub) == [10, 20, 30]
    w = list(eud.WeightedRandomSampler([0.0, 1.0, 0.0], 5, generator=g))
    assert w == [1] * 5
    w = list(eud.WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False, generator=g))
    assert sorted(w) == [0, 1, 2]
    for drop_last in (False, True):
        e = list(eud.BatchSampler(range(10), 3, drop_last))
        t = list(tud.BatchSampler(range(10), 3, drop_last))
        assert e == t and len(eud.BatchSampler(range(10), 3, drop_last)) == len(t)
    assert list(eud.SequentialSampler(range(4))) == [0, 1, 2, 3]


def test_random_sampler_follows_manual_seed():
    ember.manual_seed(3)
    a = list(eud.RandomSampler(range(20)))
    ember.manual_seed(3)
    assert list(eud.RandomSampler(range(20))) == a


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.RandomSampler(range(3), num_samples=0),
        lambda lib: lib.RandomSampler(range(3), replacement=1),
        lambda lib: lib.WeightedRandomSampler([1, 2], num_samples=0),
        lambda lib: lib.WeightedRandomSampler([[1, 2]], num_samples=2),
        lambda lib: lib.BatchSampler(range(3), 0, False),
        lambda lib: lib.BatchSampler(range(3), 2, 1),
        lambda lib: lib.DistributedSampler(range(3), num_replicas=2, rank=2),
        lambda lib: lib.DistributedSampler(range(3)),
    ],
)
def test_sampler_errors_match(make):
    with pytest.raises(Exception) as t_err:
        make(tud)
    with pytest.raises(Exception) as e_err:
        make(eud)
    assert type(e_err.value) is type(t_err.value)
    assert str(e_err.value) == str(t_err.value)


@pytest.mark.parametrize("n, replicas", [(10, 3), (11, 4), (2, 5), (12, 4), (7, 1)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_matches_torch(n, replicas, drop_last):
    for rank in range(replicas):
        kw = dict(num_replicas=replicas, rank=rank, drop_last=drop_last)
        e = eud.DistributedSampler(range(n), shuffle=False, **kw)
        t = tud.DistributedSampler(range(n), shuffle=False, **kw)
        assert list(e) == list(t) and len(e) == len(t)
        shuffled = list(eud.DistributedSampler(range(n), shuffle=True, **kw))
        assert len(shuffled) == len(t)


def test_distributed_sampler_shuffle_semantics():
    parts = [list(eud.DistributedSampler(range(12), 3, r, seed=4)) for r in range(3)]
    assert sorted(sum(parts, [])) == list(range(12))  # the replicas share one permutation
    s = eud.DistributedSampler(range(12), 3, 0, seed=4)
    assert list(s) == parts[0]
    s.set_epoch(1)
    assert list(s) != parts[0]


# ---- DataLoader --------------------------------------------------------------------------


def loader_pair(dataset, **kw):
    return eud.DataLoader(dataset, **kw), tud.DataLoader(dataset, **kw)


LOADER_CASES = [
    dict(batch_size=3),
    dict(batch_size=3, drop_last=True),
    dict(batch_size=None),
    dict(batch_size=4, sampler=[9, 1, 8, 2, 7]),
    dict(batch_sampler=[[0, 1], [5], [2, 3, 4]]),
    dict(batch_size=2, collate_fn=lambda b: [len(b)] + b),
]


@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize("case", range(len(LOADER_CASES)))
def test_loader_matches_torch(case, num_workers):
    from data_helpers import Squares

    kw = LOADER_CASES[case]
    if num_workers:
        kw = dict(kw, num_workers=num_workers, timeout=20)
    e, t = loader_pair(Squares(10), **kw)
    assert len(e) == len(t)
    assert [to_plain(b) for b in e] == [to_plain(b) for b in t]


@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize(
    "kw", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)]
)
def test_iterable_loader_matches_torch(kw, num_workers):
    from data_helpers import RangeStream

    class TorchRangeStream(tud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __len__(self):
            return self.n

        def __iter__(self):
            info = tud.get_worker_info()
            if info is None:
                return iter(range(self.n))
            return iter(range(info.id, self.n, info.num_workers))

    if num_workers:
        kw = dict(kw, num_workers=num_workers, timeout=20)
    e = eud.DataLoader(RangeStream(11), **kw)
    t = tud.DataLoader(TorchRangeStream(11), **kw)
    assert len(e) == len(t)
    assert [to_plain(b) for b in e] == [to_plain(b) for b in t]


def test_loader_shuffle_and_attributes():
    from data_helpers import Squares

    ds = Squares(10)
    loader = eud.DataLoader(ds, batch_size=4, shuffle=True, pin_memory=True)
    assert loader.dataset is ds and isinstance(loader.sampler, eud.RandomSampler)
    seen = [i for xs, _ in loader for i in xs.tolist()]
    assert sorted(seen) == list(range(10))
    it = iter(loader)
    first = next(it)
    assert first[0].shape == (4,)
    with pytest.raises(ValueError, match="should not be set"):
        loader.batch_size = 5
    g = ember.Generator().manual_seed(0)
    a = [x.tolist() for x, _ in eud.DataLoader(ds, batch_size=4, shuffle=True, generator=g)]
    g.manual_seed(0)
    b = [x.tolist() for x, _ in eud.DataLoader(ds, batch_size=4, shuffle=True, generator=g)]
    assert a == b


@pytest.mark.parametrize(
    "kw",
    [
        dict(num_workers=-1),
        dict(timeout=-1),
        dict(prefetch_factor=2),
        dict(persistent_workers=True),
        dict(sampler=[0, 1], shuffle=True),
        dict(batch_sampler=[[0]], batch_size=2),
        dict(batch_sampler=[[0]], drop_last=True),
        dict(batch_size=None, drop_last=True),
        dict(multiprocessing_context="fork"),
        dict(num_workers=1, multiprocessing_context="nonsense"),
    ],
)
def test_loader_option_errors_match(kw):
    from data_helpers import Squares

    with pytest.raises(Exception) as t_err:
        tud.DataLoader(Squares(4), **kw)
    with pytest.raises(Exception) as e_err:
        eud.DataLoader(Squares(4), **kw)
    assert type(e_err.value) is type(t_err.value)
    assert str(e_err.value).split(",")[0] == str(t_err.value).split(",")[0]


@pytest.mark.parametrize("kw", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_iterable_loader_option_errors(kw):
    from data_helpers import RangeStream

    with pytest.raises(ValueError, match="IterableDataset"):
        eud.DataLoader(RangeStream(4), **kw)


def ember_samplers(seed):
    g = ember.Generator().manual_seed(seed)
    return {
        "sequential": eud.SequentialSampler(range(10)),
        "random": eud.RandomSampler(range(10), generator=g),
        "random_replacement": eud.RandomSampler(range(10), True, 13, generator=g),
        "subset_random": eud.SubsetRandomSampler([1, 3, 5, 7, 9], generator=g),
        "weighted": eud.WeightedRandomSampler([1.0] * 10, 12, generator=g),
        "distributed": eud.DistributedSampler(range(10), 3, 1, seed=seed),
    }


@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize("name", list(ember_samplers(0)))
def test_every_sampler_gives_torch_batches_for_the_same_indices(name, num_workers):
    from data_helpers import Squares

    indices = list(ember_samplers(4)[name])
    kw = dict(batch_size=4, num_workers=num_workers)
    if num_workers:
        kw["timeout"] = 20
    e = eud.DataLoader(Squares(10), sampler=ember_samplers(4)[name], **kw)
    t = tud.DataLoader(Squares(10), sampler=indices, **kw)
    assert len(e) == len(t)
    assert [to_plain(b) for b in e] == [to_plain(b) for b in t]


@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize(
    "kw",
    [
        dict(batch_size=4),
        dict(batch_size=4, drop_last=True),
        dict(batch_size=3, sampler=[5, 0, 9, 9, 2]),
    ],
)
def test_tensor_dataset_batches_match_torch(kw, num_workers):
    x = np.random.default_rng(5).random((10, 2, 3)).astype(np.float32)
    y = np.arange(10)
    if num_workers:
        kw = dict(kw, num_workers=num_workers, timeout=20)
    e = eud.DataLoader(
        eud.TensorDataset(ember.tensor(x), ember.tensor(y), ember.tensor(y * 1.5)), **kw
    )
    t = tud.DataLoader(
        tud.TensorDataset(torch.tensor(x), torch.tensor(y), torch.tensor(y * 1.5)), **kw
    )
    assert [to_plain(b) for b in e] == [to_plain(b) for b in t]


def test_tensor_dataset_batches_keep_the_graph():
    w = ember.ones(4, 2, requires_grad=True)
    batch = next(iter(eud.DataLoader(eud.TensorDataset(w * 3), batch_size=2)))
    batch[0].sum().backward()
    assert w.grad.tolist() == [[3, 3], [3, 3], [0, 0], [0, 0]]


def test_subset_of_tensor_dataset_batches():
    x = ember.arange(20).reshape(10, 2)
    inner = eud.Subset(eud.TensorDataset(x, ember.arange(10)), [9, 7, 5, 3, 1, 0])
    outer = eud.Subset(inner, [1, 0, 5, 4])
    batches = [[t.tolist() for t in b] for b in eud.DataLoader(outer, batch_size=3)]
    assert batches == [[[[14, 15], [18, 19], [0, 1]], [7, 9, 0]], [[[2, 3]], [1]]]
