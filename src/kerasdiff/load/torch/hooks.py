"""PyTorch in user scripts: where modules, optimizers and DataLoaders were built, and which
`nn.init` function last set each parameter (the initializer a Keras port must reproduce)."""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Optional

# Set while a script runs (and kept for extraction): id -> what we recorded about the object.
_STATE: dict = {"origin": None, "active": False}
ORIGINS: dict[int, str] = {}  # id(module / optimizer / DataLoader) -> "script.py:12"
INITS: dict[int, dict] = {}  # id(parameter tensor) -> {"fn": "xavier_uniform_", "args": {...}, "user": bool}
_KEEP: list = []  # the objects behind the ids above stay alive, so an id is never reused
_UNDO: list[tuple[Any, str, Any]] = []

INIT_FUNCTIONS = (
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
)


def _patch(owner: Any, name: str, wrapper_of: Callable[[Any], Any]) -> None:
    orig = getattr(owner, name)
    _UNDO.append((owner, name, orig))
    setattr(owner, name, wrapper_of(orig))


def install(origin: Callable[[], Optional[str]]) -> None:
    """Record construction sites and init calls (the originals are restored by stop())."""
    import torch
    import torch.utils.data

    _STATE.update(origin=origin, active=True)

    def constructed(orig: Any) -> Any:
        @functools.wraps(orig)
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            if id(self) not in ORIGINS and _STATE["active"]:
                where = _STATE["origin"]()
                if where:
                    ORIGINS[id(self)] = where
                    _KEEP.append(self)
            orig(self, *args, **kwargs)

        return init

    _patch(torch.nn.Module, "__init__", constructed)
    _patch(torch.optim.Optimizer, "__init__", constructed)
    _patch(torch.utils.data.DataLoader, "__init__", constructed)

    def recorded(fn_name: str) -> Callable[[Any], Any]:
        def wrap(orig: Any) -> Any:
            @functools.wraps(orig)
            def init_fn(tensor: Any, *args: Any, **kwargs: Any) -> Any:
                out = orig(tensor, *args, **kwargs)
                if _STATE["active"]:
                    INITS[id(tensor)] = {
                        "fn": fn_name,
                        "args": _bound(orig, tensor, args, kwargs),
                        # Called from the user's own code (not a module's reset_parameters).
                        "user": _called_by_user(),
                    }
                    _KEEP.append(tensor)
                return out

            return init_fn

        return wrap

    for name in INIT_FUNCTIONS:
        if hasattr(torch.nn.init, name):
            _patch(torch.nn.init, name, recorded(name))


def _called_by_user() -> bool:
    import sys

    from kerasdiff.load.script import is_user_file

    frame = sys._getframe(2)  # init_fn's caller
    return frame is not None and is_user_file(frame.f_code.co_filename)


def _bound(fn: Any, tensor: Any, args: tuple, kwargs: dict) -> dict:
    import inspect

    try:
        sig = inspect.signature(fn)
        ba = sig.bind(tensor, *args, **kwargs)
        ba.apply_defaults()
    except (TypeError, ValueError):
        return {}
    out = {}
    for k, v in list(ba.arguments.items())[1:]:
        if isinstance(v, (int, float, str, bool)) or v is None:
            out[k] = v
    return out


def stop() -> None:
    """Restore what install() patched; what was recorded stays for extraction."""
    _STATE["active"] = False
    while _UNDO:
        owner, name, orig = _UNDO.pop()
        setattr(owner, name, orig)


def keras_initializer(rec: Optional[dict], fan_in: int, fan_out: int) -> Optional[dict]:
    """The Keras initializer (serialized) that draws like this nn.init call, or None."""
    if not rec:
        return None
    fn, a = rec["fn"], rec.get("args") or {}

    def vs(scale: float, mode: str, dist: str) -> dict:
        return {
            "class": "VarianceScaling",
            "config": {"scale": scale, "mode": mode, "distribution": dist, "seed": None},
        }

    if fn == "zeros_":
        return {"class": "Zeros", "config": {}}
    if fn == "ones_":
        return {"class": "Ones", "config": {}}
    if fn == "constant_":
        return {"class": "Constant", "config": {"value": a.get("val")}}
    if fn == "uniform_":
        return {
            "class": "RandomUniform",
            "config": {"minval": a.get("a"), "maxval": a.get("b"), "seed": None},
        }
    if fn == "normal_":
        return {
            "class": "RandomNormal",
            "config": {"mean": a.get("mean"), "stddev": a.get("std"), "seed": None},
        }
    if fn == "orthogonal_":
        return {"class": "Orthogonal", "config": {"gain": a.get("gain", 1.0), "seed": None}}
    if fn in ("xavier_uniform_", "xavier_normal_"):
        gain = float(a.get("gain", 1.0))
        if fn == "xavier_uniform_" and gain == 1.0:
            return {"class": "GlorotUniform", "config": {"seed": None}}
        return vs(gain**2, "fan_avg", "uniform" if fn == "xavier_uniform_" else "untruncated_normal")
    if fn in ("kaiming_uniform_", "kaiming_normal_"):
        nl = a.get("nonlinearity", "leaky_relu")
        slope = a.get("a") or 0.0
        gain2 = {"relu": 2.0, "leaky_relu": 2.0 / (1 + float(slope) ** 2), "linear": 1.0, "tanh": 25 / 9}.get(
            str(nl), 1.0
        )
        mode = "fan_out" if a.get("mode") == "fan_out" else "fan_in"
        if fn == "kaiming_uniform_":
            if gain2 == 2.0 and mode == "fan_in":
                return {"class": "HeUniform", "config": {"seed": None}}
            return vs(round(gain2, 12), mode, "uniform")
        return vs(round(gain2, 12), mode, "untruncated_normal")
    if fn == "trunc_normal_":
        return {
            "class": "TruncatedNormal",
            "config": {"mean": a.get("mean", 0.0), "stddev": a.get("std", 1.0), "seed": None},
        }
    return {"class": f"torch.nn.init.{fn}", "config": dict(a)}


def default_bias_bound(fan_in: int) -> float:
    return 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0


__all__ = ["install", "stop", "ORIGINS", "INITS", "keras_initializer", "default_bias_bound"]
