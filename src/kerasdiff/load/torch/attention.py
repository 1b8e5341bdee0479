"""nn.MultiheadAttention in Keras terms (keras.layers.MultiHeadAttention), and its weights set
from Keras's layout (the probe's copy into PyTorch; kerasdiff.load.torch.layouts goes the other
way).

Translated: `batch_first=True` (Keras is batch-first), `attn(q, k, v)` with the attention output
used (`out, _ = attn(x, x, x)`), no masks, no `add_bias_kv` / `add_zero_attn`. The rest stays
untranslated (KD614 says so) rather than be guessed.

Layouts, E = embed_dim, H = num_heads, D = E / H: PyTorch's packed `in_proj_weight` (3E, E) holds
the query, key and value projections as rows of `x @ W.T`; Keras's `query/kernel` is (E, H, D),
so it is `W_q.T.reshape(E, H, D)` and its bias `b_q.reshape(H, D)`. The output projection
(E, E) on the heads concatenated is Keras's `attention_output/kernel` (H, D, E) = `W_o.T`
reshaped. Both scale the query by 1/sqrt(D)."""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np


def why_not(m: Any) -> Optional[str]:
    """Why this attention module is not translated (None: it is)."""
    if not getattr(m, "batch_first", False):
        return "batch_first=False (time-major)"
    if getattr(m, "bias_k", None) is not None:
        return "add_bias_kv=True"
    if getattr(m, "add_zero_attn", False):
        return "add_zero_attn=True"
    return None


_FAN_FREE = ("Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal", "TruncatedNormal")
# Keras's named fan-scaled initializers as VarianceScaling (scale, mode, distribution).
_NAMED = {
    "GlorotUniform": (1.0, "fan_avg", "uniform"),
    "GlorotNormal": (1.0, "fan_avg", "truncated_normal"),
    "HeUniform": (2.0, "fan_in", "uniform"),
    "HeNormal": (2.0, "fan_in", "truncated_normal"),
    "LecunUniform": (1.0, "fan_in", "uniform"),
    "LecunNormal": (1.0, "fan_in", "truncated_normal"),
}


def fan_free(init: Optional[dict], fans: tuple[int, int]) -> Optional[dict]:
    """The fixed-spread Keras initializer drawing like `init` on a kernel with these fans
    (PyTorch's fans of the tensor it initialized); None when no Keras initializer can.

    The projections are reshaped between the frameworks ((3E, E) packed vs (E, H, D) each) and
    Keras's fans of those kernels depend on its version (3.15 counts the einsum's input and
    output axes, older ones treat them as convolution kernels), so the draw is written with its
    bounds: RandomUniform(-limit, limit) or RandomNormal(0, std), the same in every version."""
    if init is None:
        return None
    cls = init.get("class")
    if cls in _FAN_FREE:
        return init
    if cls in _NAMED:
        scale, mode, dist = _NAMED[str(cls)]
    elif cls == "VarianceScaling":
        c = init["config"]
        scale, mode, dist = float(c["scale"]), str(c["mode"]), str(c["distribution"])
    else:  # Orthogonal of the packed matrix, anything unknown: no per-projection equivalent
        return None
    fan = {"fan_in": fans[0], "fan_out": fans[1]}.get(mode, (fans[0] + fans[1]) / 2)
    std = math.sqrt(scale / max(fan, 1.0))
    if dist == "uniform":
        limit = math.sqrt(3.0) * std
        return {"class": "RandomUniform", "config": {"minval": -limit, "maxval": limit, "seed": None}}
    if dist == "untruncated_normal":
        return {"class": "RandomNormal", "config": {"mean": 0.0, "stddev": std, "seed": None}}
    # Keras's truncated_normal: cut at two standard deviations, widened to keep the variance
    return {
        "class": "TruncatedNormal",
        "config": {"mean": 0.0, "stddev": std / 0.87962566103423978, "seed": None},
    }


def init_std(init: Optional[dict], fans: tuple[int, int]) -> Optional[float]:
    """The standard deviation an initializer draws with on a kernel with these fans (None:
    not a distribution this knows)."""
    fixed = fan_free(init, fans)
    if not fixed:
        return None
    cls, c = fixed.get("class"), fixed.get("config") or {}
    if cls in ("Zeros", "Ones", "Constant"):
        return 0.0
    if cls == "RandomUniform":
        return abs(float(c["maxval"]) - float(c["minval"])) / math.sqrt(12)
    if cls == "RandomNormal":
        return float(c["stddev"])
    return float(c["stddev"]) * 0.87962566103423978


def out_fans(m: Any) -> tuple[int, int]:
    """Keras 3.15's fans of the (H, D, E) output kernel: the H*D = E inputs, the E outputs (the
    rule compares spreads of the Keras side's initializer with them)."""
    e = int(m.embed_dim)
    return (e, e)


def in_proj_init(m: Any, rec: Optional[dict]) -> Optional[dict]:
    """Keras's `kernel_initializer` for the query/key/value kernels: PyTorch's xavier_uniform
    of the packed (3E, E) matrix (or the user's later nn.init call on it); None: not expressible."""
    from kerasdiff.load.torch import hooks

    e = int(m.embed_dim)
    if m.in_proj_weight is None:
        # kdim/vdim != embed_dim: PyTorch draws the three (E, kdim) projections each with its
        # own fans, which Keras's one kernel_initializer cannot give
        return None
    if rec is None or not rec.get("user"):
        rec = {"fn": "xavier_uniform_", "args": {}}  # _reset_parameters: U(+-sqrt(6 / 4E))
    return fan_free(hooks.keras_initializer(rec, e, 3 * e), (e, 3 * e))


def out_proj_init(m: Any, rec: Optional[dict]) -> Optional[dict]:
    """The Keras initializer drawing like PyTorch's output projection (an nn.Linear (E, E):
    kaiming_uniform(a=sqrt(5)), U(+-1/sqrt(E)); or the user's nn.init call) on the (H, D, E) kernel."""
    from kerasdiff.load.torch import hooks

    e = int(m.embed_dim)
    if rec is None or not rec.get("user"):
        rec = {"fn": "kaiming_uniform_", "args": {"a": math.sqrt(5)}}
    return fan_free(hooks.keras_initializer(rec, e, e), (e, e))


def config(m: Any, kernel_init: dict) -> dict:
    """The Keras MultiHeadAttention config that computes like `m`."""
    e, h = int(m.embed_dim), int(m.num_heads)
    d = e // h
    return {
        "num_heads": h,
        "key_dim": d,
        "value_dim": d,
        "dropout": float(m.dropout),
        "use_bias": m.in_proj_bias is not None,
        "use_gate": False,
        "output_shape": None,
        "attention_axes": [1],
        "sliding_window": None,
        # One initializer for all four projections in Keras; the output projection's own draw
        # is compared apart (KD617).
        "kernel_initializer": kernel_init,
        "bias_initializer": {"class": "Zeros", "config": {}},
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "seed": None,
    }


def keras_params(m: Any) -> int:
    return sum(int(p.numel()) for p in m.parameters())


def from_keras(m: Any, arrays: list) -> Optional[list[tuple[Any, np.ndarray]]]:
    """(parameter, value) pairs setting `m` from Keras-layout arrays; None when they do not fit."""
    e, h = int(m.embed_dim), int(m.num_heads)
    d = e // h
    with_bias = m.in_proj_bias is not None
    if len(arrays) != (8 if with_bias else 4):
        return None
    step = 2 if with_bias else 1
    ws = [np.asarray(arrays[i * step]).reshape(-1, e).T for i in range(3)]
    pairs: list[tuple[Any, np.ndarray]] = []
    if m.in_proj_weight is not None:
        pairs.append((m.in_proj_weight, np.concatenate(ws, axis=0)))
    else:
        pairs += [(m.q_proj_weight, ws[0]), (m.k_proj_weight, ws[1]), (m.v_proj_weight, ws[2])]
    if with_bias:
        pairs.append(
            (m.in_proj_bias, np.concatenate([np.asarray(arrays[i * 2 + 1]).reshape(e) for i in range(3)]))
        )
    pairs.append((m.out_proj.weight, np.asarray(arrays[3 * step]).reshape(h * d, e).T))
    if with_bias and m.out_proj.bias is not None:
        pairs.append((m.out_proj.bias, np.asarray(arrays[-1])))
    return pairs


__all__ = [
    "why_not",
    "config",
    "in_proj_init",
    "out_proj_init",
    "fan_free",
    "init_std",
    "keras_params",
    "from_keras",
]
