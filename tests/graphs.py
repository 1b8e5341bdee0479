"""Build neutral graphs by hand (no TensorFlow) for fast, exact rule and alignment tests."""

from __future__ import annotations

from kerasdiff.graph import Call, Graph, InputSpec, Layer, OutputSpec


def dense(key: str, units: int, act: str = "linear", fan_in: int = 3, **cfg) -> dict:
    config = {
        "units": units,
        "activation": act,
        "use_bias": True,
        "kernel_initializer": {"class": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class": "Zeros", "config": {}},
        "kernel_regularizer": None,
        **cfg,
    }
    return {
        "key": key,
        "cls": "Dense",
        "config": config,
        "shape": (None, units),
        "params": fan_in * units + units,
    }


def layer(key: str, cls: str, shape, params: int = 0, **config) -> dict:
    return {"key": key, "cls": cls, "config": config, "shape": shape, "params": params}


def chain(
    *specs: dict, input_shape=(None, 3), cls: str = "Functional", implicit: bool = False, name: str = "model"
) -> Graph:
    """A linear model: input -> specs[0] -> specs[1] -> ... (each spec is one layer, one call)."""
    layers, calls = [], []
    prev = "in:0"
    for i, s in enumerate(specs):
        layers.append(
            Layer(
                key=s["key"],
                cls=s["cls"],
                config=s["config"],
                name=s["key"],
                params=s["params"],
                auto_name=s.get("auto", True),
                origin=f"{name}.py:{i + 5}",
                block=s.get("block", ""),
                trainable=s.get("trainable", True),
                dtype=s.get("dtype", "float32"),
            )
        )
        calls.append(Call(f"c{i}", s["key"], (prev,), (s["shape"],), ("float32",)))
        prev = f"c{i}:0"
    return Graph(
        name=name,
        cls=cls,
        inputs=(InputSpec("input_layer", input_shape, implicit=implicit),),
        outputs=(OutputSpec(prev, specs[-1]["key"]),),
        layers=tuple(layers),
        calls=tuple(calls),
        params=sum(s["params"] for s in specs),
        spec=f"{name}.py",
    )


def mlp(last_act: str = "linear", hidden: int = 8, names=("dense", "dense_1", "dense_2")) -> Graph:
    return chain(
        dense(names[0], hidden, "relu", 3),
        dense(names[1], hidden, "relu", hidden),
        dense(names[2], 5, last_act, hidden),
    )


def siamese(shared: bool, n: int = 3) -> Graph:
    """n inputs, a 2-layer base network applied to each (shared or copied), concatenated."""
    layers, calls, inputs = [], [], []
    outs = []
    for i in range(n):
        inputs.append(InputSpec(f"input_layer_{i}", (None, 4)))
        prev = f"in:{i}"
        for j, (cls, units) in enumerate((("Dense", 6), ("Dense", 2))):
            key = f"base/d{j}" if shared else (f"dense_{i * 2 + j}")
            if not any(l.key == key for l in layers):
                layers.append(
                    Layer(
                        key=key,
                        cls=cls,
                        config={"units": units, "activation": "relu"},
                        params=(4 if j == 0 else 6) * units + units,
                        block="base" if shared else "",
                    )
                )
            ck = f"c{len(calls)}"
            calls.append(Call(ck, key, (prev,), ((None, units),), ("float32",)))
            prev = f"{ck}:0"
        outs.append(prev)
    layers.append(Layer(key="concatenate", cls="Concatenate", config={"axis": -1}, params=0))
    calls.append(Call(f"c{len(calls)}", "concatenate", tuple(outs), ((None, 2 * n),), ("float32",)))
    return Graph(
        inputs=tuple(inputs),
        outputs=(OutputSpec(f"c{len(calls) - 1}:0", "concatenate"),),
        layers=tuple(layers),
        calls=tuple(calls),
        params=sum(l.params for l in layers),
        blocks={"base": "Sequential"} if shared else {},
    )
