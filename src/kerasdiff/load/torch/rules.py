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
CODES = tuple(f"KD6{n:02d}" for n in range(1, 17))


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
    forget = [f for f in p.found("KD141", "unit_forget_bias", ("LSTM",)) if inits]
    if inits:
        limits = []
        for f in inits:
            info = defaults[f"{p.t_path(f)}:{f.attribute.split('_')[0]}"]
            if f.attribute != "embeddings_initializer" and info.get("fan_in"):
                bound = 1 / math.sqrt(info["fan_in"])
                row = f"{p.k_path(f)} b={bound:.4g}"
                if row not in limits:
                    limits.append(row)
        has_emb = any(f.attribute == "embeddings_initializer" for f in inits)
        has_rnn = any(rnn_layers)
        has_dense = any(
            f.attribute != "embeddings_initializer" and not rnn for f, rnn in zip(inits, rnn_layers)
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
            a_path=two[0] if p.t_is_a else "(recurrent layers)",
            b_path="(recurrent layers)" if p.t_is_a else two[0],
            attribute="bias",
            a_value="bias_ih + bias_hh" if p.t_is_a else "one bias",
            b_value="one bias" if p.t_is_a else "bias_ih + bias_hh",
            message=f"{p.side()}'s {', '.join(two[:4])} train two bias vectors where Keras trains one",
            layers=", ".join(two[:4]),
        )
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
                a_value="after bias correction" if p.t_is_a else "before bias correction",
                b_value="before bias correction" if p.t_is_a else "after bias correction",
                message=f"Keras's epsilon={show(keps)} acts like PyTorch eps={first:.3g} at step 1 "
                f"(epsilon / sqrt(1 - beta_2^t)), approaching {show(keps)} over ~{int(1 / (1 - b2))} steps",
                size=f"Keras's effective epsilon at step 1 is {first / keps:.3g}x its setting",
                **src,
            )
    l2 = float(raw.get("l2") or 0.0)
    if l2 > 0:
        wd = p.found("KD302", "weight_decay")
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
            a_value=f"L2 {show(l2)} in the gradient" if p.t_is_a else f"weight_decay={show(kwd)}",
            b_value=f"weight_decay={show(kwd)}" if p.t_is_a else f"L2 {show(l2)} in the gradient",
            message=f"torch.optim.{raw.get('class')}(weight_decay={show(l2)}) adds {show(l2)} * param to every "
            f"gradient (coupled L2); the Keras optimizer "
            + (f"decays decoupled with weight_decay={show(kwd)}" if kwd else "has no decay at all"),
            explains=tuple(_key(f) for f in wd),
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
            a_value="not read" if p.t_is_a else "fit()",
            b_value="fit()" if p.t_is_a else "not read",
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
            a_path=next(iter(bns)) if p.t_is_a else "(batch norm)",
            b_path="(batch norm)" if p.t_is_a else next(iter(bns)),
            attribute="moving_variance",
            a_value="unbiased" if p.t_is_a else "biased",
            b_value="biased" if p.t_is_a else "unbiased",
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
    if p.facts.get("untraced"):
        yield make(
            "KD611",
            a_path="(model)",
            b_path="(model)",
            attribute="structure",
            a_value="module order" if p.t_is_a else "graph",
            b_value="graph" if p.t_is_a else "module order",
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
            a_value=len(items) if p.t_is_a else 0,
            b_value=0 if p.t_is_a else len(items),
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
            a_path=tpath if p.t_is_a else kpath,
            b_path=kpath if p.t_is_a else tpath,
            attribute="flatten order",
            a_value="(C, H, W)" if p.t_is_a else "(H, W, C)",
            b_value="(H, W, C)" if p.t_is_a else "(C, H, W)",
            message=f"PyTorch flattens channels first at {tpath}; Keras flattens channels last"
            + (f" at {kpath}" if mapped else ""),
        )


__all__ = ["check", "CODES"]
