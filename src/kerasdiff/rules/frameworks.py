"""scikit-learn vs Keras: explain each semantic difference the Keras side does not reproduce.

The sklearn graph is written in Keras terms (docs/sklearn.md), so the ordinary rules already find
the concrete differences (loss, regularizer, initializer, dtype, optimizer, fit settings). This
rule adds, first, the framework-level explanation with this pair's numbers, for every entry of the
plan's `differences` whose kind of difference is really present on the Keras side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from kerasdiff.rules.base import Context, Finding, make

# plan["differences"][i]["topic"] -> code; unknown topics fall back on their kind.
_TOPIC_CODE: dict = {
    "loss": "KD401", "loss_scale": "KD401", "l2": "KD402", "regularizer": "KD402",
    "init": "KD403", "initializer": "KD403", "dtype": "KD404", "stopping": "KD405", "tol": "KD405",
    "optimizer": "KD406", "epsilon": "KD406", "momentum": "KD406", "schedule": "KD406",
    "learning_rate": "KD406", "batch_size": "KD407", "epochs": "KD407", "shuffle": "KD407",
    "lbfgs": "KD408", "solver": "KD408", "pipeline": "KD409", "preprocessing": "KD409",
    "n_features": "KD410", "input": "KD410", "output": "KD411", "out_activation": "KD411",
    "seed": None,  # randomness is reported once, by KD351/KD352
}
_KIND_CODE = {"loss": "KD401", "regularizer": "KD402", "initializer": "KD403", "dtype": "KD404",
              "optimizer": "KD406", "training-config": "KD407", "activation": "KD411"}
# Reported whatever the Keras side does: they are facts about the estimator, not differences.
_ALWAYS = {"KD408", "KD409", "KD410"}


def _reproduced(topic: str, plan: dict, keras_g, present: set, kind: Optional[str]) -> bool:
    """Does the Keras side already do what scikit-learn does for this topic?"""
    fit = (keras_g.recipe or {}).get("fit") or {}
    if topic in ("batch_size", "epochs", "shuffle", "stopping") and not fit:
        return True  # no fit() in the Keras script: KD343 says so; claiming Keras defaults would guess
    if topic == "batch_size":
        return bool(fit) and fit.get("batch_size") == plan.get("batch_size")
    if topic == "epochs":
        return bool(fit) and fit.get("epochs") == plan.get("epochs")
    if topic == "shuffle":
        # Both shuffle: the same setting (the order differs like any seed noise, see KD351).
        return bool(fit) and bool(fit.get("shuffle", True)) == bool(plan.get("shuffle", True))
    if topic == "stopping":
        for cb in fit.get("callbacks") or []:
            cfg = cb.get("config") or {}
            if cb.get("class") == "SklearnTolStop" or (
                    cb.get("class") == "EarlyStopping" and cfg.get("monitor") == "loss"):
                return True
        return False
    if topic == "seed":
        return True  # randomness is reported once, by KD351/KD352
    return bool(kind) and kind not in present


def _code(d: dict) -> Optional[str]:
    topic = str(d.get("topic", "")).lower()
    if topic in _TOPIC_CODE:
        return _TOPIC_CODE[topic]
    for key, code in _TOPIC_CODE.items():
        if topic.startswith(key):
            return code
    return _KIND_CODE.get(str(d.get("kind", "")))


def _synthetic(f: Finding) -> bool:
    """Findings about the callbacks the sklearn graph uses to stand for its stopping rule/schedule.

    No Keras script has them; KD405/KD406 explain what they stand for, with the numbers.
    """
    return f.code == "KD342" and any(p.startswith(("fit.callbacks.Sklearn", "fit.callbacks.LearningRateScheduler"))
                                     for p in (f.a_path if f.a_value is not None else "",
                                               f.b_path if f.b_value is not None else ""))


def apply(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """For a scikit-learn vs Keras pair: the framework explanations, plus the concrete differences
    condensed to one finding per code (one port mistake shows on every layer; say it once)."""
    a, b = ctx.a, ctx.b
    if (a.framework == "sklearn") == (b.framework == "sklearn"):
        return findings
    semantics = check(ctx, findings)
    concrete = [f for f in findings if not _synthetic(f)]
    # Each concrete difference the Keras script shows belongs under the semantic explanation of
    # the same concern (one cause, one finding): its rows say where to change the Keras script.
    by_code = {f.code: i for i, f in enumerate(semantics)}
    rows: dict[int, list] = {}
    related: dict[int, list] = {}
    kept = []
    sk_is_a = a.framework == "sklearn"
    keras_g = b if sk_is_a else a
    calls = keras_g.call_map()
    keras_outputs = {calls[c].layer for c in (o.ref.rpartition(":")[0] for o in keras_g.outputs)
                     if c in calls}
    for f in concrete:
        target = _ABSORB.get(f.code)
        if f.code == "KD101":
            target = "KD411" if (f.b_path if sk_is_a else f.a_path) in keras_outputs else None
        i = by_code.get(target) if target else None
        if i is None:
            kept.append(f)
            continue
        rows.setdefault(i, []).extend(f.details or [
            (f.a_path, f.b_path, f.attribute, f.a_value, f.b_value, f.a_source, f.b_source)])
        related.setdefault(i, []).append(f.code)
    out = []
    for i, f in enumerate(semantics):
        if i in rows:
            f = replace(f, details=tuple(rows[i]), related=tuple(dict.fromkeys(related[i])))
            if f.code == "KD402":
                f = replace(f, message=f.message + _l2_strength(f, sk_is_a))
        out.append(f)
    return kept + out


# Concrete finding codes -> the framework-semantics code that explains them.
_ABSORB = {"KD321": "KD401", "KD322": "KD401", "KD323": "KD401", "KD121": "KD402", "KD111": "KD403",
           "KD112": "KD403", "KD201": "KD404", "KD202": "KD404", "KD342": "KD405", "KD301": "KD406",
           "KD302": "KD406", "KD341": "KD407"}


def _l2_strength(f: Finding, sk_is_a: bool) -> str:
    """How strong the Keras side's regularizer really is, next to the value that matches."""
    for row in f.details:
        sk_v, k_v = (row[3], row[4]) if sk_is_a else (row[4], row[3])
        want = ((sk_v or {}).get("config") or {}).get("l2") if isinstance(sk_v, dict) else None
        have = None
        if isinstance(k_v, dict):
            acts = k_v.get("acts_as") if "callable" in k_v or "source" in k_v else k_v
            if isinstance(acts, dict) and acts.get("class") == "L2":
                have = (acts.get("config") or {}).get("l2")
        if want and have:
            name = k_v.get("callable") or k_v.get("class")
            return (f" Your Keras regularizer {name} adds {have:g} * sum(W^2) per batch: "
                    f"{have / want:.3g}x the matching {want:g}.")
    return ""


def check(ctx: Context, findings: list[Finding]) -> list[Finding]:
    a, b = ctx.a, ctx.b
    if (a.framework == "sklearn") == (b.framework == "sklearn"):
        return []
    sk, keras_g = (a, b) if a.framework == "sklearn" else (b, a)
    sk_is_a = sk is a
    plan = (sk.recipe or {}).get("plan") or {}
    present = {f.kind for f in findings}
    # What the Keras script never says (no compile / no fit) cannot reproduce anything.
    recipe = keras_g.recipe or {}
    if not recipe.get("compile"):
        present |= {"loss", "optimizer"}
    if any(f.code in ("KD111", "KD112") for f in findings):
        present.add("initializer")
    out: list[Finding] = []
    seen: set[str] = set()
    facts = (sk.recipe or {}).get("sklearn") or {}
    src = facts.get("origin")
    side = dict(a_source=src if sk_is_a else None, b_source=None if sk_is_a else src)

    def paths(topic: str) -> dict:
        return dict(a_path=f"sklearn.{topic}" if sk_is_a else f"keras.{topic}",
                    b_path=f"keras.{topic}" if sk_is_a else f"sklearn.{topic}", attribute=topic)

    # The output layer: scikit-learn chooses it from the task; a different one on the Keras side.
    outs = {o.ref.rpartition(":")[0] for o in sk.outputs}
    out_layers = {sk.call_map()[c].layer for c in outs if c in sk.call_map()}
    for f in findings:
        if f.code == "KD101" and (f.a_path if sk_is_a else f.b_path) in out_layers:
            sk_act, k_act = (f.a_value, f.b_value) if sk_is_a else (f.b_value, f.a_value)
            task = facts.get("task") or ("regression" if facts.get("estimator") == "MLPRegressor"
                                         else "classification")
            out.append(make("KD411", **paths("output"), a_value=sk_act if sk_is_a else k_act,
                            b_value=k_act if sk_is_a else sk_act,
                            message=f"output: scikit-learn's {facts.get('estimator')} ({task}) uses "
                                    f"activation {sk_act} (out_activation_ "
                                    f"{facts.get('out_activation') or '?'}); the Keras output layer uses "
                                    f"{k_act}", position=-20, score=20.0, **side))
            break
    if facts.get("n_features_source") == "keras":
        out.append(make("KD410", **paths("n_features"), a_value=facts.get("n_features"),
                        b_value=facts.get("n_features"),
                        message=f"the estimator was never fitted in its script: input width "
                                f"{facts.get('n_features')} was taken from the Keras model's input",
                        position=10**9, **side))
    for i, d in enumerate(plan.get("differences") or []):
        code = _code(d)
        if code == "KD406" and str(d.get("topic")) == "optimizer" and plan.get("optimizer") is None:
            code = "KD408"  # lbfgs: nothing on the Keras side can reproduce it
        if code is None:
            continue
        kind = d.get("kind")
        if code not in _ALWAYS and _reproduced(str(d.get("topic", "")), plan, keras_g, present, kind):
            continue  # the Keras side already reproduces it
        sk_text = str(d.get("sklearn", ""))
        k_text = str(d.get("keras", ""))
        numbers = str(d.get("numbers", "")).strip()
        topic = str(d.get("topic", code))
        key = f"{code}:{topic}"
        if key in seen:
            continue
        seen.add(key)
        msg = f"scikit-learn: {sk_text}. Keras: {k_text}." + (f" Here: {numbers}." if numbers else "")
        fix = d.get("fix")
        f = make(code, **paths(topic), a_value=sk_text if sk_is_a else k_text,
                 b_value=k_text if sk_is_a else sk_text, message=msg, position=-10 + i, score=20.0,
                 **side)
        if fix:
            # The plan knows this pair's exact numbers: its fix beats the catalogue's template.
            f = replace(f, fix=str(fix))
        out.append(f)
    return out
