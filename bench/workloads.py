"""Training workloads written once against the torch API; ``lib`` is torch or ember.

Each ``build_*(lib, seed)`` returns a ``step()`` closure doing the seed's full training step:
``zero_grad``, forward, loss, ``backward``, ``step``, with the data already in memory.
"""

from __future__ import annotations

import numpy as np


def _data(lib, shape, seed, integer_high=None):
    rng = np.random.default_rng(seed)
    if integer_high is not None:
        return lib.from_numpy(rng.integers(0, integer_high, shape).astype(np.int64))
    return lib.from_numpy(rng.standard_normal(shape).astype(np.float32))


def _step_fn(model, loss_fn, opt, x, y):
    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def build_mlp(lib, seed, batch):
    nn = lib.nn
    lib.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    x, y = _data(lib, (batch, 784), seed), _data(lib, (batch,), seed, 10)
    return _step_fn(model, nn.CrossEntropyLoss(), opt, x, y)


def build_cnn(lib, seed, batch=64):
    nn = lib.nn
    lib.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10),
    )  # fmt: skip
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = _data(lib, (batch, 1, 28, 28), seed), _data(lib, (batch,), seed, 10)
    return _step_fn(model, nn.CrossEntropyLoss(), opt, x, y)


def build_resnet(lib, seed, batch=32, channels=32):
    nn = lib.nn
    lib.manual_seed(seed)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(channels)
            self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(channels)
            self.relu = nn.ReLU(inplace=True)

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            out += x
            return self.relu(out)

    model = nn.Sequential(
        nn.Conv2d(3, channels, 3, padding=1),
        Block(),
        Block(),
        Block(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(channels, 10),
    )
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    x, y = _data(lib, (batch, 3, 32, 32), seed), _data(lib, (batch,), seed, 10)
    return _step_fn(model, nn.CrossEntropyLoss(), opt, x, y)


def build_gpt(lib, seed, batch=32, context=64, vocab=65, d=128, heads=4, layers=2):
    nn = lib.nn
    F = lib.nn.functional
    lib.manual_seed(seed)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.ln2 = nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
            self.register_buffer(
                "mask", lib.tril(lib.ones(context, context)).view(1, 1, context, context)
            )

        def forward(self, x):
            b, t, c = x.size()
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q = q.view(b, t, heads, c // heads).transpose(1, 2)
            k = k.view(b, t, heads, c // heads).transpose(1, 2)
            v = v.view(b, t, heads, c // heads).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / (c // heads) ** 0.5)
            att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
            x = x + self.proj(y)
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Embedding(context, d)
            self.blocks = nn.Sequential(*[Block() for _ in range(layers)])
            self.ln = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)

        def forward(self, idx):
            t = idx.size(1)
            x = self.tok(idx) + self.pos(lib.arange(t))
            return self.head(self.ln(self.blocks(x)))

    model = GPT()
    opt = lib.optim.AdamW(model.parameters(), lr=3e-4)
    idx, target = (
        _data(lib, (batch, context), seed, vocab),
        _data(lib, (batch, context), seed + 1, vocab),
    )

    def loss_fn(logits, y):
        return F.cross_entropy(logits.view(-1, vocab), y.view(-1))

    return _step_fn(model, loss_fn, opt, idx, target)


def build_lstm(lib, seed, batch=32, seq=64, vocab=65):
    nn = lib.nn
    lib.manual_seed(seed)

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(vocab, 128)
            self.rnn = nn.LSTM(128, 256, num_layers=2, batch_first=True)
            self.out = nn.Linear(256, vocab)

        def forward(self, x):
            h, _ = self.rnn(self.emb(x))
            return self.out(h)

    model = LM()
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    x, y = _data(lib, (batch, seq), seed, vocab), _data(lib, (batch, seq), seed + 1, vocab)

    def loss_fn(logits, target):
        return nn.functional.cross_entropy(logits.reshape(-1, vocab), target.reshape(-1))

    return _step_fn(model, loss_fn, opt, x, y)


def build_micro(lib, seed):
    """Per-op overhead: ``c = a * b + a`` on 16 elements, forward and backward."""
    a = _data(lib, (16,), seed).requires_grad_(True)
    b = _data(lib, (16,), seed + 1).requires_grad_(True)

    def step():
        c = a * b + a
        c.sum().backward()
        a.grad = None
        b.grad = None

    return step


WORKLOADS = {
    "mlp-b64": lambda lib, seed: build_mlp(lib, seed, 64),
    "mlp-b512": lambda lib, seed: build_mlp(lib, seed, 512),
    "cnn": build_cnn,
    "resnet": build_resnet,
    "gpt": build_gpt,
    "lstm": build_lstm,
    "micro": build_micro,
}


# single layers, forward+backward of ``sum(layer(x))`` (bench/layers.py)
def _layer_step(make, shape):
    def build(lib, seed):
        lib.manual_seed(seed)
        module = make(lib)
        x = _data(lib, shape, seed).requires_grad_(True)

        def step():
            module.zero_grad()
            x.grad = None
            out = module(x)
            (out[0] if isinstance(out, tuple) else out).sum().backward()

        return step

    return build


LAYERS = {
    "Conv2d(32, 64, 3, padding=1) on 64x32x14x14": _layer_step(
        lambda lib: lib.nn.Conv2d(32, 64, 3, padding=1), (64, 32, 14, 14)
    ),
    "LSTM(128, 256, 2, batch_first) on 32x64x128": _layer_step(
        lambda lib: lib.nn.LSTM(128, 256, num_layers=2, batch_first=True), (32, 64, 128)
    ),
    "TransformerEncoderLayer(128, 4) on 32x64x128": _layer_step(
        lambda lib: lib.nn.TransformerEncoderLayer(d_model=128, nhead=4), (32, 64, 128)
    ),
}
