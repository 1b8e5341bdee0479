"""Keras 2 (tf_keras) without TensorFlow: the vocabulary that makes a tf_keras graph read like a
Keras 3 one, the version-drift rules (KD701-KD703) on plain-data graphs, and the one-line checks
of `@keras2` read from real package metadata (a distribution's dist-info on sys.path)."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from graphs import chain, dense
from kerasdiff.engine import compare_graphs
from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Layer
from kerasdiff.load.interface import _distribution_version, check_keras2
from kerasdiff.load.tf_keras import vocabulary


def _old(g):
    return replace(g, framework="tf_keras", env={"keras": "2.21.0", "backend": "tensorflow"})


def _new(g):
    return replace(g, framework="keras", env={"keras": "3.15.1", "backend": "tensorflow"})


def test_keras2_spellings_become_keras3_vocabulary():
    leaky = Layer("leaky_re_lu", "LeakyReLU", {"alpha": 0.30000001192092896})
    assert vocabulary._layer(leaky).config == {"negative_slope": 0.3}
    d = vocabulary.layer_config("Dense", {"units": 4, "batch_input_shape": [None, 3]})
    assert d == {"units": 4}
    rnn = vocabulary.layer_config("LSTM", {"units": 4, "implementation": 2, "time_major": False})
    assert rnn == {"units": 4}
    # a setting Keras 3 lacks is kept when it is not at the value that changes nothing
    assert vocabulary.layer_config("LSTM", {"time_major": True}) == {"time_major": True}
    bn = vocabulary.layer_config("BatchNormalization", {"momentum": 0.99})
    assert bn["renorm"] is False and bn["synchronized"] is False
    op = vocabulary._layer(Layer("tf.math.multiply", "TFOpLambda", {"function": "math.multiply"}))
    assert (op.cls, op.config) == ("Multiply", {})
    odd = vocabulary._layer(Layer("tf.signal.fft", "TFOpLambda", {"function": "signal.fft"}))
    assert odd.cls == "TFOpLambda(tf.signal.fft)"  # no Keras 3 op of that name: the class shows it
    # float32 values read back as the number the script wrote; exact doubles stay exact
    assert vocabulary.plain(0.10000000149011612) == 0.1 and vocabulary.plain(0.1) == 0.1
    assert vocabulary.plain(1 / 3) == 1 / 3


def test_keras2_recipe_defaults_read_as_what_they_do():
    rec = vocabulary.recipe(
        {
            "compile": {
                "optimizer": {
                    "class": "Adam",
                    "config": {"jit_compile": False, "is_legacy_optimizer": False},
                },
                "loss": [{"name": "mse", "config": {"reduction": "auto", "fn": "mean_squared_error"}}],
                "run_eagerly": None,
                "steps_per_execution": None,
                "jit_compile": None,
            }
        }
    )
    comp = rec["compile"]
    assert comp["optimizer"]["config"] == {}
    assert comp["loss"][0]["config"] == {"reduction": "sum_over_batch_size"}
    assert (comp["run_eagerly"], comp["steps_per_execution"], comp["jit_compile"]) == (False, 1, False)


def test_the_same_keras2_model_in_keras3_vocabulary_has_no_findings():
    g = chain(dense("dense", 4, "relu"), dense("dense_1", 1, "sigmoid", 4))
    report = compare_graphs(_old(vocabulary.normalize(g)), _new(g))
    assert report.equivalent and not report.findings


def _convlstm(act: str) -> Layer:
    return Layer("conv_lstm2d", "ConvLSTM2D", {"filters": 2, "recurrent_activation": act})


def test_a_changed_default_explains_the_concrete_difference():
    base = chain(dense("dense", 4, "relu"))
    a = _old(
        replace(
            base, layers=(replace(base.layers[0], cls="ConvLSTM2D", config=_convlstm("hard_sigmoid").config),)
        )
    )
    b = _new(
        replace(base, layers=(replace(base.layers[0], cls="ConvLSTM2D", config=_convlstm("sigmoid").config),))
    )
    report = compare_graphs(a, b)
    assert report.findings[0].code == "KD703", [f.code for f in report.findings]
    f = report.findings[0]
    assert (
        "KD101" in f.related and "defaults to hard_sigmoid in Keras 2 and to sigmoid in Keras 3" in f.message
    )
    assert "keras.ops.clip(0.2 * x + 0.5" in f.fix  # Keras 2's function, spelled in Keras 3
    # the same two graphs, both Keras 3: an ordinary activation difference, no drift
    plain = compare_graphs(_new(a), b)
    assert [x.code for x in plain.findings] == ["KD101"]


def test_hard_sigmoid_on_both_sides_is_two_functions():
    a = chain(dense("dense", 4, "hard_sigmoid"))
    report = compare_graphs(_old(a), _new(a))
    assert [f.code for f in report.findings] == ["KD702"] and not report.equivalent
    assert compare_graphs(_new(a), _new(a)).equivalent  # Keras 3 with Keras 3: one function


def test_an_ignored_lr_explains_the_learning_rate_difference():
    g = chain(dense("dense", 1))

    def compiled(fw, lr, ignored=None):
        opt = {"class": "SGD", "given_as": "object", "config": {"learning_rate": lr}}
        if ignored:
            opt["ignored"] = {"lr": ignored}
        return replace(
            g, framework=fw, recipe={"compile": {"optimizer": opt, "loss": [], "origin": "m.py:5"}}
        )

    report = compare_graphs(compiled("tf_keras", 0.01, 0.1), compiled("keras", 0.1))
    assert report.findings[0].code == "KD701" and "KD302" in report.findings[0].related
    assert "learning_rate=0.1" in report.findings[0].fix and "legacy.SGD(lr=0.1)" in report.findings[0].fix
    # the Keras 3 side at tf_keras's default: no difference, nothing to explain
    assert compare_graphs(compiled("tf_keras", 0.01, 0.1), compiled("keras", 0.01)).equivalent


def _dist(folder, name: str, version: str) -> None:
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_keras2_needs_the_tf_keras_of_tensorflows_minor_version(tmp_path, monkeypatch):
    _dist(tmp_path, "tensorflow", "2.21.0")
    _dist(tmp_path, "tf-keras", "2.15.1")
    monkeypatch.syspath_prepend(str(tmp_path))  # found first, as pip's newest install would be
    with pytest.raises(KerasdiffError) as exc:
        check_keras2("m.py@keras2")
    assert "tf-keras 2.15.1 does not match TensorFlow 2.21.0" in exc.value.cause
    assert exc.value.hint == 'pip install "tf-keras==2.21.*"'


@pytest.mark.skipif(
    _distribution_version("tf-keras") is not None,
    reason="tf-keras is installed here: the fast tier checks this",
)
def test_keras2_without_tf_keras_names_the_install_command(tmp_path, monkeypatch):
    _dist(tmp_path, "tensorflow", "2.21.0")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(KerasdiffError) as exc:
        check_keras2("m.py@keras2")
    assert "tf_keras (Keras 2), which is not installed" in exc.value.cause
    assert 'pip install "tf-keras==2.21.*"' in exc.value.hint


@pytest.mark.skipif(
    "tensorflow" in sys.modules or _distribution_version("tensorflow") is not None,
    reason="TensorFlow is installed here: the fast tier checks this",
)
def test_keras2_without_tensorflow_says_so():
    with pytest.raises(KerasdiffError, match="needs TensorFlow; it is not installed"):
        check_keras2("m.py@keras2")


def test_a_legacy_optimizers_decay_is_the_keras3_schedule():
    legacy = {"class": "SGD", "config": {"learning_rate": 0.1, "decay": 0.01, "momentum": 0.9}}
    got = vocabulary.recipe({"compile": {"optimizer": legacy}})["compile"]["optimizer"]
    assert got["config"]["learning_rate"] == {
        "class": "InverseTimeDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.01, "staircase": False},
    }
    assert "decay" not in got["config"] and got["config"]["use_ema"] is False
    assert got["legacy_decay"] == {"learning_rate": 0.1, "decay": 0.01}
    flat = {"class": "SGD", "config": {"learning_rate": 0.1, "decay": 0.0}}
    kept = vocabulary.recipe({"compile": {"optimizer": flat}})["compile"]["optimizer"]
    assert kept["config"]["learning_rate"] == 0.1 and "legacy_decay" not in kept
