"""A PyTorch module -> the neutral Graph, written in Keras terms (docs/torch.md).

The module is traced with torch.fx (modules AND functional calls: `F.relu`, `torch.cat`,
`x.view`, `+`); each leaf module becomes the Keras layer a faithful port would use, with the
values that compute the same (BatchNorm momentum 0.1 -> 0.9, channels-first shapes written
channels-last, `nn.init` calls as Keras initializers), so the ordinary rules find what a port got
wrong and kerasdiff.load.torch.rules says which convention it is. What cannot be translated
stays visible: an unknown module or call is a layer named after it, never dropped.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

import numpy as np

from kerasdiff.graph import Call, Graph, InputSpec, Layer, OutputSpec, Weight
from kerasdiff.load.torch import hooks

_RELU = {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}
_ZEROS = {"class": "Zeros", "config": {}}
_ONES = {"class": "Ones", "config": {}}
_NO_REG = {
    "kernel_regularizer": None,
    "bias_regularizer": None,
    "kernel_constraint": None,
    "bias_constraint": None,
}
SPATIAL: tuple[str, ...] = (
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "BatchNorm2d",
    "BatchNorm3d",
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
)
SPATIAL += ("AvgPool1d", "AvgPool2d", "AvgPool3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")


@dataclass
class Translated:
    """One torch node in Keras terms: the layers to add (in order) and how its output is laid out."""

    layers: list = field(default_factory=list)  # [(key, cls, config, weights, params, trainable)]
    layout: Optional[str] = None  # None: as the input's


@dataclass
class _Ctx:
    module: Any  # the root module
    facts: dict  # graph.recipe["torch"]: conventions the rules need (momentum, flatten order...)
    origin_of: Callable[[Any], Optional[str]]


# --------------------------------------------------------------------------- leaf modules


def _tuple(v: Any, n: int) -> list:
    if isinstance(v, (tuple, list)):
        return [int(x) for x in v]
    return [int(v)] * n


def _params_of(m: Any, names: tuple[str, ...]) -> list:
    return [getattr(m, n) for n in names if getattr(m, n, None) is not None]


def _trainable(m: Any) -> bool:
    ps = list(m.parameters(recurse=False))
    return not ps or any(p.requires_grad for p in ps)


def _init(ctx: _Ctx, key: str, tensor: Any, fan_in: int, fan_out: int, role: str) -> dict:
    """The Keras initializer that draws like what last initialized `tensor` (torch default or
    the user's nn.init call); torch defaults are noted for KD603."""
    rec = hooks.INITS.get(id(tensor))
    init = hooks.keras_initializer(rec, fan_in, fan_out)
    default = rec is None or not rec.get("user")
    if init is None:  # set some other way (copy_, load_state_dict): say what we assume
        init = {
            "class": "VarianceScaling",
            "config": {"scale": 1 / 3, "mode": "fan_in", "distribution": "uniform", "seed": None},
        }
    if default:
        ctx.facts.setdefault("default_init", {})[f"{key}:{role}"] = {"fan_in": fan_in}
    return init


def _dense_like(ctx: _Ctx, key: str, m: Any, fan_in: int, fan_out: int) -> dict:
    cfg: dict = {
        "activation": "linear",
        "use_bias": m.bias is not None,
        "kernel_initializer": _init(ctx, key, m.weight, fan_in, fan_out, "kernel"),
        "bias_initializer": _init(ctx, key, m.bias, fan_in, fan_out, "bias")
        if m.bias is not None
        else _ZEROS,
    }
    cfg.update(_NO_REG)
    return cfg


def _w(name: str, shape: tuple, p: Any) -> Weight:
    return Weight(
        name, tuple(int(d) for d in shape), str(p.dtype).replace("torch.", ""), bool(p.requires_grad)
    )


def _linear(ctx: _Ctx, key: str, m: Any) -> Translated:
    cfg = {"units": int(m.out_features), **_dense_like(ctx, key, m, int(m.in_features), int(m.out_features))}
    cfg["quantization_config"] = None
    ws = [_w("kernel", (m.in_features, m.out_features), m.weight)]
    if m.bias is not None:
        ws.append(_w("bias", (m.out_features,), m.bias))
    return Translated([(key, "Dense", cfg, ws, None, _trainable(m))], "plain")


def _conv(ctx: _Ctx, key: str, m: Any) -> Translated:
    n = len(m.kernel_size)
    k, s, d = list(m.kernel_size), list(m.stride), list(m.dilation)
    transpose = type(m).__name__.startswith("ConvTranspose")
    groups = int(m.groups)
    in_ch, out_ch = int(m.in_channels), int(m.out_channels)
    fan_in = (out_ch if transpose else in_ch) // groups * math.prod(k)
    fan_out = (in_ch if transpose else out_ch) // groups * math.prod(k)
    out: list = []
    pad = m.padding
    if isinstance(pad, str):
        padding = pad
    else:
        p = _tuple(pad, n)
        eff = [dd * (kk - 1) for kk, dd in zip(k, d)]
        if not any(p):
            padding = "valid"
        elif (
            not transpose
            and all(ss == 1 for ss in s)
            and all(e % 2 == 0 and pp == e // 2 for pp, e in zip(p, eff))
        ):
            padding = "same"  # stride 1, odd kernel: symmetric padding is exactly Keras's "same"
        elif transpose:
            padding = f"torch:{p}"
        else:
            # What a faithful port writes: ZeroPadding + a valid convolution.
            padding = "valid"
            zcls = f"ZeroPadding{n}D"
            zcfg = {
                "padding": [[pp, pp] for pp in p] if n > 1 else [p[0], p[0]],
                "data_format": "channels_last",
            }
            out.append((f"{key}.padding", zcls, zcfg, [], 0, True))
            ctx.facts.setdefault("explicit_padding", {})[key] = {"padding": p, "strides": s, "kernel": k}
    if getattr(m, "padding_mode", "zeros") != "zeros":
        ctx.facts.setdefault("padding_mode", {})[key] = m.padding_mode
    cls = f"Conv{n}DTranspose" if transpose else f"Conv{n}D"
    cfg: dict = {
        "filters": out_ch,
        "kernel_size": k,
        "strides": s,
        "padding": padding,
        "data_format": "channels_last",
        "dilation_rate": d,
        "groups": groups,
    }
    if transpose:
        cfg.pop("groups")
        cfg["output_padding"] = None if not any(_tuple(m.output_padding, n)) else _tuple(m.output_padding, n)
    if getattr(m, "padding_mode", "zeros") != "zeros":
        cfg["padding_mode"] = m.padding_mode  # Keras has none: a visible difference
    cfg.update(_dense_like(ctx, key, m, fan_in, fan_out))
    cfg["activity_regularizer"] = None
    kshape = (*k, out_ch // groups, in_ch) if transpose else (*k, in_ch // groups, out_ch)
    ws = [_w("kernel", kshape, m.weight)]
    if m.bias is not None:
        ws.append(_w("bias", (out_ch,), m.bias))
    out.append((key, cls, cfg, ws, None, _trainable(m)))
    return Translated(out)


def _batchnorm(ctx: _Ctx, key: str, m: Any) -> Translated:
    mom = m.momentum
    ctx.facts.setdefault("batchnorm", {})[key] = {
        "momentum": mom,
        "eps": float(m.eps),
        "track_running_stats": bool(m.track_running_stats),
    }
    cfg: dict = {
        "axis": -1,
        # PyTorch's momentum weighs the new batch; Keras's the old statistics.
        "momentum": None if mom is None else round(1.0 - float(mom), 12),
        "epsilon": float(m.eps),
        "center": bool(m.affine),
        "scale": bool(m.affine),
        "beta_initializer": _ZEROS,
        "gamma_initializer": _ONES,
        "moving_mean_initializer": _ZEROS,
        "moving_variance_initializer": _ONES,
        "beta_regularizer": None,
        "gamma_regularizer": None,
        "beta_constraint": None,
        "gamma_constraint": None,
        "synchronized": type(m).__name__ == "SyncBatchNorm",
        "renorm": False,
        "renorm_clipping": None,
        "renorm_momentum": 0.99,
    }
    if not m.track_running_stats:
        cfg["track_running_stats"] = False  # batch statistics at inference too: no Keras setting
    c = int(m.num_features)
    ws = []
    if m.affine:
        ws += [_w("gamma", (c,), m.weight), _w("beta", (c,), m.bias)]
    if m.track_running_stats:
        ws += [
            Weight("moving_mean", (c,), "float32", False),
            Weight("moving_variance", (c,), "float32", False),
        ]
    return Translated([(key, "BatchNormalization", cfg, ws, None, _trainable(m))])


def _layernorm(ctx: _Ctx, key: str, m: Any) -> Translated:
    shape = list(m.normalized_shape)
    affine = bool(m.elementwise_affine)
    has_bias = affine and getattr(m, "bias", None) is not None
    ctx.facts.setdefault("layernorm", {})[key] = {"eps": float(m.eps)}
    cfg = {
        "axis": list(range(-len(shape), 0)),
        "epsilon": float(m.eps),
        "center": has_bias,
        "scale": affine,
        "rms_scaling": False,
        "beta_initializer": _ZEROS,
        "gamma_initializer": _ONES,
        "beta_regularizer": None,
        "gamma_regularizer": None,
        "beta_constraint": None,
        "gamma_constraint": None,
    }
    ws = []
    if affine:
        ws.append(_w("gamma", tuple(shape), m.weight))
    if has_bias:
        ws.append(_w("beta", tuple(shape), m.bias))
    return Translated([(key, "LayerNormalization", cfg, ws, None, _trainable(m))])


def _embedding(ctx: _Ctx, key: str, m: Any) -> Translated:
    init = _init(ctx, key, m.weight, int(m.num_embeddings), int(m.embedding_dim), "embeddings")
    if m.padding_idx is not None:
        ctx.facts.setdefault("padding_idx", {})[key] = int(m.padding_idx)
    cfg = {
        "input_dim": int(m.num_embeddings),
        "output_dim": int(m.embedding_dim),
        "embeddings_initializer": init,
        "embeddings_regularizer": None,
        "activity_regularizer": None,
        # padding_idx keeps its row at zero and untrained: in Keras terms the constraint that
        # zeroes the row after each update (KD618 spells it out as `PadRow`)
        "embeddings_constraint": None
        if m.padding_idx is None
        else {"class": "PadRow", "config": {"row": int(m.padding_idx)}},
        "mask_zero": False,
        "lora_rank": None,
        "lora_alpha": None,
    }
    ws = [_w("embeddings", (m.num_embeddings, m.embedding_dim), m.weight)]
    return Translated([(key, "Embedding", cfg, ws, None, _trainable(m))], "plain")


def _dropout(ctx: _Ctx, key: str, m: Any) -> Translated:
    name = type(m).__name__
    cls = {
        "Dropout1d": "SpatialDropout1D",
        "Dropout2d": "SpatialDropout2D",
        "Dropout3d": "SpatialDropout3D",
    }.get(name, "Dropout")
    cfg: dict = {"rate": float(m.p), "seed": None}
    if cls == "Dropout":
        cfg["noise_shape"] = None
    return Translated([(key, cls, cfg, [], 0, True)])


@dataclass
class _PoolArgs:
    """The settings of a functional pooling call, shaped like the pooling module's attributes."""

    kernel_size: Any
    stride: Any
    padding: Any
    ceil_mode: bool
    count_include_pad: bool


def _pool_module(ctx: _Ctx, key: str, m: Any) -> Translated:
    name = type(m).__name__
    return _pool(ctx, key, m, "Max" if name.startswith("Max") else "Average", int(name[-2]))


def _pool(ctx: _Ctx, key: str, m: Any, kind: str, n: int) -> Translated:
    k = _tuple(m.kernel_size, n)
    s = _tuple(m.stride if m.stride is not None else m.kernel_size, n)
    p = _tuple(getattr(m, "padding", 0), n)
    cfg: dict = {"pool_size": k, "padding": "valid", "strides": s, "data_format": "channels_last"}
    layers: list = []
    if any(p):
        # What a port writes: ZeroPadding + a valid pool. Exact for averages that count the
        # padding; PyTorch's max pool pads with -inf, equal only on non-negative inputs (the
        # torch rules check what feeds it).
        zcfg = {"padding": [[q, q] for q in p] if n > 1 else [p[0], p[0]], "data_format": "channels_last"}
        layers.append((f"{key}.padding", f"ZeroPadding{n}D", zcfg, [], 0, True))
        if kind == "Max":
            ctx.facts.setdefault("max_pool_padding", []).append(key)
    if getattr(m, "ceil_mode", False):
        cfg["ceil_mode"] = True  # Keras floors: a visible difference
    if kind == "Average" and any(p) and not getattr(m, "count_include_pad", True):
        cfg["count_include_pad"] = False
    layers.append((key, f"{kind}Pooling{n}D", cfg, [], 0, True))
    return Translated(layers)


def _adaptive_pool(ctx: _Ctx, key: str, m: Any) -> Translated:
    name = type(m).__name__
    n = int(name[-2])
    kind = "Max" if "Max" in name else "Average"
    size = _tuple(m.output_size, n)
    if all(x == 1 for x in size):
        cls = f"Global{kind}Pooling{n}D"
        return Translated([(key, cls, {"data_format": "channels_last", "keepdims": True}, [], 0, True)])
    return Translated([(key, f"torch.{name}", {"output_size": size}, [], 0, True)])


class _NotTranslated(Exception):
    """A module kerasdiff recognises but does not translate in this configuration (the reason)."""


def _rnn(ctx: _Ctx, key: str, m: Any) -> Translated:
    from kerasdiff.load.torch import recurrent

    why = recurrent.why_not(m)
    if why:
        raise _NotTranslated(why)
    h = int(m.hidden_size)
    # PyTorch draws every RNN weight and bias from U(-1/sqrt(hidden), 1/sqrt(hidden)).
    init = {
        "kernel": _init(ctx, key, m.weight_ih_l0, h, h, "kernel"),
        "recurrent": _init(ctx, key, m.weight_hh_l0, h, h, "recurrent"),
        "bias": _init(ctx, key, m.bias_ih_l0, h, h, "bias") if m.bias else _ZEROS,
    }
    if m.bias:
        ctx.facts.setdefault("rnn_two_biases", []).append(key)
    cfg = recurrent.config(m, init)
    return Translated([(key, type(m).__name__, cfg, [], recurrent.keras_params(m), _trainable(m))], "plain")


def _mha(ctx: _Ctx, key: str, m: Any) -> Translated:
    from kerasdiff.load.torch import attention

    why = attention.why_not(m)
    if why:
        raise _NotTranslated(why)
    w = m.in_proj_weight if m.in_proj_weight is not None else m.q_proj_weight
    rec = hooks.INITS.get(id(w))
    kernel = attention.in_proj_init(m, rec)
    if kernel is None:
        raise _NotTranslated(
            f"in-projection initialized by nn.init.{rec.get('fn')}"
            if rec and rec.get("user")
            else "kdim/vdim differ from embed_dim (three separately drawn projections)"
        )
    for b in (m.in_proj_bias, m.out_proj.bias):
        brec = hooks.INITS.get(id(b)) if b is not None else None
        # PyTorch zeroes both biases in _reset_parameters, as Keras's Zeros; another draw by the
        # script has no place in MultiHeadAttention's one bias_initializer shared by all four
        if brec and brec.get("user") and brec.get("fn") != "zeros_":
            raise _NotTranslated(f"attention bias initialized by nn.init.{brec.get('fn')}")
    cfg = attention.config(m, kernel)
    if not (rec or {}).get("user"):
        ctx.facts.setdefault("default_init", {})[f"{key}:kernel"] = {"bound": kernel["config"]["maxval"]}
    out = attention.out_proj_init(m, hooks.INITS.get(id(m.out_proj.weight)))
    if out != kernel:
        # Keras draws the output projection with the same kernel_initializer (KD617)
        ctx.facts.setdefault("mha_out_proj", {})[key] = {"init": out, "fans": list(attention.out_fans(m))}
    return Translated([(key, "MultiHeadAttention", cfg, [], attention.keras_params(m), _trainable(m))], None)


def _flatten_module(ctx: _Ctx, key: str, m: Any) -> Translated:
    if int(m.start_dim) != 1 or int(m.end_dim) != -1:
        return Translated(
            [(key, "torch.Flatten", {"start_dim": m.start_dim, "end_dim": m.end_dim}, [], 0, True)]
        )
    return Translated([(key, "Flatten", {"data_format": "channels_last"}, [], 0, True)], "plain")


def _activation_module(ctx: _Ctx, key: str, m: Any) -> Translated:
    name = type(m).__name__
    if name == "ReLU":
        return Translated([(key, "ReLU", dict(_RELU), [], 0, True)])
    if name == "ReLU6":
        return Translated([(key, "ReLU", {**_RELU, "max_value": 6.0}, [], 0, True)])
    if name == "LeakyReLU":
        ctx.facts.setdefault("leaky_relu", {})[key] = float(m.negative_slope)
        return Translated([(key, "LeakyReLU", {"negative_slope": float(m.negative_slope)}, [], 0, True)])
    if name == "GELU":
        approx = getattr(m, "approximate", "none")
        ctx.facts.setdefault("gelu", {})[key] = approx
        return Translated([(key, "Activation", {"activation": _gelu_name(approx)}, [], 0, True)])
    if name in ("Softmax", "LogSoftmax"):
        ctx.facts.setdefault("softmax_dim", {})[key] = m.dim
        if name == "LogSoftmax":
            return Translated([(key, "Activation", {"activation": "log_softmax"}, [], 0, True)])
        return Translated([(key, "Softmax", {"axis": _pending_axis(m.dim)}, [], 0, True)])
    if name == "ELU":
        return Translated([(key, "ELU", {"alpha": float(m.alpha)}, [], 0, True)])
    if name == "PReLU":
        ws = [_w("alpha", tuple(m.weight.shape), m.weight)]
        return Translated([(key, "PReLU", {"torch_num_parameters": int(m.num_parameters)}, ws, None, True)])
    act = {
        "Sigmoid": "sigmoid",
        "Tanh": "tanh",
        "SiLU": "silu",
        "Softplus": "softplus",
        "Mish": "mish",
        "Hardsigmoid": "hard_sigmoid",
        "Hardswish": "hard_silu",
        "Softsign": "softsign",
        "SELU": "selu",
    }.get(name)
    if act is None:
        return Translated([(key, f"torch.{name}", {}, [], 0, True)])
    return Translated([(key, "Activation", {"activation": act}, [], 0, True)])


def _gelu_name(approx: str) -> str:
    # Keras's "gelu" activation string is the exact form (keras.activations.gelu, approximate=False).
    return "gelu" if approx in (None, "none") else "gelu_tanh_approximation"


def _pending_axis(dim: Any) -> Any:
    return ("torch_dim", dim)


MODULES: dict[str, Callable[[_Ctx, str, Any], Translated]] = {
    "Linear": _linear,
    "LazyLinear": _linear,
    "Conv1d": _conv,
    "Conv2d": _conv,
    "Conv3d": _conv,
    "ConvTranspose1d": _conv,
    "ConvTranspose2d": _conv,
    "ConvTranspose3d": _conv,
    "BatchNorm1d": _batchnorm,
    "BatchNorm2d": _batchnorm,
    "BatchNorm3d": _batchnorm,
    "SyncBatchNorm": _batchnorm,
    "LayerNorm": _layernorm,
    "Embedding": _embedding,
    "Dropout": _dropout,
    "Dropout1d": _dropout,
    "Dropout2d": _dropout,
    "Dropout3d": _dropout,
    "AlphaDropout": _dropout,
    "MaxPool1d": _pool_module,
    "MaxPool2d": _pool_module,
    "MaxPool3d": _pool_module,
    "AvgPool1d": _pool_module,
    "AvgPool2d": _pool_module,
    "AvgPool3d": _pool_module,
    "AdaptiveAvgPool1d": _adaptive_pool,
    "AdaptiveAvgPool2d": _adaptive_pool,
    "AdaptiveAvgPool3d": _adaptive_pool,
    "AdaptiveMaxPool1d": _adaptive_pool,
    "AdaptiveMaxPool2d": _adaptive_pool,
    "AdaptiveMaxPool3d": _adaptive_pool,
    "Flatten": _flatten_module,
    "LSTM": _rnn,
    "GRU": _rnn,
    "MultiheadAttention": _mha,
}
for _n in (
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "GELU",
    "Softmax",
    "LogSoftmax",
    "ELU",
    "PReLU",
    "Sigmoid",
    "Tanh",
    "SiLU",
    "Softplus",
    "Mish",
    "Hardsigmoid",
    "Hardswish",
    "Softsign",
    "SELU",
):
    MODULES[_n] = _activation_module
IDENTITY_MODULES = ("Identity",)
# Layers that keep the layout of their input; everything else produces plain (batch, features).
_KEEPS_LAYOUT = {
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "BatchNormalization",
    "ReLU",
    "LeakyReLU",
    "Activation",
    "Softmax",
    "ELU",
    "PReLU",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "Add",
    "Subtract",
    "Multiply",
    "Concatenate",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "MultiHeadAttention",
}


def is_leaf(m: Any) -> bool:
    """Modules kerasdiff translates as one unit (the tracer does not enter them)."""
    return type(m).__name__ in MODULES or type(m).__name__ in IDENTITY_MODULES or _is_torch_builtin(m)


def _is_torch_builtin(m: Any) -> bool:
    mod = type(m).__module__ or ""
    return mod.startswith("torch.nn.") and not list(m.children()) and type(m).__name__ not in ("Sequential",)


# --------------------------------------------------------------------------- functional calls


def _fn_name(node: Any) -> str:
    t = node.target
    if node.op == "call_method":
        return str(t)
    name = getattr(t, "__name__", str(t))
    return name.lstrip("_") if name in ("__add__", "__mul__", "__sub__") else name


_ACT_FN = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "silu": "silu",
    "softplus": "softplus",
    "mish": "mish",
    "hardsigmoid": "hard_sigmoid",
    "hardswish": "hard_silu",
    "selu": "selu",
    "log_softmax": "log_softmax",
    "softsign": "softsign",
}
_IDENTITY_FN = {"contiguous", "clone", "detach", "float", "to", "type_as", "requires_grad_"}
_META_FN = {"size", "dim", "numel", "getattr"}


# --------------------------------------------------------------------------- the graph


class _Builder:
    def __init__(self, ctx: _Ctx, shapes: bool) -> None:
        self.ctx = ctx
        self.layers: dict[str, Layer] = {}
        self.calls: list[Call] = []
        self.refs: dict[str, str] = {}  # fx node name -> neutral ref
        self.layout: dict[str, str] = {}  # fx node name -> "cf" | "plain"
        self.meta: set[str] = set()  # fx nodes that are not tensors (sizes, dims)
        self.shapes = shapes
        self.untranslated: list[str] = []
        self.consumers: dict[str, int] = {}
        # For the probe: the fx node whose value each call stands for, the module behind each
        # layer, and (C, H, W) of a channels-first flatten feeding a Dense (its kernel rows).
        self.node_of_call: dict[str, str] = {}
        self.modules: dict[str, Any] = {}
        self.flat_rows: dict[str, list] = {}
        self.rows: dict[str, list] = {}
        # RNN outputs: fx node -> (call key, part): "module" (the tuple), "out" (all steps),
        # "state" (LSTM's (h, c)), "h" / "c" (all layers' last states)
        self.rnn: dict[str, tuple[str, str]] = {}
        self.attention: set[str] = set()  # fx nodes of translated attention calls: (out, weights)

    # ---- helpers
    def neutral_shape(self, node: Any, layout: str) -> Optional[tuple]:
        tm = node.meta.get("tensor_meta") if self.shapes else None
        shape = getattr(tm, "shape", None)
        if shape is None:
            return None
        dims = [int(d) for d in shape]
        if layout == "cf" and len(dims) >= 3:
            dims = [dims[0], *dims[2:], dims[1]]
        return (None, *dims[1:]) if dims else ()

    def dtype_of(self, node: Any) -> str:
        tm = node.meta.get("tensor_meta") if self.shapes else None
        return str(getattr(tm, "dtype", "torch.float32")).replace("torch.", "")

    def add(self, node: Any, tr: Translated, inputs: list[str], origin: Optional[str]) -> None:
        in_layout = self.layout.get(self._first_input(node), "plain")
        layout = tr.layout or in_layout
        refs = inputs
        for i, (key, cls, cfg, ws, params, trainable) in enumerate(tr.layers):
            if cls not in _KEEPS_LAYOUT and tr.layout is None and cls.startswith("torch."):
                layout = "plain"
            cfg = self._resolve_axis(cfg, in_layout, node)
            if key not in self.layers:
                n_params = params if params is not None else sum(w.size for w in ws)
                self.layers[key] = Layer(
                    key=key,
                    cls=cls,
                    config=cfg,
                    name=key,
                    params=n_params,
                    weights=tuple(ws),
                    trainable=trainable,
                    dtype="float32",
                    origin=origin,
                    auto_name=True,
                )
            ckey = f"c{len(self.calls)}"
            last = i == len(tr.layers) - 1
            shape = self.neutral_shape(node, layout) if last else None
            self.calls.append(
                Call(ckey, key, tuple(refs), (shape,) if last else (None,), (self.dtype_of(node),))
            )
            refs = [f"{ckey}:0"]
            if last:
                self.node_of_call[ckey] = node.name
        self.refs[node.name] = refs[0]
        self.layout[node.name] = layout

    def _first_input(self, node: Any) -> str:
        for a in _tensor_args(node):
            return a.name
        return ""

    def _resolve_axis(self, cfg: dict, layout: str, node: Any) -> dict:
        out = dict(cfg)
        for k, v in cfg.items():
            if isinstance(v, tuple) and len(v) == 2 and v[0] == "torch_dim":
                out[k] = _keras_axis(v[1], layout, self._rank(node))
        return out

    def _rank(self, node: Any) -> Optional[int]:
        tm = node.meta.get("tensor_meta") if self.shapes else None
        shape = getattr(tm, "shape", None)
        return len(shape) if shape is not None else None


def _tensor_args(node: Any) -> list:
    import torch.fx

    out: list = []

    def visit(a: Any) -> None:
        if isinstance(a, torch.fx.Node):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            for x in a:
                visit(x)

    for a in node.args:
        visit(a)
    for a in node.kwargs.values():
        visit(a)
    return out


def _keras_axis(dim: Any, layout: str, rank: Optional[int]) -> Any:
    """A torch dim as the Keras axis of the channels-last tensor."""
    if dim is None:
        return -1
    d = int(dim)
    if layout != "cf":
        return d if d < 0 or rank is None else (d - rank if d == rank - 1 else d)
    if rank is None:
        return -1 if d == 1 else d
    d = d % rank
    if d == 1:
        return -1
    return d - 1 if d >= 2 else d


class Untraceable(Exception):
    pass


def trace(model: Any) -> Any:
    import torch.fx

    class _Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m: Any, qualname: str) -> bool:  # noqa: ARG002 - fx's signature
            return is_leaf(m)

    tracer = _Tracer()
    tracer.record_stack_traces = True
    try:
        graph = tracer.trace(model)
    except Exception as exc:  # noqa: BLE001 - any failure means: fall back, and say so
        raise Untraceable(
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        ) from None
    return torch.fx.GraphModule(tracer.root, graph)


_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _node_origin(node: Any) -> Optional[str]:
    from kerasdiff.load.script import format_origin, is_user_file

    best = None
    for m in _FRAME.finditer(node.stack_trace or ""):
        if is_user_file(m.group("file")):
            best = (m.group("file"), int(m.group("line")))
    return format_origin(*best) if best else None


@dataclass
class LiveIndex:
    """What the probe needs to run a traced module by the graph's keys (kerasdiff.load.torch.probe)."""

    model: Any
    gm: Any  # the fx GraphModule (runs the module's own submodules)
    layers: dict  # layer key -> neutral Layer
    modules: dict  # layer key -> nn.Module
    node_of_call: dict  # call key -> fx node name
    layout: dict  # fx node name -> "cf" | "plain"
    input_layouts: list
    output_layouts: list
    rows: dict  # Dense layer key -> (C, H, W) of the channels-first flatten before it
    shapes: bool  # whether tensor shapes were propagated (rows need them)
    flat_rows: dict = field(default_factory=dict)  # flatten node -> (C, H, W) it flattened
    layout_hint: Optional[str] = None


def with_shapes(model: Any, inputs: list) -> LiveIndex:
    """The index again, traced with these inputs for shapes (a script without example_input: the
    (C, H, W) of a flatten before a Dense decides how that Dense's weights are copied)."""
    import torch

    idx = live_index(model)
    if idx.shapes or idx.gm is None:
        return idx
    xs = tuple(
        torch.as_tensor(np.ascontiguousarray(np.moveaxis(x, -1, 1) if lay == "cf" and x.ndim >= 3 else x))
        for x, lay in zip(inputs, idx.input_layouts)
    )
    build_graph(model, "", "", xs, idx.layout_hint, lambda m: None)
    return live_index(model)


_LIVE: dict[int, LiveIndex] = {}


def live_index(model: Any) -> LiveIndex:
    """The index built when the module was extracted in this worker."""
    idx = _LIVE.get(id(model))
    if idx is None:
        raise RuntimeError("the module was not traced in this worker")
    return idx


def build_graph(
    model: Any,
    spec: str,
    name: str,
    example: Optional[tuple],
    layout_hint: Optional[str],
    origin_of: Callable[[Any], Optional[str]],
) -> tuple[Graph, dict]:
    """Trace and translate; returns the graph and the facts for the torch rules."""
    import torch

    facts: dict = {}
    ctx = _Ctx(model, facts, origin_of)
    try:
        gm = trace(model)
    except Untraceable as exc:
        facts["untraced"] = str(exc)
        g = _sequence_graph(ctx, model, spec, name, example, layout_hint)
        mods = dict(model.named_modules())
        _LIVE[id(model)] = LiveIndex(
            model=model,
            gm=None,
            layers=g.layer_map(),
            modules={l.key: mods[l.key] for l in g.layers if l.key in mods},
            node_of_call={},
            layout={},
            input_layouts=[layout_hint == "channels_first" and "cf" or "plain"],
            output_layouts=["plain"],
            rows={},
            shapes=False,
        )
        return g, facts
    shapes = False
    if example is not None:
        from torch.fx.passes.shape_prop import ShapeProp

        was_training = model.training
        try:
            model.eval()  # BatchNorm must not update its statistics while we look
            with torch.no_grad():
                ShapeProp(gm).propagate(*example)
            shapes = True
        except Exception as exc:  # noqa: BLE001 - the example does not fit: shapes stay unknown
            facts["shape_error"] = (
                f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
            )
        finally:
            model.train(was_training)
    b = _Builder(ctx, shapes)
    mods = dict(gm.named_modules())
    nodes = list(gm.graph.nodes)
    for node in nodes:
        for a in _tensor_args(node):
            b.consumers[a.name] = b.consumers.get(a.name, 0) + 1
    inputs: list[InputSpec] = []
    outputs: list[OutputSpec] = []
    input_layouts = _input_layouts(nodes, mods, layout_hint)
    for node in nodes:
        if node.op == "placeholder":
            i = len(inputs)
            lay = input_layouts.get(node.name, "plain")
            b.refs[node.name] = f"in:{i}"
            b.layout[node.name] = lay
            inputs.append(
                InputSpec(
                    name=node.name, shape=b.neutral_shape(node, lay), dtype=b.dtype_of(node), auto_name=True
                )
            )
        elif node.op == "output":
            for a in _flat(node.args[0]):
                ref = b.refs.get(getattr(a, "name", ""))
                if ref is not None:
                    outputs.append(OutputSpec(ref, ""))
        elif node.op == "call_module":
            m = mods[node.target]
            _module_node(b, node, m)
        elif node.op in ("call_function", "call_method"):
            _function_node(b, node)
        elif node.op == "get_attr":
            b.meta.add(node.name)
    if b.untranslated:
        facts["untranslated"] = sorted(set(b.untranslated))
    # What --emit-keras needs to write the weight copy and the input conversion (parent side).
    facts["input_layouts"] = [b.layout.get(n.name, "plain") for n in nodes if n.op == "placeholder"]
    if b.rows:
        facts["dense_rows"] = {k: list(v) for k, v in b.rows.items()}
    out_nodes = list(_flat(nodes[-1].args[0])) if nodes and nodes[-1].op == "output" else []
    facts["output_layouts"] = [b.layout.get(getattr(a, "name", ""), "plain") for a in out_nodes]
    _LIVE[id(model)] = LiveIndex(
        model=model,
        gm=gm,
        layers=dict(b.layers),
        modules=dict(b.modules),
        node_of_call=dict(b.node_of_call),
        layout=dict(b.layout),
        input_layouts=[b.layout.get(n.name, "plain") for n in nodes if n.op == "placeholder"],
        output_layouts=[b.layout.get(getattr(a, "name", ""), "plain") for a in out_nodes],
        rows=dict(b.rows),
        shapes=shapes,
        flat_rows=dict(b.flat_rows),
        layout_hint=layout_hint,
    )
    layers = tuple(b.layers.values())
    params = sum(int(p.numel()) for p in model.parameters())
    buffers = sum(
        int(x.numel()) for k, x in model.named_buffers() if k.endswith(("running_mean", "running_var"))
    )
    trainable = sum(int(p.numel()) for p in model.parameters() if p.requires_grad)
    g = Graph(
        name=name,
        cls=type(model).__name__,
        framework="torch",
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        layers=layers,
        calls=tuple(b.calls),
        params=params + buffers,  # Keras counts BatchNorm's moving statistics as parameters
        trainable_params=trainable,
        structure="graph",
        spec=spec,
    )
    return g, facts


def _flat(v: Any) -> list:
    if isinstance(v, (list, tuple)):
        return [x for a in v for x in _flat(a)]
    if isinstance(v, dict):
        return [x for a in v.values() for x in _flat(a)]
    return [v]


def _input_layouts(nodes: list, mods: dict, hint: Optional[str]) -> dict:
    """channels-first for inputs that feed a convolution, batch norm over maps or pooling first
    (DESIGN.md); module-level `input_layout` overrides."""
    out: dict = {}
    for node in nodes:
        if node.op != "placeholder":
            continue
        if hint in ("channels_first", "channels_last"):
            out[node.name] = "cf" if hint == "channels_first" else "plain"
            continue
        frontier = [node]
        seen = set()
        lay = "plain"
        while frontier:
            n = frontier.pop(0)
            for user in n.users:
                if user.name in seen:
                    continue
                seen.add(user.name)
                if user.op == "call_module":
                    cls = type(mods[user.target]).__name__
                    if cls in SPATIAL:
                        lay = "cf"
                        frontier = []
                        break
                    if cls in MODULES and MODULES[cls] in (_dropout, _activation_module):
                        frontier.append(user)
                elif user.op in ("call_function", "call_method") and _fn_name(user) in _IDENTITY_FN | {
                    "relu"
                }:
                    frontier.append(user)
        out[node.name] = lay
    return out


def _module_node(b: _Builder, node: Any, m: Any) -> None:
    cls = type(m).__name__
    key = node.target
    origin = b.ctx.origin_of(m) or _node_origin(node)
    ins = [b.refs[a.name] for a in _tensor_args(node) if a.name in b.refs]
    if cls in IDENTITY_MODULES:
        b.refs[node.name] = ins[0] if ins else ""
        b.layout[node.name] = b.layout.get(_first(node), "plain")
        return
    fn = MODULES.get(cls)
    if fn is _flatten_module and int(m.start_dim) == 1 and int(m.end_dim) == -1:
        args = _tensor_args(node)
        if args and _fold_global(b, node, args[0], ins):
            return
        if args:
            _note_flatten(b, node, args[0])
    if fn is _mha:
        qkv = _attention_inputs(node)
        if qkv is None:
            fn = None
            b.untranslated.append(f"{cls} ({key}: called with a mask or without query, key, value)")
        else:
            q, k, v = (b.refs.get(a.name, "") for a in qkv)
            # Keras's call is attention(query, value, key=None): the key defaults to the value.
            ins = [q, v] if k == v else [q, v, k]
    if fn is None:
        if cls != "MultiheadAttention":
            b.untranslated.append(f"{cls} ({key})")
        tr = Translated(
            [
                (
                    key,
                    f"torch.{cls}",
                    _public_settings(m),
                    [_w(n, tuple(p.shape), p) for n, p in m.named_parameters(recurse=False)],
                    None,
                    _trainable(m),
                )
            ],
            "plain",
        )
    else:
        try:
            tr = fn(b.ctx, key, m)
        except _NotTranslated as why:
            b.untranslated.append(f"{cls} ({key}: {why})")
            tr = Translated([(key, f"torch.{cls}", _public_settings(m), [], None, _trainable(m))], "plain")
    b.modules[key] = m
    args = _tensor_args(node)
    if cls in ("Linear", "LazyLinear") and args and args[0].name in b.flat_rows:
        b.rows[key] = b.flat_rows[args[0].name]
    b.add(node, tr, ins, origin)
    if fn is _rnn and not tr.layers[0][1].startswith("torch."):
        b.rnn[node.name] = (b.calls[-1].key, "module")
    if fn is _mha and not tr.layers[0][1].startswith("torch."):
        b.attention.add(node.name)


def _attention_inputs(node: Any) -> Optional[list]:
    """query, key, value of an attention call; None when it passes masks (not translated)."""
    import torch.fx

    names = ("query", "key", "value")
    got = [node.kwargs.get(n, node.args[i] if len(node.args) > i else None) for i, n in enumerate(names)]
    if not all(isinstance(a, torch.fx.Node) for a in got):
        return None
    extra = [a for a in _tensor_args(node) if all(a is not g for g in got)]
    return None if extra else got


def _public_settings(m: Any) -> dict:
    out = {}
    for k, v in vars(m).items():
        if not k.startswith("_") and k != "training" and isinstance(v, (int, float, str, bool, tuple)):
            out[k] = list(v) if isinstance(v, tuple) else v
    return out


def _first(node: Any) -> str:
    args = _tensor_args(node)
    return args[0].name if args else ""


def _arg(node: Any, i: int, name: str, default: Any = None) -> Any:
    if name in node.kwargs:
        return node.kwargs[name]
    return node.args[i] if len(node.args) > i else default


def _function_node(b: _Builder, node: Any) -> None:
    name = _fn_name(node)
    first = _tensor_args(node)
    if first and first[0].name in b.rnn and _rnn_part(b, node, first[0]):
        return
    tensors = [a for a in _tensor_args(node) if a.name not in b.meta]
    if name in _META_FN or (name == "getitem" and tensors and tensors[0].name in b.meta) or not tensors:
        b.meta.add(node.name)
        return
    src = tensors[0]
    lay = b.layout.get(src.name, "plain")
    ins = [b.refs[a.name] for a in tensors if a.name in b.refs]
    origin = _node_origin(node)
    key = node.name
    if name == "getitem" and src.name in b.attention and node.args[1] != 0 and node.users:
        # the averaged attention weights: Keras returns them only with return_attention_scores
        b.untranslated.append(
            f"the attention weights of {src.target if src.op == 'call_module' else src.name}"
        )
        tr0 = Translated([(key, "torch.attention_weights", {}, [], 0, True)], "plain")
        b.add(node, tr0, ins, origin)
        return
    if name == "getitem" and src.name in b.attention and node.args[1] == 0:
        # the attention output: what the Keras layer returns (and what the probe records)
        ckey = b.refs[src.name].rpartition(":")[0]
        i = next(j for j, c in enumerate(b.calls) if c.key == ckey)
        shape = b.neutral_shape(node, lay)
        b.calls[i] = replace(b.calls[i], output_shapes=(shape,), output_dtypes=(b.dtype_of(node),))
        b.node_of_call[ckey] = node.name
        b.refs[node.name] = f"{ckey}:0"
        b.layout[node.name] = lay
        return
    if name == "getitem" and isinstance(node.args[1], int):
        base = b.refs.get(src.name, "")
        call = base.rpartition(":")[0]
        b.refs[node.name] = f"{call}:{node.args[1]}" if call else base
        b.layout[node.name] = lay
        return
    if name in _IDENTITY_FN or (name == "dropout" and not _training_dropout(node)):
        b.refs[node.name] = ins[0]
        b.layout[node.name] = lay
        return
    tr: Optional[Translated] = None
    if name in ("relu", "relu_"):
        tr = Translated([(key, "ReLU", dict(_RELU), [], 0, True)])
    elif name == "relu6":
        tr = Translated([(key, "ReLU", {**_RELU, "max_value": 6.0}, [], 0, True)])
    elif name in ("leaky_relu", "leaky_relu_"):
        slope = float(_arg(node, 1, "negative_slope", 0.01))
        b.ctx.facts.setdefault("leaky_relu", {})[key] = slope
        tr = Translated([(key, "LeakyReLU", {"negative_slope": slope}, [], 0, True)])
    elif name == "gelu":
        approx = _arg(node, 1, "approximate", "none")
        b.ctx.facts.setdefault("gelu", {})[key] = approx
        tr = Translated([(key, "Activation", {"activation": _gelu_name(approx)}, [], 0, True)])
    elif name in _ACT_FN:
        if name == "log_softmax":
            b.ctx.facts.setdefault("softmax_dim", {})[key] = _arg(node, 1, "dim")
        tr = Translated([(key, "Activation", {"activation": _ACT_FN[name]}, [], 0, True)])
    elif name == "softmax":
        dim = _arg(node, 1, "dim")
        b.ctx.facts.setdefault("softmax_dim", {})[key] = dim
        tr = Translated([(key, "Softmax", {"axis": _pending_axis(dim)}, [], 0, True)])
    elif name == "dropout":
        tr = Translated(
            [
                (
                    key,
                    "Dropout",
                    {"rate": float(_arg(node, 1, "p", 0.5)), "seed": None, "noise_shape": None},
                    [],
                    0,
                    True,
                )
            ]
        )
    elif name in ("cat", "concat", "concatenate"):
        dim = _arg(node, 1, "dim", 0)
        tr = Translated([(key, "Concatenate", {"axis": _pending_axis(dim)}, [], 0, True)])
    elif name in ("add", "iadd", "sub", "mul", "imul") and len(tensors) == 2:
        cls = {"add": "Add", "iadd": "Add", "sub": "Subtract", "mul": "Multiply", "imul": "Multiply"}[name]
        tr = Translated([(key, cls, {}, [], 0, True)])
    elif name in ("flatten", "view", "reshape") and _flattens(node, b):
        if _fold_global(b, node, src, ins):
            return
        _note_flatten(b, node, src)
        tr = Translated([(key, "Flatten", {"data_format": "channels_last"}, [], 0, True)], "plain")
    elif re.fullmatch(r"(max|avg)_pool[123]d", name):
        n = int(name[-2])
        k = _tuple(_arg(node, 1, "kernel_size"), n)
        st = _arg(node, 2, "stride", None)
        pm = _PoolArgs(
            k,
            _tuple(st, n) if st not in (None, [], ()) else k,
            _arg(node, 3, "padding", 0),
            bool(_arg(node, 4 if name.startswith("avg") else 5, "ceil_mode", False)),
            bool(_arg(node, 5, "count_include_pad", True)),
        )
        tr = _pool(b.ctx, key, pm, "Max" if name.startswith("max") else "Average", n)
    elif re.fullmatch(r"adaptive_(max|avg)_pool[123]d", name):
        n = int(name[-2])
        size = _tuple(_arg(node, 1, "output_size"), n)
        kind = "Max" if "max" in name else "Average"
        if all(x == 1 for x in size):
            tr = Translated(
                [
                    (
                        key,
                        f"Global{kind}Pooling{n}D",
                        {"data_format": "channels_last", "keepdims": True},
                        [],
                        0,
                        True,
                    )
                ]
            )
    elif name == "mean" and lay != "cf" and _arg(node, 1, "dim") in (1, (1,), [1]) and b._rank(src) == 3:
        keep = bool(_arg(node, 2, "keepdim", False))
        tr = Translated(
            [
                (
                    key,
                    "GlobalAveragePooling1D",
                    {"data_format": "channels_last", "keepdims": keep},
                    [],
                    0,
                    True,
                )
            ],
            None if keep else "plain",
        )
    elif name == "mean" and lay == "cf" and _is_spatial_mean(node, b):
        n = (b._rank(src) or 4) - 2
        keep = bool(_arg(node, 2, "keepdim", False))
        tr = Translated(
            [
                (
                    key,
                    f"GlobalAveragePooling{n}D",
                    {"data_format": "channels_last", "keepdims": keep},
                    [],
                    0,
                    True,
                )
            ],
            None if keep else "plain",
        )
    if tr is None:
        consts = {str(i): a for i, a in enumerate(node.args) if isinstance(a, (int, float, str, bool))}
        consts.update({k: v for k, v in node.kwargs.items() if isinstance(v, (int, float, str, bool))})
        b.untranslated.append(f"{name} ({origin or key})")
        tr = Translated([(key, f"torch.{name}", consts, [], 0, True)], None)
    b.add(node, tr, ins, origin)


def _last_step(node: Any) -> bool:
    """x[:, -1] / x[:, -1, :] (the last time step of a batch-first sequence)."""
    idx = node.args[1] if len(node.args) > 1 else None
    if not isinstance(idx, tuple) or len(idx) not in (2, 3) or idx[1] != -1:
        return False
    full = slice(None, None, None)
    return idx[0] == full and (len(idx) == 2 or idx[2] == full)


def _rnn_part(b: _Builder, node: Any, src: Any) -> bool:
    """Follow `out, (h, c) = lstm(x)` to the value used: the sequence, or its last step (Keras's
    return_sequences=False). False: not an RNN pattern we know (the caller treats it as usual)."""
    ckey, part = b.rnn[src.name]
    call = next(c for c in b.calls if c.key == ckey)
    lstm = b.layers[call.layer].cls == "LSTM"
    name = _fn_name(node)
    idx = node.args[1] if name == "getitem" and len(node.args) > 1 else None
    new: Optional[str] = None
    if part == "module" and idx == 0:
        new = "out"
    elif part == "module" and idx == 1:
        new = "state" if lstm else "h"
    elif part == "state" and idx in (0, 1):
        new = "h" if idx == 0 else "c"
    if new is not None:
        b.rnn[node.name] = (ckey, new)
        if new == "out":
            b.refs[node.name] = f"{ckey}:0"
            b.layout[node.name] = "plain"
        else:
            b.meta.add(node.name)  # not a value the graph carries until its last step is taken
        return True
    last = (part == "h" and (idx in (-1, 0) or (name == "squeeze" and _arg(node, 1, "dim", 0) == 0))) or (
        part == "out" and name == "getitem" and _last_step(node)
    )
    if part == "c" or (part in ("h", "state") and not last):
        b.untranslated.append(f"{'cell' if part == 'c' else 'hidden'} state of {call.layer} used directly")
        b.meta.discard(node.name)
        return False
    if not last:
        return False
    seq = next((u for u in b.rnn if b.rnn[u] == (ckey, "out")), None)
    if seq is not None and seq != src.name and any(True for _ in _users(node.graph, seq)):
        b.untranslated.append(f"{call.layer}: both its sequence and its last state are used")
        return False
    layer = b.layers[call.layer]
    b.layers[call.layer] = replace(layer, config={**layer.config, "return_sequences": False})
    i = b.calls.index(call)
    b.calls[i] = Call(
        call.key, call.layer, call.inputs, (b.neutral_shape(node, "plain"),), call.output_dtypes
    )
    b.refs[node.name] = f"{ckey}:0"
    b.layout[node.name] = "plain"
    b.node_of_call[ckey] = node.name
    return True


def _users(graph: Any, name: str) -> list:
    node = next((n for n in graph.nodes if n.name == name), None)
    return list(node.users) if node is not None else []


def _fold_global(b: _Builder, node: Any, src: Any, ins: list[str]) -> bool:
    """AdaptiveAvgPool2d(1) + flatten is Keras's GlobalAveragePooling2D(): one layer, keepdims off."""
    prev = _call_of(b, ins[0]) if ins else None
    if prev is None or not b.layers[prev.layer].cls.startswith("Global") or b.consumers.get(src.name) != 1:
        return False
    layer = b.layers[prev.layer]
    b.layers[prev.layer] = replace(layer, config={**layer.config, "keepdims": False})
    idx = b.calls.index(prev)
    b.calls[idx] = Call(
        prev.key, prev.layer, prev.inputs, (b.neutral_shape(node, "plain"),), prev.output_dtypes
    )
    b.refs[node.name] = ins[0]
    b.layout[node.name] = "plain"
    b.node_of_call[prev.key] = node.name  # the flattened (N, C) value, not the (N, C, 1, 1) one
    return True


def _note_flatten(b: _Builder, node: Any, src: Any) -> None:
    """A channels-first map flattened: KD610, and the (C, H, W) a following Dense's rows come in."""
    if b.layout.get(src.name) != "cf" or _spatial_size(src, b) == 1:
        return
    b.ctx.facts.setdefault("flatten_cf", []).append(node.target if node.op == "call_module" else node.name)
    tm = src.meta.get("tensor_meta") if b.shapes else None
    if tm is not None:
        b.flat_rows[node.name] = [int(d) for d in tm.shape[1:]]


def _training_dropout(node: Any) -> bool:
    """F.dropout(x, p, training=...): a constant False is a no-op; anything else may drop."""
    t = _arg(node, 2, "training", True)
    return t is not False


def _call_of(b: _Builder, ref: str) -> Optional[Call]:
    key = ref.rpartition(":")[0]
    for c in reversed(b.calls):
        if c.key == key:
            return c
    return None


def _flattens(node: Any, b: _Builder) -> bool:
    name = _fn_name(node)
    if name == "flatten":
        start = _arg(node, 1, "start_dim", 0)
        end = _arg(node, 2, "end_dim", -1)
        return start == 1 and end == -1
    tm = node.meta.get("tensor_meta") if b.shapes else None
    if tm is not None:
        return len(tm.shape) == 2
    shape_args = list(node.args[1:])
    if len(shape_args) == 1 and isinstance(shape_args[0], (list, tuple)):
        shape_args = list(shape_args[0])
    return len(shape_args) == 2 and shape_args[1] == -1


def _spatial_size(node: Any, b: _Builder) -> Optional[int]:
    tm = node.meta.get("tensor_meta") if b.shapes else None
    if tm is None:
        return None
    return math.prod(int(d) for d in tm.shape[2:])


def _is_spatial_mean(node: Any, b: _Builder) -> bool:
    dims = _arg(node, 1, "dim")
    rank = b._rank(node.args[0]) if hasattr(node.args[0], "meta") else None
    if isinstance(dims, (list, tuple)):
        want = list(range(2, rank)) if rank else [2, 3]
        return sorted(int(d) % (rank or 4) for d in dims) == want
    return False


def _sequence_graph(
    ctx: _Ctx, model: Any, spec: str, name: str, example: Optional[tuple], hint: Optional[str]
) -> Graph:
    """Leaf modules in named_modules() order (forward() could not be traced)."""
    layers: list[Layer] = []
    calls: list[Call] = []
    prev = "in:0"
    for qual, m in model.named_modules():
        if not qual or not is_leaf(m) or type(m).__name__ in IDENTITY_MODULES:
            continue
        fn = MODULES.get(type(m).__name__)
        if fn is None:
            tr = Translated(
                [(qual, f"torch.{type(m).__name__}", _public_settings(m), [], None, _trainable(m))]
            )
        else:
            tr = fn(ctx, qual, m)
        for key, cls, cfg, ws, params, trainable in tr.layers:
            cfg = {
                k: (-1 if isinstance(v, tuple) and v and v[0] == "torch_dim" else v) for k, v in cfg.items()
            }
            layers.append(
                Layer(
                    key=key,
                    cls=cls,
                    config=cfg,
                    name=key,
                    params=params if params is not None else sum(w.size for w in ws),
                    weights=tuple(ws),
                    trainable=trainable,
                    origin=ctx.origin_of(m),
                )
            )
            ckey = f"c{len(calls)}"
            calls.append(Call(ckey, key, (prev,), (None,), ("float32",)))
            prev = f"{ckey}:0"
    params = sum(int(p.numel()) for p in model.parameters())
    return Graph(
        name=name,
        cls=type(model).__name__,
        framework="torch",
        inputs=(InputSpec("input", None),),
        outputs=(OutputSpec(prev, ""),),
        layers=tuple(layers),
        calls=tuple(calls),
        params=params,
        trainable_params=sum(int(p.numel()) for p in model.parameters() if p.requires_grad),
        structure="sequence",
        spec=spec,
        call_source=_forward_source(model),
    )


def _forward_source(model: Any) -> Optional[str]:
    """`Class.forward:<sha>`: two untraceable modules with the same forward() code match."""
    from kerasdiff.load.code import source_sha

    sha = source_sha(type(model).forward)
    return f"{type(model).__name__}.forward:{sha[:12]}" if sha else None


_ = operator  # operator.add etc. arrive as fx targets; named by _fn_name
