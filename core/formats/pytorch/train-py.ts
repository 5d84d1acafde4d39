/**
 * `train.py`: the project's training settings as a PyTorch script that runs
 * unchanged on one process or on many with DistributedDataParallel. It
 * reproduces NetCanvas's data pipeline exactly where that is deterministic
 * (the toy sets' points, the validation split, the order of samples in each
 * epoch, the preprocessing statistics, all from the same seeded generator)
 * and NetCanvas's choices everywhere else (optimizer defaults as tfjs sets
 * them, weight decay as kernel penalties in the loss, the schedule). Python
 * source, kept as a string so core needs no file access; the tests run it.
 */

/**
 * The script. `__SETTINGS__` is replaced by the design's settings as JSON
 * and `__DESIGN__` by its name (both as Python literals).
 */
export const TRAIN_PY = String.raw`#!/usr/bin/env python3
"""Trains __DESIGN_TEXT__ with the training settings it has in NetCanvas, on one process or many.

  python train.py --dataset toy:ring                      # one process (a GPU when there is one)
  torchrun --nproc_per_node 4 train.py --dataset ...      # four processes: DistributedDataParallel

Any launcher that sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT works as torchrun does.
Each process takes --batch-size samples per step, so N processes see N times as many per step; the
learning rate is multiplied by N to match (the linear scaling rule; --lr-scaling none keeps it).
Datasets, their split and the order of samples follow NetCanvas exactly for the same --seed.
python train.py --help lists every option; README.md says more.
"""
import argparse
import gzip
import hashlib
import io
import json
import math
import os
import re
import sys
import tarfile
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as design  # noqa: E402  (model.py beside this file)

#: The design's training settings in NetCanvas (its names); the command line overrides them.
SETTINGS = json.loads(__SETTINGS__)
DESIGN = __DESIGN__

# ---------------------------------------------------------------------------------------------------
# NetCanvas's seeded random numbers (mulberry32), so splits, sample order and toy points come out the same.


def mulberry32(seed):
    state = seed & 0xFFFFFFFF

    def draw():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return draw


def seeded_permutation(n, seed):
    order = np.arange(n, dtype=np.int64)
    draw = mulberry32(seed)
    for i in range(n - 1, 0, -1):
        j = int(draw() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def sub_seed(seed, stream):
    """The seed of one of a run's random streams (NetCanvas's subSeed)."""
    a = (seed ^ ((stream * 0x9E3779B9) & 0xFFFFFFFF)) & 0xFFFFFFFF
    return (((a * 0x85EBCA6B) & 0xFFFFFFFF) ^ stream) & 0xFFFFFFFF


def js_round(x):
    return math.floor(x + 0.5)


# ---------------------------------------------------------------------------------------------------
# Datasets: {"name", "shape" (one sample, channels last), "classes", "train", "test"[, "validation"]},
# each split a pair (values, labels): uint8 pixels or float32 values, int64 labels.


def toy_dataset(name, seed, train_count=2000, test_count=1000):
    centres = [(1.8 * math.cos(math.radians(d)), 1.8 * math.sin(math.radians(d))) for d in (90, 210, 330)]

    def label(x, y):
        if name == "quadrants":
            return 1 if x * y > 0 else 0
        if name == "ring":
            return 1 if 1 <= math.hypot(x, y) <= 2 else 0
        return 1 if any(math.hypot(x - cx, y - cy) <= 0.8 for cx, cy in centres) else 0

    def draw_split(count, split_seed):
        draw = mulberry32(split_seed)
        points = np.zeros((count, 2), dtype=np.float32)
        classes = np.zeros(count, dtype=np.int64)
        for i in range(count):
            wanted = i % 2
            while True:
                x = float(np.float32((draw() * 2 - 1) * 3))
                y = float(np.float32((draw() * 2 - 1) * 3))
                if label(x, y) == wanted:
                    break
            points[i] = (x, y)
            classes[i] = wanted
        order = seeded_permutation(count, (split_seed ^ 0x5BD1E995) & 0xFFFFFFFF)
        return points[order], classes[order]

    names = {"quadrants": ["x·y ≤ 0", "x·y > 0"], "ring": ["off the ring", "on the ring"], "modes": ["rest", "in a cluster"]}
    if name not in names:
        raise SystemExit(f"train.py: unknown toy set {name!r}; expected one of {', '.join(names)}")
    return {
        "name": f"toy:{name}",
        "shape": [2],
        "classes": names[name],
        "train": draw_split(train_count, seed & 0xFFFFFFFF),
        "test": draw_split(test_count, (seed ^ 0x9E3779B9) & 0xFFFFFFFF),
    }


IDX_ROLES = [
    r"(^|[-_])train-images[-.]idx3-ubyte(\.gz)?$",
    r"(^|[-_])train-labels[-.]idx1-ubyte(\.gz)?$",
    r"(^|[-_])(t10k|test)-images[-.]idx3-ubyte(\.gz)?$",
    r"(^|[-_])(t10k|test)-labels[-.]idx1-ubyte(\.gz)?$",
]


def read_idx(path):
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] or data[1] or data[2] != 0x08:
        raise SystemExit(f"train.py: {path} is not an IDX file of unsigned bytes")
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * d : 8 + 4 * d], "big") for d in range(rank)]
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if values.size != int(np.prod(shape)):
        raise SystemExit(f"train.py: {path} holds {values.size} values, its header says {shape}")
    return values.reshape(shape)


def idx_dataset(folder, name, classes=None):
    files = sorted(os.listdir(folder))
    picked = []
    for role in IDX_ROLES:
        matches = [f for f in files if re.search(role, f, re.I)]
        unpacked = [f for f in matches if not f.lower().endswith(".gz")]
        if not matches:
            raise SystemExit(f"train.py: {folder} has no file matching {role}")
        picked.append(os.path.join(folder, (unpacked or matches)[0]))
    images, labels, test_images, test_labels = (read_idx(p) for p in picked)
    shape = list(images.shape[1:]) + ([1] if images.ndim == 3 else [])
    count = int(max(labels.max(), test_labels.max())) + 1
    return {
        "name": name,
        "shape": shape,
        "classes": classes or [str(i) for i in range(count)],
        "train": (images.reshape([-1] + shape), labels.astype(np.int64)),
        "test": (test_images.reshape([-1] + shape), test_labels.astype(np.int64)),
    }


CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def cifar10_dataset(path, name):
    files = {}
    if os.path.isdir(path):
        if os.path.isdir(os.path.join(path, "cifar-10-batches-bin")):
            path = os.path.join(path, "cifar-10-batches-bin")
        for f in os.listdir(path):
            files[f] = lambda f=f: open(os.path.join(path, f), "rb").read()
    else:
        archive = tarfile.open(path, "r:*")
        for member in archive.getmembers():
            if member.isfile():
                files[os.path.basename(member.name)] = lambda m=member: archive.extractfile(m).read()

    def batches(names):
        data = b"".join(files[n]() for n in names)
        records = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3073)
        return records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), records[:, 0].astype(np.int64)

    train = sorted((n for n in files if re.fullmatch(r"data_batch_\d+\.bin", n)), key=lambda n: int(n[11:-4]))
    if not train or "test_batch.bin" not in files:
        raise SystemExit(f"train.py: {path} has no data_batch_N.bin and test_batch.bin (the CIFAR-10 binary version)")
    classes = CIFAR10_CLASSES
    if "batches.meta.txt" in files:
        classes = [line.strip() for line in files["batches.meta.txt"]().decode().splitlines() if line.strip()]
    return {"name": name, "shape": [32, 32, 3], "classes": classes, "train": batches(train), "test": batches(["test_batch.bin"])}


def resize_bilinear(image, height, width):
    """NetCanvas's resize (half-pixel centres, as tf.image.resize), on a float (h, w, c) array."""
    h, w = image.shape[:2]
    ys = np.clip((np.arange(height) + 0.5) * (h / height) - 0.5, 0, h - 1)
    xs = np.clip((np.arange(width) + 0.5) * (w / width) - 0.5, 0, w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    top = image[y0][:, x0] * (1 - fx) + image[y0][:, x1] * fx
    bottom = image[y1][:, x0] * (1 - fx) + image[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def folder_dataset(folder, name, shape, seed, test_fraction=0.2):
    from PIL import Image  # only image folders need it (Debian: python3-pil)

    height, width, channels = shape

    def load(path):
        rgba = np.asarray(Image.open(path).convert("RGBA"), dtype=np.float32)
        values = rgba[..., :3] if channels == 3 else (0.299 * rgba[..., 0] + 0.587 * rgba[..., 1] + 0.114 * rgba[..., 2])[..., None]
        if values.shape[:2] != (height, width):
            values = resize_bilinear(values, height, width)
        return np.clip(np.floor(values + 0.5), 0, 255).astype(np.uint8)

    def images(root):
        return {
            c: sorted(f for f in os.listdir(os.path.join(root, c)) if f.lower().endswith((".png", ".jpg", ".jpeg")))
            for c in sorted(os.listdir(root))
            if os.path.isdir(os.path.join(root, c)) and not c.startswith(".")
        }

    split = os.path.isdir(os.path.join(folder, "train")) and os.path.isdir(os.path.join(folder, "test"))
    train_root = os.path.join(folder, "train") if split else folder
    classes = images(train_root)
    names = sorted(classes)
    train, test = [], []
    for index, c in enumerate(names):
        files = classes[c]
        if split:
            train += [(os.path.join(train_root, c, f), index) for f in files]
            test_dir = os.path.join(folder, "test", c)
            test += [(os.path.join(test_dir, f), index) for f in sorted(os.listdir(test_dir)) if f.lower().endswith((".png", ".jpg", ".jpeg"))] if os.path.isdir(test_dir) else []
        else:
            held = set(seeded_permutation(len(files), (seed + index) & 0xFFFFFFFF)[: js_round(len(files) * test_fraction)].tolist())
            for i, f in enumerate(files):
                (test if i in held else train).append((os.path.join(train_root, c, f), index))

    def stack(picks):
        return np.stack([load(p) for p, _ in picks]) if picks else np.zeros([0, height, width, channels], np.uint8), np.array([i for _, i in picks], dtype=np.int64)

    return {"name": name, "shape": [height, width, channels], "classes": names, "train": stack(train), "test": stack(test)}


def load_dataset(spec, data_path, seed):
    kind, _, argument = spec.partition(":")
    argument = data_path or os.path.expanduser(argument)
    if kind == "toy":
        return toy_dataset(argument, seed)
    if not argument:
        raise SystemExit(f"train.py: --dataset {kind} needs a path: {kind}:<path> or --data <path>")
    if kind in ("mnist", "idx"):
        return idx_dataset(argument, spec, [str(i) for i in range(10)] if kind == "mnist" else None)
    if kind == "cifar10":
        return cifar10_dataset(argument, spec)
    if kind == "folder":
        shape = list(design.INPUT_SHAPES[0])
        return folder_dataset(argument, spec, [shape[1], shape[2], shape[0]], seed)
    raise SystemExit(f"train.py: unknown dataset {spec!r}; expected mnist:<dir>, idx:<dir>, cifar10:<path>, folder:<dir>, toy:<name>")


def take_first(split, n):
    return split[0][:n], split[1][:n]


def split_validation(data, fraction, seed):
    """Holds out a seeded share of the training split, as NetCanvas does (same samples for the same seed)."""
    values, labels = data["train"]
    total = len(labels)
    held = js_round(total * fraction)
    if held == 0 or held == total:
        raise SystemExit(f"train.py: a validation split of {fraction} leaves {total - held} of {total} samples for training")
    order = seeded_permutation(total, seed)
    validation, train = np.sort(order[:held]), np.sort(order[held:])
    data["train"] = (values[train], labels[train])
    data["validation"] = (values[validation], labels[validation])


# ---------------------------------------------------------------------------------------------------
# Preprocessing (statistics from the training split only) and augmentation.


def normalization(values, mode):
    channels = values.shape[-1]
    scale = 1 / 255 if values.dtype == np.uint8 and mode != "none" else 1.0
    mean, std = [0.0] * channels, [1.0] * channels
    if mode in ("center", "standardize"):
        flat = values.reshape(-1, channels).astype(np.float64) * scale
        mean = flat.mean(axis=0).tolist()
        if mode == "standardize":
            variance = np.maximum(0, (flat * flat).mean(axis=0) - np.square(flat.mean(axis=0)))
            std = [math.sqrt(v) if v > 1e-12 else 1.0 for v in variance]
    return {"mode": mode, "scale": scale, "mean": mean, "std": std}


AUGMENT_DEFAULTS = {"flipHorizontal": 0.5, "flipVertical": 0.5, "crop": 4, "translate": 0.1, "rotation": 10, "scale": 0.1,
                    "brightness": 0.1, "contrast": 0.1, "saturation": 0.1, "noise": 0.05}
AUGMENT_ALIASES = {"flip": "flipHorizontal", "hflip": "flipHorizontal", "vflip": "flipVertical", "rotate": "rotation",
                   "zoom": "scale", "shift": "translate"}


def parse_augment(text):
    """NetCanvas's --augment: flip,crop=4,rotation=15 (names alone take the usual strength)."""
    result = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, _, value = item.partition("=")
        name = AUGMENT_ALIASES.get(name.strip(), re.sub(r"-([a-z])", lambda m: m.group(1).upper(), name.strip()))
        if name not in AUGMENT_DEFAULTS:
            raise SystemExit(f"train.py: unknown augmentation {name!r}; expected {', '.join(AUGMENT_DEFAULTS)}")
        result[name] = float(value) if value else AUGMENT_DEFAULTS[name]
    return result


def augment(x, a, draw, max_value):
    """NetCanvas's augmentations on a batch (N, H, W, C) with values in 0..max_value, drawing in its order."""
    n, h, w, c = x.shape
    if any(a.get(k, 0) > 0 for k in ("flipHorizontal", "flipVertical", "crop", "translate", "rotation", "scale")):
        cx, cy = (w - 1) / 2, (h - 1) / 2
        theta = torch.zeros(n, 2, 3, dtype=x.dtype)
        for i in range(n):
            fx = -1 if draw() < a.get("flipHorizontal", 0) else 1
            fy = -1 if draw() < a.get("flipVertical", 0) else 1
            angle = math.radians(-a.get("rotation", 0) + 2 * a.get("rotation", 0) * draw())
            s = 1 - a.get("scale", 0) + 2 * a.get("scale", 0) * draw()
            crop = int(a.get("crop", 0))
            crop_x = math.floor(draw() * (2 * crop + 1)) - crop
            crop_y = math.floor(draw() * (2 * crop + 1)) - crop
            tx = (-a.get("translate", 0) + 2 * a.get("translate", 0) * draw()) * w + crop_x
            ty = (-a.get("translate", 0) + 2 * a.get("translate", 0) * draw()) * h + crop_y
            cos, sin = math.cos(angle) / s, math.sin(angle) / s
            m = [[fx * cos, fx * sin], [-fy * sin, fy * cos]]
            ox, oy = cx + tx, cy + ty
            # Output pixel (u, v) reads input pixel m·(u − o) + centre; grid_sample wants it in −1..1.
            ax, bx, cx0 = m[0][0], m[0][1], cx - (m[0][0] * ox + m[0][1] * oy)
            ay, by, cy0 = m[1][0], m[1][1], cy - (m[1][0] * ox + m[1][1] * oy)
            sx, sy = 2 / (w - 1) if w > 1 else 0, 2 / (h - 1) if h > 1 else 0
            theta[i] = torch.tensor([
                [ax, bx * (h - 1) / (w - 1) if w > 1 else 0, sx * (ax * cx + bx * cy + cx0) - 1],
                [ay * (w - 1) / (h - 1) if h > 1 else 0, by, sy * (ay * cx + by * cy + cy0) - 1],
            ])
        images = x.permute(0, 3, 1, 2)
        grid = F.affine_grid(theta, list(images.shape), align_corners=True)
        x = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=True).permute(0, 2, 3, 1)

    def per_sample(lo, hi):
        return torch.tensor([lo + (hi - lo) * draw() for _ in range(n)], dtype=x.dtype).view(n, 1, 1, 1)

    if a.get("brightness", 0) > 0:
        x = x + per_sample(-a["brightness"] * max_value, a["brightness"] * max_value)
    if a.get("contrast", 0) > 0:
        mean = x.mean(dim=(1, 2), keepdim=True)
        x = (x - mean) * per_sample(1 - a["contrast"], 1 + a["contrast"]) + mean
    if a.get("saturation", 0) > 0 and c == 3:
        gray = (x * torch.tensor([0.299, 0.587, 0.114], dtype=x.dtype)).sum(dim=3, keepdim=True)
        x = (x - gray) * per_sample(1 - a["saturation"], 1 + a["saturation"]) + gray
    if a.get("noise", 0) > 0:
        generator = torch.Generator().manual_seed(math.floor(draw() * 0x7FFFFFFF))
        x = x + torch.randn(x.shape, generator=generator, dtype=x.dtype) * a["noise"] * max_value
    return x.clamp(0, max_value)


def make_batch(split, indices, norm, augmentation=None, draw=None):
    """Samples at indices as a float batch: scaled, augmented, normalised, channels first for images."""
    values = torch.from_numpy(np.ascontiguousarray(split[0][indices])).float() * norm["scale"]
    if augmentation:
        max_value = 255.0 if split[0].dtype == np.uint8 and norm["scale"] == 1 else 1.0
        values = augment(values, augmentation, draw, max_value)
    if norm["mode"] in ("center", "standardize"):
        values = (values - torch.tensor(norm["mean"])) / torch.tensor(norm["std"])
    if values.ndim == 4:
        values = values.permute(0, 3, 1, 2)
    return values.contiguous(), torch.from_numpy(split[1][indices])


# ---------------------------------------------------------------------------------------------------
# The optimizer, schedule and loss as NetCanvas (TensorFlow.js) defines them.


def optimizer_for(name, parameters, lr):
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=lr)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(parameters, lr=lr, momentum=0.9, nesterov=name == "nesterov")
    if name == "adagrad":
        return torch.optim.Adagrad(parameters, lr=lr, initial_accumulator_value=0.1, eps=1e-7)
    if name == "adadelta":
        return torch.optim.Adadelta(parameters, lr=lr, rho=0.95, eps=1e-7)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, betas=(0.9, 0.999), eps=1e-7)
    if name == "adamax":
        return torch.optim.Adamax(parameters, lr=lr, betas=(0.9, 0.999), eps=1e-7)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, alpha=0.9, eps=1e-7)
    raise SystemExit(f"train.py: unknown optimizer {name!r}")


def learning_rate_at(base, schedule, epoch, epochs):
    if schedule["kind"] == "step":
        return base * schedule["factor"] ** (epoch // schedule["every"])
    if schedule["kind"] == "cosine":
        return schedule["to"] + (base - schedule["to"]) * (1 + math.cos(math.pi * epoch / epochs)) / 2
    return base


class Scores(torch.nn.Module):
    """The design's scores to train on: logits() when it ends in softmax (so the loss is log-softmax + NLL, which
    is stable), else its output. A module, so DistributedDataParallel runs it and shares the gradients."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model.logits(x) if hasattr(self.model, "logits") else self.model(x)


def per_sample_loss(scores, y):
    """Cross-entropy per sample. Scores that are already probabilities (a softmax inside the design that has no
    logits()) are clipped as Keras clips them; any other output is taken as logits, as NetCanvas does."""
    if design.OUTPUT_IS_PROBABILITY and not hasattr(design.MODEL_CLASS, "logits"):
        return F.nll_loss(torch.log(scores.clamp(1e-7, 1 - 1e-7)), y, reduction="none")
    return F.cross_entropy(scores, y, reduction="none")


def weight_penalty(model, decay):
    """NetCanvas's weight decay: l1·Σ|w| + l2·Σw² over every convolution and dense kernel, added to the loss."""
    l1, l2 = decay.get("l1", 0), decay.get("l2", 0)
    if not (l1 or l2):
        return 0.0
    parameters = dict(model.named_parameters())
    penalty = 0.0
    for key, layout in design.TFJS_WEIGHTS.values():
        if layout != "vector":
            w = parameters[key]
            penalty = penalty + l1 * w.abs().sum() + l2 * (w * w).sum()
    return penalty


class SeededOrder(DistributedSampler):
    """NetCanvas's order of training samples for each epoch, shared out between processes as DistributedSampler
    does (padded to a multiple of the process count, every process taking every N-th sample)."""

    def __init__(self, count, seed, num_replicas, rank):
        super().__init__(range(count), num_replicas=num_replicas, rank=rank, shuffle=False)
        self.count, self.run_seed = count, seed

    def __iter__(self):
        order = seeded_permutation(self.count, sub_seed(self.run_seed, 100 + self.epoch)).tolist()
        order += order[: self.total_size - len(order)]
        return iter(order[self.rank : self.total_size : self.num_replicas])


def evaluate(model, split, norm, batch_size, device):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(split[1]), batch_size):
            x, y = make_batch(split, np.arange(start, min(start + batch_size, len(split[1]))), norm)
            x, y = x.to(device), y.to(device)
            scores = Scores(model)(x)
            loss_sum += float(per_sample_loss(scores, y).sum())
            correct += int((scores.argmax(dim=1) == y).sum())
    count = len(split[1])
    return {"loss": loss_sum / count if count else float("nan"), "accuracy": correct / count if count else float("nan"), "count": count}


def weights_digest(model):
    digest = hashlib.sha256()
    for key, value in sorted(model.state_dict().items()):
        digest.update(key.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def write_atomically(path, write):
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# ---------------------------------------------------------------------------------------------------


def parse_schedule(text):
    kind, *rest = text.split(":")
    try:
        if kind == "none" and not rest:
            return {"kind": "none"}
        if kind == "step" and len(rest) == 2:
            return {"kind": "step", "every": int(rest[0]), "factor": float(rest[1])}
        if kind == "cosine" and len(rest) <= 1:
            return {"kind": "cosine", "to": float(rest[0]) if rest else 0.0}
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected none, step:EVERY:FACTOR or cosine:TO, got {text!r}")


def parse_arguments():
    s = SETTINGS
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", required=True, help="mnist:<dir of IDX files>, idx:<dir>, cifar10:<dir or tar.gz>, folder:<dir>, toy:ring|quadrants|modes")
    p.add_argument("--data", help="the dataset's path, instead of writing it after the colon")
    p.add_argument("--epochs", type=int, default=s["epochs"])
    p.add_argument("--batch-size", type=int, default=s["batchSize"], help="samples per step in each process")
    p.add_argument("--optimizer", default=s["optimizer"], choices=["sgd", "momentum", "nesterov", "adagrad", "adadelta", "adam", "adamax", "rmsprop"])
    p.add_argument("--lr", type=float, default=s["learningRate"], help="learning rate of one process")
    p.add_argument("--schedule", type=parse_schedule, default=s["schedule"], help="none, step:EVERY:FACTOR or cosine:TO (the rate at the end)")
    p.add_argument("--lr-scaling", choices=["linear", "none"], default="linear", help="multiply the rate by the process count (default) or not")
    p.add_argument("--validation-split", type=float, default=s["validationSplit"])
    p.add_argument("--preprocess", choices=["none", "scale", "center", "standardize"], default=s["preprocessing"])
    p.add_argument("--augment", help="e.g. flip,crop=4 (replaces the design's augmentation; 'none' for none)")
    p.add_argument("--seed", type=int, default=s.get("seed"), help="repeat a run exactly (split, order, augmentation)")
    p.add_argument("--limit", type=int, help="use at most N samples of each split (a quick check)")
    p.add_argument("--device", help="cpu or cuda (default: cuda when there is a GPU)")
    p.add_argument("--out", help="write the trained model here: model.pt (build_model(DIR) loads it) and preprocessing.json")
    p.add_argument("--report", help="write the run as JSON, as netcanvas train --report does, plus worldSize")
    return p.parse_args()


def main():
    args = parse_arguments()
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    lead = rank == 0
    say = print if lead else (lambda *a, **k: None)

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    if world > 1:  # every process must draw the same split and order
        shared = torch.tensor([seed], dtype=torch.int64)
        dist.broadcast(shared, 0)
        seed = int(shared)
    settings = dict(SETTINGS, epochs=args.epochs, batchSize=args.batch_size, optimizer=args.optimizer, learningRate=args.lr,
                    validationSplit=args.validation_split, preprocessing=args.preprocess, schedule=args.schedule, seed=seed)
    if args.augment is not None:
        settings["augmentation"] = dict({k: 0 for k in AUGMENT_DEFAULTS}, **({} if args.augment == "none" else parse_augment(args.augment)))
    augmentation = {k: v for k, v in settings.get("augmentation", {}).items() if v > 0}

    data = load_dataset(args.dataset, args.data, seed)
    if args.limit:
        data["train"], data["test"] = take_first(data["train"], args.limit), take_first(data["test"], args.limit)
    if args.validation_split > 0:
        split_validation(data, args.validation_split, seed)
    expected = list(design.INPUT_SHAPES[0])
    sample = data["shape"] if len(data["shape"]) != 3 else [data["shape"][2], data["shape"][0], data["shape"][1]]
    if sample != expected:
        raise SystemExit(f"train.py: the design takes {tuple(expected)} samples (channels first) but {data['name']} has {tuple(sample)}")
    if augmentation and len(data["shape"]) != 3:
        raise SystemExit("train.py: augmentation works on images; turn it off (--augment none)")

    norm = normalization(data["train"][0], args.preprocess)
    torch.manual_seed(seed)
    model = design.build_model(weights=False).to(device).train()
    scale = world if args.lr_scaling == "linear" else 1
    optimizer = optimizer_for(args.optimizer, model.parameters(), args.lr * scale)
    trained = Scores(model)
    if world > 1:
        trained = DistributedDataParallel(trained, device_ids=[device.index] if device.type == "cuda" else None)
    order = SeededOrder(len(data["train"][1]), seed, world, rank)
    draw = mulberry32(sub_seed(seed, 2) ^ rank) if augmentation else None
    torch.manual_seed(sub_seed(seed, 3) + rank)  # dropout: a different mask in each process

    train_count = len(data["train"][1])
    validation_count = len(data["validation"][1]) if "validation" in data else 0
    say(f"design: {DESIGN}, {sum(p.numel() for p in model.parameters()):,} parameters")
    say(f"data: {data['name']}: {train_count} train, {validation_count} validation, {len(data['test'][1])} test, "
        f"{'×'.join(map(str, data['shape']))}, {len(data['classes'])} classes")
    say(f"training: {args.epochs} epochs, {args.optimizer} lr {args.lr * scale:g}"
        f"{f' ({args.lr:g} × {world} processes)' if scale > 1 else ''}, batch {args.batch_size}"
        f"{f' × {world}' if world > 1 else ''}, seed {seed}, on {device.type}, {world} process{'es' if world > 1 else ''}")

    history, samples, training_seconds, started = [], 0, 0.0, time.time()
    for epoch in range(args.epochs):
        epoch_start = time.time()
        rate = learning_rate_at(args.lr, settings["schedule"], epoch, args.epochs) * scale
        for group in optimizer.param_groups:
            group["lr"] = rate
        order.set_epoch(epoch)
        indices = list(order)
        model.train()
        totals = torch.zeros(3, dtype=torch.float64)  # loss sum, correct, samples
        for start in range(0, len(indices), args.batch_size):
            step_start = time.time()
            x, y = make_batch(data["train"], np.array(indices[start : start + args.batch_size]), norm, augmentation, draw)
            x, y = x.to(device), y.to(device)
            scores = trained(x)
            loss = per_sample_loss(scores, y).mean() + weight_penalty(model, settings.get("weightDecay", {}))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if not math.isfinite(float(loss)):
                raise SystemExit(f"train.py: the loss became {float(loss)} at epoch {epoch + 1}; lower the learning rate")
            totals += torch.tensor([float(loss) * len(y), float((scores.argmax(dim=1) == y).sum()), len(y)], dtype=torch.float64)
            training_seconds += time.time() - step_start
        if world > 1:
            dist.all_reduce(totals)
        samples += int(totals[2])
        row = {"epoch": epoch + 1, "loss": float(totals[0] / totals[2]), "accuracy": float(totals[1] / totals[2]), "valLoss": None, "valAccuracy": None}
        if lead and "validation" in data:
            result = evaluate(model, data["validation"], norm, 256, device)
            row["valLoss"], row["valAccuracy"] = result["loss"], result["accuracy"]
        row["seconds"] = time.time() - epoch_start
        history.append(row)
        validation = f"  val_loss {row['valLoss']:.4f}  val_accuracy {100 * row['valAccuracy']:.1f}%" if row["valLoss"] is not None else ""
        say(f"epoch {epoch + 1}/{args.epochs}  loss {row['loss']:.4f}  accuracy {100 * row['accuracy']:.1f}%{validation}  {row['seconds']:.1f} s")

    if world > 1:
        # Batch-norm statistics are each process's own; take the lead process's so every copy ends the same.
        for buffer in model.buffers():
            dist.broadcast(buffer, 0)
    print(f"rank {rank}/{world}: final weights sha256 {weights_digest(model)}", flush=True)
    samples_per_second = samples / training_seconds * world if training_seconds else 0.0
    if lead:
        test = evaluate(model, data["test"], norm, 256, device)
        seconds = time.time() - started
        say(f"test: loss {test['loss']:.4f}  accuracy {100 * test['accuracy']:.1f}% ({test['count']} samples)  {seconds:.1f} s in all, "
            f"{samples_per_second:.0f} samples/s training")
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            checkpoint = {"model": model.state_dict(), "normalization": norm, "settings": settings, "classes": data["classes"]}
            write_atomically(os.path.join(args.out, "model.pt"), lambda f: torch.save(checkpoint, f))
            preprocessing = dict(norm, inputShape=data["shape"], classNames=data["classes"])
            write_atomically(os.path.join(args.out, "preprocessing.json"), lambda f: f.write(json.dumps(preprocessing, indent=2).encode()))
            say(f"model: {os.path.join(args.out, 'model.pt')} (build_model({args.out!r}) loads it)")
        if args.report:
            report = {"backend": f"pytorch-{device.type}", "design": DESIGN, "dataset": data["name"], "seed": seed, "settings": settings,
                      "trainCount": train_count, "validationCount": validation_count, "history": history, "test": test,
                      "samplesPerSecond": samples_per_second, "seconds": seconds, "normalization": norm, "worldSize": world}
            write_atomically(args.report, lambda f: f.write(json.dumps(report, indent=2).encode()))
            say(f"report: {args.report}")
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
