"""scikit-learn vs another framework: a framework-semantics finding for each way scikit-learn's
training differs that the other side does not already reproduce, with this pair's numbers.

The sklearn graph is written in Keras terms (docs/sklearn.md), so the ordinary rules already find
the concrete differences (loss, regularizer, initializer, dtype, optimizer, fit settings); they
run first, and this checker reads them (`ctx.earlier`) to tell what the other side reproduces.
The concrete findings then move under the semantic one by their catalogue entry's `absorbed_by`.
Input: the plan the loader produced (typed data, kerasdiff.load.sklearn.semantics).
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from kerasdiff.findings import Finding, make
from kerasdiff.graph import Graph
from kerasdiff.load.sklearn.semantics import differences

NAME = "sklearn"
# Facts about the estimator, reported whatever the other side does.
_ALWAYS = {"KD408", "KD409", "KD410"}
_LABELS = {"keras": "Keras", "tf_keras": "Keras 2", "torch": "PyTorch"}


def _reproduced(topic: str, plan: dict, other: Graph, present: set, kind: Optional[str]) -> bool:
    """Does the other side already do what scikit-learn does for this topic?"""
    fit = (other.recipe or {}).get("fit") or {}
    if topic in ("batch_size", "epochs", "shuffle", "stopping") and not fit:
        return True  # no fit() in the other script: KD343 says so; claiming defaults would guess
    if topic == "batch_size":
        return fit.get("batch_size") == plan.get("batch_size")
    if topic == "epochs":
        return fit.get("epochs") == plan.get("epochs")
    if topic == "shuffle":
        # Both shuffle: the same setting (the order differs like any seed noise, see KD351).
        return bool(fit.get("shuffle", True)) == bool(plan.get("shuffle", True))
    if topic == "stopping":
        for cb in fit.get("callbacks") or []:
            cfg = cb.get("config") or {}
            if cb.get("class") == "SklearnTolStop" or (
                cb.get("class") == "EarlyStopping" and cfg.get("monitor") == "loss"
            ):
                return True
        return False
    return bool(kind) and kind not in present


def _l2_strength(rows: list, sk_is_a: bool) -> str:
    """How strong the other side's regularizer really is, next to the value that matches."""
    for row in rows:
        sk_v, k_v = (row[3], row[4]) if sk_is_a else (row[4], row[3])
        want = ((sk_v or {}).get("config") or {}).get("l2") if isinstance(sk_v, dict) else None
        have = None
        if isinstance(k_v, dict):
            acts = k_v.get("acts_as") if "callable" in k_v or "source" in k_v else k_v
            if isinstance(acts, dict) and acts.get("class") == "L2":
                have = (acts.get("config") or {}).get("l2")
        if want and have:
            name = k_v.get("callable") or k_v.get("class")
            return (
                f" Your Keras regularizer {name} adds {have:g} * sum(W^2) per batch: "
                f"{have / want:.3g}x the matching {want:g}."
            )
    return ""


def _rows(f: Finding) -> list:
    return list(f.details) or [
        (f.a_path, f.b_path, f.attribute, f.a_value, f.b_value, f.a_source, f.b_source)
    ]


def check(ctx: Any) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    if (a.framework == NAME) == (b.framework == NAME):
        return
    sk, other = (a, b) if a.framework == NAME else (b, a)
    sk_is_a = sk is a
    recipe = sk.recipe or {}
    plan = {**(recipe.get("plan") or {}), "facts": recipe.get("sklearn") or {}}
    facts = plan["facts"]
    earlier = list(ctx.earlier)
    present = {f.kind for f in earlier}
    # What the other script never says (no compile / no fit) cannot reproduce anything.
    if not (other.recipe or {}).get("compile"):
        present |= {"loss", "optimizer"}
    if any(f.code in ("KD111", "KD112") for f in earlier):
        present.add("initializer")
    src = facts.get("origin")
    side: dict[str, Any] = dict(a_source=src if sk_is_a else None, b_source=None if sk_is_a else src)

    def paths(topic: str) -> dict:
        mine, theirs = f"{NAME}.{topic}", f"{other.framework or 'other'}.{topic}"
        return dict(a_path=mine if sk_is_a else theirs, b_path=theirs if sk_is_a else mine, attribute=topic)

    # The output layer: scikit-learn chooses it from the task; another one on the other side.
    sk_outs = {o.ref.rpartition(":")[0] for o in sk.outputs}
    out_layers = {sk.call_map()[c].layer for c in sk_outs if c in sk.call_map()}
    other_outs = {o.ref.rpartition(":")[0] for o in other.outputs}
    for f in earlier:
        if f.code == "KD101" and (f.a_path if sk_is_a else f.b_path) in out_layers:
            sk_act, k_act = (f.a_value, f.b_value) if sk_is_a else (f.b_value, f.a_value)
            task = facts.get("task") or (
                "regression" if facts.get("estimator") == "MLPRegressor" else "classification"
            )
            anchors = (tuple(sorted(sk_outs)), tuple(sorted(other_outs)))
            yield make(
                "KD411",
                **paths("output"),
                a_value=sk_act if sk_is_a else k_act,
                b_value=k_act if sk_is_a else sk_act,
                message=f"output: scikit-learn's {facts.get('estimator')} ({task}) uses "
                f"activation {sk_act} (out_activation_ "
                f"{facts.get('out_activation') or '?'}); the Keras output layer uses "
                f"{k_act}",
                position=-20,
                score=20.0,
                anchors_a=anchors[0] if sk_is_a else anchors[1],
                anchors_b=anchors[1] if sk_is_a else anchors[0],
                **side,
            )
            break
    taken = [
        f"{what} width {facts.get(key)} was taken from the {_LABELS.get(other.framework, other.framework)} "
        f"model's {what}"
        for what, key in (("input", "n_features"), ("output", "n_outputs"))
        if other.framework and facts.get(f"{key}_source") == other.framework
    ]
    if taken:
        yield make(
            "KD410",
            **paths("n_features"),
            a_value=facts.get("n_features"),
            b_value=facts.get("n_features"),
            message="the estimator was never fitted in its script: " + "; ".join(taken),
            position=10**9,
            **side,
        )
    seen: set[str] = set()
    for i, d in enumerate(differences(plan)):
        code = d["code"]
        if code is None:
            continue
        topic = str(d["topic"])
        if code not in _ALWAYS and _reproduced(topic, plan, other, present, d.get("kind")):
            continue
        key = f"{code}:{topic}"
        if key in seen:
            continue
        seen.add(key)
        numbers = str(d.get("numbers", "")).strip()
        msg = f"scikit-learn: {d['sklearn']}. Keras: {d['keras']}." + (
            f" Here: {numbers}." if numbers else ""
        )
        if code == "KD402":
            msg += _l2_strength([r for f in earlier if f.code == "KD121" for r in _rows(f)], sk_is_a)
        extra: dict[str, Any] = {}
        if code == "KD405":
            # Its training-config counterpart: the callbacks of the other side's fit (the
            # stand-in for scikit-learn's rule is not compared as a KD342 of its own).
            extra = {"details": (_stopping_row(plan, other, sk_is_a),), "related": ("KD342",)}
        yield make(
            code,
            **paths(topic),
            a_value=d["sklearn"] if sk_is_a else d["keras"],
            b_value=d["keras"] if sk_is_a else d["sklearn"],
            message=msg,
            position=-10 + i,
            score=20.0,
            **side,
            **extra,
            **d["params"],
        )


def _stopping_row(plan: dict, other: Graph, sk_is_a: bool) -> tuple:
    st = plan.get("stopping") or {}
    mine = (
        f"stop when the loss fails to improve by tol={st.get('tol')} for "
        f"n_iter_no_change={st.get('n_iter_no_change')} epochs"
    )
    fit = (other.recipe or {}).get("fit") or {}
    theirs = ", ".join(str(cb.get("class")) for cb in fit.get("callbacks") or []) or "no callbacks"
    a, b = (mine, theirs) if sk_is_a else (theirs, mine)
    src = fit.get("origin")
    return (
        "fit.callbacks",
        "fit.callbacks",
        "callbacks",
        a,
        b,
        None if sk_is_a else src,
        src if sk_is_a else None,
    )


__all__ = ["check"]
