"""PyTorch modules compared with Keras ports (load/torch): real torch scripts traced with torch.fx,
translated into Keras terms, the convention rules on real pairs, and the CLI's contracts for bad
input. The examples/kd6xx-torch-* pairs (run by tests/test_examples.py) hold one convention each."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, load_graph
from kerasdiff.cli import cli

FIX = os.path.join(ROOT, "tests", "fixtures", "torch")
HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed here (the full tier has it)")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kerasdiff: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def _ex(name: str, side: str) -> str:
    return os.path.join(EXAMPLES, name, side)


# --------------------------------------------------------------------------- no torch needed


def test_a_pt_file_is_refused_and_never_unpickled(tmp_path):
    """A .pt/.pth spec is a pickle: refused before any worker starts; its payload never runs."""
    pt = tmp_path / "weights.pt"
    marker = tmp_path / "unpickled"
    subprocess.run([sys.executable, os.path.join(FIX, "pickle_spec.py"), str(pt), str(marker)], check=True)
    line = one_line(run(str(pt), _ex("kd603-torch-init", "b.py")))
    assert "weights.pt" in line and "never unpickles" in line and ".py script" in line, line
    assert not marker.exists()


@pytest.mark.skipif(HAS_TORCH, reason="torch is installed here: the fast tier (no torch) runs this check")
def test_without_torch_installed_the_line_gives_the_install_command():
    line = one_line(run(_ex("kd603-torch-init", "a.py"), _ex("kd603-torch-init", "a.py")))
    assert "No module named 'torch'" in line and 'pip install "kerasdiff[torch]"' in line, line


# --------------------------------------------------------------------------- real torch


@pytest.mark.keras
@needs_torch
def test_a_torch_worker_never_imports_tensorflow():
    code = (
        "import sys; from kerasdiff.load.script import load_file; "
        f"g = load_file({_ex('kd603-torch-init', 'a.py')!r}, 'script', [None]).graphs[0]; "
        "print(g.framework, 'tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["torch", "False", "False"], out.stdout + out.stderr


@pytest.mark.keras
@needs_torch
def test_translation_into_keras_terms():
    g = load_graph(os.path.join(FIX, "convs.py"))
    assert g.framework == "torch" and g.env["torch"]
    by = {l.key: l for l in g.layers}
    # stride 2 with padding 1 is not Keras's "same": a faithful port pads, then convolves valid
    assert by["stem.padding"].cls == "ZeroPadding2D" and by["stem.padding"].config["padding"] == [
        [1, 1],
        [1, 1],
    ]
    assert by["stem"].cls == "Conv2D" and by["stem"].config["padding"] == "valid"
    assert by["stem"].config["strides"] == [2, 2] and by["stem"].weights[0].shape == (3, 3, 3, 8)
    assert by["right"].config["padding"] == "same" and by["right"].config["use_bias"] is False
    assert not by["stem"].trainable and by["left"].trainable
    # PyTorch momentum 0.2 (weight of the new batch) is Keras momentum 0.8
    assert by["bn"].config["momentum"] == pytest.approx(0.8) and by["bn"].config["epsilon"] == 1e-3
    # nn.init calls as Keras initializers; untouched layers keep PyTorch's default
    assert by["head"].config["kernel_initializer"]["class"] == "GlorotUniform"
    assert by["head"].config["bias_initializer"]["class"] == "Zeros"
    left = by["left"].config["kernel_initializer"]
    assert left["class"] == "VarianceScaling" and left["config"]["scale"] == 2.0
    assert left["config"]["distribution"] == "untruncated_normal"
    assert by["right"].config["kernel_initializer"]["config"]["scale"] == pytest.approx(1 / 3)
    # AdaptiveAvgPool2d(1) + flatten is one GlobalAveragePooling2D; cat over channels is axis -1
    assert by["pool"].cls == "GlobalAveragePooling2D" and by["pool"].config["keepdims"] is False
    cat = next(l for l in g.layers if l.cls == "Concatenate")
    assert cat.config["axis"] == -1
    assert not any(l.cls == "Flatten" for l in g.layers)
    # shapes channels-last, batch unknown
    assert g.inputs[0].shape == (None, 16, 16, 3)
    stem_call = next(c for c in g.calls if c.layer == "stem")
    assert stem_call.output_shapes == ((None, 8, 8, 8),)
    # source lines: the module's construction, the functional call's line in forward()
    assert by["stem"].origin.endswith("convs.py:15")
    assert cat.origin.endswith("convs.py:29")
    # the recipe in Keras terms
    rec = g.recipe
    opt = rec["compile"]["optimizer"]
    assert (
        opt["class"] == "AdamW" and opt["config"]["weight_decay"] == 0.05 and opt["config"]["epsilon"] == 1e-8
    )
    loss = rec["compile"]["loss"][0]
    assert loss["name"] == "sparse_categorical_crossentropy" and loss["config"]["from_logits"] is True
    assert loss["config"]["label_smoothing"] == 0.1
    assert rec["fit"]["batch_size"] == 10 and rec["fit"]["shuffle"] is False
    assert rec["seeds"] == [{"fn": "torch.manual_seed", "value": 7, "origin": rec["seeds"][0]["origin"]}]
    assert rec["seeds"][0]["origin"].endswith("convs.py:9")


@pytest.mark.keras
@needs_torch
def test_recipe_differences_against_a_keras_port(tmp_path):
    """Ordinary recipe rules work across frameworks: DataLoader batch size vs fit(batch_size)."""
    port = tmp_path / "port.py"
    port.write_text(
        "import keras, numpy as np\nfrom keras import layers\n"
        "keras.utils.set_random_seed(0)\n"
        "model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation='relu'), layers.Dense(4)])\n"
        "model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),\n"
        "              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
        "model.fit(np.zeros((64, 10)), np.zeros(64), batch_size=32, shuffle=True)\n"
    )
    result = run(_ex("kd612-torch-training-loop", "a.py"), str(port), "--format", "json")
    data = json.loads(result.stdout)
    codes = {(f["code"], f["attribute"]) for f in data["findings"]}
    assert ("KD341", "batch_size") in codes, codes
    # The PyTorch script seeds nothing, the port does: seeding differs.
    assert ("KD351", "seed") in codes, codes
    assert data["a"]["framework"] == "torch" and data["a"]["env"]["torch"]
    assert result.exit_code == 1


@pytest.mark.keras
@needs_torch
def test_no_example_input_takes_the_keras_shape_and_two_modules_without_one_exit_2(tmp_path):
    with open(_ex("kd603-torch-init", "a.py"), encoding="utf-8") as fh:
        src = fh.read().replace("example_input", "_unused")
    a = tmp_path / "a.py"
    a.write_text(src)
    result = run(str(a), _ex("kd603-torch-init", "b.py"), "--format", "json")
    data = json.loads(result.stdout)
    # the same convention finding as with its example_input, and KD620 saying where the shapes came from
    assert result.exit_code == 0 and [f["code"] for f in data["findings"]] == ["KD603", "KD620"], data[
        "findings"
    ]
    b = tmp_path / "b.py"
    b.write_text(src)
    line = one_line(run(str(a), str(b)))
    assert "example_input" in line, line


@pytest.mark.keras
@needs_torch
def test_a_frozen_layer_and_a_wrong_padding_are_reported_at_the_right_layer(tmp_path):
    port = tmp_path / "port.py"
    port.write_text(
        "import keras\nfrom keras import layers\n"
        "inp = keras.Input((16, 16, 3))\n"
        "x = layers.Conv2D(8, 3, strides=2, padding='same', activation='relu')(inp)\n"
        "x = layers.Concatenate()([layers.Conv2D(4, 1)(x), layers.Conv2D(4, 3, padding='same', use_bias=False)(x)])\n"
        "x = layers.GlobalAveragePooling2D()(layers.ReLU()(layers.BatchNormalization(momentum=0.8, epsilon=1e-3)(x)))\n"
        "model = keras.Model(inp, layers.Dense(5)(x))\n"
    )
    data = json.loads(run(os.path.join(FIX, "convs.py"), str(port), "--format", "json").stdout)
    found = {(f["code"], f["attribute"]): f for f in data["findings"]}
    assert ("KD211", "trainable") in found, list(found)
    assert found["KD211", "trainable"]["a_path"] == "stem"
    # stride 2 + padding=1 vs padding='same': one convention finding holding the two concrete rows
    pad = found["KD615", "padding"]
    assert data["findings"][0]["code"] == "KD615"
    assert pad["related"] == ["KD161", "KD141"] and len(pad["details"]) == 2, pad
    assert "ZeroPadding2D((1, 1))" in pad["fix"] and "on conv2d" in pad["fix"], pad["fix"]


@pytest.mark.keras
@needs_torch
def test_probe_copies_keras_weights_into_the_module_without_an_example_input(tmp_path):
    """Keras as A, PyTorch as B (the weights go into the module: HWIO -> OIHW, the Dense rows back
    to (C, H, W)), and the module has no example_input: its shapes come from the probe's inputs."""
    with open(_ex("kd610-torch-flatten-order", "a.py"), encoding="utf-8") as fh:
        src = fh.read().replace("example_input =", "_unused =")
    b = tmp_path / "net.py"
    b.write_text(src)
    data = json.loads(
        run(_ex("kd610-torch-flatten-order", "b.py"), str(b), "--probe", "--format", "json").stdout
    )
    probe = data["probe"]
    assert probe["ran"] and probe["equal"] is True, probe
    assert probe["weights_copied"] == 3 and probe["layers_compared"] == 6, probe
    assert probe["outputs"][0]["max_abs_diff"] < 1e-5, probe
    # never silent: the report says where the module's input shapes came from
    (note,) = [f for f in data["findings"] if f["code"] == "KD620"]
    assert (
        "B's script has no example_input" in note["message"]
        and "(None, 16, 16, 3) float32" in note["message"]
    ), note


@pytest.mark.keras
@needs_torch
def test_probe_names_the_first_diverging_layer_of_a_wrong_port():
    data = json.loads(
        run(
            _ex("kd602-torch-norm-epsilon", "b.py"),
            _ex("kd602-torch-norm-epsilon", "a.py"),
            "--probe",
            "--format",
            "json",
        ).stdout
    )
    first = data["probe"]["first_divergence"]
    assert (first["a_path"], first["b_path"]) == ("layer_normalization", "norm"), first
    assert 1e-4 < first["max_abs_diff"] < 1e-1, first


@pytest.mark.keras
@needs_torch
@pytest.mark.parametrize(
    "forward, want",
    [
        ("out, (h, c) = self.rnn(x)\n        return self.fc(h[-1])", False),
        ("out, _ = self.rnn(x)\n        return self.fc(out)", True),
        ("out, _ = self.rnn(x)\n        return self.fc(out[:, -1, :])", False),
        ("out, (h, c) = self.rnn(x)\n        return self.fc(c[-1])", "untranslated"),
    ],
)
def test_which_lstm_state_forward_uses(tmp_path, forward, want):
    script = tmp_path / "rnn.py"
    script.write_text(
        "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.rnn = nn.LSTM(4, 6, batch_first=True)\n"
        "        self.fc = nn.Linear(6, 2)\n\n    def forward(self, x):\n"
        f"        {forward}\n\n\nmodel = M()\nexample_input = torch.randn(2, 5, 4)\n"
    )
    g = load_graph(str(script))
    rnn = g.layer("rnn")
    assert rnn.cls == "LSTM" and rnn.config["units"] == 6 and rnn.params == 4 * 6 * (4 + 6) + 4 * 6
    if want == "untranslated":
        assert any("cell state" in u for u in g.recipe["torch"]["untranslated"]), g.recipe["torch"]
    else:
        assert rnn.config["return_sequences"] is want
        fc_call = next(c for c in g.calls if c.layer == "fc")
        assert fc_call.output_shapes == (((None, 5, 2) if want else (None, 2)),)


PORTS = ("mlp", "cnn_bn", "resnet", "text_rnn", "transformer")


@pytest.mark.keras
@needs_torch
def test_emitted_keras_code_with_the_copied_weights_computes_like_the_module(tmp_path):
    """--emit-keras on five architectures (MLP, CNN with BatchNorm and a channels-first flatten,
    residual network, GRU+LSTM text model, transformer encoder): the emitted model, given the
    module's weights by the emitted copy_torch_weights, gives the module's outputs to 1e-5; built
    from scratch it draws its weights like the module; the emitted recipe compiles and trains;
    and kerasdiff itself finds the pair equivalent."""
    pairs = []
    for name in PORTS:
        src = os.path.join(FIX, "ports", f"{name}.py")
        out = tmp_path / f"{name}_keras.py"
        result = run("--emit-keras", src, "-o", str(out))
        assert result.exit_code == 0, result.output
        pairs += [src, str(out)]
    proc = subprocess.run(
        [sys.executable, os.path.join(FIX, "ports", "check_emitted.py"), *pairs],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sorted(rows) == sorted(f"{n}.py" for n in PORTS), rows
    for name, row in rows.items():
        assert row["max_abs_diff"] < 1e-5, (name, row)
        # built from scratch, every weight is drawn like PyTorch draws it (spreads within the
        # sampling noise of 256+ values; constants exact), the attention output projection too
        assert row["init_std_ratios"], (name, row)
        assert all(0.8 < r < 1.25 for r in row["init_std_ratios"].values()), (name, row)
        assert row["init_constant_diff"] == 0.0, (name, row)
        assert all(t == k for t, k in row["zero_rows"].values()), (name, row)
    assert rows["text_rnn.py"]["zero_rows"] == {"emb": [[0], [0]]}  # padding_idx=0, kept by PadRow
    assert rows["mlp.py"]["trained_loss"] > 0  # compile_like_torch + fit_like_torch ran
    mlp_code = (tmp_path / "mlp_keras.py").read_text()
    # Adam(weight_decay=1e-4) adds 1e-4 * w to the gradient: L2(5e-5) on every weight
    assert "kernel_regularizer=keras.regularizers.L2(l2=5e-05)" in mlp_code, mlp_code
    assert "batch_size=8, shuffle=True" in mlp_code
    code = (tmp_path / "transformer_keras.py").read_text()
    # in-projection: xavier_uniform of the packed (48, 16) matrix; output: nn.Linear's U(+-1/4)
    assert "kernel_initializer=keras.initializers.RandomUniform(minval=-0.30618621784" in code, code
    assert (
        "redraw_attention_output(model.get_layer('attn'), keras.initializers.RandomUniform(minval=-0.2499"
        in code
    )
    data = json.loads(run(pairs[6], pairs[7], "--probe", "--format", "json").stdout)
    assert data["equivalent"] is True and data["probe"]["equal"], data["findings"]


@pytest.mark.keras
@needs_torch
def test_emit_keras_refuses_a_module_it_cannot_write_exactly():
    line = one_line(run("--emit-keras", _ex("kd614-torch-untranslated", "a.py")))
    assert "cannot be written as Keras code that computes the same" in line, line


def _train_of(*args: str) -> dict:
    result = run(*args, "--probe-train", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["probe"]["train"]


@pytest.mark.keras
@needs_torch
def test_probe_train_finds_what_only_training_shows():
    """One step from the same weights: BatchNorm momentum copied as is (the moving statistics
    move 9x too fast in Keras), the LSTM's two biases (the summed bias moves twice as fast in
    PyTorch), the bias before a BatchNorm (absorbed: moves by noise, changes nothing)."""
    tr = os.path.join(FIX, "train")
    wrong = _train_of(os.path.join(tr, "bn_torch.py"), os.path.join(tr, "bn_keras.py") + ":wrong")
    assert wrong["ran"] and not wrong["equal"], wrong
    assert wrong["first_divergence"] == {
        "a_path": "1",
        "b_path": "batch_normalization_1",
        "what": "state",
        "rel_diff": None,
    }
    moved = {r["weight"]: r["b_update"] / r["a_update"] for r in wrong["weights"] if r["state"]}
    assert 8 < moved["moving_mean"] < 10, moved  # (1 - 0.1) / 0.1 = 9x the new batch's weight
    assert wrong["absorbed"] == ["0 (A) / dense_2 (B)"], wrong
    lstm = _train_of(os.path.join(tr, "lstm_torch.py"), os.path.join(tr, "lstm_keras.py"))
    assert lstm["first_divergence"]["a_path"] == "lstm" and lstm["first_divergence"]["what"] == "output", lstm
    bias = next(r for r in lstm["weights"] if r["weight"] == "bias")
    assert bias["a_update"] / bias["b_update"] == pytest.approx(2.0, rel=1e-3), bias
    # the same layers without an optimizer and loss: the step cannot run, and says why
    none = _train_of(_ex("kd601-torch-bn-momentum", "a.py"), _ex("kd601-torch-bn-momentum", "b.py"))
    assert none["ran"] is False and "no compiled loss" in none["reason"], none
