"""Benchmark: a ResNet-18-sized PyTorch module vs its Keras port (11.7 M parameters, 224x224).

    python benchmarks/torch_port.py            # extract + align + diff, and the whole run
    python benchmarks/torch_port.py --probe    # + the cross-framework behavioural check

Writes the two model scripts to a temporary folder (ResNet-18 written out by hand: torchvision is
not needed), runs `kerasdiff net_torch.py port_keras.py --format json`, and prints the JSON
timings, the wall time, and the verdict (a faithful port: no error expected; with --probe the
outputs must be equal given the copied weights).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TORCH = """\
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout, momentum=0.01, eps=1e-3)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, momentum=0.01, eps=1e-3)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                      nn.BatchNorm2d(cout, momentum=0.01, eps=1e-3))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (self.down(x) if self.down is not None else x))


class ResNet18(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn = nn.BatchNorm2d(64, momentum=0.01, eps=1e-3)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        blocks, cin = [], 64
        for cout, stride in ((64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)):
            blocks.append(Block(cin, cout, stride))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(self.gap(self.blocks(x)), 1))


model = ResNet18()
example_input = torch.randn(2, 3, 224, 224)
"""

KERAS = """\
import keras
from keras import layers


def block(x, cout, stride):
    shortcut = x
    if stride != 1:
        y = layers.ZeroPadding2D(1)(x)
        y = layers.Conv2D(cout, 3, strides=stride, use_bias=False)(y)
    else:
        y = layers.Conv2D(cout, 3, padding="same", use_bias=False)(x)
    y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.BatchNormalization()(layers.Conv2D(cout, 3, padding="same", use_bias=False)(y))
    if stride != 1 or x.shape[-1] != cout:
        shortcut = layers.BatchNormalization()(layers.Conv2D(cout, 1, strides=stride, use_bias=False)(x))
    return layers.ReLU()(layers.Add()([y, shortcut]))


inp = keras.Input((224, 224, 3))
x = layers.ZeroPadding2D(3)(inp)
x = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(64, 7, strides=2, use_bias=False)(x)))
x = layers.MaxPooling2D(3, strides=2)(layers.ZeroPadding2D(1)(x))
for cout, stride in ((64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)):
    x = block(x, cout, stride)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inp, layers.Dense(1000)(x))
"""


def kerasdiff_cmd() -> list[str]:
    exe = shutil.which(
        "kerasdiff", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    )
    return [exe] if exe else [sys.executable, "-m", "kerasdiff"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--probe", action="store_true", help="also run --probe")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kerasdiff-torch-bench-") as tmp:
        a, b = os.path.join(tmp, "net_torch.py"), os.path.join(tmp, "port_keras.py")
        with open(a, "w") as fh:
            fh.write(TORCH)
        with open(b, "w") as fh:
            fh.write(KERAS)
        extra = ["--probe"] if args.probe else []
        t = time.perf_counter()
        proc = subprocess.run(
            kerasdiff_cmd() + [a, b, "--format", "json", *extra],
            capture_output=True,
            text=True,
            cwd=tmp,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        wall = time.perf_counter() - t
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr[-2000:])
        report = json.loads(proc.stdout)
    tm = report["timings"]
    ours = tm["extract"] + tm["align"] + tm["diff"]
    print(
        f"== ResNet-18 (PyTorch, {report['a']['params']:,} params, {report['a']['layers']} layers) vs its Keras "
        f"port ({report['b']['layers']} layers)"
    )
    print("timings (s):", json.dumps({k: round(v, 4) for k, v in tm.items()}))
    print(f"extract + align + diff : {ours:.3f} s")
    print(f"whole run              : {wall:.2f} s")
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    print(
        f"verdict                : {'EQUIVALENT' if report['equivalent'] else 'DIVERGENT'}; "
        f"{len(errors)} error(s); codes {sorted({f['code'] for f in report['findings']})}"
    )
    if args.probe:
        p = report["probe"]
        print(
            f"probe                  : ran={p['ran']} equal={p.get('equal')} "
            f"copied={p.get('weights_copied')} compared={p.get('layers_compared')} "
            f"max|diff|={[o['max_abs_diff'] for o in p.get('outputs') or []]} {p.get('reason') or ''}"
        )
    return 0 if report["equivalent"] else 1


if __name__ == "__main__":
    sys.exit(main())
