"""nn.LSTM / nn.GRU in Keras terms, and their weights in Keras's layout (kerasdiff.load.torch.probe).

Translated: one layer, one direction, `batch_first=True` (Keras is batch-first), with the output
used as a sequence (`out, _ = lstm(x)`) or as its last step (`h[-1]`, `out[:, -1]`), which is
Keras's `return_sequences=False`. Stacked (`num_layers > 1`), bidirectional, time-major or
projected RNNs stay untranslated (KD614 says so) rather than be guessed.

Layouts: PyTorch LSTM gates (i, f, g, o) are Keras's (i, f, c, o); the two PyTorch biases sum to
Keras's one. PyTorch GRU gates (r, z, n) are Keras's (z, r, h) reordered, its two biases are
Keras's `reset_after=True` bias of shape (2, 3 * units)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np


def why_not(m: Any) -> Optional[str]:
    """Why this RNN is not translated (None: it is)."""
    if int(m.num_layers) != 1:
        return f"num_layers={m.num_layers}"
    if m.bidirectional:
        return "bidirectional"
    if not m.batch_first:
        return "batch_first=False (time-major)"
    if getattr(m, "proj_size", 0):
        return f"proj_size={m.proj_size}"
    return None


def config(m: Any, init: dict, return_sequences: bool = True) -> dict:
    """The Keras LSTM/GRU config that computes like `m` (initializers given by the caller)."""
    cfg: dict = {
        "return_sequences": return_sequences,
        "return_state": False,
        "go_backwards": False,
        "stateful": False,
        "unroll": False,
        "zero_output_for_mask": False,
        "units": int(m.hidden_size),
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": bool(m.bias),
        "kernel_initializer": init["kernel"],
        "recurrent_initializer": init["recurrent"],
        "bias_initializer": init["bias"],
        "kernel_regularizer": None,
        "recurrent_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "recurrent_constraint": None,
        "bias_constraint": None,
        "dropout": 0.0,
        "recurrent_dropout": 0.0,
        "seed": None,
    }
    if type(m).__name__ == "LSTM":
        # PyTorch initializes the forget gate's bias like every other bias.
        cfg["unit_forget_bias"] = False
    else:
        cfg["reset_after"] = True  # PyTorch applies the reset gate after the recurrent matmul
    return cfg


def keras_params(m: Any) -> int:
    """Parameters of the Keras layer (one LSTM bias; GRU's reset_after bias is (2, 3u))."""
    h, n_in = int(m.hidden_size), int(m.input_size)
    gates = 4 if type(m).__name__ == "LSTM" else 3
    bias = (gates * h if gates == 4 else 2 * gates * h) if m.bias else 0
    return gates * h * (n_in + h) + bias


def _gru_torch_order(w: np.ndarray) -> np.ndarray:
    z, r, n = np.split(w, 3, axis=0)
    return np.concatenate([r, z, n], axis=0)


def from_keras(m: Any, arrays: list[np.ndarray]) -> Optional[list[tuple[Any, np.ndarray]]]:
    """(parameter, value) pairs setting `m` from Keras-layout arrays; None when they do not fit."""
    lstm = type(m).__name__ == "LSTM"
    if len(arrays) != (3 if m.bias else 2):
        return None
    k, r = arrays[0], arrays[1]
    if lstm:
        pairs = [(m.weight_ih_l0, k.T), (m.weight_hh_l0, r.T)]
        if m.bias:
            pairs += [(m.bias_ih_l0, arrays[2]), (m.bias_hh_l0, np.zeros_like(arrays[2]))]
    else:
        pairs = [(m.weight_ih_l0, _gru_torch_order(k.T)), (m.weight_hh_l0, _gru_torch_order(r.T))]
        if m.bias:
            b = arrays[2]
            if b.ndim != 2:
                return None
            pairs += [(m.bias_ih_l0, _gru_torch_order(b[0])), (m.bias_hh_l0, _gru_torch_order(b[1]))]
    if any(tuple(p.shape) != tuple(v.shape) for p, v in pairs):
        return None
    return pairs


__all__ = ["why_not", "config", "keras_params", "from_keras"]
