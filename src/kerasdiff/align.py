"""Name-free alignment of two graphs: canonical call order, then a typed edit distance over signatures."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Optional

from kerasdiff.graph import Call, Graph, Layer, OutputSpec, ref_call, ref_index

# Layers that only apply an activation and can be folded into the layer before them.
_FOLDABLE = {
    "Activation": lambda cfg: cfg.get("activation"),
    "ReLU": lambda cfg: "relu" if not cfg.get("max_value") and not cfg.get("negative_slope")
    and not cfg.get("threshold") else None,
    "Softmax": lambda cfg: "softmax" if cfg.get("axis", -1) in (-1, [-1]) else None,
}


@dataclass(frozen=True)
class Alignment:
    """Matched calls (in A's canonical order, gaps as None) and what follows from them."""

    pairs: tuple[tuple[Optional[str], Optional[str]], ...]
    a_order: tuple[str, ...]
    b_order: tuple[str, ...]
    a_to_b: dict = field(default_factory=dict)     # call -> call
    b_to_a: dict = field(default_factory=dict)
    input_pairs: tuple[tuple[Optional[int], Optional[int]], ...] = ()
    layer_pairs: tuple[tuple[str, str], ...] = ()  # unique (a_layer, b_layer), first-seen order


# --------------------------------------------------------------------------- normalization


def fold_activations(g: Graph) -> Graph:
    """Fold `X -> Activation(f)` into X(activation=f) when X is linear and used only there."""
    layers = g.layer_map()
    calls_of: dict[str, int] = {}
    consumers: dict[str, int] = {}
    for c in g.calls:
        calls_of[c.layer] = calls_of.get(c.layer, 0) + 1
        for r in c.inputs:
            consumers[r] = consumers.get(r, 0) + 1
    out_refs = {o.ref for o in g.outputs}
    cmap = g.call_map()
    redirect: dict[str, str] = {}
    new_act: dict[str, str] = {}
    dropped: set[str] = set()
    for c in g.calls:
        lay = layers[c.layer]
        fold = _FOLDABLE.get(lay.cls)
        if fold is None or len(c.inputs) != 1 or calls_of[c.layer] != 1:
            continue
        act = fold(lay.config)
        src = c.inputs[0]
        pc = ref_call(src)
        if act is None or pc is None or pc in dropped:
            continue
        prod = layers[cmap[pc].layer]
        if (prod.config.get("activation", None) != "linear" or calls_of[prod.key] != 1
                or consumers.get(src, 0) != 1 or src in out_refs or prod.key in new_act):
            continue
        new_act[prod.key] = act
        redirect[f"{c.key}:0"] = src
        dropped.add(c.key)
    if not dropped:
        return g

    def fix(r: str) -> str:
        while r in redirect:
            r = redirect[r]
        return r

    new_layers = []
    dropped_layers = {cmap[k].layer for k in dropped}
    for l in g.layers:
        if l.key in dropped_layers:
            continue
        if l.key in new_act:
            l = replace(l, config={**l.config, "activation": new_act[l.key]}, folded="Activation")
        new_layers.append(l)
    new_calls = tuple(replace(c, inputs=tuple(fix(r) for r in c.inputs))
                      for c in g.calls if c.key not in dropped)
    outputs = tuple(OutputSpec(fix(o.ref), o.name) for o in g.outputs)
    return replace(g, layers=tuple(new_layers), calls=new_calls, outputs=outputs)


def canonical_order(g: Graph) -> tuple[str, ...]:
    """Post-order DFS from the outputs, arguments in call order: depends only on structure."""
    cmap = g.call_map()
    seen: set[str] = set()
    order: list[str] = []
    roots = [ref_call(o.ref) for o in g.outputs]
    for root in roots + [c.key for c in g.calls]:  # unreachable calls go last, in given order
        if root is None or root in seen or root not in cmap:
            continue
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            key, ready = stack.pop()
            if key in seen:
                continue
            if ready:
                seen.add(key)
                order.append(key)
                continue
            stack.append((key, True))
            for r in reversed(cmap[key].inputs):
                pc = ref_call(r)
                if pc is not None and pc not in seen and pc in cmap:
                    stack.append((pc, False))
    return tuple(order)


# --------------------------------------------------------------------------- matching


def _token(g: Graph, c: Call) -> tuple:
    lay = g.layer_map()[c.layer]
    return (lay.cls, c.output_shapes)


def _sub_cost(ga: Graph, ca: Call, gb: Graph, cb: Call) -> float:
    la, lb = ga.layer_map()[ca.layer], gb.layer_map()[cb.layer]
    same_cls = la.cls == lb.cls
    same_shape = ca.output_shapes == cb.output_shapes
    if same_cls and same_shape:
        return 0.0 if la.params == lb.params else 0.1
    if same_cls:
        return 0.4
    if same_shape:
        return 0.9
    return 1.6


def _dp(ga: Graph, a: list[Call], gb: Graph, b: list[Call]) -> list[tuple[Optional[str], Optional[str]]]:
    """Needleman-Wunsch on a small block; indel cost 1, substitution by _sub_cost."""
    n, m = len(a), len(b)
    if n == 0 or m == 0 or n * m > 160_000:
        # Too big for the quadratic step: pair by position, the rest are gaps.
        k = min(n, m)
        out = [(a[i].key, b[i].key) for i in range(k)]
        out += [(a[i].key, None) for i in range(k, n)]
        out += [(None, b[j].key) for j in range(k, m)]
        return out
    INF = float("inf")
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0], back[i][0] = float(i), 1
    for j in range(m + 1):
        cost[0][j], back[0][j] = float(j), 2
    for i in range(1, n + 1):
        ci, bi = cost[i], back[i]
        prev = cost[i - 1]
        for j in range(1, m + 1):
            s = prev[j - 1] + _sub_cost(ga, a[i - 1], gb, b[j - 1])
            d = prev[j] + 1.0
            ins = ci[j - 1] + 1.0
            if s <= d and s <= ins:
                ci[j], bi[j] = s, 0
            elif d <= ins:
                ci[j], bi[j] = d, 1
            else:
                ci[j], bi[j] = ins, 2
    out: list[tuple[Optional[str], Optional[str]]] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = back[i][j] if i > 0 and j > 0 else (1 if i > 0 else 2)
        if step == 0:
            out.append((a[i - 1].key, b[j - 1].key))
            i, j = i - 1, j - 1
        elif step == 1:
            out.append((a[i - 1].key, None))
            i -= 1
        else:
            out.append((None, b[j - 1].key))
            j -= 1
    out.reverse()
    return out


def _match_inputs(a: Graph, b: Graph) -> tuple[tuple[Optional[int], Optional[int]], ...]:
    na, nb = len(a.inputs), len(b.inputs)
    if na == nb:
        return tuple((i, i) for i in range(na))
    pairs: list[tuple[Optional[int], Optional[int]]] = []
    used: set[int] = set()
    for i, ia in enumerate(a.inputs):
        j = next((j for j, ib in enumerate(b.inputs) if j not in used and not ia.auto_name
                  and ia.name == ib.name), None)
        if j is None:
            j = next((j for j, ib in enumerate(b.inputs) if j not in used and ia.shape == ib.shape), None)
        if j is not None:
            used.add(j)
        pairs.append((i, j))
    pairs += [(None, j) for j in range(nb) if j not in used]
    return tuple(pairs)


def align(a: Graph, b: Graph) -> Alignment:
    """Align two (already folded) graphs by structure."""
    a_order = canonical_order(a)
    b_order = canonical_order(b)
    ac, bc = a.call_map(), b.call_map()
    ta = [_token(a, ac[k]) for k in a_order]
    tb = [_token(b, bc[k]) for k in b_order]
    pairs: list[tuple[Optional[str], Optional[str]]] = []
    if ta == tb:
        pairs = list(zip(a_order, b_order))
    else:
        # Coarse, near-linear pass on exact tokens; typed edit distance only inside the gaps.
        sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                pairs += list(zip(a_order[i1:i2], b_order[j1:j2]))
            else:
                pairs += _dp(a, [ac[k] for k in a_order[i1:i2]], b, [bc[k] for k in b_order[j1:j2]])
    a_to_b = {x: y for x, y in pairs if x is not None and y is not None}
    b_to_a = {y: x for x, y in a_to_b.items()}
    seen: set[tuple[str, str]] = set()
    layer_pairs = []
    for x, y in pairs:
        if x is None or y is None:
            continue
        lp = (ac[x].layer, bc[y].layer)
        if lp not in seen:
            seen.add(lp)
            layer_pairs.append(lp)
    return Alignment(tuple(pairs), a_order, b_order, a_to_b, b_to_a, _match_inputs(a, b),
                     tuple(layer_pairs))


def map_ref(ref: str, al: Alignment, inputs_a_to_b: dict[int, int]) -> Optional[str]:
    """Translate one of A's tensor refs into B's namespace (None if it has no counterpart)."""
    c = ref_call(ref)
    if c is None:
        j = inputs_a_to_b.get(ref_index(ref))
        return None if j is None else f"in:{j}"
    bc = al.a_to_b.get(c)
    return None if bc is None else f"{bc}:{ref_index(ref)}"
