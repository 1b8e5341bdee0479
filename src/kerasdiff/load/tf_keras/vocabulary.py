"""Keras 2 spellings in Keras 3's vocabulary (plain data, no TensorFlow): a tf_keras graph says
what a Keras 3 graph of the same model says, so only real differences remain.

Only renames and keys without effect are rewritten here. What changed meaning between the two
(defaults, functions of the same name) is left as it is and named by the KD7xx rules."""

from __future__ import annotations

import struct
from dataclasses import replace
from typing import Any

from kerasdiff.graph import Graph, Layer

# Keys Keras 3 removed that change nothing: the input shape lives in the graph's inputs, the
# RNN `implementation` picks a kernel for the same math, Embedding's input_length only checked
# shapes; SeparableConv's kernel_* settings were never used (it has depthwise/pointwise ones).
_DROPPED = {
    "*": ("batch_input_shape",),
    "Embedding": ("input_length",),
    "LSTM": ("implementation",),
    "GRU": ("implementation",),
    "SimpleRNN": ("implementation",),
    "ConvLSTM1D": ("implementation",),
    "ConvLSTM2D": ("implementation",),
    "ConvLSTM3D": ("implementation",),
    "SeparableConv1D": ("kernel_initializer", "kernel_regularizer", "kernel_constraint"),
    "SeparableConv2D": ("kernel_initializer", "kernel_regularizer", "kernel_constraint"),
    "RandomFlip": ("rng_type",),
    "RandomRotation": ("rng_type",),
    "RandomZoom": ("rng_type",),
    "RandomContrast": ("rng_type",),
    "RandomTranslation": ("rng_type",),
    "RandomCrop": ("rng_type",),
    "RandomHeight": ("rng_type",),
    "RandomWidth": ("rng_type",),
    "RandomBrightness": ("rng_type",),
}
# Dropped only at this value (any other value is a setting Keras 3 lacks, and is shown).
_DROPPED_AT = {
    "time_major": False,
    "groups": 1,  # Conv2DTranspose, SeparableConv, DepthwiseConv: Keras 3 has no groups there
}
_RENAMED = {"LeakyReLU": {"alpha": "negative_slope"}}
# Keras 3 settings Keras 2 lacks, at the value that is Keras 2's behaviour.
_ADDED = {
    "BatchNormalization": {
        "renorm": False,
        "renorm_clipping": None,
        "renorm_momentum": 0.99,
        "synchronized": False,
    },
}
_IMAGE_LAYERS = (
    "Resizing",
    "RandomFlip",
    "RandomRotation",
    "RandomZoom",
    "RandomContrast",
    "RandomTranslation",
    "RandomCrop",
    "CenterCrop",
)
# tf functions called on Keras tensors (TFOpLambda) and the Keras 3 operation of the same math
_OPS = {
    "__operators__.add": "Add",
    "math.add": "Add",
    "math.subtract": "Subtract",
    "math.multiply": "Multiply",
    "math.truediv": "TrueDivide",
    "math.divide": "TrueDivide",
    "__operators__.getitem": "GetItem",
    "reshape": "Reshape",
    "concat": "Concatenate",
    "math.reduce_mean": "Mean",
    "math.reduce_sum": "Sum",
    "nn.relu": "Relu",
    "math.sigmoid": "Sigmoid",
    "math.tanh": "Tanh",
    "expand_dims": "ExpandDims",
    "compat.v1.transpose": "Transpose",
    "transpose": "Transpose",
}


def _f32(v: float) -> float:
    """tf_keras keeps some settings as float32 (LeakyReLU's 0.3 is 0.30000001192...): the
    shortest decimal that is the same float32."""
    try:
        packed = struct.pack("f", v)
    except (OverflowError, struct.error):
        return v
    if struct.unpack("f", packed)[0] != v:
        return v  # not a float32 value: keep it exact
    for digits in range(1, 10):
        short = float(f"{v:.{digits}g}")
        if struct.pack("f", short) == packed:
            return short
    return v


def plain(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return _f32(v)
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def layer_config(cls: str, config: dict) -> dict:
    out = {}
    dropped = _DROPPED["*"] + _DROPPED.get(cls, ())
    renames = _RENAMED.get(cls, {})
    for k, v in config.items():
        if k in dropped or (k in _DROPPED_AT and v == _DROPPED_AT[k] and type(v) is type(_DROPPED_AT[k])):
            continue
        out[renames.get(k, k)] = plain(v)
    for k, v in _ADDED.get(cls, {}).items():
        out.setdefault(k, v)
    if cls in _IMAGE_LAYERS:
        out.setdefault("data_format", "channels_last")  # Keras 2's image layers are channels-last
    return out


def _layer(lay: Layer) -> Layer:
    cls, cfg = lay.cls, lay.config
    if cls.endswith("OpLambda"):
        fn = str(cfg.get("function", ""))
        cls = _OPS.get(fn, f"{cls}(tf.{fn})")
        cfg = {k: v for k, v in cfg.items() if k != "function"}
    inner = normalize(lay.inner) if lay.inner is not None else None
    return replace(lay, cls=cls, config=layer_config(lay.cls, cfg), inner=inner)


def _optimizer(opt: dict) -> dict:
    cfg = dict(opt.get("config") or {})
    out = dict(opt)
    # how tf_keras runs the update (XLA or not, which class family), not what it computes
    for k in ("is_legacy_optimizer", "jit_compile"):
        cfg.pop(k, None)
    if "decay" in cfg:
        # keras.optimizers.legacy.*: no moving average of the weights; `decay` divides the rate
        # by (1 + decay * step), which Keras 3 spells as an InverseTimeDecay schedule
        cfg.setdefault("use_ema", False)
        cfg.setdefault("ema_momentum", 0.99)
        decay, lr = cfg.get("decay"), cfg.get("learning_rate")
        if not decay:
            cfg.pop("decay")
        elif isinstance(lr, (int, float)) and isinstance(decay, (int, float)):
            cfg.pop("decay")
            cfg["learning_rate"] = {
                "class": "InverseTimeDecay",
                "config": {
                    "initial_learning_rate": plain(float(lr)),
                    "decay_steps": 1,
                    "decay_rate": plain(float(decay)),
                    "staircase": False,
                },
            }
            out["legacy_decay"] = {"learning_rate": plain(float(lr)), "decay": plain(float(decay))}
    if not cfg.get("use_ema"):
        cfg.pop("ema_overwrite_frequency", None)
    out["config"] = plain(cfg)
    return out


def _loss(loss: Any) -> Any:
    if isinstance(loss, dict) and isinstance(loss.get("config"), dict):
        cfg = dict(loss["config"])
        if cfg.get("reduction") == "auto":  # Keras 2's "auto" is the mean over the batch
            cfg["reduction"] = "sum_over_batch_size"
        cfg.pop("fn", None)
        return {**loss, "config": cfg}
    return loss


def recipe(rec: dict) -> dict:
    comp = rec.get("compile")
    if not isinstance(comp, dict):
        return rec
    comp = dict(comp)
    if isinstance(comp.get("optimizer"), dict):
        comp["optimizer"] = _optimizer(comp["optimizer"])
    if isinstance(comp.get("loss"), list):
        comp["loss"] = [_loss(x) for x in comp["loss"]]
    # tf_keras's compile() leaves these None: eager off, one step per call, no XLA
    for k, v in (("run_eagerly", False), ("steps_per_execution", 1), ("jit_compile", False)):
        if comp.get(k) is None and k in comp:
            comp[k] = v
    return {**rec, "compile": comp}


def _axis(lay: Layer, rank: int | None) -> Layer:
    """tf_keras's BatchNormalization keeps its axis resolved ([1] for a rank-2 input); Keras 3
    keeps it as written (-1)."""
    axis = lay.config.get("axis")
    if not (isinstance(axis, list) and len(axis) == 1 and isinstance(axis[0], int)):
        return lay
    value = -1 if rank is not None and axis[0] == rank - 1 else axis[0]
    return replace(lay, config={**lay.config, "axis": value})


def normalize(g: Graph) -> Graph:
    """The graph tf_keras gave, in Keras 3's vocabulary."""
    ranks: dict[str, int] = {}
    for c in g.calls:
        shape = c.output_shapes[0] if c.output_shapes else None
        if shape is not None:
            ranks.setdefault(c.layer, len(shape))
    layers = []
    for lay in g.layers:
        lay = _layer(lay)
        if lay.cls in ("BatchNormalization", "LayerNormalization"):
            lay = _axis(lay, ranks.get(lay.key))
        layers.append(lay)
    return replace(g, layers=tuple(layers), recipe=recipe(g.recipe or {}))


__all__ = ["normalize", "layer_config", "recipe", "plain"]
