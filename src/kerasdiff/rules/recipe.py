"""Training-recipe rules: optimizer (and its state), loss, metrics, fit settings, callbacks, seeds.

Reads `Graph.recipe` as documented in docs/recipe.md; plain data, no TensorFlow.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from kerasdiff.findings import Finding, make, same, show
from kerasdiff.graph import Graph
from kerasdiff.rules import checker
from kerasdiff.rules.context import Context

_POS = 10**8  # after the model's own findings among equals
_FIT_KEYS = (
    "batch_size",
    "epochs",
    "shuffle",
    "validation_split",
    "validation_data",
    "class_weight",
    "sample_weight",
    "steps_per_epoch",
    "initial_epoch",
)
_EXEC_KEYS = ("run_eagerly", "jit_compile", "steps_per_execution")


def _opt_desc(opt: dict) -> str:
    lr = (opt.get("config") or {}).get("learning_rate")
    return f"{opt.get('class', '?')}(learning_rate={show(lr)})" if lr is not None else str(opt.get("class"))


def _names(shared: list) -> str:
    return ", ".join(s.get("name") or "another model" for s in shared)


def _line(origin: str) -> int:
    tail = origin.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def _n(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _fresh(o: dict) -> str:
    """The constructor call that makes a new optimizer like `o` (its non-default settings)."""
    cfg = o.get("config") or {}
    cls = o.get("class") or "Adam"
    defaults = {
        "learning_rate": 0.01 if cls == "SGD" else 0.001,
        "momentum": 0.0,
        "nesterov": False,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-07,
        "rho": 0.9,
    }
    keep = [
        f"{k}={show(v)}"
        for k, v in cfg.items()
        if k in defaults and v is not None and not isinstance(v, dict) and not same(v, defaults[k])
    ]
    return f"keras.optimizers.{cls}({', '.join(keep)})"


def _optimizer_state(ctx: Context, ra: dict, rb: dict) -> Iterator[Finding]:
    ca, cb = ra.get("compile") or {}, rb.get("compile") or {}
    oa, ob = ca.get("optimizer") or {}, cb.get("optimizer") or {}
    same_run = ra.get("run") is not None and ra.get("run") == rb.get("run")
    if same_run and ctx.a.spec == ctx.b.spec:
        return  # one model compared with itself: of course it has its own optimizer
    reported = False
    if (
        same_run
        and oa.get("given_as") == "object"
        and ob.get("given_as") == "object"
        and oa.get("id") is not None
        and oa.get("id") == ob.get("id")
    ):
        reported = True
        fa, fb = ra.get("fit") or {}, rb.get("fit") or {}
        second = None
        if fa.get("origin") and fb.get("origin"):
            second = (
                (ctx.b.name, fb["origin"])
                if _line(fb["origin"]) > _line(fa["origin"])
                else (ctx.a.name, fa["origin"])
            )
        f = make(
            "KD311",
            a_path="compile.optimizer",
            b_path="compile.optimizer",
            attribute="instance",
            a_value=oa.get("class"),
            b_value=ob.get("class"),
            message=f"the same {_opt_desc(oa)} object is compiled into A ({ctx.a.name}) and "
            f"B ({ctx.b.name}): "
            + (
                f"{second[0]} is fitted second ({second[1]}) and starts from the other's optimizer state"
                if second
                else "whichever trains second starts from the other's optimizer state"
            ),
            a_source=ca.get("origin"),
            b_source=cb.get("origin"),
            position=-2,
            score=40.0,
        )
        yield f.refill(model=second[0] if second else ctx.b.name, new_optimizer=_fresh(oa))
    for side, o in (("A", oa), ("B", ob)):
        shared = o.get("shared_with") or []
        model = ctx.a.name if side == "A" else ctx.b.name
        src: dict[str, Any] = dict(a_source=ca.get("origin"), b_source=cb.get("origin"))
        if shared and not reported:
            yield make(
                "KD311",
                a_path="compile.optimizer",
                b_path="compile.optimizer",
                attribute="instance",
                a_value=oa.get("class"),
                b_value=ob.get("class"),
                message=f"{side}'s {_opt_desc(o)} object ({model}) was "
                f"already compiled into {_names(shared)} before: {model} inherits its "
                "optimizer state",
                position=-2,
                score=40.0,
                model=model,
                new_optimizer=_fresh(o),
                **src,
            )
        if (o.get("iterations") or 0) > 0 or o.get("built"):
            yield make(
                "KD312",
                a_path="compile.optimizer",
                b_path="compile.optimizer",
                attribute="iterations",
                a_value=oa.get("iterations"),
                b_value=ob.get("iterations"),
                message=f"{side}'s optimizer had already run {o.get('iterations') or 0} step(s)"
                f"{' and built its slot variables' if o.get('built') else ''} when "
                f"{model} was compiled",
                position=-1,
                score=30.0,
                **src,
            )


def _optimizer(ca: dict, cb: dict) -> Iterator[Finding]:
    oa, ob = ca.get("optimizer") or {}, cb.get("optimizer") or {}
    src: dict[str, Any] = dict(a_source=ca.get("origin"), b_source=cb.get("origin"), position=_POS)
    if oa.get("class") != ob.get("class"):
        yield make(
            "KD301",
            a_path="compile.optimizer",
            b_path="compile.optimizer",
            attribute="class",
            a_value=oa.get("class"),
            b_value=ob.get("class"),
            message=f"optimizer is {_opt_desc(oa)} in A, {_opt_desc(ob)} in B",
            **src,
        )
        return
    cfa, cfb = oa.get("config") or {}, ob.get("config") or {}
    for key in list(cfa) + [k for k in cfb if k not in cfa]:
        if key == "name":
            continue
        va, vb = cfa.get(key), cfb.get(key)
        if same(va, vb):
            continue
        yield make(
            "KD302",
            a_path=f"compile.optimizer.{key}",
            b_path=f"compile.optimizer.{key}",
            attribute=key,
            a_value=va,
            b_value=vb,
            message=f"{oa.get('class')} {key} is {show(va)} in A, {show(vb)} in B",
            **src,
        )


def _loss_desc(loss: Any) -> str:
    if not isinstance(loss, dict):
        return show(loss)
    cfg = dict(loss.get("config") or {})
    inner = ", ".join(f"{k}={show(v)}" for k, v in cfg.items())
    return f"{loss.get('name')}({inner})" if inner else str(loss.get("name"))


def _per_output(ca: dict, cb: dict, key: str) -> tuple[list, list, list]:
    la, lb = list(ca.get(key) or []), list(cb.get(key) or [])
    outs = list(ca.get("outputs") or []) or list(cb.get("outputs") or [])
    n = max(len(la), len(lb))
    names = [outs[i] if i < len(outs) else f"output {i}" for i in range(n)]
    la += [None] * (n - len(la))
    lb += [None] * (n - len(lb))
    return la, lb, names


def _split_scale(loss: Any) -> tuple[Any, float]:
    """A loss with config.scale k is the unscaled loss with its weight multiplied by k."""
    if isinstance(loss, dict) and isinstance(loss.get("config"), dict) and "scale" in loss["config"]:
        cfg = {k: v for k, v in loss["config"].items() if k != "scale"}
        scale = loss["config"]["scale"]
        return {**loss, "config": cfg}, float(scale) if isinstance(scale, (int, float)) else 1.0
    return loss, 1.0


def _given_as(ca: dict, cb: dict, key: str) -> str:
    """How each side wrote a per-output setting, when that tells the reader something."""
    ga, gb = ca.get(f"{key}_given_as"), cb.get(f"{key}_given_as")
    if ga in (None, "none") and gb in (None, "none"):
        return ""
    return f"; given as {ga} in A, {gb} in B"


def _loss(ca: dict, cb: dict) -> Iterator[Finding]:
    src: dict[str, Any] = dict(a_source=ca.get("origin"), b_source=cb.get("origin"), position=_POS)
    differs = False
    la, lb, names = _per_output(ca, cb, "loss")
    sa = [_split_scale(x) for x in la]
    sb = [_split_scale(x) for x in lb]
    for i, ((x, _), (y, _)) in enumerate(zip(sa, sb)):
        if not same(x, y):
            differs = True
            yield make(
                "KD321",
                a_path=f"compile.loss[{names[i]}]",
                b_path=f"compile.loss[{names[i]}]",
                attribute="loss",
                a_value=_loss_desc(la[i]),
                b_value=_loss_desc(lb[i]),
                message=f"output {names[i]}: loss is {_loss_desc(la[i])} in A, {_loss_desc(lb[i])} in B",
                **src,
            )
    wa, wb, names = _per_output(ca, cb, "loss_weights")
    # Effective weight = loss_weight x the loss's own scale (0.5 * mse == mse with weight 0.5).
    wa = [(1.0 if w is None else w) * (sa[i][1] if i < len(sa) else 1.0) for i, w in enumerate(wa)]
    wb = [(1.0 if w is None else w) * (sb[i][1] if i < len(sb) else 1.0) for i, w in enumerate(wb)]
    if not same(wa, wb):
        differs = True
        pairs = ", ".join(f"{n}: {show(x)} vs {show(y)}" for n, x, y in zip(names, wa, wb) if not same(x, y))
        yield make(
            "KD322",
            a_path="compile.loss_weights",
            b_path="compile.loss_weights",
            attribute="loss_weights",
            a_value=dict(zip(names, wa)),
            b_value=dict(zip(names, wb)),
            message=f"per-output loss weights (times each loss's own scale) differ ({pairs})"
            + _given_as(ca, cb, "loss_weights"),
            **src,
        )
    forms = [
        (k, ca.get(k), cb.get(k))
        for k in ("loss_given_as", "loss_weights_given_as")
        if ca.get(k) != cb.get(k)
        and {ca.get(k), cb.get(k)} != {"none", "single"}
        and None not in (ca.get(k), cb.get(k))
    ]
    if forms and not differs:
        k, x, y = forms[0]
        what = k.replace("_given_as", "")
        yield make(
            "KD323",
            a_path=f"compile.{what}",
            b_path=f"compile.{what}",
            attribute=what,
            a_value=x,
            b_value=y,
            message=f"{what} given as a {x} in A and a {y} in B; per output they resolve to the same values",
            **src,
        )


def _metrics(ca: dict, cb: dict) -> Iterator[Finding]:
    src: dict[str, Any] = dict(a_source=ca.get("origin"), b_source=cb.get("origin"), position=_POS)
    for key in ("metrics", "weighted_metrics"):
        ma, mb, names = _per_output(ca, cb, key)
        if same(ma, mb):
            continue
        diffs = [f"{n}: {show(x)} vs {show(y)}" for n, x, y in zip(names, ma, mb) if not same(x, y)]
        yield make(
            "KD331",
            a_path=f"compile.{key}",
            b_path=f"compile.{key}",
            attribute=key,
            a_value=ma,
            b_value=mb,
            message=f"{key} differ ({'; '.join(diffs)})",
            **src,
        )


def _execution(ca: dict, cb: dict) -> Iterator[Finding]:
    for key in _EXEC_KEYS:
        if not same(ca.get(key), cb.get(key)):
            yield make(
                "KD344",
                a_path=f"compile.{key}",
                b_path=f"compile.{key}",
                attribute=key,
                a_value=ca.get(key),
                b_value=cb.get(key),
                message=f"{key} is {show(ca.get(key))} in A, {show(cb.get(key))} in B",
                a_source=ca.get("origin"),
                b_source=cb.get("origin"),
                position=_POS,
            )


def _cb_desc(cb: dict) -> str:
    cfg = cb.get("config") or {}
    keys = [
        k
        for k in ("monitor", "patience", "factor", "min_delta", "restore_best_weights", "schedule")
        if k in cfg
    ]
    return f"{cb.get('class')}(" + ", ".join(f"{k}={show(cfg[k])}" for k in keys) + ")"


def _fit(fa: dict, fb: dict) -> Iterator[Finding]:
    src: dict[str, Any] = dict(a_source=fa.get("origin"), b_source=fb.get("origin"), position=_POS)
    for key in _FIT_KEYS:
        va, vb = fa.get(key), fb.get(key)
        if same(va, vb):
            continue

        def desc(v: object, f: dict, key: str = key) -> str:
            if key != "batch_size" or f.get("batch_size_given") is not False:
                return show(v)
            return "not given (default 32)" if v == 32 else "not given (set by the data)"

        yield make(
            "KD341",
            a_path=f"fit.{key}",
            b_path=f"fit.{key}",
            attribute=key,
            a_value=va,
            b_value=vb,
            message=f"fit {key} is {desc(va, fa)} in A, {desc(vb, fb)} in B",
            **src,
        )
    # Callbacks a loader made up to stand for a framework's own training rule (scikit-learn's tol
    # stop) are explained by that framework's findings; no script has them.
    by_a = {c.get("class"): c for c in fa.get("callbacks") or [] if not c.get("synthetic")}
    by_b = {c.get("class"): c for c in fb.get("callbacks") or [] if not c.get("synthetic")}
    for cls in list(by_a) + [c for c in by_b if c not in by_a]:
        x, y = by_a.get(cls), by_b.get(cls)
        if x is None or y is None:
            have = "A" if y is None else "B"
            text = _cb_desc(x or y or {})
            yield make(
                "KD342",
                a_path=f"fit.callbacks.{cls}",
                b_path=f"fit.callbacks.{cls}",
                attribute="callbacks",
                a_value=text if x else None,
                b_value=text if y else None,
                message=f"{text} is used in {have}'s fit only",
                **src,
            )
            continue
        cx, cy = x.get("config") or {}, y.get("config") or {}
        for key in list(cx) + [k for k in cy if k not in cx]:
            if not same(cx.get(key), cy.get(key)):
                yield make(
                    "KD342",
                    a_path=f"fit.callbacks.{cls}.{key}",
                    b_path=f"fit.callbacks.{cls}.{key}",
                    attribute=key,
                    a_value=cx.get(key),
                    b_value=cy.get(key),
                    message=f"{cls} {key} is {show(cx.get(key))} in A, {show(cy.get(key))} in B",
                    **src,
                )


def _seed_desc(seeds: list) -> str:
    if not seeds:
        return "never seeds"
    return ", ".join(f"{s.get('fn')}({show(s.get('value'))})" for s in seeds)


def _unseeded_initializers(g: Graph) -> int:
    """Initializers without a seed, wrapped models (TimeDistributed(model), RNN cells) included."""
    n = 0
    for lay in g.layers:
        for k, v in lay.config.items():
            if (
                k.endswith("initializer")
                and isinstance(v, dict)
                and isinstance(v.get("config"), dict)
                and "seed" in v["config"]
                and v["config"]["seed"] is None
            ):
                n += 1
        if lay.inner is not None:
            n += _unseeded_initializers(lay.inner)
    return n


def _seeds(ctx: Context, ra: dict, rb: dict) -> Iterator[Finding]:
    sa, sb = ra.get("seeds"), rb.get("seeds")
    if sa is None or sb is None:
        return
    sa_v = [(s.get("fn"), s.get("value")) for s in sa]
    sb_v = [(s.get("fn"), s.get("value")) for s in sb]
    first = lambda seeds: next((s.get("origin") for s in seeds), None)  # noqa: E731
    if ctx.a.framework != ctx.b.framework and bool(sa_v) == bool(sb_v):
        return  # scikit-learn and Keras never draw alike; what matters is that both are seeded
    if sa_v != sb_v:
        hint = next((v for _, v in sa_v + sb_v if isinstance(v, int) and not isinstance(v, bool)), 42)
        yield make(
            "KD351",
            a_path="seeds",
            b_path="seeds",
            attribute="seed",
            a_value=_seed_desc(sa),
            b_value=_seed_desc(sb),
            message=f"A {_seed_desc(sa)}; B {_seed_desc(sb)}",
            a_source=first(sa),
            b_source=first(sb),
            position=_POS,
            seed=hint,
        )
        return
    trained = (ra.get("compile") or ra.get("fit")) and (rb.get("compile") or rb.get("fit"))
    if not sa_v and trained and ctx.a.spec != ctx.b.spec:
        na, nb = _unseeded_initializers(ctx.a), _unseeded_initializers(ctx.b)
        if na or nb:
            # Once per pair, however many layers: the cure is one line per script.
            one = ra.get("run") is not None and ra.get("run") == rb.get("run")
            who = "the script does not seed" if one else "neither script seeds"
            yield make(
                "KD352",
                a_path="seeds",
                b_path="seeds",
                attribute="seed",
                a_value="not seeded",
                b_value="not seeded",
                message=f"{who} its random generators and {_n(na, 'initializer')} in A, {nb} in "
                "B have no seed: every run of either model starts from different "
                "weights, so part of any gap between their results is seed noise",
                position=_POS,
            )


@checker(
    "KD301",
    "KD302",
    "KD311",
    "KD312",
    "KD321",
    "KD322",
    "KD323",
    "KD331",
    "KD341",
    "KD342",
    "KD343",
    "KD344",
    "KD351",
    "KD352",
    top_only=True,
)
def check(ctx: Context) -> Iterator[Finding]:
    ra, rb = ctx.a.recipe or {}, ctx.b.recipe or {}
    if not ra and not rb:
        return  # hand-built graphs and saved files without a recipe
    ra = {k: v for k, v in ra.items() if not isinstance(v, list) or k == "seeds"}
    rb = {k: v for k, v in rb.items() if not isinstance(v, list) or k == "seeds"}
    ca, cb = ra.get("compile"), rb.get("compile")
    yield from _optimizer_state(ctx, ra, rb)
    if ca and cb:
        yield from _optimizer(ca, cb)
        yield from _loss(ca, cb)
        yield from _metrics(ca, cb)
        yield from _execution(ca, cb)
    elif (ca or cb) and "compile" in ra and "compile" in rb:
        # (a saved file has no training recipe: nothing was run to record, nothing to warn about)
        yield _one_sided("compile", ca, cb)
    fa, fb = ra.get("fit"), rb.get("fit")
    if fa and fb:
        yield from _fit(fa, fb)
    elif (fa or fb) and (ca and cb):
        yield _one_sided("fit", fa, fb)
    yield from _seeds(ctx, ra, rb)


def _one_sided(what: str, xa: Optional[dict], xb: Optional[dict]) -> Finding:
    have = "A" if xa else "B"
    other = "B" if xa else "A"
    return make(
        "KD343",
        a_path=what,
        b_path=what,
        attribute=what,
        a_value="called" if xa else None,
        b_value="called" if xb else None,
        message=f"{have}'s script calls {what}() on its model, {other}'s does not; "
        f"the {what} settings cannot be compared",
        a_source=(xa or {}).get("origin"),
        b_source=(xb or {}).get("origin"),
        position=_POS,
    )
