"""Keras 2 (tf_keras) vs Keras 3: version drift, the defaults and behaviours that changed
between the two libraries although a script spells them the same (KD701-KD703).

The tf_keras graph is already in Keras 3's vocabulary (kerasdiff.load.tf_keras.vocabulary), so
the ordinary rules find the concrete differences; this checker runs after them (`ctx.earlier`)
and explains those a drift accounts for, and names the drifts no config shows (one name, two
functions). Each drift here was measured by building both libraries (tests/test_keras2.py)."""

from __future__ import annotations

from typing import Any, Iterator

from kerasdiff.findings import Finding, make, show

NAME = "tf_keras"
# KD702 needs no other finding: it runs with the ordinary rules, so the probe's KD501 sees it
# explain different outputs; the others explain findings of that first phase.
FIRST_CODES = ("KD702",)
CODES = ("KD701", "KD703", "KD705")

# (layer or optimizer class, setting) -> (Keras 2's default, Keras 3's default)
DEFAULTS: dict[tuple[str, str], tuple[Any, Any]] = {
    ("ConvLSTM1D", "recurrent_activation"): ("hard_sigmoid", "sigmoid"),
    ("ConvLSTM2D", "recurrent_activation"): ("hard_sigmoid", "sigmoid"),
    ("ConvLSTM3D", "recurrent_activation"): ("hard_sigmoid", "sigmoid"),
    ("Lion", "learning_rate"): (0.0001, 0.001),
}
# Same name, another function: Keras 2's hard_sigmoid is clip(0.2x + 0.5), Keras 3's clip(x/6 + 0.5).
KERAS2_HARD_SIGMOID = "lambda x: keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)"


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.a_path, f.attribute)


def _old_is_a(ctx: Any) -> Any:
    """True/False: which side is tf_keras in a tf_keras vs Keras 3 pair; None for other pairs."""
    a, b = ctx.a.framework, ctx.b.framework
    if (a == NAME) == (b == NAME) or "keras" not in (a, b):
        return None  # Keras 2 with Keras 2 is one library; with another framework, not this drift
    return a == NAME


def check_first(ctx: Any) -> Iterator[Finding]:
    old_is_a = _old_is_a(ctx)
    if old_is_a is not None:
        yield from _hard_sigmoid(ctx, old_is_a)


def check(ctx: Any) -> Iterator[Finding]:
    old_is_a = _old_is_a(ctx)
    if old_is_a is None:
        return
    yield from _ignored_lr(ctx, old_is_a)
    yield from _legacy_decay(ctx, old_is_a)
    yield from _defaults(ctx, old_is_a)


def _sides(old_is_a: bool, f: Finding) -> tuple[Any, Any]:
    return (f.a_value, f.b_value) if old_is_a else (f.b_value, f.a_value)


def _learning_rate(code: str, concrete: list[Finding], message: str, **params: Any) -> Finding:
    """A finding that explains the concrete learning-rate difference(s) (KD701, KD705)."""
    return make(
        code,
        a_path="compile.optimizer.learning_rate",
        b_path="compile.optimizer.learning_rate",
        attribute="learning_rate",
        a_value=concrete[0].a_value,
        b_value=concrete[0].b_value,
        message=message,
        explains=tuple(_key(f) for f in concrete),
        a_source=concrete[0].a_source,
        b_source=concrete[0].b_source,
        **params,
    )


def _ignored_lr(ctx: Any, old_is_a: bool) -> Iterator[Finding]:
    """KD701: tf_keras's optimizers (TF 2.11+) drop `lr=` with a log line."""
    old = ctx.a if old_is_a else ctx.b
    comp = (old.recipe or {}).get("compile") or {}
    opt = comp.get("optimizer") or {}
    lr = (opt.get("ignored") or {}).get("lr")
    if lr is None:
        return
    used = (opt.get("config") or {}).get("learning_rate")
    concrete = [f for f in ctx.earlier if f.code == "KD302" and f.attribute == "learning_rate"]
    if not concrete:
        return  # the other side trains at the same rate: no divergence to explain
    cls = opt.get("class") or "SGD"
    yield _learning_rate(
        "KD701",
        concrete,
        f"the Keras 2 side's {cls}(lr={show(lr)}) trains at learning_rate={show(used)}: tf_keras "
        "dropped lr= (since TensorFlow 2.11 it only logs a line)",
        optimizer=cls,
        lr=lr,
        side="A" if old_is_a else "B",
    )


def _legacy_decay(ctx: Any, old_is_a: bool) -> Iterator[Finding]:
    """KD705: a legacy optimizer's decay= is a schedule; the Keras 3 side trains at a constant rate."""
    old = ctx.a if old_is_a else ctx.b
    comp = (old.recipe or {}).get("compile") or {}
    legacy = (comp.get("optimizer") or {}).get("legacy_decay")
    if not legacy:
        return
    concrete = [f for f in ctx.earlier if f.code == "KD302" and f.attribute == "learning_rate"]
    if not concrete:
        return  # the other side spells the same schedule
    cls = (comp.get("optimizer") or {}).get("class") or "SGD"
    lr, decay = legacy["learning_rate"], legacy["decay"]
    yield _learning_rate(
        "KD705",
        concrete,
        f"the Keras 2 side's legacy {cls}(decay={show(decay)}) divides its rate {show(lr)} by "
        f"(1 + {show(decay)} * step); the other side's rate is {show(_sides(old_is_a, concrete[0])[1])}",
        lr=lr,
        decay=decay,
    )


def _activation_keys(cfg: dict) -> list[str]:
    return [k for k, v in cfg.items() if k.endswith("activation") and v == "hard_sigmoid"]


def _hard_sigmoid(ctx: Any, old_is_a: bool) -> Iterator[Finding]:
    """KD702: both sides say hard_sigmoid, which is another function in Keras 3."""
    la_map, lb_map = ctx.a.layer_map(), ctx.b.layer_map()
    rows: list[tuple[str, str, str]] = []
    sources = None
    for ka, kb in ctx.al.layer_pairs:
        la, lb = la_map.get(ka), lb_map.get(kb)
        if la is None or lb is None:
            continue
        for key in _activation_keys(la.config):
            if lb.config.get(key) == "hard_sigmoid":
                rows.append((la.key, lb.key, key))
                sources = sources or (la.origin, lb.origin)
    if not rows:
        return
    a_path, b_path, key = rows[0]
    yield make(
        "KD702",
        a_path=a_path,
        b_path=b_path,
        attribute=key,
        a_value="hard_sigmoid",
        b_value="hard_sigmoid",
        message=f"{key}='hard_sigmoid' on {len(rows)} layer(s) ({', '.join(r[1 if old_is_a else 0] for r in rows[:4])}"
        f"{', ...' if len(rows) > 4 else ''}): Keras 2 computes clip(0.2x + 0.5), Keras 3 clip(x/6 + 0.5) "
        "(at x=1: 0.7 vs 0.667)",
        a_source=sources[0] if sources else None,
        b_source=sources[1] if sources else None,
        attribute_name=key,
        keras2_fn=KERAS2_HARD_SIGMOID,
    )


def _defaults(ctx: Any, old_is_a: bool) -> Iterator[Finding]:
    """KD703: a difference that is exactly Keras 2's default against Keras 3's."""
    old, new = (ctx.a, ctx.b) if old_is_a else (ctx.b, ctx.a)
    old_layers = old.layer_map()
    hits: list[tuple[Finding, str, Any, Any]] = []
    for f in ctx.earlier:
        if f.code == "KD302":
            cls = ((old.recipe or {}).get("compile") or {}).get("optimizer", {}).get("class")
        elif f.code in ("KD101", "KD141"):
            lay = old_layers.get(f.a_path if old_is_a else f.b_path)
            cls = lay.cls if lay else None
        else:
            continue
        drift = DEFAULTS.get((cls or "", f.attribute))
        if drift is None:
            continue
        v_old, v_new = _sides(old_is_a, f)
        if v_old == drift[0] and v_new == drift[1]:
            hits.append((f, cls or "", v_old, v_new))
    groups: dict[tuple[str, str], list] = {}
    for h in hits:
        groups.setdefault((h[1], h[0].attribute), []).append(h)
    for (cls, attribute), rows in groups.items():
        f, _, v_old, v_new = rows[0]
        # the Keras 3 spelling of Keras 2's behaviour (its hard_sigmoid is not Keras 3's)
        restore = KERAS2_HARD_SIGMOID if v_old == "hard_sigmoid" else repr(v_old)
        yield make(
            "KD703",
            a_path=f.a_path,
            b_path=f.b_path,
            attribute=attribute,
            a_value=f.a_value,
            b_value=f.b_value,
            message=f"{cls} {attribute} defaults to {show(v_old)} in Keras 2 and to {show(v_new)} in "
            f"Keras 3 ({len(rows)} place(s))",
            explains=tuple(_key(h[0]) for h in rows),
            a_source=f.a_source,
            b_source=f.b_source,
            restore=restore,
            layer_class=cls,
        )
