"""Rules and alignment on hand-built graphs: exact, fast, no TensorFlow."""

from __future__ import annotations

from dataclasses import replace

from graphs import chain, dense, layer, mlp, siamese
from kerasdiff.graph import Graph
from kerasdiff.rules import diff_graphs


def codes(a: Graph, b: Graph) -> list[str]:
    return [f.code for f in diff_graphs(a, b)]


def above_info(a: Graph, b: Graph) -> list[str]:
    return [f.code for f in diff_graphs(a, b) if f.severity != "info"]


def test_identical_graphs_have_no_findings():
    assert codes(mlp(), mlp()) == []


def test_output_activation_is_the_first_and_only_error():
    found = diff_graphs(mlp("linear"), mlp("relu"))
    assert [f.code for f in found] == ["KD101"]
    f = found[0]
    assert (f.a_path, f.b_path, f.a_value, f.b_value) == ("dense_2", "dense_2", "linear", "relu")
    assert "output layer" in f.message
    assert f.a_source == "model.py:7" and f.why and "linear" in f.fix


def test_auto_names_never_matter():
    a = mlp()
    b = mlp(names=("dense_7", "dense_8", "dense_9"))
    assert codes(a, b) == []


def test_user_given_name_difference_is_info_only():
    a = chain(dense("x", 4) | {"auto": False})
    b = chain(dense("y", 4) | {"auto": False})
    found = diff_graphs(a, b)
    assert [(f.code, f.severity) for f in found] == [("KD903", "info")]


def test_dense_activation_equals_dense_plus_activation_layer():
    a = chain(dense("dense", 4, "relu"), dense("dense_1", 2, "linear", 4))
    b = chain(
        dense("dense", 4, "linear"),
        layer("activation", "Activation", (None, 4), activation="relu"),
        dense("dense_1", 2, "linear", 4),
    )
    found = diff_graphs(a, b)
    assert [f.severity for f in found] == ["info"]
    assert found[0].code == "KD102"
    assert diff_graphs(b, a)[0].code == "KD102"


def test_activation_layer_not_folded_when_layer_already_has_activation():
    a = chain(dense("dense", 4, "relu"), dense("dense_1", 2, "linear", 4))
    b = chain(
        dense("dense", 4, "relu"),
        layer("activation", "Activation", (None, 4), activation="relu"),
        dense("dense_1", 2, "linear", 4),
    )
    assert codes(a, b) == ["KD162"]


def test_inserted_dropout_is_one_missing_layer_finding():
    a = mlp()
    b = chain(
        dense("dense", 8, "relu"),
        layer("dropout", "Dropout", (None, 8), rate=0.5),
        dense("dense_1", 8, "relu", 8),
        dense("dense_2", 5, "linear", 8),
    )
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD162"]
    assert "Dropout" in found[0].message and "after dense" in found[0].message
    assert [f.code for f in diff_graphs(b, a)] == ["KD161"]


def test_zero_rate_dropout_is_info():
    a = mlp()
    b = chain(
        dense("dense", 8, "relu"),
        layer("dropout", "Dropout", (None, 8), rate=0.0),
        dense("dense_1", 8, "relu", 8),
        dense("dense_2", 5, "linear", 8),
    )
    assert [(f.code, f.severity) for f in diff_graphs(a, b)] == [("KD163", "info")]


def test_units_change_is_one_root_cause_with_downstream_consequences():
    a = mlp(hidden=8)
    b = chain(dense("dense", 16, "relu"), dense("dense_1", 8, "relu", 16), dense("dense_2", 5, "linear", 8))
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD141"]
    f = found[0]
    assert f.attribute == "units" and (f.a_value, f.b_value) == (8, 16)
    text = " | ".join(f.consequences)
    assert "dense: output (None, 8) -> (None, 16)" in text
    assert "dense_1: params 72 -> 136" in text


def test_layer_type_change():
    a = chain(dense("dense", 4), layer("max_pool", "MaxPooling1D", (None, 2), pool_size=2))
    b = chain(dense("dense", 4), layer("avg_pool", "AveragePooling1D", (None, 2), pool_size=2))
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD151"]
    assert (found[0].a_value, found[0].b_value) == ("MaxPooling1D", "AveragePooling1D")


def test_initializer_class_vs_seed():
    a = chain(dense("dense", 4))
    zeros = chain(dense("dense", 4, kernel_initializer={"class": "Zeros", "config": {}}))
    seeded = chain(dense("dense", 4, kernel_initializer={"class": "GlorotUniform", "config": {"seed": 3}}))
    assert [(f.code, f.severity) for f in diff_graphs(a, zeros)] == [("KD111", "error")]
    assert [(f.code, f.severity) for f in diff_graphs(a, seeded)] == [("KD112", "warning")]


def test_custom_regularizer_same_name_different_source():
    r1 = {"callable": "my_reg", "source": "aaaaaaaaaaaa"}
    r2 = {"callable": "my_reg", "source": "bbbbbbbbbbbb"}
    found = diff_graphs(
        chain(dense("dense", 4, kernel_regularizer=r1)), chain(dense("dense", 4, kernel_regularizer=r2))
    )
    assert [f.code for f in found] == ["KD121"]
    assert "different source" in found[0].message
    assert (
        diff_graphs(
            chain(dense("dense", 4, kernel_regularizer=r1)),
            chain(dense("dense", 4, kernel_regularizer=dict(r1))),
        )
        == []
    )


def test_dtype_and_trainable():
    a = chain(dense("dense", 4))
    b = chain(dense("dense", 4) | {"dtype": "mixed_float16", "trainable": False})
    assert sorted(codes(a, b)) == ["KD201", "KD211"]


def test_input_shape_change_is_root_with_consequences():
    a = mlp()
    b = chain(
        dense("dense", 8, "relu", 4),
        dense("dense_1", 8, "relu", 8),
        dense("dense_2", 5, "linear", 8),
        input_shape=(None, 4),
    )
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD191"]
    assert any("dense: params 32 -> 40" in c for c in found[0].consequences)


def test_shared_base_vs_copies_is_one_grouped_finding():
    found = diff_graphs(siamese(shared=True), siamese(shared=False))
    assert [f.code for f in found] == ["KD181"]
    f = found[0]
    assert f.a_path == "base" and "3 call sites" in f.message and "3 independent copies" in f.message
    assert any("model params" in c for c in f.consequences)
    back = diff_graphs(siamese(shared=False), siamese(shared=True))
    assert [f.code for f in back] == ["KD181"] and back[0].b_path == "base"


def test_siamese_self_compare_is_clean():
    assert codes(siamese(True), siamese(True)) == []
    assert codes(siamese(False), siamese(False)) == []


def test_swapped_concatenate_inputs_is_topology():
    g = siamese(shared=False, n=2)
    calls = list(g.calls)
    last = calls[-1]
    calls[-1] = replace(last, inputs=tuple(reversed(last.inputs)))
    swapped = replace(g, calls=tuple(calls))
    assert "KD171" in codes(g, swapped)


def test_input_count_differs():
    a = siamese(False, n=2)
    b = siamese(False, n=3)
    found = codes(a, b)
    assert found[0] == "KD192"


def test_errors_before_warnings_before_info():
    a = chain(dense("dense", 4, "relu"), dense("dense_1", 2, "linear", 4), implicit=True, cls="Sequential")
    b = chain(
        dense("dense", 4, "relu", kernel_initializer={"class": "GlorotUniform", "config": {"seed": 1}}),
        dense("dense_1", 2, "sigmoid", 4),
    )
    sev = [f.severity for f in diff_graphs(a, b)]
    assert sev == sorted(sev, key=["error", "warning", "info"].index)
    assert sev[0] == "error" and "warning" in sev and "info" in sev


def test_symmetry_on_examples():
    pairs = [(mlp("linear"), mlp("relu")), (siamese(True), siamese(False)), (mlp(), mlp(hidden=4))]
    for a, b in pairs:
        ab = sorted((f.code, f.severity) for f in diff_graphs(a, b))
        ba = sorted(
            (f.code.replace("KD161", "X").replace("KD162", "KD161").replace("X", "KD162"), f.severity)
            for f in diff_graphs(b, a)
        )
        assert ab == ba


def test_graph_json_round_trip():
    for g in (mlp(), siamese(True), siamese(False)):
        assert Graph.from_json(g.to_json()) == g


def test_long_chain_alignment_is_fast():
    import time

    specs = [dense(f"d{i}", 8, "relu", 8) for i in range(1200)]
    a = chain(*specs)
    specs_b = list(specs)
    specs_b[600] = dense("d600", 8, "tanh", 8)
    b = chain(*specs_b)
    t = time.perf_counter()
    found = diff_graphs(a, b)
    assert time.perf_counter() - t < 5  # generous: the benchmark measures the real number
    assert [f.code for f in found] == ["KD101"]


def test_same_change_on_several_layers_is_one_finding():
    """B sets he_normal on every Dense: one KD111 naming the layers, with a row per layer."""
    he = {"class": "HeNormal", "config": {"seed": None}}
    a = mlp()
    b = chain(
        dense("dense", 8, "relu", 3, kernel_initializer=he),
        dense("dense_1", 8, "relu", 8, kernel_initializer=he),
        dense("dense_2", 5, "linear", 8, kernel_initializer=he),
    )
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD111"]
    f = found[0]
    assert "on 3 layers: dense, dense_1, dense_2" in f.message
    assert [d[0] for d in f.details] == ["dense", "dense_1", "dense_2"]
    assert f.b_value == he and f.a_path.startswith("dense (+2 more")
    # different values on different layers stay separate findings
    b2 = chain(
        dense("dense", 8, "relu", 3, kernel_initializer=he),
        dense("dense_1", 8, "tanh", 8),
        dense("dense_2", 5, "linear", 8),
    )
    assert sorted(f.code for f in diff_graphs(a, b2)) == ["KD101", "KD111"]
    assert diff_graphs(b, a)[0].details and len(diff_graphs(b, a)) == 1


def _conv(key, act="linear"):
    return layer(key, "Conv2D", (None, 8, 8, 4), 36, filters=4, kernel_size=[3, 3], activation=act)


def _pool():
    return layer("pool", "GlobalAveragePooling2D", (None, 4))


def _bn(key):
    return layer(key, "BatchNormalization", (None, 8, 8, 4), 16, axis=-1)


def test_activation_moved_before_batchnorm_is_one_finding():
    a = chain(
        _conv("conv"),
        _bn("bn"),
        layer("re_lu", "ReLU", (None, 8, 8, 4)),
        _pool(),
        input_shape=(None, 8, 8, 1),
    )
    b = chain(_conv("conv", "relu"), _bn("bn"), _pool(), input_shape=(None, 8, 8, 1))
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD103"], [(f.code, f.message) for f in found]
    assert "after bn" in found[0].message and "inside conv" in found[0].message
    assert [f.code for f in diff_graphs(b, a)] == ["KD103"]


def test_missing_batchnorm_between_layer_and_its_activation_is_one_finding():
    a = chain(
        _conv("conv"),
        _bn("bn"),
        layer("re_lu", "ReLU", (None, 8, 8, 4)),
        _pool(),
        input_shape=(None, 8, 8, 1),
    )
    b = chain(_conv("conv", "relu"), _pool(), input_shape=(None, 8, 8, 1))
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD161"], [(f.code, f.message) for f in found]
    f = found[0]
    assert f.a_path == "bn" and "between conv and its relu" in f.message and "16 params" in f.message
    back = diff_graphs(b, a)
    assert [g.code for g in back] == ["KD162"] and back[0].b_path == "bn"


def test_two_swapped_neighbours_are_one_order_finding_not_two_type_changes():
    bn = layer("bn", "BatchNormalization", (None, 8), 32, epsilon=0.001)
    do = layer("do", "Dropout", (None, 8), rate=0.5)
    a = chain(dense("d", 8, "relu"), bn, do, dense("out", 1, "linear", 8))
    b = chain(dense("d", 8, "relu"), do, bn, dense("out", 1, "linear", 8))
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD173"], [f.message for f in found]
    f = found[0]
    assert (f.a_value, f.b_value) == ("BatchNormalization before Dropout", "BatchNormalization after Dropout")
    assert "A applies BatchNormalization" in f.message
    # Dense moved across its Dropout (shapes change, so the alignment shows a gap on each side)
    a2 = chain(
        dense("d", 16, "relu", 3), layer("do", "Dropout", (None, 16), rate=0.3), dense("out", 1, "linear", 16)
    )
    b2 = chain(
        layer("do", "Dropout", (None, 3), rate=0.3), dense("d", 16, "relu", 3), dense("out", 1, "linear", 16)
    )
    assert [f.code for f in diff_graphs(a2, b2)] == ["KD173"]
