"""Name-free alignment of two graphs: activation folding, canonical call order, then a typed edit
distance over signatures. `align(a, b)` builds the one Alignment a comparison uses (rules, probe)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Optional

from kerasdiff.graph import Call, Graph, OutputSpec, ref_call, ref_index

# Layers that only apply an activation and can be folded into the layer before them.
FOLDABLE = {
    "Activation": lambda cfg: cfg.get("activation"),
    "ReLU": lambda cfg: (
        "relu"
        if not cfg.get("max_value") and not cfg.get("negative_slope") and not cfg.get("threshold")
        else None
    ),
    "Softmax": lambda cfg: "softmax" if cfg.get("axis", -1) in (-1, [-1]) else None,
}


@dataclass(frozen=True)
class Alignment:
    """Matched calls (in A's canonical order, gaps as None) and what follows from them.

    `a` and `b` are the graphs as compared (activations folded where one side has no
    counterpart for them); `raw_a` and `raw_b` the graphs as extracted (the probe runs those)."""

    pairs: tuple[tuple[Optional[str], Optional[str]], ...]
    a_order: tuple[str, ...]
    b_order: tuple[str, ...]
    a_to_b: dict = field(default_factory=dict)  # call -> call
    b_to_a: dict = field(default_factory=dict)
    input_pairs: tuple[tuple[Optional[int], Optional[int]], ...] = ()
    layer_pairs: tuple[tuple[str, str], ...] = ()  # unique (a_layer, b_layer), first-seen order
    a: Graph = field(default_factory=Graph, compare=False)
    b: Graph = field(default_factory=Graph, compare=False)
    raw_a: Graph = field(default_factory=Graph, compare=False)
    raw_b: Graph = field(default_factory=Graph, compare=False)

    def gap_runs(self) -> list[tuple[str, tuple[str, ...], Optional[str]]]:
        """Unmatched calls as contiguous runs: (side "a"/"b", calls, the other side's last
        matched call before the run, or None at the start)."""
        out: list[tuple[str, tuple[str, ...], Optional[str]]] = []
        last_a: Optional[str] = None
        last_b: Optional[str] = None
        run_a: list[str] = []
        run_b: list[str] = []
        for x, y in self.pairs:
            if x is not None and y is not None:
                if run_a:
                    out.append(("a", tuple(run_a), last_b))
                    run_a = []
                if run_b:
                    out.append(("b", tuple(run_b), last_a))
                    run_b = []
                last_a, last_b = x, y
            elif x is not None:
                run_a.append(x)
            elif y is not None:
                run_b.append(y)
        if run_a:
            out.append(("a", tuple(run_a), last_b))
        if run_b:
            out.append(("b", tuple(run_b), last_a))
        return out


# --------------------------------------------------------------------------- normalization


def fold_activations(g: Graph, only: Optional[set] = None) -> Graph:
    """Fold `X -> Activation(f)` into X(activation=f) when X is linear and used only there.

    `only`: the Activation calls that may be folded (None = all)."""
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
        fold = FOLDABLE.get(lay.cls)
        if fold is None or len(c.inputs) != 1 or calls_of[c.layer] != 1:
            continue
        if only is not None and c.key not in only:
            continue
        act = fold(lay.config)
        src = c.inputs[0]
        pc = ref_call(src)
        if act is None or pc is None or pc in dropped:
            continue
        prod = layers[cmap[pc].layer]
        if (
            prod.config.get("activation", None) != "linear"
            or calls_of[prod.key] != 1
            or consumers.get(src, 0) != 1
            or src in out_refs
            or prod.key in new_act
        ):
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
    new_calls = tuple(
        replace(c, inputs=tuple(fix(r) for r in c.inputs)) for c in g.calls if c.key not in dropped
    )
    outputs = tuple(OutputSpec(fix(o.ref), o.name) for o in g.outputs)
    return replace(g, layers=tuple(new_layers), calls=new_calls, outputs=outputs)


def canonical_order(
    g: Graph, roots: Optional[list[int]] = None, arg_order: Optional[dict[str, list[int]]] = None
) -> tuple[str, ...]:
    """Post-order DFS from the outputs, arguments in call order: depends only on structure.

    `roots` permutes the outputs and `arg_order` the arguments of given calls; both come from
    `_guide`, which lines B's traversal up with A's where that is unambiguous.
    """
    cmap = g.call_map()
    seen: set[str] = set()
    order: list[str] = []
    outs = [g.outputs[i] for i in roots] if roots is not None else list(g.outputs)
    root_keys = [ref_call(o.ref) for o in outs]
    for root in root_keys + [c.key for c in g.calls]:  # unreachable calls go last, in given order
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
            inputs = cmap[key].inputs
            idx = arg_order.get(key) if arg_order else None
            if idx is not None:
                inputs = tuple(inputs[i] for i in idx)
            for r in reversed(inputs):
                pc = ref_call(r)
                if pc is not None and pc not in seen and pc in cmap:
                    stack.append((pc, False))
    return tuple(order)


def _subtree_hashes(g: Graph) -> dict[str, int]:
    """Per call: a hash of everything upstream of it (classes, configs, shapes; no names)."""
    cache = g.__dict__.get("_kd_sub")
    if cache is not None:
        return cache
    fp = _fingerprints(g)
    cmap = g.call_map()
    out: dict[str, int] = {}
    for key in canonical_order(g):  # post-order: producers first
        c = cmap[key]
        lay = g.layer_map()[c.layer]
        parts = []
        for r in c.inputs:
            pc = ref_call(r)
            parts.append(out.get(pc, 0) if pc is not None else ("in", ref_index(r)))
        out[key] = hash((lay.cls, c.output_shapes, fp[lay.key], tuple(parts)))
    object.__setattr__(g, "_kd_sub", out)
    return out


def _ref_hash(g: Graph, ref: str) -> object:
    pc = ref_call(ref)
    return ("in", ref_index(ref)) if pc is None else _subtree_hashes(g).get(pc, 0)


def _bijection(ka: list, kb: list) -> Optional[list[int]]:
    """Indices of kb in the order of ka when the keys match one-to-one and identity does not."""
    if len(ka) != len(kb) or ka == kb or sorted(map(repr, ka)) != sorted(map(repr, kb)):
        return None
    used: set[int] = set()
    perm = []
    for k in ka:
        j = next((j for j, x in enumerate(kb) if j not in used and x == k), None)
        if j is None:
            return None
        used.add(j)
        perm.append(j)
    return perm


def _output_key_names(g: Graph) -> Optional[list[str]]:
    names = []
    lm, cm = g.layer_map(), g.call_map()
    for o in g.outputs:
        pc = ref_call(o.ref)
        if pc is None or lm[cm[pc].layer].auto_name:
            return None
        names.append(o.name)
    return names


def _guide(a: Graph, b: Graph) -> tuple[Optional[list[int]], dict[str, list[int]]]:
    """Line B's traversal up with A's: permute B's outputs / call arguments only when the
    permutation makes every position an exact match (user-given output names, else identical
    upstream structure) and the given order does not. A single changed branch never triggers a
    permutation, so it is reported as the change it is rather than as a swap."""
    roots = None
    na, nb = _output_key_names(a), _output_key_names(b)
    if na is not None and nb is not None:
        roots = _bijection(na, nb)
    if roots is None:
        roots = _bijection([_ref_hash(a, o.ref) for o in a.outputs], [_ref_hash(b, o.ref) for o in b.outputs])
    # Walk both graphs top-down from the (permuted) outputs, pairing calls position by position.
    arg_order: dict[str, list[int]] = {}
    acm, bcm = a.call_map(), b.call_map()
    b_roots = roots if roots is not None else list(range(len(b.outputs)))
    stack = [(ref_call(oa.ref), ref_call(b.outputs[j].ref)) for oa, j in zip(a.outputs, b_roots)]
    seen: set[str] = set()
    while stack:
        x, y = stack.pop()
        if x is None or y is None or y in seen or x not in acm or y not in bcm:
            continue
        seen.add(y)
        ca, cb = acm[x], bcm[y]
        if len(ca.inputs) != len(cb.inputs):
            continue
        idx = list(range(len(cb.inputs)))
        if len(cb.inputs) > 1:
            perm = _bijection([_ref_hash(a, r) for r in ca.inputs], [_ref_hash(b, r) for r in cb.inputs])
            if perm is not None:
                arg_order[y] = perm
                idx = perm
        for ra, j in zip(ca.inputs, idx):
            stack.append((ref_call(ra), ref_call(cb.inputs[j])))
    return roots, arg_order


# --------------------------------------------------------------------------- matching


def _fingerprints(g: Graph) -> dict[str, int]:
    """Per layer: a hash of its normalized config (names are not part of it). Cached per graph."""
    cache = g.__dict__.get("_kd_fp")
    if cache is None:
        cache = {}
        for l in g.layers:
            try:
                cache[l.key] = hash(repr(l.config))
            except Exception:  # noqa: BLE001 - unreprable config: class alone
                cache[l.key] = 0
        object.__setattr__(g, "_kd_fp", cache)
    return cache


# Token levels for the near-linear difflib pass: (class, output shapes), then class alone inside
# the gaps, then the typed edit distance on what is left. Gaps are then re-aligned with their neighbours by the
# typed edit distance, which also weighs parameter counts and configs.
_LEVELS = 2
_WINDOW = 6  # matched pairs on each side of a gap that the edit distance may re-pair


def _token(g: Graph, c: Call, level: int = 0) -> tuple:
    lay = g.layer_map()[c.layer]
    if level == 0:
        return (lay.cls, c.output_shapes)
    return (lay.cls,)


def _sub_cost(ga: Graph, ca: Call, gb: Graph, cb: Call) -> float:
    la, lb = ga.layer_map()[ca.layer], gb.layer_map()[cb.layer]
    same_cls = la.cls == lb.cls
    same_shape = ca.output_shapes == cb.output_shapes
    if same_cls and same_shape:
        cost = 0.0 if la.params == lb.params else 0.1
        if _fingerprints(ga)[la.key] != _fingerprints(gb)[lb.key]:
            cost += 0.05
        return cost
    if same_cls:
        return 0.4
    if same_shape:
        return 0.9
    return 1.6


_DP_LIMIT = 160_000


def _match(
    ga: Graph, a: list[Call], gb: Graph, b: list[Call], level: int
) -> list[tuple[Optional[str], Optional[str]]]:
    """Pair two call sequences: difflib on tokens of `level`, the gaps recursively."""
    # Inside a gap, equal class runs are paired before the edit distance sees the rest: when a
    # change upstream shifts every shape downstream (DenseNet channels), the edit distance alone
    # would rather shift a whole block to line up equal shapes.
    if not a or not b or level >= _LEVELS:
        return _dp(ga, a, gb, b)
    if len(a) == len(b) and all(
        _token(ga, x, _LEVELS - 1) == _token(gb, y, _LEVELS - 1) for x, y in zip(a, b)
    ):
        # The same layer classes in the same order: the only sane pairing is by position, even
        # when a change upstream shifts shapes so that block k of B looks like block k+1 of A.
        return [(x.key, y.key) for x, y in zip(a, b)]
    ta = [_token(ga, c, level) for c in a]
    tb = [_token(gb, c, level) for c in b]
    pairs: list[tuple[Optional[str], Optional[str]]] = []
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            pairs += [(x.key, y.key) for x, y in zip(a[i1:i2], b[j1:j2])]
        else:
            pairs += _match(ga, a[i1:i2], gb, b[j1:j2], level + 1)
    return pairs


def _refine(
    ga: Graph, gb: Graph, pairs: list[tuple[Optional[str], Optional[str]]]
) -> list[tuple[Optional[str], Optional[str]]]:
    """Re-align each gap together with a few matched neighbours by the typed edit distance.

    difflib places an inserted or deleted layer anywhere in a run of equal-looking layers
    (Dropout, Dropout; Dense(8), Dense(8)); the edit distance picks the place where configs and
    parameter counts agree. Windows are small, so this stays linear in the number of calls.
    """
    gaps = [i for i, (x, y) in enumerate(pairs) if x is None or y is None]
    if not gaps:
        return pairs
    ac, bc = ga.call_map(), gb.call_map()
    out: list[tuple[Optional[str], Optional[str]]] = []
    pos = 0
    i = 0
    while i < len(gaps):
        lo = max(pos, gaps[i] - _WINDOW)
        hi = gaps[i] + 1
        j = i + 1
        while j < len(gaps) and gaps[j] <= hi + 2 * _WINDOW:
            hi = gaps[j] + 1
            j += 1
        hi = min(len(pairs), hi + _WINDOW)
        window = pairs[lo:hi]
        wa = [ac[x] for x, _ in window if x is not None]
        wb = [bc[y] for _, y in window if y is not None]
        out += pairs[pos:lo]
        out += _dp(ga, wa, gb, wb) if len(wa) * len(wb) <= _DP_LIMIT else window
        pos = hi
        i = j
    out += pairs[pos:]
    return out


def _dp(ga: Graph, a: list[Call], gb: Graph, b: list[Call]) -> list[tuple[Optional[str], Optional[str]]]:
    """Needleman-Wunsch on a small block; indel cost 1, substitution by _sub_cost."""
    n, m = len(a), len(b)
    if n == 0 or m == 0 or n * m > _DP_LIMIT:
        # Too big for the quadratic step: pair by position, the rest are gaps.
        k = min(n, m)
        by_position: list[tuple[Optional[str], Optional[str]]] = [(a[i].key, b[i].key) for i in range(k)]
        by_position += [(a[i].key, None) for i in range(k, n)]
        by_position += [(None, b[j].key) for j in range(k, m)]
        return by_position
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
        j = next(
            (j for j, ib in enumerate(b.inputs) if j not in used and not ia.auto_name and ia.name == ib.name),
            None,
        )
        if j is None:
            j = next((j for j, ib in enumerate(b.inputs) if j not in used and ia.shape == ib.shape), None)
        if j is not None:
            used.add(j)
        pairs.append((i, j))
    pairs += [(None, j) for j in range(nb) if j not in used]
    return tuple(pairs)


def align(a: Graph, b: Graph) -> Alignment:
    """The alignment of A and B as compared: `X -> Activation(f)` is folded into X(activation=f)
    only where the Activation has no counterpart on the other side (the other side wrote it into
    the layer, KD102, or lacks it). Folding everywhere would turn "B lacks the
    BatchNormalization between conv and activation" into a folded conv on one side only."""
    al = _align_folded(a, b)
    gap_a = {x for x, y in al.pairs if y is None}
    gap_b = {y for x, y in al.pairs if x is None}
    fa = fold_activations(a, gap_a) if gap_a else a
    fb = fold_activations(b, gap_b) if gap_b else b
    if fa is not a or fb is not b:
        al = _align_folded(fa, fb)
    return replace(al, a=fa, b=fb, raw_a=a, raw_b=b)


def _align_folded(a: Graph, b: Graph) -> Alignment:
    """Align two (already folded) graphs by structure."""
    a_order = canonical_order(a)
    roots, arg_order = _guide(a, b)
    b_order = canonical_order(b, roots, arg_order)
    ac, bc = a.call_map(), b.call_map()
    pairs = _match(a, [ac[k] for k in a_order], b, [bc[k] for k in b_order], 0)
    pairs = _refine(a, b, pairs)
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
    return Alignment(
        tuple(pairs), a_order, b_order, a_to_b, b_to_a, _match_inputs(a, b), tuple(layer_pairs), a, b, a, b
    )


def map_ref(ref: str, al: Alignment, inputs_a_to_b: dict[int, int]) -> Optional[str]:
    """Translate one of A's tensor refs into B's namespace (None if it has no counterpart)."""
    c = ref_call(ref)
    if c is None:
        j = inputs_a_to_b.get(ref_index(ref))
        return None if j is None else f"in:{j}"
    bc = al.a_to_b.get(c)
    return None if bc is None else f"{bc}:{ref_index(ref)}"
