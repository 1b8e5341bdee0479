"""PyTorch parameters in Keras's weight layout, in plain numpy: the one place where both --probe
and the code that --emit-keras writes (which embeds this file's functions) convert weights.

Each function takes one module's state_dict entries (names relative to the module, numpy arrays)
and returns the Keras layer's weights in `get_weights()` order."""

from __future__ import annotations

import numpy as np


def dense(p: dict, rows: list | None = None) -> list:
    """nn.Linear -> Dense: the kernel transposed; after a channels-first flatten (`rows` =
    (C, H, W) it flattened) its rows reordered to Keras's (H, W, C) flatten order."""
    k = p["weight"].T
    if rows:
        c, *sp = rows
        k = k.reshape(c, *sp, -1).transpose(*range(1, len(sp) + 1), 0, len(sp) + 1).reshape(k.shape)
    return [k] + ([p["bias"]] if p.get("bias") is not None else [])


def conv(p: dict) -> list:
    """nn.ConvNd (out, in, *k) -> (*k, in, out); nn.ConvTransposeNd (in, out, *k) -> (*k, out, in)."""
    w = p["weight"]
    n = w.ndim - 2
    return [w.transpose(*range(2, 2 + n), 1, 0)] + ([p["bias"]] if p.get("bias") is not None else [])


def batchnorm(p: dict) -> list:
    """gamma, beta, moving mean, moving variance (those the module has)."""
    return [p[k] for k in ("weight", "bias", "running_mean", "running_var") if p.get(k) is not None]


def layernorm(p: dict) -> list:
    return [p[k] for k in ("weight", "bias") if p.get(k) is not None]


def embedding(p: dict) -> list:
    return [p["weight"]]


def lstm(p: dict) -> list:
    """Gates (i, f, g, o) are Keras's (i, f, c, o); the two biases sum to Keras's one."""
    out = [p["weight_ih_l0"].T, p["weight_hh_l0"].T]
    if p.get("bias_ih_l0") is not None:
        out.append(p["bias_ih_l0"] + p["bias_hh_l0"])
    return out


def _zrn(w: np.ndarray) -> np.ndarray:
    r, z, n = np.split(w, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def gru(p: dict) -> list:
    """Gates (r, z, n) reordered to Keras's (z, r, h); the two biases are Keras's reset_after
    bias of shape (2, 3 * units)."""
    out = [_zrn(p["weight_ih_l0"]).T, _zrn(p["weight_hh_l0"]).T]
    if p.get("bias_ih_l0") is not None:
        out.append(np.stack([_zrn(p["bias_ih_l0"]), _zrn(p["bias_hh_l0"])]))
    return out


def attention(p: dict, num_heads: int) -> list:
    """nn.MultiheadAttention -> MultiHeadAttention: each of the query, key and value projections
    (E, in) as an (in, H, D) kernel and an (H, D) bias; the output projection as (H, D, E)."""
    if p.get("in_proj_weight") is not None:
        w = p["in_proj_weight"]
        e = w.shape[0] // 3
        ws = [w[:e], w[e : 2 * e], w[2 * e :]]
    else:
        ws = [p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]]
    e = ws[0].shape[0]
    h, d = num_heads, e // num_heads
    bias = p.get("in_proj_bias")
    out: list = []
    for i, wi in enumerate(ws):
        out.append(wi.T.reshape(wi.shape[1], h, d))
        if bias is not None:
            out.append(bias[i * e : (i + 1) * e].reshape(h, d))
    out.append(p["out_proj.weight"].T.reshape(h, d, e))
    if bias is not None and p.get("out_proj.bias") is not None:
        out.append(p["out_proj.bias"])
    return out


def plain(p: dict) -> list:
    """Any other module: its parameters as they are."""
    return [v for k, v in p.items() if not k.endswith("num_batches_tracked")]


# Keras class -> the conversion for the PyTorch module translated as it.
BY_CLASS = {
    "Dense": dense,
    "Conv1D": conv,
    "Conv2D": conv,
    "Conv3D": conv,
    "Conv1DTranspose": conv,
    "Conv2DTranspose": conv,
    "Conv3DTranspose": conv,
    "BatchNormalization": batchnorm,
    "LayerNormalization": layernorm,
    "Embedding": embedding,
    "LSTM": lstm,
    "GRU": gru,
    "MultiHeadAttention": attention,
}
