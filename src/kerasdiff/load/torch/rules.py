"""PyTorch vs another framework: a framework-semantics finding for each convention a port got
wrong, with this pair's numbers and the fix in the framework to change.

The torch graph is written in Keras terms (kerasdiff.load.torch.extract), so the ordinary rules
already find the concrete differences (momentum, epsilon, initializers, activations, optimizer
and loss settings); they run first, and this checker reads them (`ctx.earlier`) and explains the
ones a convention accounts for (they become its rows, `Finding.explains`). Conventions that no
setting removes are info findings that say how large they are. Importing this imports no torch.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Optional

from kerasdiff.findings import Finding, make, show

NAME = "torch"
CODES = tuple(f"KD6{n:02d}" for n in range(1, 21))


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.a_path, f.attribute)


class _Pair:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        a, b = ctx.a, ctx.b
        self.t_is_a = a.framework == NAME
        self.t, self.k = (a, b) if self.t_is_a else (b, a)
        self.facts: dict = (self.t.recipe or {}).get("torch") or {}

    def t_path(self, f: Finding) -> str:
        return f.a_path if self.t_is_a else f.b_path

    def k_path(self, f: Finding) -> str:
        return f.b_path if self.t_is_a else f.a_path

    def t_value(self, f: Finding) -> Any:
        return f.a_value if self.t_is_a else f.b_value

    def k_value(self, f: Finding) -> Any:
        return f.b_value if self.t_is_a else f.a_value

    def cls_of(self, path: str) -> Optional[str]:
        lay = self.t.layer_map().get(path)
        return lay.cls if lay else None

    def found(self, code: str, attribute: str, classes: tuple[str, ...] = ()) -> list[Finding]:
        return [
            f
            for f in self.ctx.earlier
            if f.code == code
            and f.attribute == attribute
            and (not classes or self.cls_of(self.t_path(f)) in classes)
        ]

    def sources(self, fs: list[Finding]) -> dict[str, Any]:
        return {"a_source": fs[0].a_source, "b_source": fs[0].b_source} if fs else {}

    def paths(self, fs: list[Finding]) -> dict[str, Any]:
        return {"a_path": fs[0].a_path, "b_path": fs[0].b_path}

    def oriented(self, field: str, torch_side: Any, keras_side: Any) -> dict[str, Any]:
        """`a_<field>` and `b_<field>` from the PyTorch side's and the other side's value."""
        a, b = (torch_side, keras_side) if self.t_is_a else (keras_side, torch_side)
        return {f"a_{field}": a, f"b_{field}": b}

    def side(self) -> str:
        return "A" if self.t_is_a else "B"


def _names(paths: list[str], n: int = 4) -> str:
    return ", ".join(paths[:n]) + (f" and {len(paths) - n} more" if len(paths) > n else "")


def check(ctx: Any) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    if (a.framework == NAME) == (b.framework == NAME):
        return
    p = _Pair(ctx)
    yield from _layers(p)
    yield from _recipe(p)
    yield from _structure(p)


# --------------------------------------------------------------------------- layers


def _layers(p: _Pair) -> Iterator[Finding]:
    bn = p.found("KD141", "momentum", ("BatchNormalization",))
    if bn:
        tv = p.t_value(bn[0])
        kv = p.k_value(bn[0])
        torch_m = None if tv is None else round(1 - float(tv), 6)
        yield make(
            "KD601",
            **p.paths(bn),
            attribute="momentum",
            a_value=bn[0].a_value,
            b_value=bn[0].b_value,
            message=f"PyTorch BatchNorm momentum={show(torch_m)} weighs the new batch by {show(torch_m)}, "
            f"which is Keras momentum={show(tv)}; the Keras layers use {show(kv)}"
            + (" (the PyTorch number copied as is)" if torch_m is not None and kv == torch_m else "")
            + f" ({len(bn)} layer(s): {_names([p.k_path(f) for f in bn])})",
            explains=tuple(_key(f) for f in bn),
            keras_momentum=tv,
            torch_momentum=torch_m,
            torch_for_keras=None if kv is None else round(1 - float(kv), 6),
            **p.sources(bn),
        )
    eps = p.found("KD141", "epsilon", ("BatchNormalization", "LayerNormalization"))
    if eps:
        tv, kv = p.t_value(eps[0]), p.k_value(eps[0])
        kinds = sorted({p.cls_of(p.t_path(f)) or "" for f in eps})
        yield make(
            "KD602",
            **p.paths(eps),
            attribute="epsilon",
            a_value=eps[0].a_value,
            b_value=eps[0].b_value,
            message=f"PyTorch normalizes with eps={show(tv)}, the Keras {' and '.join(kinds)} layers with "
            f"epsilon={show(kv)} ({len(eps)} layer(s): {_names([p.k_path(f) for f in eps])})",
            explains=tuple(_key(f) for f in eps),
            torch_eps=tv,
            layers=_names([p.k_path(f) for f in eps]),
            **p.sources(eps),
        )
    defaults = p.facts.get("default_init") or {}
    inits = [
        f
        for f in p.ctx.earlier
        if f.code == "KD111"
        and f.attribute
        in ("kernel_initializer", "bias_initializer", "embeddings_initializer", "recurrent_initializer")
        and f"{p.t_path(f)}:{f.attribute.split('_')[0]}" in defaults
    ]
    rnn_layers = [p.cls_of(p.t_path(f)) in ("LSTM", "GRU") for f in inits]
    mha_layers = [p.cls_of(p.t_path(f)) == "MultiHeadAttention" for f in inits]
    forget = [f for f in p.found("KD141", "unit_forget_bias", ("LSTM",)) if inits]
    if inits:
        limits = []
        for f in inits:
            info = defaults[f"{p.t_path(f)}:{f.attribute.split('_')[0]}"]
            if info.get("bound"):
                row = f"{p.k_path(f)} b={info['bound']:.4g}"
                if row not in limits:
                    limits.append(row)
            elif f.attribute != "embeddings_initializer" and info.get("fan_in"):
                bound = 1 / math.sqrt(info["fan_in"])
                row = f"{p.k_path(f)} b={bound:.4g}"
                if row not in limits:
                    limits.append(row)
        has_emb = any(f.attribute == "embeddings_initializer" for f in inits)
        has_rnn = any(rnn_layers)
        has_mha = any(mha_layers)
        has_dense = any(
            f.attribute != "embeddings_initializer" and not rnn and not mha
            for f, rnn, mha in zip(inits, rnn_layers, mha_layers)
        )
        parts = []
        if has_dense:
            parts.append(
                "`kernel_initializer=keras.initializers.VarianceScaling(1/3, 'fan_in', 'uniform')` and "
                "`bias_initializer=keras.initializers.RandomUniform(-b, b)`, b = 1/sqrt(fan_in)"
            )
        if has_emb:
            parts.append("`embeddings_initializer=keras.initializers.RandomNormal(0.0, 1.0)` on Embedding")
        if has_rnn:
            parts.append(
                "on LSTM/GRU `kernel_initializer`, `recurrent_initializer` and `bias_initializer` = "
                "`keras.initializers.RandomUniform(-b, b)`, b = 1/sqrt(units)"
                + (", and `unit_forget_bias=False`" if forget else "")
            )
        if has_mha:
            parts.append(
                "on MultiHeadAttention `kernel_initializer=keras.initializers.RandomUniform(-b, b)`, "
                "b = sqrt(3 / (2 * embed_dim)) (PyTorch's xavier_uniform of the packed in-projection; "
                "the output projection keeps nn.Linear's draw: KD617)"
            )
        layers = list(dict.fromkeys(p.k_path(f) for f in inits))
        yield make(
            "KD603",
            **p.paths(inits),
            attribute="initializer",
            a_value=inits[0].a_value,
            b_value=inits[0].b_value,
            message=f"{len(layers)} layer(s) start from PyTorch's default initialization on one side and "
            f"Keras's on the other ({_names(layers)})",
            explains=tuple(_key(f) for f in inits + forget),
            keras_init="; ".join(parts),
            limits=", ".join(limits[:6]) + (", ..." if len(limits) > 6 else "") or "none",
            **p.sources(inits),
        )
    gelu = [
        f
        for f in p.ctx.earlier
        if f.code == "KD101" and "gelu_tanh_approximation" in (str(f.a_value), str(f.b_value))
    ]
    if gelu:
        torch_tanh = p.t_value(gelu[0]) == "gelu_tanh_approximation"
        fix = (
            "In Keras use the tanh form: `layers.Activation(lambda x: keras.activations.gelu(x, "
            "approximate=True))` (or `nn.GELU()` in PyTorch for the exact form)."
            if torch_tanh
            else "In PyTorch use `nn.GELU()` (exact), as Keras's 'gelu' is."
        )
        layers = [p.k_path(f) for f in gelu]
        yield make(
            "KD604",
            **p.paths(gelu),
            attribute="activation",
            a_value=gelu[0].a_value,
            b_value=gelu[0].b_value,
            message=f"PyTorch applies GELU {'with the tanh approximation' if torch_tanh else 'exactly'}, "
            f"Keras {'exactly' if torch_tanh else 'approximately'} ({len(gelu)} place(s): {_names(layers)})",
            explains=tuple(_key(f) for f in gelu),
            gelu_fix=fix,
            **p.sources(gelu),
        )
    two = [k for k in p.facts.get("rnn_two_biases") or [] if p.cls_of(k) in ("LSTM", "GRU")]
    if two:
        yield make(
            "KD616",
            **p.oriented("path", two[0], "(recurrent layers)"),
            attribute="bias",
            **p.oriented("value", "bias_ih + bias_hh", "one bias"),
            message=f"{p.side()}'s {', '.join(two[:4])} train two bias vectors where Keras trains one",
            layers=", ".join(two[:4]),
        )
    yield from _attention_output(p)
    yield from _padding(p)
    leaky = p.found("KD141", "negative_slope", ("LeakyReLU",))
    if leaky:
        tv, kv = p.t_value(leaky[0]), p.k_value(leaky[0])
        yield make(
            "KD605",
            **p.paths(leaky),
            attribute="negative_slope",
            a_value=leaky[0].a_value,
            b_value=leaky[0].b_value,
            message=f"PyTorch LeakyReLU slope {show(tv)}, Keras {show(kv)}"
            + (" (Keras's default)" if kv == 0.3 else "")
            + f" ({len(leaky)} layer(s))",
            explains=tuple(_key(f) for f in leaky),
            torch_slope=tv,
            **p.sources(leaky),
        )


def _attention_output(p: _Pair) -> Iterator[Finding]:
    """KD617: the Keras side's kernel_initializer draws the output projection too."""
    from kerasdiff.load.torch import attention

    outs = p.facts.get("mha_out_proj") or {}
    if not outs:
        return
    k_of = {t: k for a, b in p.ctx.al.layer_pairs for t, k in [(a, b) if p.t_is_a else (b, a)]}
    k_layers = p.k.layer_map()
    rows, redraws, shown = [], [], []
    for t_key, info in outs.items():
        k_lay = k_layers.get(k_of.get(t_key, ""))
        if k_lay is None or k_lay.cls != "MultiHeadAttention":
            continue
        fans = tuple(info["fans"])
        t_std = attention.init_std(info["init"], fans)
        k_std = attention.init_std(k_lay.config.get("kernel_initializer"), fans)
        if t_std is not None and k_std is not None and math.isclose(t_std, k_std, rel_tol=1e-6):
            continue
        rows.append((t_key, k_lay.path))
        shown.append(
            f"{k_lay.path}: std {'?' if t_std is None else f'{t_std:.3g}'} in PyTorch, "
            f"{'?' if k_std is None else f'{k_std:.3g}'} in Keras"
        )
        init = info["init"]
        redraws.append(
            f"`w = next(v for v in model.get_layer({k_lay.path.split('/')[-1]!r}).weights "
            f"if v.path.endswith('attention_output/kernel'))`, then `w.assign({_init_code(init)}(w.shape))`"
            if init
            else f"{k_lay.path}: no Keras initializer draws like the script's nn.init call; copy "
            "the weight from the module"
        )
    if not rows:
        return
    t0, k0 = rows[0]
    yield make(
        "KD617",
        **p.oriented("path", t0, k0),
        attribute="attention_output/kernel",
        **p.oriented("value", "nn.Linear's draw", "kernel_initializer"),
        message=f"{len(rows)} attention layer(s) start their output projection from another "
        f"distribution ({'; '.join(shown[:3])}{'; ...' if len(shown) > 3 else ''})",
        redraw="; ".join(dict.fromkeys(redraws[:2])),
    )


def _padding(p: _Pair) -> Iterator[Finding]:
    """KD618: nn.Embedding's padding_idx against Keras's mask_zero, per aligned Embedding."""
    pads = p.facts.get("padding_idx") or {}
    k_of = {t: k for a, b in p.ctx.al.layer_pairs for t, k in [(a, b) if p.t_is_a else (b, a)]}
    k_layers = p.k.layer_map()
    masked, plain = [], []
    for t_key, k_key in k_of.items():
        k_lay = k_layers.get(k_key)
        if k_lay is None or k_lay.cls != "Embedding" or p.cls_of(t_key) != "Embedding":
            continue
        idx = pads.get(t_key)
        kc = k_lay.config.get("embeddings_constraint")
        kept = (
            isinstance(kc, dict)
            and kc.get("class") == "PadRow"
            and (kc.get("config") or {}).get("row") == idx
        )
        if k_lay.config.get("mask_zero"):
            masked.append((t_key, k_lay, idx))
        elif idx is not None and not kept:
            plain.append((t_key, k_lay, idx))
    explained = p.found("KD141", "mask_zero", ("Embedding",)) + p.found(
        "KD131", "embeddings_constraint", ("Embedding",)
    )
    if masked:
        t_key, k_lay, idx = masked[0]
        torch_side = f"padding_idx={idx}" if idx is not None else "no padding_idx"
        yield make(
            "KD618",
            **p.oriented("path", t_key, k_lay.path),
            attribute="mask_zero",
            **p.oriented("value", torch_side, "mask_zero=True"),
            message=f"Keras masks the steps whose token is 0 after {k_lay.path} (mask_zero=True); PyTorch's "
            f"{t_key} ({torch_side}) masks nothing: the layers after it process the padded steps"
            + (f" ({len(masked)} embeddings)" if len(masked) > 1 else ""),
            explains=tuple(_key(f) for f in explained),
            fix="To compute like the module, drop `mask_zero=True` in Keras"
            + (f" and keep row {idx} at zero: {_pad_row(idx)}" if idx is not None else "")
            + "; to compute like Keras, mask in PyTorch: `pack_padded_sequence` before the RNN, "
            "`key_padding_mask=tokens == 0` for attention, a mean over the real steps only.",
            **p.sources(explained),
        )
    if plain:
        t_key, k_lay, idx = plain[0]
        yield make(
            "KD618",
            **p.oriented("path", t_key, k_lay.path),
            attribute="padding_idx",
            **p.oriented("value", f"row {idx} zero, not trained", f"row {idx} drawn and trained"),
            message=f"PyTorch's {t_key} keeps row {idx} at zero and never trains it (padding_idx={idx}); "
            f"Keras's {k_lay.path} draws and trains that row like the others"
            + (f" ({len(plain)} embeddings)" if len(plain) > 1 else ""),
            explains=tuple(_key(f) for f in explained),
            fix=f"Keep row {idx} at zero in Keras: {_pad_row(idx)}; or drop padding_idx in PyTorch.",
            **p.oriented("source", (p.t.layer_map().get(t_key) or k_lay).origin, k_lay.origin),
        )


def _pad_row(idx: int) -> str:
    """Keras code keeping one embedding row at zero, as padding_idx does (fix text; kerasdiff
    recognizes this class by its name and row)."""
    return (
        "`class PadRow(keras.constraints.Constraint):` with `__init__(self, row)` storing `row`, "
        "`__call__(self, w)` returning `w * keras.ops.cast(keras.ops.arange(w.shape[0])[:, None] != "
        "self.row, w.dtype)` and `get_config()` returning `{'row': self.row}`; then "
        f"`embeddings_constraint=PadRow({idx})` (applied after every update), and the row zeroed "
        "once after building"
    )


def _init_code(init: dict) -> str:
    """`keras.initializers.X(...)` for a serialized initializer."""
    args = ", ".join(f"{k}={v!r}" for k, v in (init.get("config") or {}).items() if k != "seed")
    return f"keras.initializers.{init['class']}({args})"


# --------------------------------------------------------------------------- recipe


def _recipe(p: _Pair) -> Iterator[Finding]:
    tc = (p.t.recipe or {}).get("compile") or {}
    kc = (p.k.recipe or {}).get("compile") or {}
    topt, kopt = tc.get("optimizer") or {}, kc.get("optimizer") or {}
    raw = topt.get("torch") or {}
    src: dict[str, Any] = {
        "a_source": tc.get("origin") if p.t_is_a else kc.get("origin"),
        "b_source": kc.get("origin") if p.t_is_a else tc.get("origin"),
    }
    paths: dict[str, Any] = {"a_path": "compile.optimizer", "b_path": "compile.optimizer"}
    adam = raw.get("class") in ("Adam", "AdamW") and kopt.get("class") in ("Adam", "AdamW")
    if adam:
        eps = p.found("KD302", "epsilon")
        teps = (topt.get("config") or {}).get("epsilon")
        keps = (kopt.get("config") or {}).get("epsilon")
        if eps:
            yield make(
                "KD606",
                **paths,
                attribute="epsilon",
                a_value=eps[0].a_value,
                b_value=eps[0].b_value,
                message=f"torch.optim.{raw.get('class')} eps={show(teps)}, keras.optimizers.{kopt.get('class')} "
                f"epsilon={show(keps)}",
                explains=tuple(_key(f) for f in eps),
                keras_class=kopt.get("class"),
                torch_eps=teps,
                keras_eps=keps,
                **src,
            )
        b2 = float((topt.get("config") or {}).get("beta_2") or 0.999)
        if isinstance(keps, (int, float)) and keps > 0:
            first = keps / math.sqrt(1 - b2)
            yield make(
                "KD607",
                **paths,
                attribute="epsilon placement",
                **p.oriented("value", "after bias correction", "before bias correction"),
                message=f"Keras's epsilon={show(keps)} acts like PyTorch eps={first:.3g} at step 1 "
                f"(epsilon / sqrt(1 - beta_2^t)), approaching {show(keps)} over ~{int(1 / (1 - b2))} steps",
                size=f"Keras's effective epsilon at step 1 is {first / keps:.3g}x its setting",
                **src,
            )
    if raw.get("class") == "RMSprop" and kopt.get("class") == "RMSprop":
        eps = p.found("KD302", "epsilon")
        if eps:
            teps = float(raw.get("eps", 1e-8))
            keps = (kopt.get("config") or {}).get("epsilon")
            floor = math.sqrt(keps) if isinstance(keps, (int, float)) and keps > 0 else None
            yield make(
                "KD619",
                **paths,
                attribute="epsilon",
                **p.oriented("value", f"sqrt(v) + {show(teps)}", f"sqrt(v + {show(keps)})"),
                message=f"torch.optim.RMSprop eps={show(teps)} is added after the square root; Keras's "
                f"epsilon={show(keps)} inside it"
                + (f" acts like eps={floor:.3g}" if floor is not None else ""),
                explains=tuple(_key(f) for f in eps),
                fix=f"Set `keras.optimizers.RMSprop(epsilon={teps * teps:.3g})` (PyTorch's eps squared).",
                **src,
            )
    l2 = float(raw.get("l2") or 0.0)
    # The torch graph carries the coupled decay as L2(l2 / 2) regularizers (recipe.with_coupled_l2):
    # a Keras port with those regularizers and no decoupled decay trains the same.
    regs = [
        f
        for f in p.ctx.earlier
        if f.code == "KD121" and f.attribute.endswith("_regularizer") and "L2" in str(p.t_value(f))
    ]
    wd = p.found("KD302", "weight_decay") if l2 > 0 else []
    if l2 > 0 and (regs or wd):
        kwd = (kopt.get("config") or {}).get("weight_decay")
        if kwd:
            fix = (
                f"Use `torch.optim.AdamW(..., weight_decay={show(l2)})` in PyTorch to match Keras's decoupled "
                f"decay, or in Keras drop `weight_decay` and add `kernel_regularizer=keras.regularizers.L2("
                f"{l2 / 2:g})` and `bias_regularizer=keras.regularizers.L2({l2 / 2:g})` to every layer "
                "(the gradient of L2(w/2) is w * param, what PyTorch adds)."
            )
        else:
            fix = (
                f"In Keras add `kernel_regularizer=keras.regularizers.L2({l2 / 2:g})` and "
                f"`bias_regularizer=keras.regularizers.L2({l2 / 2:g})` to every layer (the gradient of "
                f"L2(w/2) is w * param, what PyTorch adds), or use AdamW in PyTorch and `weight_decay={show(l2)}` "
                "in Keras."
            )
        yield make(
            "KD608",
            **paths,
            attribute="weight_decay",
            **p.oriented("value", f"L2 {show(l2)} in the gradient", f"weight_decay={show(kwd)}"),
            message=f"torch.optim.{raw.get('class')}(weight_decay={show(l2)}) adds {show(l2)} * param to every "
            f"gradient (coupled L2); the Keras optimizer "
            + (f"decays decoupled with weight_decay={show(kwd)}" if kwd else "has no decay")
            + (
                f" and {len({p.k_path(f) for f in regs})} Keras layer(s) lack the L2({l2 / 2:g}) regularizers "
                "that give the same gradient"
                if regs
                else ""
            ),
            explains=tuple(_key(f) for f in wd + regs),
            decay_fix=fix,
            **src,
        )
    tl = (tc.get("loss") or [None])[0]
    kl = (kc.get("loss") or [None])[0]
    if isinstance(tl, dict) and (tl.get("config") or {}).get("from_logits") and isinstance(kl, dict):
        losses = p.found("KD321", "loss")
        kcfg = kl.get("config") or {}
        if losses and not kcfg.get("from_logits"):
            keras_name = {
                "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
                "binary_crossentropy": "BinaryCrossentropy",
            }.get(str(tl.get("name")), str(tl.get("name")))
            torch_cls = (p.facts.get("loss") or {}).get("class") or "the loss"
            fix = (
                f"Use `loss=keras.losses.{keras_name}(from_logits=True)` with a linear output layer "
                f"(no softmax/sigmoid), as nn.{torch_cls} expects"
            )
            if kl.get("name") != tl.get("name"):
                fix += f" (nn.{torch_cls} with class indices is {keras_name}, not {kl.get('name')})"
            yield make(
                "KD609",
                a_path=losses[0].a_path,
                b_path=losses[0].b_path,
                attribute="loss",
                a_value=losses[0].a_value,
                b_value=losses[0].b_value,
                message=f"nn.{torch_cls} takes logits; the Keras loss {kl.get('name')} has from_logits="
                f"{show(kcfg.get('from_logits', False))}",
                explains=tuple(_key(f) for f in losses),
                loss_fix=fix + ".",
                a_source=losses[0].a_source,
                b_source=losses[0].b_source,
            )
    unknown = p.facts.get("unknown") or []
    krec = p.k.recipe or {}
    if unknown and (krec.get("compile") or krec.get("fit")) and (tc or (p.t.recipe or {}).get("fit")):
        yield make(
            "KD612",
            a_path="fit",
            b_path="fit",
            attribute="training loop",
            **p.oriented("value", "not read", "fit()"),
            message=f"{p.side()}'s PyTorch script trains in its own loop: {', '.join(unknown)} were not read",
            unknown=", ".join(unknown),
        )
    bns = p.facts.get("batchnorm") or {}
    tfit = (p.t.recipe or {}).get("fit") or {}
    if bns and any(lay.cls == "BatchNormalization" for lay in p.k.layers) and (tc or tfit):
        bs = tfit.get("batch_size")
        size = (
            f"x{bs / (bs - 1):.4f} with batch size {bs} for BatchNorm1d (over feature maps the count is "
            "batch x height x width: negligible)"
            if isinstance(bs, int) and bs > 1
            else "x n/(n - 1) for n values per channel in a batch"
        )
        yield make(
            "KD613",
            **p.oriented("path", next(iter(bns)), "(batch norm)"),
            attribute="moving_variance",
            **p.oriented("value", "unbiased", "biased"),
            message=f"PyTorch's running_var uses the unbiased batch variance, Keras's moving_variance the biased one "
            f"({len(bns)} BatchNorm layer(s))",
            size=size,
        )


# --------------------------------------------------------------------------- structure


_NON_NEGATIVE = {"relu", "relu6", "sigmoid", "softmax", "softplus", "hard_sigmoid"}


def _negative_max_pool_padding(p: _Pair) -> list[str]:
    """Max pools whose padding PyTorch fills with -inf, on values that may be negative: zero
    padding (what the graph and a Keras port use) is then not the same."""
    out = []
    calls = p.t.call_map()
    layers = p.t.layer_map()
    for key in p.facts.get("max_pool_padding") or []:
        pad = next((c for c in p.t.calls if c.layer == f"{key}.padding"), None)
        src = calls.get(pad.inputs[0].rpartition(":")[0]) if pad is not None and pad.inputs else None
        lay = layers.get(src.layer) if src is not None else None
        cfg = lay.config if lay is not None else {}
        act = "relu" if lay is not None and lay.cls == "ReLU" else cfg.get("activation")
        if act not in _NON_NEGATIVE:
            out.append(f"MaxPool padding of {key} (PyTorch pads with -inf, ZeroPadding with 0)")
    return out


def _structure(p: _Pair) -> Iterator[Finding]:
    other = p.facts.get("input_shape_from")
    if other:
        shapes = ", ".join(f"{tuple(i.shape) if i.shape is not None else '?'} {i.dtype}" for i in p.t.inputs)
        yield make(
            "KD620",
            a_path="(inputs)",
            b_path="(inputs)",
            attribute="input shapes",
            **p.oriented("value", "no example_input", "the model's inputs"),
            message=f"{p.side()}'s script has no example_input: its module was traced with the input "
            f"shapes of {other} ({shapes})",
        )
    if p.facts.get("untraced"):
        yield make(
            "KD611",
            a_path="(model)",
            b_path="(model)",
            attribute="structure",
            **p.oriented("value", "module order", "graph"),
            message=f"{p.side()}'s forward() could not be traced ({p.facts['untraced']}): its modules were "
            "compared in named_modules() order",
            reason=p.facts["untraced"],
            # KD904 says the same in Keras's words.
            explains=tuple(_key(f) for f in p.ctx.earlier if f.code == "KD904"),
        )
    items = list(p.facts.get("untranslated") or []) + _negative_max_pool_padding(p)
    if items:
        # "A has torch.LSTM, B has LSTM" is not a finding about the model: KD614 says what is unread.
        raw = [
            f
            for f in p.ctx.earlier
            if f.code == "KD151" and str(p.cls_of(p.t_path(f)) or "").startswith("torch.")
        ]
        yield make(
            "KD614",
            a_path="(model)",
            b_path="(model)",
            attribute="translation",
            **p.oriented("value", len(items), 0),
            message=f"{p.side()} uses {len(items)} PyTorch module(s)/call(s) kerasdiff does not translate yet: "
            + _names(items, 6),
            untranslated=_names(items, 6),
            explains=tuple(_key(f) for f in raw),
        )
    pads = p.facts.get("explicit_padding") or {}
    if pads:
        gaps = [f for f in p.ctx.earlier if f.code in ("KD161", "KD162") and p.t_path(f).endswith(".padding")]
        gaps = [f for f in gaps if p.t_path(f)[: -len(".padding")] in pads]
        modes = [f for f in p.found("KD141", "padding") if p.t_path(f) in pads]
        convs = list(
            dict.fromkeys([p.t_path(f)[: -len(".padding")] for f in gaps] + [p.t_path(f) for f in modes])
        )
        if convs:
            info = pads[convs[0]]
            first = (modes or gaps)[0]
            yield make(
                "KD615",
                a_path=first.a_path,
                b_path=first.b_path,
                attribute="padding",
                a_value=first.a_value,
                b_value=first.b_value,
                message=f"PyTorch pads {convs[0]} by {info['padding']} on every side (kernel {info['kernel']}, "
                f"stride {info['strides']}); the Keras port uses padding='same'"
                + (f" ({len(convs)} convolutions)" if len(convs) > 1 else ""),
                explains=tuple(_key(f) for f in gaps + modes),
                torch_padding=tuple(info["padding"]) if len(info["padding"]) > 1 else info["padding"][0],
                n=len(info["kernel"]),
                keras_layer=next(
                    (p.k_path(f) for f in modes if p.t_path(f) == convs[0]), "the Keras convolution"
                ),
                a_source=first.a_source,
                b_source=first.b_source,
            )
    flat = p.facts.get("flatten_cf") or []
    if flat:
        al = p.ctx.al
        t_calls = [c for c in p.t.calls if c.layer in flat]
        mapped = []
        for c in t_calls:
            other = (al.a_to_b if p.t_is_a else al.b_to_a).get(c.key)
            if other:
                mapped.append(p.k.call_map()[other].layer)
        kpath = mapped[0] if mapped else "the Dense layer after Flatten"
        tpath = flat[0]
        yield make(
            "KD610",
            **p.oriented("path", tpath, kpath),
            attribute="flatten order",
            **p.oriented("value", "(C, H, W)", "(H, W, C)"),
            message=f"PyTorch flattens channels first at {tpath}; Keras flattens channels last"
            + (f" at {kpath}" if mapped else ""),
        )


__all__ = ["check", "CODES"]
