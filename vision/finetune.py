"""Partial fine-tuning of EfficientNet-Lite0's last MBConv block + head conv (offline; needs torch).

On two CPU cores a full fine-tune is out of reach, so the frozen trunk (stem + blocks 0..14) runs
once per photo and view through onnxruntime, its 7x7x192 activations are cached, and only the tail
(block 15 + 1x1 head conv, ~0.7 M weights) is trained on them with a linear classifier on top.
BatchNorm statistics stay frozen (small batches); the tuned tail is written back into the model
that `export_onnx` turns into the shipped feature extractor.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

TRUNK_BLOCKS = 15  # blocks[:15] frozen; blocks[15:] + conv_head trained


def split_model(model):  # Features -> (trunk, tail) torch modules sharing its weights
    import torch

    backbone = model.backbone

    class Trunk(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem, self.bn0, self.act = backbone._conv_stem, backbone._bn0, backbone._swish
            self.blocks = torch.nn.ModuleList(backbone._blocks[:TRUNK_BLOCKS])

        def forward(self, pixels):
            x = self.act(self.bn0(self.stem((pixels - 127.0) / 128.0)))
            for block in self.blocks:
                x = block(x)
            return x

    class Tail(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = torch.nn.ModuleList(backbone._blocks[TRUNK_BLOCKS:])
            self.conv_head, self.bn1, self.act = backbone._conv_head, backbone._bn1, backbone._swish

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            x = self.act(self.bn1(self.conv_head(x)))
            return x.mean(dim=(2, 3))

    return Trunk().eval(), Tail().eval()


def export_trunk(path: Path) -> None:
    import torch

    from vision.export import build_feature_model

    trunk, _ = split_model(build_feature_model())
    with torch.no_grad():
        torch.onnx.export(
            trunk,
            (torch.full((1, 3, 224, 224), 127.0),),
            str(path),
            input_names=["pixels"],
            output_names=["act"],
            dynamic_axes={"pixels": {0: "batch"}, "act": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def extract_trunk(samples, views, trunk_onnx: Path, threads: int = 2, batch: int = 32) -> np.ndarray:
    """(N, views, 192, 7, 7) float16 trunk activations via onnxruntime."""
    import onnxruntime as ort

    from vision.decode import load_image
    from vision.preprocess import to_model_input

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(str(trunk_onnx), opts, providers=["CPUExecutionProvider"])
    out = np.empty((len(samples), len(views), 192, 7, 7), dtype=np.float16)
    t0 = time.perf_counter()
    for s in range(0, len(samples), batch):
        chunk = samples[s : s + batch]
        x = []
        for smp in chunk:
            img = load_image(smp.path.read_bytes())
            x.extend(to_model_input(img, mode=m, flip=f) for m, f in views)
        act = sess.run(None, {"pixels": np.stack(x)})[0]
        out[s : s + len(chunk)] = act.reshape(len(chunk), len(views), 192, 7, 7)
        if (s // batch) % 20 == 0:
            print(f"  trunk {s + len(chunk)}/{len(samples)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return out


def train_tail(
    act: np.ndarray,
    y: np.ndarray,
    n_labels: int,
    *,
    val: tuple[np.ndarray, np.ndarray] | None = None,
    epochs: int = 6,
    lr: float = 1e-4,
    threads: int = 2,
    seed: int = 0,
    checkpoint: Path | None = None,
):
    """Train the tail + a linear classifier on cached activations (M, 192, 7, 7). Returns the model.

    With `checkpoint`, the weights, optimiser state and epoch are saved after every epoch and a later
    call with the same file resumes after the last finished epoch (epochs cost minutes on 2 cores)."""
    import torch

    from vision.export import build_feature_model

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    model = build_feature_model()
    _, tail = split_model(model)
    clf = torch.nn.Linear(1280, n_labels)
    params = [p for p in tail.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [{"params": params, "lr": lr}, {"params": clf.parameters(), "lr": 1e-3}], weight_decay=1e-4
    )
    counts = np.bincount(y, minlength=n_labels)
    weight = torch.tensor(len(y) / (n_labels * np.maximum(counts, 1)), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=0.1)
    xs, ys = torch.from_numpy(act), torch.from_numpy(y)
    drop = torch.nn.Dropout(0.3)
    start = 0
    if checkpoint is not None and Path(checkpoint).exists():
        state = torch.load(checkpoint, weights_only=True)
        tail.load_state_dict(state["tail"])
        clf.load_state_dict(state["clf"])
        opt.load_state_dict(state["opt"])
        torch.set_rng_state(state["rng"])
        start = int(state["epoch"])
        print(f"  resuming after epoch {start}", flush=True)
    for epoch in range(start, epochs):
        tail.train()
        for m in tail.modules():  # frozen BN statistics
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()
        perm = torch.randperm(len(xs))
        t0 = time.perf_counter()
        for s in range(0, len(perm), 64):
            idx = perm[s : s + 64]
            logits = clf(drop(tail(xs[idx].float())))
            loss = loss_fn(logits, ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        msg = f"  epoch {epoch + 1}: {time.perf_counter() - t0:.0f} s, last loss {loss.item():.3f}"
        if val is not None:
            tail.eval()
            with torch.no_grad():
                vx, vy = val
                pred = torch.cat(
                    [clf(tail(torch.from_numpy(vx[i : i + 256]).float())) for i in range(0, len(vx), 256)]
                )
            msg += f", val acc {(pred.argmax(1).numpy() == vy).mean():.4f}"
        print(msg, flush=True)
        if checkpoint is not None:
            tmp = Path(checkpoint).with_suffix(".tmp")
            torch.save(
                {
                    "tail": tail.state_dict(),
                    "clf": clf.state_dict(),
                    "opt": opt.state_dict(),
                    "rng": torch.get_rng_state(),
                    "epoch": epoch + 1,
                },
                tmp,
            )
            tmp.replace(checkpoint)
    tail.eval()
    return model, tail


def tail_features(tail, act: np.ndarray, threads: int = 2) -> np.ndarray:
    import torch

    torch.set_num_threads(threads)
    with torch.no_grad():
        return np.concatenate(
            [tail(torch.from_numpy(act[i : i + 256]).float()).numpy() for i in range(0, len(act), 256)]
        )
