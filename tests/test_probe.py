"""The probe's planning and comparison on hand-built graphs and recordings (no TensorFlow).

The Keras half (weights copied, models run in the workers) is exercised on real models by
tests/test_examples.py::test_cli_probe_on_example."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from graphs import chain, dense, layer, mlp
from kerasdiff import probe
from kerasdiff.align import align
from kerasdiff.engine import compare_graphs, probe_reason
from kerasdiff.graph import InputSpec, Weight


def plan(a, b):
    """The probe plans on the comparison's own alignment (built once)."""
    return probe.plan(align(a, b))


def weighted(g):
    """Give every Dense its kernel/bias weight shapes (the hand-built graphs only count params)."""
    layers = []
    for l in g.layers:
        if l.cls == "Dense":
            units = l.config["units"]
            fan_in = (l.params - units) // units
            l = replace(l, weights=(Weight("kernel", (fan_in, units)), Weight("bias", (units,))))
        layers.append(l)
    return replace(g, layers=tuple(layers))


def test_plan_copies_every_aligned_layer_and_folds_activations():
    a = weighted(chain(dense("dense", 4, "relu"), dense("dense_1", 2, "linear", 4)))
    b = weighted(
        chain(
            dense("d7", 4, "linear"),
            layer("activation", "Activation", (None, 4), activation="relu"),
            dense("d8", 2, "linear", 4),
        )
    )
    p = plan(a, b)
    assert not isinstance(p, str), p
    assert p.weight_map == {"d7": "dense", "d8": "dense_1"}
    # A's folded Dense(relu) is compared with B's Activation output, not with B's linear Dense
    assert ("dense", "d7", "c0", "c1") in p.pairs and ("dense_1", "d8", "c1", "c2") in p.pairs
    assert [x.shape for x in p.inputs] == [(probe.BATCH, 3)] and p.inputs[0].dtype == np.float32
    assert p.output_pairs == [(0, 0)] and p.notes == []


def test_inputs_are_seeded_dtype_aware_and_respect_embedding_size():
    g = chain(
        layer("embedding", "Embedding", (None, 8, 4), 20, input_dim=5, output_dim=4), input_shape=(None, None)
    )
    g = replace(g, inputs=(InputSpec("tokens", (None, None), "int32"),))
    x1, desc = probe.make_inputs(g)
    x2, _ = probe.make_inputs(g)
    assert np.array_equal(x1[0], x2[0]) and x1[0].dtype == np.int32 and x1[0].shape == (probe.BATCH, 8)
    assert x1[0].max() < 5 and desc[0]["values"].startswith("integers in [0, 5)")
    # token sequences: the second one is zero-padded at the end, so masks matter
    assert (x1[0][1, -2:] == 0).all() and "zero-padded" in desc[0]["values"]


def test_plan_refuses_what_no_input_fits():
    assert "input shapes differ" in plan(mlp(), replace(mlp(), inputs=(InputSpec("x", (None, 7)),)))
    two = replace(mlp(), inputs=(InputSpec("x", (None, 3)), InputSpec("y", (None, 3))))
    assert "different inputs" in plan(mlp(), two)
    assert (
        probe_reason(replace(mlp(), framework="sklearn"), replace(mlp(), framework="keras"))
        == "the probe cannot run a scikit-learn MLP"
    )
    text = replace(mlp(), inputs=(InputSpec("s", (None, 1), "string"),))
    assert "string" in plan(text, text)


def test_plan_notes_weights_that_cannot_be_copied():
    a = weighted(mlp())
    b = weighted(
        chain(
            dense("dense", 8, "relu", 3),
            dense("dense_1", 8, "relu", 8),
            dense("extra", 6, "tanh", 8),
            dense("dense_2", 5, "linear", 6),
        )
    )
    p = plan(a, b)
    assert p.weight_map == {"dense": "dense", "dense_1": "dense_1"}, p.weight_map
    assert "dense_2 -> dense_2: weight shapes differ, B keeps its own weights" in p.notes
    assert any("keep their own: extra, dense_2" in n for n in p.notes), p.notes


def _recording(values: dict) -> tuple:
    meta = {
        k: [{"shape": list(v.shape), "dtype": "float32", "sampled": False, "nonfinite": 0}]
        for k, v in values.items()
    }
    return meta, {f"{k}__0": v.astype(np.float64).reshape(-1) for k, v in values.items()}


def test_compare_finds_the_first_divergent_layer():
    a = weighted(mlp())
    p = plan(a, a)
    x = np.ones((2, 8))
    rec_a = _recording({"c0": x, "c1": x, "c2": np.ones((2, 5)), "model": np.ones((2, 5))})
    rec_b = _recording({"c0": x, "c1": x + 0.5, "c2": np.ones((2, 5)) * 3, "model": np.ones((2, 5)) * 3})
    out = probe.compare(p, rec_a, rec_b, atol=1e-6, rtol=1e-5, seed=0, copied=3)
    assert out["ran"] and out["equal"] is False
    assert out["first_divergence"]["a_path"] == "dense_1" and out["first_divergence"]["max_abs_diff"] == 0.5
    assert out["outputs"] == [{"a": 0, "b": 0, "equal": False, "max_abs_diff": 2.0}]
    same = probe.compare(p, rec_a, rec_a, atol=1e-6, rtol=1e-5, seed=0, copied=3)
    assert same["equal"] is True and same["first_divergence"] is None and same["layers_compared"] == 3
    # a difference inside the tolerance is equal
    near = _recording({"c0": x, "c1": x, "c2": np.ones((2, 5)) + 1e-7, "model": np.ones((2, 5)) + 1e-7})
    assert probe.compare(p, rec_a, near, atol=1e-6, rtol=0, seed=0, copied=3)["equal"] is True


def test_unexplained_divergence_becomes_kd501_and_explained_does_not():
    diverged = {
        "ran": True,
        "equal": False,
        "first_divergence": {"a_path": "dense_1", "b_path": "dense_1", "max_abs_diff": 0.5},
    }
    quiet = compare_graphs(mlp(), mlp(), probe=diverged)
    assert [f.code for f in quiet.findings] == ["KD501"] and not quiet.equivalent
    assert quiet.findings[0].a_source == "model.py:6" and quiet.probe is diverged
    loud = compare_graphs(mlp(), mlp("relu"), probe=diverged)
    assert [f.code for f in loud.findings] == ["KD101"]
    hidden = compare_graphs(mlp(), mlp(), probe=diverged, ignore=["KD501"])
    assert hidden.findings == () and hidden.ignored == 1
    assert compare_graphs(mlp(), mlp(), probe=probe.not_run("x")).findings == ()


def test_mask_inputs_get_a_padding_pattern_and_say_so():
    g = chain(dense("d", 2, "linear", 6), input_shape=(None, 6))
    g = replace(g, inputs=(replace(g.inputs[0], name="padding_mask", dtype="int32"),))
    arrays, desc = probe.make_inputs(g)
    m = arrays[0]
    assert set(np.unique(m)) == {0, 1} and m[0].all() and not m[1, -1] and m[1, 0]
    assert desc[0]["values"].startswith("a padding mask")


# ---------------------------------------------------------------- --probe-train, plain data

PAIRS = [
    ("dense", "dense", "c0", "c0"),
    ("dense_1", "dense_1", "c1", "c1"),
    ("dense_2", "dense_2", "c2", "c2"),
]
USED_BY = {"c0": ["c1"], "c1": ["c2"]}


def _step(**moved):
    """Recordings after a step: every layer's output moved by 0.1, or by moved[call]."""
    return _recording({k: np.full((4, 3), moved.get(k, 0.1)) for k in ("c0", "c1", "c2", "model")})


def test_train_step_compare_absorbed_reaching_and_state():
    from kerasdiff.probe import train as tr

    before = _recording({k: np.zeros((4, 3)) for k in ("c0", "c1", "c2", "model")})
    same = tr.compare(PAIRS, before, _step(), _step(), (1.0, 1.0), USED_BY, [])
    assert same["equal"] and same["first_divergence"] is None and same["absorbed"] == []
    # dense moved otherwise but dense_1 (which takes its output) moved alike: absorbed, equal
    absorbed = tr.compare(PAIRS, before, _step(), _step(c0=0.3), (1.0, 1.0), USED_BY, [])
    assert absorbed["equal"] and absorbed["absorbed"] == ["dense"], absorbed
    # a difference that reaches the output is the first divergence
    reach = tr.compare(PAIRS, before, _step(), _step(c1=0.2, c2=0.2, model=0.2), (1.0, 1.0), USED_BY, [])
    assert not reach["equal"] and reach["first_divergence"]["a_path"] == "dense_1", reach
    assert reach["first_divergence"]["rel_diff"] == pytest.approx(0.5)
    # moving statistics that moved otherwise: a divergence even with equal outputs
    state = [{"a_path": "dense_1", "b_path": "dense_1", "weight": "moving_mean", "state": True}]
    st = tr.compare(PAIRS, before, _step(), _step(), (1.0, 1.0), USED_BY, state)
    assert not st["equal"] and st["first_divergence"] == {
        "a_path": "dense_1",
        "b_path": "dense_1",
        "what": "state",
        "rel_diff": None,
    }
    # float32 noise on a step is not a difference
    noise = tr.compare(PAIRS, before, _step(), _step(model=0.1 + 1e-9), (1.0, 1.0), USED_BY, [])
    assert noise["equal"]


def test_train_targets_come_from_one_draw_in_each_loss_form():
    from kerasdiff.probe import train as tr

    (labels, onehot), desc = tr.targets(
        ("sparse_categorical_crossentropy", "categorical_crossentropy"), (16, 4), 0
    )
    assert labels.shape == (16,) and labels.dtype == np.int64 and labels.max() < 4
    assert np.array_equal(onehot.argmax(-1), labels) and onehot.sum() == 16
    (bits, normal), _ = tr.targets(("binary_crossentropy", "mean_squared_error"), (16, 1), 0)
    assert set(np.unique(bits)) <= {0.0, 1.0} and np.array_equal(bits, (normal > 0).astype(np.float32))
    assert "class labels in [0, 4)" in desc and "one-hot" in desc


def test_a_training_step_nothing_explains_becomes_kd502():
    from test_recipe_rules import pair, recipe

    step = {
        "ran": True,
        "equal": False,
        "first_divergence": {"a_path": "dense", "b_path": "dense", "what": "output", "rel_diff": 0.5},
    }
    probed = {"ran": True, "equal": True, "first_divergence": None, "train": step}
    a, b = pair(recipe(), recipe())
    quiet = compare_graphs(a, b, probe=probed)
    assert [f.code for f in quiet.findings][:1] == ["KD502"] and not quiet.equivalent, quiet.findings
    assert "first at dense" in quiet.findings[0].message
    # a learning rate that differs explains it: no KD502
    a, b = pair(recipe(), recipe(compile__optimizer__config__learning_rate=0.1))
    explained = compare_graphs(a, b, probe=probed)
    assert "KD502" not in [f.code for f in explained.findings] and "KD302" in [
        f.code for f in explained.findings
    ]
    # equal steps, or a step that did not run, add nothing
    for t in (
        {**step, "equal": True, "first_divergence": None},
        {"ran": False, "equal": None, "reason": "x"},
    ):
        a, b = pair(recipe(), recipe())
        assert "KD502" not in [f.code for f in compare_graphs(a, b, probe={**probed, "train": t}).findings]
