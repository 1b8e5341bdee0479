"""Per-layer config rules: activation, initializer, regularizer, constraint, settings, dtype, trainable."""

from __future__ import annotations

from typing import Any, Iterator

from kerasdiff.findings import Finding, make, same, show
from kerasdiff.graph import Graph, Layer
from kerasdiff.rules import checker
from kerasdiff.rules.context import Context

_MISSING = object()
# "Off" values equal to a key that is absent (other Keras versions, graphs built from scikit-learn).
_UNSET: tuple[Any, ...] = (None, False, {}, [])
# Dropout-style seeds are randomness (reported by the recipe rules, KD351/KD352), not a layer setting.
_SKIP_KEYS = {"seed", "settings_unreadable"}


def _without_seed(v: Any) -> Any:
    if isinstance(v, dict) and isinstance(v.get("config"), dict):
        cfg = {k: x for k, x in v["config"].items() if k != "seed"}
        return {**v, "config": cfg}
    return v


def _seed(v: Any) -> Any:
    if isinstance(v, dict) and isinstance(v.get("config"), dict):
        return v["config"].get("seed")
    return None


def _head_note(role: str, va: Any, vb: Any) -> str:
    """What a different activation on an output layer does to the predictions."""
    if not role:
        return ""
    for x, y in ((va, vb), (vb, va)):
        if x == "linear" and y == "relu":
            return "; a relu output cannot predict negative values, so regression predictions flatten"
        if x == "linear" and y in ("sigmoid", "softmax"):
            return f"; a {y} output only predicts values in (0, 1)"
        if x == "linear" and y == "tanh":
            return "; a tanh output only predicts values in (-1, 1)"
    return ""


def _role(g: Graph, calls: list[str]) -> str:
    outs = {o.ref.rpartition(":")[0] for o in g.outputs}
    return " (an output layer)" if any(c in outs for c in calls) else ""


def compare_layers(
    ctx: Context,
    la: Layer,
    lb: Layer,
    pos: int,
    anchors_a: tuple,
    anchors_b: tuple,
    prefix_a: str = "",
    prefix_b: str = "",
) -> Iterator[Finding]:
    """All config findings for one matched layer pair."""
    pa, pb = prefix_a + la.key, prefix_b + lb.key
    common: dict[str, Any] = dict(
        a_path=pa,
        b_path=pb,
        a_source=la.origin,
        b_source=lb.origin,
        position=pos,
        anchors_a=anchors_a,
        anchors_b=anchors_b,
    )
    if la.cls != lb.cls:
        yield make(
            "KD151",
            attribute="class",
            a_value=la.cls,
            b_value=lb.cls,
            message=f"A has {la.cls} at {pa}, B has {lb.cls} at {pb}",
            **common,
        )
        return
    if la.code and lb.code and la.code != lb.code:
        yield make(
            "KD152",
            attribute="code",
            a_value=la.cls,
            b_value=lb.cls,
            message=f"custom layer {la.cls} {pa}: same name, different source code "
            f"({la.code[:7]} in A, {lb.code[:7]} in B)",
            **common,
        )
    # An activation moved across another layer is reported once, by the structure rules.
    explained = not prefix_a and (la.key, lb.key) in ctx.fusions.explained
    unreadable = [(side, l) for side, l in (("A", la), ("B", lb)) if "settings_unreadable" in l.config]
    # One model compared with itself has the same settings, readable or not.
    if unreadable and not (ctx.a.spec and ctx.a.spec == ctx.b.spec):
        yield make(
            "KD153",
            attribute="settings",
            a_value=la.config.get("settings_unreadable", "read"),
            b_value=lb.config.get("settings_unreadable", "read"),
            message=f"{la.cls} {pa}: the settings of "
            + " and ".join(f"{side}'s layer ({l.config['settings_unreadable']})" for side, l in unreadable)
            + " could not be read; they were not compared",
            **common,
        )
    # Equal configs (most pairs) have nothing to report: skip the per-key comparison.
    keys = [] if la.config == lb.config else list(la.config) + [k for k in lb.config if k not in la.config]
    for key in keys:
        if key in _SKIP_KEYS:
            continue
        va, vb = la.config.get(key, _MISSING), lb.config.get(key, _MISSING)
        if same(va, vb):
            continue
        if (va is _MISSING and vb in _UNSET) or (vb is _MISSING and va in _UNSET):
            continue  # a key one side's format lacks, left at its "off" value on the other
        va_s = "(not set)" if va is _MISSING else va
        vb_s = "(not set)" if vb is _MISSING else vb
        if key.endswith("activation"):
            if key == "activation" and explained:
                continue
            role = _role(ctx.a, list(anchors_a)) if not prefix_a else ""
            yield make(
                "KD101",
                attribute=key,
                a_value=va_s,
                b_value=vb_s,
                message=f"{la.cls} {pa}{role}: {key} is {show(va_s)} in A, {show(vb_s)} in B"
                + _head_note(role, va_s, vb_s),
                note=" (linear is the default: `activation=None`)" if va_s == "linear" else "",
                **common,
            )
        elif key.endswith("initializer"):
            if same(_without_seed(va), _without_seed(vb)):
                yield make(
                    "KD112",
                    attribute=key,
                    a_value=_seed(va),
                    b_value=_seed(vb),
                    message=f"{pa}: {key} seed {_seed(va)} in A, {_seed(vb)} in B",
                    **common,
                )
            else:
                yield make(
                    "KD111",
                    attribute=key,
                    a_value=va_s,
                    b_value=vb_s,
                    message=f"{pa}: {key} is {show(va_s)} in A, {show(vb_s)} in B",
                    **common,
                )
        elif key.endswith("regularizer"):
            msg = f"{pa}: {key} is {show(va_s)} in A, {show(vb_s)} in B"
            if (
                isinstance(va, dict)
                and isinstance(vb, dict)
                and va.get("callable", va.get("class")) == vb.get("callable", vb.get("class"))
                and va.get("source") != vb.get("source")
            ):
                msg += " (same name, different source code)"
            yield make("KD121", attribute=key, a_value=va_s, b_value=vb_s, message=msg, **common)
        elif key.endswith("constraint"):
            yield make(
                "KD131",
                attribute=key,
                a_value=va_s,
                b_value=vb_s,
                message=f"{pa}: {key} is {show(va_s)} in A, {show(vb_s)} in B",
                **common,
            )
        elif key == "call_arguments":
            yield make(
                "KD142",
                attribute=key,
                a_value=va_s,
                b_value=vb_s,
                message=f"operation {la.cls} {pa} is called with the constants {show(va_s)} in A, "
                f"{show(vb_s)} in B",
                a_cls=la.cls,
                **common,
            )
        else:
            yield make(
                "KD141",
                attribute=key,
                a_value=va_s,
                b_value=vb_s,
                message=f"{la.cls} {pa}: {key}={show(va_s)} in A, {show(vb_s)} in B",
                **common,
            )
    if la.dtype != lb.dtype:
        yield make(
            "KD201",
            attribute="dtype_policy",
            a_value=la.dtype,
            b_value=lb.dtype,
            message=f"{pa} computes in {la.dtype} in A, {lb.dtype} in B",
            **common,
        )
    if la.trainable != lb.trainable:
        yield make(
            "KD211",
            attribute="trainable",
            a_value=la.trainable,
            b_value=lb.trainable,
            message=f"{pa} is {'trainable' if la.trainable else 'frozen'} in A, "
            f"{'trainable' if lb.trainable else 'frozen'} in B",
            **common,
        )
    # Across frameworks the spelling of an activation is the other framework's idiom, not a
    # difference anyone can unify (nn.ReLU() is how PyTorch writes Dense(activation='relu')).
    if la.folded != lb.folded and ctx.a.framework == ctx.b.framework:
        how_a = "a separate Activation layer" if la.folded else "the layer's own activation"
        how_b = "a separate Activation layer" if lb.folded else "the layer's own activation"
        yield make(
            "KD102",
            attribute="activation",
            a_value=how_a,
            b_value=how_b,
            message=f"{pa}: activation {show(la.config.get('activation'))} applied by {how_a} in A, "
            f"by {how_b} in B",
            **common,
        )
    if not la.auto_name and not lb.auto_name and la.name != lb.name:
        yield make(
            "KD903",
            attribute="name",
            a_value=la.name,
            b_value=lb.name,
            message=f"layer named '{la.name}' in A, '{lb.name}' in B",
            **common,
        )
    if la.inner is not None and lb.inner is not None:
        from kerasdiff.rules import diff_graphs

        for f in diff_graphs(la.inner, lb.inner, nested=True):
            extra = dict(f.params)
            yield make(
                f.code,
                a_path=f"{pa}/{f.a_path}",
                b_path=f"{pb}/{f.b_path}",
                attribute=f.attribute,
                a_value=f.a_value,
                b_value=f.b_value,
                message=f"in {pa} ({la.cls}): {f.message}",
                a_source=f.a_source or la.origin,
                b_source=f.b_source or lb.origin,
                position=pos,
                anchors_a=anchors_a,
                anchors_b=anchors_b,
                consequences=f.consequences,
                **extra,
            )


@checker(
    "KD101",
    "KD102",
    "KD111",
    "KD112",
    "KD121",
    "KD131",
    "KD141",
    "KD142",
    "KD151",
    "KD152",
    "KD153",
    "KD201",
    "KD211",
    "KD903",
    # inner graphs of wrapper layers (TimeDistributed, Bidirectional) report every code
    # their own comparison finds
    "KD103",
    "KD161",
    "KD162",
    "KD163",
    "KD171",
    "KD172",
    "KD181",
    "KD191",
    "KD192",
    "KD193",
    "KD202",
)
def check(ctx: Context) -> Iterator[Finding]:
    acm, bcm = ctx.a.call_map(), ctx.b.call_map()
    # Crossed matches of two swapped layers are one KD173 (structure rules), not two KD151.
    swapped = {(acm[x].layer, bcm[y].layer) for x, y in ctx.swaps.pairs}
    for la_key, lb_key in ctx.al.layer_pairs:
        if (la_key, lb_key) in swapped and not ctx.nested:
            continue
        la, lb = ctx.a.layer(la_key), ctx.b.layer(lb_key)
        anchors_a = tuple(ctx.a_calls_of.get(la_key, ()))
        anchors_b = tuple(ctx.b_calls_of.get(lb_key, ()))
        pos = min((ctx.a_pos[c] for c in anchors_a), default=0)
        yield from compare_layers(ctx, la, lb, pos, anchors_a, anchors_b)


def _share_groups(g: Graph) -> dict[tuple[str, str], list[str]]:
    """(attribute, token) -> the layers that use that one settings object."""
    groups: dict[tuple[str, str], list[str]] = {}
    for lay in g.layers:
        for attr, token in lay.shares:
            groups.setdefault((attr, token), []).append(lay.key)
    return groups


@checker("KD113")
def shared_initializers(ctx: Context) -> Iterator[Finding]:
    """One initializer object passed to several layers: in Keras 3 it returns the same values on
    every call, so those layers start identical. Reported where only one side does it."""
    a_to_b: dict[str, str] = {}
    b_to_a: dict[str, str] = {}
    for la, lb in ctx.al.layer_pairs:
        a_to_b.setdefault(la, lb)
        b_to_a.setdefault(lb, la)
    for side, g, other, peer in (("A", ctx.a, ctx.b, a_to_b), ("B", ctx.b, ctx.a, b_to_a)):
        theirs = {(attr, key): token for (attr, token), keys in _share_groups(other).items() for key in keys}
        for (attr, _), keys in _share_groups(g).items():
            peers = [peer.get(k) for k in keys]
            tokens = {theirs.get((attr, p)) if p else None for p in peers}
            if None not in peers and len(tokens) == 1 and None not in tokens:
                continue  # the other side shares one object among the same layers too
            init = g.layer(keys[0]).config.get(attr)
            cls = init.get("class", "the initializer") if isinstance(init, dict) else str(init)
            names = ", ".join(keys)
            other_names = ", ".join(p for p in peers if p) or "its layers"
            msg = (
                f"{side}'s {names} take one {cls} object as {attr}: a Keras 3 initializer object "
                f"returns the same values on every call, so these layers start from identical "
                f"weights; {'B' if side == 'A' else 'A'} ({other_names}) does not share it"
            )
            first = g.layer(keys[0])
            mine, theirs_path = names, other_names
            yield make(
                "KD113",
                a_path=mine if side == "A" else theirs_path,
                b_path=theirs_path if side == "A" else mine,
                attribute=attr,
                a_value=f"one {cls} object for {len(keys)} layers" if side == "A" else "one object per layer",
                b_value="one object per layer" if side == "A" else f"one {cls} object for {len(keys)} layers",
                message=msg,
                a_source=first.origin if side == "A" else None,
                b_source=first.origin if side == "B" else None,
                position=min(
                    (
                        ctx.a_pos.get(c, 0)
                        for k in (keys if side == "A" else peers)
                        if k
                        for c in ctx.a_calls_of.get(k, [])
                    ),
                    default=0,
                ),
                init=cls,
            )
