"""Keras 3 code that computes like a traced PyTorch module (`kerasdiff --emit-keras net.py`).

The module's graph is already in Keras terms (kerasdiff.load.torch.extract translated every
convention: channels-last tensors, BatchNorm momentum 1 - m, explicit padding, PyTorch's default
initializers, LSTM/GRU settings, the flatten before a Dense), so the code is that graph written
out with the functional API, plus the weight copy (this package's `layouts` functions, embedded
verbatim, so the probe and the emitted code convert weights the same way) and the recipe.
Parent side: no torch, no TensorFlow. What cannot be written exactly is refused (exit 2), or,
for training settings, listed in the code as not translated; never guessed."""

from __future__ import annotations

import inspect
import keyword
import re
import textwrap
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph, Layer
from kerasdiff.load.torch import recipe

# Settings that are written only when they differ from these values (the defaults of every
# Keras layer that takes them). Anything else is written out.
_SAME_EVERYWHERE: dict[str, Any] = {
    "use_bias": True,
    "data_format": "channels_last",
    "groups": 1,
    "padding": "valid",
    "center": True,
    "scale": True,
    "synchronized": False,
    "renorm": False,
    "renorm_clipping": None,
    "renorm_momentum": 0.99,
    "rms_scaling": False,
    "quantization_config": None,
    "lora_rank": None,
    "lora_alpha": None,
    "seed": None,
    "noise_shape": None,
    "mask_zero": False,
    "return_state": False,
    "go_backwards": False,
    "stateful": False,
    "unroll": False,
    "zero_output_for_mask": False,
    "dropout": 0.0,
    "recurrent_dropout": 0.0,
    "use_gate": False,
    "output_shape": None,
    "sliding_window": None,
    "keepdims": False,
    "max_value": None,
    "threshold": 0.0,
    "momentum": 0.99,
    "epsilon": 0.001,
    "unit_forget_bias": True,
    "reset_after": True,
    "recurrent_activation": "sigmoid",
}
_INIT_DEFAULTS = {
    "kernel_initializer": ("GlorotUniform", {}),
    "bias_initializer": ("Zeros", {}),
    "beta_initializer": ("Zeros", {}),
    "gamma_initializer": ("Ones", {}),
    "moving_mean_initializer": ("Zeros", {}),
    "moving_variance_initializer": ("Ones", {}),
    "recurrent_initializer": ("Orthogonal", {"gain": 1.0}),
    "embeddings_initializer": ("RandomUniform", {"minval": -0.05, "maxval": 0.05}),
}
# Arguments given first, always written (positionally where Keras takes them so).
_FIRST: dict[str, tuple[str, ...]] = {
    "Dense": ("units",),
    "Embedding": ("input_dim", "output_dim"),
    "LSTM": ("units",),
    "GRU": ("units",),
    "MultiHeadAttention": ("num_heads", "key_dim"),
    "Activation": ("activation",),
    "Dropout": ("rate",),
    "SpatialDropout1D": ("rate",),
    "SpatialDropout2D": ("rate",),
    "SpatialDropout3D": ("rate",),
    "ZeroPadding1D": ("padding",),
    "ZeroPadding2D": ("padding",),
    "ZeroPadding3D": ("padding",),
    "LeakyReLU": ("negative_slope",),
    "Reshape": ("target_shape",),
}
for _c in ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
    _FIRST[_c] = ("filters", "kernel_size")
for _n in (1, 2, 3):
    for _k in ("Max", "Average"):
        _FIRST[f"{_k}Pooling{_n}D"] = ("pool_size",)
_MERGE = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
# Config keys kerasdiff adds to show a PyTorch setting Keras has no argument for.
_NOT_KERAS = {
    "ceil_mode": "ceil_mode=True (Keras pools floor the output size)",
    "count_include_pad": ("count_include_pad=False (Keras averages always count the padding it is given)"),
}
# Keras 3's defaults for the settings every optimizer has: not written out.
_OPT_BASE_DEFAULTS = recipe.KERAS_OPTIMIZER_BASE
_LOSS_DEFAULTS = {
    "reduction": "sum_over_batch_size",
    "axis": -1,
    "ignore_class": None,
    "label_smoothing": 0.0,
}
_LOSS_ARGS = {
    "SparseCategoricalCrossentropy": {"from_logits", "ignore_class", "axis", "reduction"},
    "BinaryCrossentropy": {"from_logits", "label_smoothing", "axis", "reduction"},
    "MeanSquaredError": {"reduction"},
    "MeanAbsoluteError": {"reduction"},
    "Huber": {"delta", "reduction"},
}


def _r(v: Any) -> str:
    """A Python literal (floats keep every digit; lists stay lists)."""
    if isinstance(v, tuple):
        v = list(v)
    return repr(v)


def _serialized(kind: str, v: dict) -> str:
    cfg = {
        k: x
        for k, x in (v.get("config") or {}).items()
        if x is not None and k not in ("input_axes", "output_axes")
    }
    args = ", ".join(f"{k}={_r(x)}" for k, x in cfg.items())
    return f"keras.{kind}.{v['class']}({args})"


def _is_default_init(key: str, v: Any) -> bool:
    want = _INIT_DEFAULTS.get(key)
    if want is None or not isinstance(v, dict):
        return False
    cfg = {
        k: x
        for k, x in (v.get("config") or {}).items()
        if x is not None and k not in ("seed", "input_axes", "output_axes")
    }
    return v.get("class") == want[0] and cfg == want[1]


def _default(cls: str, key: str, v: Any) -> bool:
    if key.endswith(("_regularizer", "_constraint")) and v is None:
        return True
    if key.endswith("_initializer"):
        return _is_default_init(key, v)
    if key == "activation":
        return v == ("tanh" if cls in ("LSTM", "GRU", "SimpleRNN") else "linear")
    if key == "axis" and cls in ("BatchNormalization", "LayerNormalization", "Concatenate", "Softmax"):
        return v in (-1, [-1])
    if key == "dilation_rate":
        return isinstance(v, list) and all(x == 1 for x in v)
    if key == "negative_slope" and cls == "ReLU":
        return v == 0.0
    if key in _SAME_EVERYWHERE:
        return bool(v == _SAME_EVERYWHERE[key]) and type(v) is type(_SAME_EVERYWHERE[key])
    return False


def _value(v: Any) -> str:
    if isinstance(v, dict) and v.get("class") == "PadRow":  # padding_idx (the class is emitted)
        return f"PadRow({(v.get('config') or {}).get('row')})"
    if isinstance(v, dict) and "class" in v:  # a serialized initializer or regularizer
        kind = (
            "regularizers" if v["class"] in ("L1", "L2", "L1L2", "OrthogonalRegularizer") else "initializers"
        )
        return _serialized(kind, v)
    return _r(v)


def _name(key: str, taken: set[str]) -> str:
    """A Keras layer name for a module path or fx node ("layer1.0.conv1" -> "layer1_0_conv1")."""
    n = re.sub(r"[^0-9A-Za-z_]", "_", key) or "layer"
    return _unique(f"layer_{n}" if n[0].isdigit() else n, taken)


def _var(base: str, taken: set[str]) -> str:
    v = re.sub(r"[^0-9A-Za-z_]", "_", base) or "x"
    if v[0].isdigit() or keyword.iskeyword(v) or v in ("keras", "layers", "np", "model"):
        v = f"x_{v}"
    return _unique(v, taken)


def _unique(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3`, ... : the first not taken (then taken)."""
    out, i = base, 1
    while out in taken:
        i += 1
        out = f"{base}_{i}"
    taken.add(out)
    return out


def _layer_code(lay: Layer, name: str) -> str:
    cfg = dict(lay.config)
    first = _FIRST.get(lay.cls, ())
    args = [_value(cfg[k]) for k in first if k in cfg]
    for k, v in cfg.items():
        if k in first or _default(lay.cls, k, v):
            continue
        args.append(f"{k}={_value(v)}")
    if not lay.trainable:
        args.append("trainable=False")
    args.append(f"name={name!r}")
    return f"layers.{lay.cls}({', '.join(args)})"


def refusals(graph: Graph) -> list[str]:
    """What in this graph has no exact Keras spelling (empty: the code can be written)."""
    out: list[str] = []
    facts = (graph.recipe or {}).get("torch") or {}
    if facts.get("untraced"):
        out.append(f"the module could not be traced ({facts['untraced']})")
    for lay in graph.layers:
        if lay.cls.startswith("torch."):
            out.append(f"{lay.cls[6:]} ({lay.key})")
        for k, why in _NOT_KERAS.items():
            if k in lay.config:
                out.append(f"{lay.key}: {why}")
    for i in graph.inputs:
        if i.shape is None:
            out.append(f"the shape of input {i.name!r} (define example_input)")
    return out


def _optimizer(comp: dict, notes: list[str]) -> Optional[str]:
    opt = comp.get("optimizer")
    if not isinstance(opt, dict) or not opt.get("class"):
        return None
    cls = opt["class"]
    if cls not in ("Adam", "AdamW", "SGD", "RMSprop", "Adagrad"):
        notes.append(f"the optimizer torch.optim.{cls} (no Keras optimizer is known to update the same way)")
        return None
    cfg = dict(opt.get("config") or {})
    if "dampening" in cfg:
        notes.append(f"SGD dampening={cfg.pop('dampening'):g} (Keras's SGD has no dampening)")
    if cls == "RMSprop":
        notes.append(
            "RMSprop's epsilon: PyTorch divides by sqrt(v) + eps, Keras by sqrt(v + epsilon); "
            "epsilon = eps^2 matches both ends, within 29% where sqrt(v) is near eps (KD619)"
        )
    args = [f"learning_rate={_r(cfg.pop('learning_rate', 0.001))}"]
    for k, v in cfg.items():
        if k in _OPT_BASE_DEFAULTS and v == _OPT_BASE_DEFAULTS[k]:
            continue
        args.append(f"{k}={_r(v)}")
    if cls in ("Adam", "AdamW"):
        notes.append(
            "PyTorch's Adam adds epsilon after the bias correction, Keras's before it: "
            "updates differ by a factor near 1 + epsilon * (1 / sqrt(1 - beta_2^t) - 1) / sqrt(v); "
            "no Keras setting removes it (KD607)"
        )
    return f"keras.optimizers.{cls}({', '.join(args)})"


def _loss(comp: dict, notes: list[str]) -> Optional[str]:
    losses = comp.get("loss")
    if not isinstance(losses, list) or len(losses) != 1 or not isinstance(losses[0], dict):
        return None
    name = str(losses[0].get("name") or "")
    if name.startswith("torch."):
        notes.append(f"the loss nn.{name[6:]} (no Keras loss is known to compute it the same way)")
        return None
    cls = "".join(w.capitalize() for w in name.split("_"))
    cls = {"Huber": "Huber"}.get(cls, cls)
    allowed = _LOSS_ARGS.get(cls)
    if allowed is None:
        notes.append(f"the loss {name}")
        return None
    args = []
    for k, v in (losses[0].get("config") or {}).items():
        if k in allowed:
            if k in _LOSS_DEFAULTS and v == _LOSS_DEFAULTS[k]:
                continue
            args.append(f"{k}={_r(v)}")
        else:
            notes.append(f"the loss setting {k}={_r(v)} (keras.losses.{cls} has no such argument)")
    return f"keras.losses.{cls}({', '.join(args)})"


def emit_keras(graph: Graph) -> str:
    """The complete script; KerasdiffError (exit 2) when the module cannot be written exactly."""
    why = refusals(graph)
    if why:
        shown = "; ".join(why[:4]) + (f"; and {len(why) - 4} more" if len(why) > 4 else "")
        raise KerasdiffError(
            graph.spec,
            f"cannot be written as Keras code that computes the same: {shown}",
            "kerasdiff lists what is not translated (KD614) when you compare it with a Keras port",
        )
    from kerasdiff.load.torch import layouts

    rec = graph.recipe or {}
    facts = rec.get("torch") or {}
    comp = rec.get("compile") or {}
    fit = rec.get("fit") or {}
    notes: list[str] = []
    opt = comp.get("optimizer") if isinstance(comp.get("optimizer"), dict) else {}
    # PyTorch's Adam/SGD weight_decay=wd adds wd * w to every gradient: the graph already holds
    # it as L2(wd / 2) regularizers (recipe.with_coupled_l2); the docstring says so.
    l2 = float(((opt or {}).get("torch") or {}).get("l2") or 0.0)

    lines: list[str] = []
    add = lines.append
    names: set[str] = set()
    layer_names = {lay.key: _name(lay.key, names) for lay in graph.layers}
    in_layouts = list(facts.get("input_layouts") or ["plain"] * len(graph.inputs))
    out_layouts = list(facts.get("output_layouts") or [])

    # ---- build_model
    body: list[str] = []
    vars_: set[str] = set()
    refs: dict[str, str] = {}
    input_vars = []
    for i, inp in enumerate(graph.inputs):
        v = _var(inp.name or f"input_{i}", vars_)
        refs[f"in:{i}"] = v
        input_vars.append(v)
        dtype = "" if inp.dtype in ("float32", "") else f", dtype={inp.dtype!r}"
        body.append(
            f"    {v} = keras.Input(shape={_r(tuple((inp.shape or ())[1:]))}{dtype}, name={(inp.name or v)!r})"
        )
    objs: dict[str, str] = {}
    lay_map = graph.layer_map()
    uses: dict[str, int] = {}
    for c in graph.calls:
        uses[c.layer] = uses.get(c.layer, 0) + 1
    for c in graph.calls:
        lay = lay_map[c.layer]
        if c.layer in objs:
            call_of = objs[c.layer]
        elif uses[c.layer] > 1:
            # one module called several times shares its weights: one Keras layer, called again
            call_of = _var(layer_names[c.layer], vars_)
            body.append(f"    {call_of} = {_layer_code(lay, layer_names[c.layer])}")
            objs[c.layer] = call_of
        else:
            call_of = _layer_code(lay, layer_names[c.layer])
        ins = [_ref(r, refs, graph) for r in c.inputs]
        if lay.cls in _MERGE:
            arg = f"[{', '.join(ins)}]"
        elif lay.cls == "MultiHeadAttention":
            arg = ", ".join(ins[:2]) + (f", key={ins[2]}" if len(ins) > 2 else "")
        elif len(ins) == 1:
            arg = ins[0]
        else:
            raise KerasdiffError(
                graph.spec,
                f"cannot be written as Keras code: {lay.key} ({lay.cls}) takes {len(ins)} inputs",
                "please report it with the script",
            )
        out = _var(layer_names[c.layer], vars_)
        refs[c.key] = out
        body.append(f"    {out} = {call_of}({arg})")
    outs = [_ref(o.ref, refs, graph) for o in graph.outputs]
    out_expr = outs[0] if len(outs) == 1 else f"[{', '.join(outs)}]"
    in_expr = input_vars[0] if len(input_vars) == 1 else f"[{', '.join(input_vars)}]"
    model_line = f"keras.Model({in_expr}, {out_expr}, name={_name(graph.cls or 'model', set())!r})"

    # ---- weights
    rows = facts.get("dense_rows") or {}
    weight_rows = []
    for lay in graph.layers:
        if not lay.params and lay.cls not in layouts.BY_CLASS:
            continue
        fn = layouts.BY_CLASS.get(lay.cls, layouts.plain).__name__
        opts: dict = {}
        if lay.cls == "Dense" and lay.key in rows:
            opts["rows"] = rows[lay.key]
        if lay.cls == "MultiHeadAttention":
            opts["num_heads"] = lay.config["num_heads"]
        weight_rows.append(f"    ({layer_names[lay.key]!r}, {lay.key!r}, {fn}, {_r(opts)}),")

    # ---- recipe
    optimizer = _optimizer(comp, notes) if comp else None
    loss = _loss(comp, notes) if comp else None
    compiles = bool(optimizer)
    if compiles and not loss and not any(n.startswith("the loss") for n in notes):
        notes.append("the loss: the script builds no loss module at module level (give compile() yours)")
    for key in facts.get("rnn_two_biases") or []:
        notes.append(
            f"{key}: PyTorch trains bias_ih and bias_hh, Keras one bias (their sum is copied; in "
            "training it moves at another rate, KD616)"
        )
    for key, info in (facts.get("mha_out_proj") or {}).items():
        if not info.get("init"):
            notes.append(
                f"{key}: the output projection's initialization (no Keras initializer draws like it)"
            )
    done: list[str] = []
    if l2:
        done.append(
            f"weight_decay={l2:g} of torch.optim.{(opt or {}).get('class')}, which adds it to the gradient: "
            f"L2({l2 / 2:g}) regularizers on every layer with weights (the same gradient)"
        )
    if compiles:
        for u in facts.get("unknown") or []:
            notes.append(f"{u}: not read from the script (it lives in the training loop)")
    seeds = [
        x["value"] for x in rec.get("seeds") or [] if isinstance(x, dict) and isinstance(x.get("value"), int)
    ]

    src = graph.spec.rsplit("/", 1)[-1] or "the script"
    add(f'"""Keras 3 code that computes like the PyTorch module {graph.cls} ({src}).')
    add("")
    add("Generated by `kerasdiff --emit-keras`, with PyTorch's conventions written out: channels-last")
    add("tensors, BatchNorm momentum (Keras = 1 - PyTorch), explicit padding, PyTorch's default")
    add("initializers, LSTM/GRU gates and biases, the flatten order before a Dense layer. What no")
    add("Keras setting can reproduce is listed at the end.")
    add("")
    add("    model = build_model()")
    add("    copy_torch_weights(model, module.state_dict())   # the module's (trained) weights")
    add("    y = model.predict(to_keras_inputs(x))             # x as the module takes it")
    if compiles:
        add("")
        add("build_model() compiles the model with the script's optimizer and loss.")
        if fit:
            add("fit_like_torch() trains with its DataLoader's batch size and shuffle.")
    for title, rows_ in (("Translated from the training setup:", done), ("Not translated exactly:", notes)):
        if rows_:
            add("")
            add(title)
            for n in rows_:
                add(textwrap.fill(n, 96, initial_indent="- ", subsequent_indent="  "))
    add('"""')
    add("")
    add("from __future__ import annotations")
    add("")
    add("import keras")
    add("import numpy as np")
    add("from keras import layers")
    add("")
    if seeds:
        add(
            f"keras.utils.set_random_seed({seeds[0]})  # the script's {rec['seeds'][0].get('fn')}({seeds[0]})"
        )
        add("")
    add(f"INPUT_LAYOUTS = {_r(['channels_first' if x == 'cf' else 'as_is' for x in in_layouts])}")
    add(f"OUTPUT_LAYOUTS = {_r(['channels_first' if x == 'cf' else 'as_is' for x in out_layouts])}")
    add("")
    add("")
    add("def build_model():")
    lines.extend(body)
    redraws = []
    for key, info in (facts.get("mha_out_proj") or {}).items():
        if key in layer_names and info.get("init"):
            redraws.append((layer_names[key], _value(info["init"])))
    pads = [(layer_names[k], row) for k, row in (facts.get("padding_idx") or {}).items() if k in layer_names]
    if compiles or redraws or pads:
        add(f"    model = {model_line}")
        for name, init in redraws:
            # one kernel_initializer draws all four projections in Keras; PyTorch draws the
            # output projection as an nn.Linear (KD617)
            add(f"    redraw_attention_output(model.get_layer({name!r}), {init})")
        for name, row in pads:
            # padding_idx: PyTorch zeroes the row at construction (PadRow keeps it there)
            add(f"    PadRow({row}).zero(model.get_layer({name!r}))")
        if compiles:
            add("    compile_like_torch(model)")
        add("    return model")
    else:
        add(f"    return {model_line}")
    if pads:
        add("")
        add("")
        add("class PadRow(keras.constraints.Constraint):")
        add('    """nn.Embedding(padding_idx=row): that row stays zero (applied after every update)."""')
        add("")
        add("    def __init__(self, row):")
        add("        self.row = row")
        add("")
        add("    def __call__(self, w):")
        add("        return w * keras.ops.cast(keras.ops.arange(w.shape[0])[:, None] != self.row, w.dtype)")
        add("")
        add("    def get_config(self):")
        add('        return {"row": self.row}')
        add("")
        add("    def zero(self, layer):")
        add('        """Zero the row now (PyTorch does it when it builds the module)."""')
        add("        layer.embeddings.assign(self(layer.embeddings))")
    if redraws:
        add("")
        add("")
        add("def redraw_attention_output(layer, initializer):")
        add('    """Draw a MultiHeadAttention\'s output kernel as PyTorch draws its out_proj."""')
        add("    for w in layer.weights:")
        add('        if w.path.endswith("attention_output/kernel"):')
        add("            w.assign(initializer(w.shape))")
    add("")
    add("")
    add("# ---- PyTorch weights in Keras's layout (the functions kerasdiff --probe uses)")
    add("")
    add(_layout_source(layouts))
    add("")
    add("# (Keras layer, PyTorch module in the state_dict, conversion, its options)")
    add("WEIGHTS = [")
    lines.extend(weight_rows)
    add("]")
    add("")
    add("")
    add("def copy_torch_weights(model, state_dict):")
    add('    """Set the Keras model\'s weights from the module\'s state_dict() (tensors or arrays)."""')
    add("    arrays = {")
    add('        k: v.detach().cpu().numpy() if hasattr(v, "detach") else np.asarray(v)')
    add("        for k, v in state_dict.items()")
    add("    }")
    add("    for layer, module, convert, options in WEIGHTS:")
    add('        prefix = module + "." if module else ""')
    add("        own = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}")
    add("        model.get_layer(layer).set_weights(convert(own, **options))")
    add("")
    add("")
    add("def to_keras_inputs(*xs):")
    add('    """The module\'s inputs (tensors or arrays) as the Keras model takes them (channels last)."""')
    add("    out = []")
    add("    for x, layout in zip(xs, INPUT_LAYOUTS):")
    add('        x = x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)')
    add('        out.append(np.moveaxis(x, 1, -1) if layout == "channels_first" and x.ndim >= 3 else x)')
    add("    return out[0] if len(out) == 1 else out")
    add("")
    add("")
    add("def to_torch_outputs(ys):")
    add('    """The Keras model\'s outputs in the module\'s layout (channels first where it returns so)."""')
    add("    many = isinstance(ys, (list, tuple))")
    add("    ys = list(ys) if many else [ys]")
    add("    out = [")
    add(
        '        np.moveaxis(np.asarray(y), -1, 1) if layout == "channels_first" and np.ndim(y) >= 3 else np.asarray(y)'
    )
    add("        for y, layout in zip(ys, OUTPUT_LAYOUTS or ['as_is'] * len(ys))")
    add("    ]")
    add("    return out if many else out[0]")
    add("")
    if compiles:
        add("")
        add("def compile_like_torch(model):")
        add('    """The optimizer and loss of the script, in Keras terms."""')
        add("    model.compile(")
        if optimizer:
            add(f"        optimizer={optimizer},")
        if loss:
            add(f"        loss={loss},")
        add("    )")
        add("")
    if compiles and (fit.get("batch_size") or "shuffle" in fit):
        add("")
        add("def fit_like_torch(model, x, y, epochs=1, **kwargs):")
        add('    """model.fit with the DataLoader\'s batch size and shuffle."""')
        args = []
        if fit.get("batch_size"):
            args.append(f"batch_size={_r(fit['batch_size'])}")
        if "shuffle" in fit:
            args.append(f"shuffle={_r(bool(fit['shuffle']))}")
        add(f"    return model.fit(x, y, epochs=epochs, {', '.join(args)}, **kwargs)")
        add("")
    add("")
    add('if __name__ == "__main__":')
    add("    build_model().summary()")
    return "\n".join(lines) + "\n"


def _ref(ref: str, refs: dict[str, str], graph: Graph) -> str:
    if ref.startswith("in:"):
        return refs[ref]
    call, _, idx = ref.rpartition(":")
    v = refs.get(call)
    if v is None:
        raise KerasdiffError(
            graph.spec, f"cannot be written as Keras code: {ref} is not produced", "please report it"
        )
    if idx in ("", "0"):
        c = next((c for c in graph.calls if c.key == call), None)
        if c is None or len(c.output_shapes) <= 1:
            return v
    return f"{v}[{idx}]"


def _layout_source(mod: Any) -> str:
    """The conversion functions of kerasdiff.load.torch.layouts, as source (no docstring, no imports)."""
    text = inspect.getsource(mod)
    start = text.index("def dense(")
    return text[start:].rstrip()


__all__ = ["emit_keras", "refusals"]
