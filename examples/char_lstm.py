"""A character-level LSTM language model (in the style of the word_language_model example)."""

import argparse

import torch
import torch.nn as nn

TEXT = (
    "the quick brown fox jumps over the lazy dog. " * 8
    + "pack my box with five dozen liquor jugs. " * 8
)


class CharLSTM(nn.Module):
    def __init__(self, vocab, hidden=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.rnn = nn.LSTM(32, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.rnn(self.embed(x), state)
        return self.head(out), state


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    torch.manual_seed(0)
    chars = sorted(set(TEXT))
    data = torch.tensor([chars.index(c) for c in TEXT], dtype=torch.long)
    model = CharLSTM(len(chars))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    seq, batch = 32, 16
    for step in range(1, args.steps + 1):
        starts = torch.randint(0, len(data) - seq - 1, (batch,))
        x = torch.stack([data[s : s + seq] for s in starts.tolist()])
        y = torch.stack([data[s + 1 : s + seq + 1] for s in starts.tolist()])
        model.train()
        optimizer.zero_grad()
        logits, _ = model(x)
        loss = criterion(logits.view(-1, len(chars)), y.view(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step == 1:
            print(f"first loss {loss.item():.4f}")
    model.eval()
    with torch.no_grad():
        idx = torch.tensor([[chars.index("t")]])
        state, out = None, "t"
        for _ in range(40):
            logits, state = model(idx, state)
            idx = logits[:, -1].argmax(dim=-1, keepdim=True)
            out += chars[idx.item()]
    print(f"final loss {loss.item():.4f}; sample: {out!r}")


if __name__ == "__main__":
    main()
