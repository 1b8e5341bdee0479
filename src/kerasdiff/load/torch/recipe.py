"""A PyTorch script's training recipe in Keras terms: the optimizer built on the model's
parameters, the loss module, the DataLoader's batch size and shuffle, torch.manual_seed calls.

PyTorch trains in the user's own loop, which kerasdiff does not read: what only the loop knows
(epochs, clipping, schedulers) is listed in `recipe["torch"]["unknown"]` (KD612)."""

from __future__ import annotations

import os
from typing import Any, Optional

from kerasdiff.load.torch import hooks

# id(module) -> {"optimizer": ..., "loss": ...}: the script's live objects, for --probe-train
# (the loader worker keeps the module alive, so the id is not reused).
TRAINING: dict[int, dict] = {}

# Keras 3's defaults for the settings every optimizer has and PyTorch's optimizers do not.
KERAS_OPTIMIZER_BASE = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}
_REDUCTION = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}


def optimizer_record(opt: Any) -> dict:
    """{"class", "given_as", "config"} in Keras's names, plus the torch original under "torch"."""
    cls = type(opt).__name__
    d = dict(opt.defaults)
    lr = d.get("lr")
    lr = float(lr) if isinstance(lr, (int, float)) else lr
    torch_cfg = {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items() if _plain(v)}
    cfg: dict = {"learning_rate": lr, **KERAS_OPTIMIZER_BASE}
    wd = float(d.get("weight_decay") or 0.0)
    if cls in ("Adam", "AdamW"):
        b1, b2 = d.get("betas", (0.9, 0.999))
        cfg.update(
            beta_1=float(b1),
            beta_2=float(b2),
            epsilon=float(d.get("eps", 1e-8)),
            amsgrad=bool(d.get("amsgrad")),
        )
        # AdamW's decay is decoupled like Keras's weight_decay; Adam's is an L2 term (KD608).
        cfg["weight_decay"] = wd if cls == "AdamW" else None
    elif cls == "SGD":
        cfg.update(momentum=float(d.get("momentum") or 0.0), nesterov=bool(d.get("nesterov")))
        if d.get("dampening"):
            # (1 - dampening) scales each gradient into the momentum buffer: Keras has no such
            # setting, so it stays a setting the other side lacks
            cfg["dampening"] = float(d["dampening"])
    elif cls == "RMSprop":
        eps = float(d.get("eps", 1e-8))
        cfg.update(
            rho=float(d.get("alpha", 0.99)),
            momentum=float(d.get("momentum") or 0.0),
            # PyTorch divides by sqrt(v) + eps, Keras by sqrt(v + epsilon): epsilon = eps^2 gives
            # the same floor for small gradients (KD619)
            epsilon=eps * eps,
            centered=bool(d.get("centered")),
        )
    elif cls == "Adagrad":
        cfg.update(
            initial_accumulator_value=float(d.get("initial_accumulator_value") or 0.0),
            epsilon=float(d.get("eps", 1e-10)),
        )
    else:
        cfg.update({k: v for k, v in torch_cfg.items() if k not in ("lr", "params")})
    return {
        "class": cls,
        "given_as": "object",
        "config": cfg,
        "torch": {"class": cls, **torch_cfg, "l2": wd if cls != "AdamW" and wd else 0.0},
        "iterations": 0,
        "built": False,
        "shared_with": [],
    }


def with_coupled_l2(graph: Any, rec: dict) -> Any:
    """The graph with PyTorch's coupled weight decay in Keras terms: torch.optim.Adam/SGD/...
    (weight_decay=wd) adds wd * param to every gradient, the gradient of an L2(wd / 2) penalty
    on every weight, so each layer with weights gets those regularizers (KD608 explains them)."""
    from dataclasses import replace

    opt = ((rec.get("compile") or {}).get("optimizer") or {}) if isinstance(rec.get("compile"), dict) else {}
    l2 = float(((opt.get("torch") or {}).get("l2")) or 0.0) if isinstance(opt, dict) else 0.0
    if l2 <= 0:
        return graph
    reg = {"class": "L2", "config": {"l2": l2 / 2}}
    layers = []
    for lay in graph.layers:
        cfg = lay.config
        off = {
            "bias_regularizer": cfg.get("use_bias") is False,
            "beta_regularizer": cfg.get("center") is False,
            "gamma_regularizer": cfg.get("scale") is False,
        }
        keys = [
            k for k in cfg if k.endswith("_regularizer") and k != "activity_regularizer" and not off.get(k)
        ]
        if lay.params and keys:
            lay = replace(lay, config={**lay.config, **{k: dict(reg) for k in keys}})
        layers.append(lay)
    return replace(graph, layers=tuple(layers))


def _plain(v: Any) -> bool:
    return isinstance(v, (int, float, str, bool, type(None))) or (
        isinstance(v, tuple) and all(isinstance(x, (int, float)) for x in v)
    )


def loss_record(loss: Any) -> dict:
    """The loss module as the Keras loss that computes the same (name + config)."""
    cls = type(loss).__name__
    red = _REDUCTION.get(getattr(loss, "reduction", "mean"), "sum_over_batch_size")
    if cls == "CrossEntropyLoss":
        cfg: dict = {"from_logits": True, "ignore_class": None, "axis": -1, "reduction": red}
        if getattr(loss, "label_smoothing", 0.0):
            cfg["label_smoothing"] = float(loss.label_smoothing)
        if getattr(loss, "ignore_index", -100) != -100:
            cfg["ignore_class"] = int(loss.ignore_index)
        if getattr(loss, "weight", None) is not None:
            cfg["class_weights"] = [round(float(x), 6) for x in loss.weight.tolist()]
        return {"name": "sparse_categorical_crossentropy", "config": cfg}
    if cls in ("BCEWithLogitsLoss", "BCELoss"):
        cfg = {
            "from_logits": cls == "BCEWithLogitsLoss",
            "label_smoothing": 0.0,
            "axis": -1,
            "reduction": red,
        }
        if getattr(loss, "pos_weight", None) is not None:
            cfg["pos_weight"] = [round(float(x), 6) for x in loss.pos_weight.reshape(-1).tolist()]
        return {"name": "binary_crossentropy", "config": cfg}
    if cls == "MSELoss":
        return {"name": "mean_squared_error", "config": {"reduction": red}}
    if cls == "L1Loss":
        return {"name": "mean_absolute_error", "config": {"reduction": red}}
    if cls == "HuberLoss":
        return {"name": "huber", "config": {"delta": float(loss.delta), "reduction": red}}
    if cls == "KLDivLoss":
        return {"name": "torch.KLDivLoss", "config": {"reduction": getattr(loss, "reduction", "mean")}}
    return {"name": f"torch.{cls}", "config": {"reduction": getattr(loss, "reduction", "mean")}}


def build_recipe(module: Any, model: Any, path: str, seeds: list) -> dict:
    """The recipe of `model` from the script's module-level objects."""
    import torch
    import torch.utils.data

    mine = {id(p) for p in model.parameters()}
    opts, losses, loaders = [], [], []
    for k, v in vars(module).items() if module is not None else ():
        if k.startswith("__"):
            continue
        if isinstance(v, torch.optim.Optimizer):
            ps = {id(p) for g in v.param_groups for p in g["params"]}
            if ps & mine:
                opts.append((k, v))
        elif isinstance(v, torch.nn.modules.loss._Loss):
            losses.append((k, v))
        elif isinstance(v, torch.utils.data.DataLoader):
            loaders.append((k, v))
    TRAINING[id(model)] = {
        "optimizer": opts[0][1] if opts else None,
        "loss": losses[0][1] if losses else None,
    }
    rec: dict = {"run": f"{os.getpid()}:{os.path.abspath(path)}", "seeds": seeds}
    unknown = ["epochs", "gradient clipping", "learning-rate schedules", "validation"]
    facts: dict = {"unknown": unknown}
    if opts or losses:
        comp: dict = {"origin": None, "count": 1}
        if opts:
            name, opt = opts[0]
            comp["optimizer"] = optimizer_record(opt)
            comp["origin"] = hooks.ORIGINS.get(id(opt))
            facts["optimizer"] = comp["optimizer"]["torch"]
        if losses:
            name, loss = losses[0]
            comp["loss"] = [loss_record(loss)]
            comp["loss_given_as"] = "single"
            comp["loss_weights"] = [1.0]
            comp["loss_weights_given_as"] = "none"
            comp["origin"] = comp["origin"] or hooks.ORIGINS.get(id(loss))
            facts["loss"] = {"class": type(loss).__name__, "origin": hooks.ORIGINS.get(id(loss))}
        rec["compile"] = comp
    if loaders:
        name, dl = loaders[0]
        shuffle = isinstance(getattr(dl, "sampler", None), torch.utils.data.RandomSampler)
        rec["fit"] = {
            "origin": hooks.ORIGINS.get(id(dl)),
            "count": 1,
            "batch_size": dl.batch_size,
            "batch_size_given": True,
            "shuffle": shuffle,
            "drop_last": bool(dl.drop_last),
        }
    rec["weights"] = {"how": "fresh"}
    rec["torch"] = facts
    return rec


def seeds_hook() -> tuple[list, Any]:
    """Record torch.manual_seed calls (a list filled while the script runs; undo function)."""
    import torch

    seeds: list = []
    orig = torch.manual_seed

    def manual_seed(seed: Any) -> Any:
        from kerasdiff.load.script import user_origin

        seeds.append({"fn": "torch.manual_seed", "value": int(seed), "origin": user_origin()})
        return orig(seed)

    torch.manual_seed = manual_seed

    def undo() -> None:
        torch.manual_seed = orig

    return seeds, undo


def example_of(module: Any) -> tuple[Optional[tuple], Optional[str]]:
    """The module-level `example_input` (a tensor or a tuple of tensors) and `input_layout`."""
    import torch

    ex = getattr(module, "example_input", None) if module is not None else None
    layout = getattr(module, "input_layout", None) if module is not None else None
    if isinstance(ex, torch.Tensor):
        ex = (ex,)
    elif isinstance(ex, (tuple, list)) and all(isinstance(x, torch.Tensor) for x in ex):
        ex = tuple(ex)
    else:
        ex = None
    return ex, layout if isinstance(layout, str) else None


__all__ = ["TRAINING", "build_recipe", "optimizer_record", "loss_record", "seeds_hook", "example_of"]
