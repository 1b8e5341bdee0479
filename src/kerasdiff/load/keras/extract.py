"""Turn a live Keras 3 model into the neutral Graph: layers, call sites, inputs, outputs, nesting."""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, replace
from typing import Any, Optional

from kerasdiff.graph import Call, Graph, InputSpec, Layer, OutputSpec, Weight
from kerasdiff.load.code import source_sha

_SNAKE1 = re.compile(r"(.)([A-Z][a-z]+)")
_SNAKE2 = re.compile(r"([a-z0-9])([A-Z])")
# Config keys that hold callables or serialized objects worth describing by identity.
_OBJECT_KEYS = re.compile(r".*(activation|initializer|regularizer|constraint)$")


def _snake(name: str) -> str:
    return _SNAKE2.sub(r"\1_\2", _SNAKE1.sub(r"\1_\2", name)).lower()


_AUTO_RE: dict[str, re.Pattern[str]] = {}


def looks_auto_named(name: str, cls_name: str) -> bool:
    """Keras auto names are snake_case(class) with an optional _N suffix."""
    pat = _AUTO_RE.get(cls_name)
    if pat is None:
        bases = {_snake(cls_name), cls_name.lower()}
        if cls_name == "InputLayer":
            bases |= {"input", "input_layer"}
        if cls_name in ("Functional", "Sequential", "Model"):
            bases |= {"functional", "sequential", "model"}
        pat = re.compile("(?:" + "|".join(re.escape(b) for b in sorted(bases)) + r")(?:_\d+)?")
        _AUTO_RE[cls_name] = pat
    return pat.fullmatch(name) is not None


# Packages whose layers are library code (not hashed as custom code, settings from their config).
_LIBRARIES = ("keras", "tensorflow", "tf_keras", "keras_hub", "keras_nlp", "keras_cv")


def _is_library_module(mod: str) -> bool:
    # Exact package boundaries: a user script named keras_mlp.py is user code.
    return mod.split(".", 1)[0] in _LIBRARIES


def _describe_callable(obj: Any) -> Any:
    """Custom callables compare by qualified name and source, not by module or address."""
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        mod = getattr(obj, "__module__", "") or ""
        if _is_library_module(mod):
            return None
        return {"callable": obj.__qualname__, "source": source_sha(obj)}
    cls = type(obj)
    mod = cls.__module__ or ""
    if _is_library_module(mod) or mod == "builtins":
        return None
    desc: dict = {"class": cls.__qualname__, "source": source_sha(cls)}
    try:
        desc["config"] = normalize_value(obj.get_config())
    except Exception:  # noqa: BLE001
        pass
    return desc


def _acts_as(fn: Any) -> Optional[dict]:
    """What a custom regularizer adds, measured: c * sum(W^2) is L2(c), c * sum(|W|) is L1(c).
    Measured in float32, so c keeps 6 significant digits."""
    from kerasdiff.load.keras.src import KERAS2

    try:
        if KERAS2:  # tf_keras has no keras.ops: its regularizers take TensorFlow tensors
            import tensorflow as tf

            one = float(fn(tf.ones((2, 2))))
            two = float(fn(2.0 * tf.ones((2, 2))))
        else:
            from keras import ops

            one = float(ops.convert_to_numpy(fn(ops.ones((2, 2)))))
            two = float(ops.convert_to_numpy(fn(2.0 * ops.ones((2, 2)))))
    except Exception:  # noqa: BLE001 - a regularizer that cannot be measured stays opaque
        return None
    if not one > 0:
        return None
    ratio = two / one
    if abs(ratio - 4.0) < 1e-6:
        return {"class": "L2", "config": {"l2": float(f"{one / 4.0:.6g}")}}
    if abs(ratio - 2.0) < 1e-6:
        return {"class": "L1", "config": {"l1": float(f"{one / 4.0:.6g}")}}
    return None


def normalize_value(v: Any) -> Any:
    """Serialized Keras objects -> {'class', 'config'}; tuples -> lists; numbers stay numbers."""
    if isinstance(v, dict):
        if "class_name" in v and "config" in v and ("module" in v or "registered_name" in v):
            cls = v["class_name"]
            cfg = v["config"]
            if cls == "function":  # a plain function: the name is all Keras keeps
                return {"callable": cfg}
            if cls == "DTypePolicy" or cls.endswith("DTypePolicy"):
                return (cfg or {}).get("name", "float32")
            return {"class": cls, "config": normalize_value(cfg)}
        return {str(k): normalize_value(x) for k, x in sorted(v.items())}
    if isinstance(v, (list, tuple)):
        return [normalize_value(x) for x in v]
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return v  # keep floats as floats; 1.0 vs 1 is compared numerically later
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray):
            return v.tolist() if v.size <= 64 else {"array": list(v.shape)}
    except Exception:  # noqa: BLE001
        pass
    return repr(v)


def _arg_value(v: Any) -> Any:
    """A constructor argument as comparable data (never a repr with a memory address)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [_arg_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _arg_value(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
    desc = _describe_callable(v) if callable(v) or hasattr(v, "get_config") else None
    if desc is not None:
        return desc
    if hasattr(v, "get_config"):
        try:
            return {"class": type(v).__name__, "config": normalize_value(v.get_config())}
        except Exception:  # noqa: BLE001
            pass
    nv = normalize_value(v)
    return nv if not (isinstance(nv, str) and " at 0x" in nv) else {"object": type(v).__qualname__}


_BASE_ATTRS: set[str] = set()


def _public_settings(layer: Any) -> dict:
    """Plain public attributes a custom layer set itself (not those every Layer has)."""
    if not _BASE_ATTRS:
        import keras

        _BASE_ATTRS.update(vars(keras.layers.Layer()))
    out = {}
    for k, v in vars(layer).items():
        if k.startswith("_") or k in _BASE_ATTRS:
            continue
        if (
            v is None
            or isinstance(v, (bool, int, float, str))
            or (isinstance(v, (list, tuple)) and all(isinstance(x, (bool, int, float, str)) for x in v))
        ):
            out[k] = _arg_value(v)
    return out


def _raw_config(layer: Any) -> dict:
    """What can be read of a layer's settings: its config; for a custom layer also what it keeps
    outside it (constructor arguments, public attributes); when get_config() raises (a custom
    layer, or a library layer rebuilt with arguments it cannot serialize), its constructor
    arguments; when nothing is readable, a `settings_unreadable` entry (KD153)."""
    custom = not _is_library_module(type(layer).__module__ or "")
    ctor = layer.__dict__.get("_kd_ctor")
    try:
        cfg = dict(layer.get_config())
        failed = None
    except Exception as exc:  # noqa: BLE001 - a layer without a usable get_config still aligns
        cfg, failed = {}, exc
    extra: dict = {}
    if failed is not None or custom:
        extra = {k: _arg_value(v) for k, v in (ctor or {}).items()}
    if custom:
        extra.update({k: v for k, v in _public_settings(layer).items() if k not in extra})
    if failed is not None and not extra:
        return {"settings_unreadable": f"get_config() raised {type(failed).__name__}"}
    for k, v in extra.items():
        if k not in cfg:
            cfg[k] = v
    return cfg


def _config(layer: Any) -> dict:
    cfg = _raw_config(layer)
    for k in (
        "name",
        "trainable",
        "dtype",
        "layer",
        "forward_layer",
        "backward_layer",
        "build_config",
        "compile_config",
    ):
        cfg.pop(k, None)
    out = {}
    for k, v in cfg.items():
        nv = normalize_value(v)
        if _OBJECT_KEYS.match(k):
            live = getattr(layer, k, None)
            desc = _describe_callable(live) if live is not None and not isinstance(live, str) else None
            if desc is not None:
                if k.endswith("regularizer"):
                    acts = _acts_as(live)
                    if acts is not None:
                        desc = {**desc, "acts_as": acts}
                nv = desc
        if k.endswith("activation") and nv in (None, "linear"):
            nv = "linear"
        out[k] = nv
    return out


def _shape(shape: Any) -> Optional[tuple]:
    if shape is None:
        return None
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        return None


def _var_shape(v: Any) -> Any:
    # KerasVariable keeps a plain tuple in `_shape`; `.shape` builds a tf.TensorShape each time.
    s = getattr(v, "_shape", None)
    return s if isinstance(s, tuple) else v.shape


def _weights(layer: Any) -> tuple[tuple[Weight, ...], Optional[int]]:
    if not getattr(layer, "built", True):
        return (), None
    from kerasdiff.load.keras.src import KERAS2

    # a layer's own variables (not those of the layers inside it): private in both versions
    own_names = (
        ("_trainable_weights", "_non_trainable_weights")
        if KERAS2
        else ("_trainable_variables", "_non_trainable_variables")
    )
    own = [v for attr in own_names for v in getattr(layer, attr, [])]
    ws = tuple(
        Weight(
            # tf_keras names a variable "dense/kernel:0"; Keras 3's path ends in "kernel"
            getattr(v, "path", getattr(v, "name", "w")).split("/")[-1].split(":")[0],
            _shape(_var_shape(v)),
            str(getattr(v.dtype, "name", v.dtype)),
            bool(v.trainable),
        )
        for v in own
    )
    try:
        has_sub = (
            bool(getattr(layer, "_layers", None))
            or hasattr(layer, "layer")
            or hasattr(layer, "forward_layer")
        )
        if has_sub:
            total = int(sum(int(_prod(_var_shape(v))) for v in layer.weights))
        else:
            total = sum(w.size for w in ws)
    except Exception:  # noqa: BLE001
        total = sum(w.size for w in ws)
    return ws, total


def _prod(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _policy(layer: Any) -> str:
    pol = getattr(layer, "dtype_policy", None)
    return str(getattr(pol, "name", None) or getattr(layer, "dtype", "float32"))


def _is_functional(obj: Any) -> bool:
    from kerasdiff.load.keras.src import Functional

    return isinstance(obj, Functional)


def _is_sequential(obj: Any) -> bool:
    import keras

    return isinstance(obj, keras.Sequential)


def _dtype_name(dtype: Any) -> str:
    # tf_keras tensors carry a tf.DType, whose str() is "<dtype: 'float32'>"
    return str(getattr(dtype, "name", None) or dtype)


def _outputs_of(node: Any) -> list:
    from kerasdiff.load.keras.src import KERAS2

    if KERAS2:  # tf_keras keeps one output as the tensor itself
        import tensorflow as tf

        return list(tf.nest.flatten(node.outputs))
    return list(node.output_tensors)


def _graph_of(model: Any) -> Any:
    """The Functional that holds a model's call graph, or None (subclassed / unbuilt)."""
    if _is_sequential(model):
        if getattr(model, "_is_graph_network", False):
            return model  # tf_keras: a built Sequential is its own graph network
        return getattr(model, "_functional", None)
    if _is_functional(model):
        return model
    return None


class _Builder:
    def __init__(self, live: bool = False) -> None:
        # live: also keep the Keras objects behind each key (the probe runs them; never serialized).
        self.live = live
        self.objects: dict[str, Any] = {}  # layer key -> layer object
        self.live_calls: list = []  # (key, operation, node, [(tensor, ref)]) in run order
        self.aux_calls: list = []
        self.live_keys: dict[int, str] = {}
        self.layers: dict[int, Layer] = {}
        self.layer_order: list[int] = []
        self.keys: set[str] = set()
        self.calls: list[Call] = []
        self.blocks: dict[str, str] = {}
        # id(settings object) -> (the object, kept alive so ids stay unique; [(layer, attribute)])
        self.settings_objects: dict[int, tuple[Any, list]] = {}

    # -- layers
    def layer(self, op: Any, prefix: str, block: str) -> str:
        lid = id(op)
        if lid in self.layers:
            return self.layers[lid].key
        if lid in self.live_keys:
            return self.live_keys[lid]
        key = prefix + op.name
        while key in self.keys:  # two distinct objects with one name (possible across blocks)
            key += "'"
        self.keys.add(key)
        if self.live:
            self.objects[key] = op
            self.live_keys[lid] = key
            return key
        ws, params = _weights(op)
        inner = None
        inner_obj = getattr(op, "layer", None)
        import keras

        if isinstance(op, keras.layers.Wrapper) or hasattr(op, "forward_layer"):
            subs = [
                s
                for s in (getattr(op, "forward_layer", None), getattr(op, "backward_layer", None))
                if s is not None
            ] or ([inner_obj] if inner_obj is not None else [])
            if len(subs) == 1 and _graph_of(subs[0]) is not None:
                inner = extract(subs[0], spec="", var_name=subs[0].name)
            elif subs:
                inner = _sequence_graph(subs, "")
        user_named = op.__dict__.get("_kd_user_named")
        auto = (not user_named) if user_named is not None else looks_auto_named(op.name, type(op).__name__)
        cfg = _config(op)
        for k in (k for k in cfg if k.endswith("initializer")):
            live = getattr(op, k, None)
            if live is not None and not isinstance(live, str):
                self.settings_objects.setdefault(id(live), (live, []))[1].append((lid, k))
        self.layers[lid] = Layer(
            key=key,
            cls=type(op).__name__,
            config=cfg,
            name=op.name,
            params=params,
            # Plain keras.ops calls (x * 2, ops.not_equal for a mask) are Operations, not Layers.
            weights=ws,
            trainable=bool(getattr(op, "trainable", True)),
            dtype=_policy(op),
            origin=op.__dict__.get("_kd_origin"),
            auto_name=auto,
            block=block,
            inner=inner,
            code=None if _is_library_module(type(op).__module__ or "") else source_sha(type(op)),
        )
        self.layer_order.append(lid)
        return key

    def finished_layers(self) -> tuple[Layer, ...]:
        """The layers, each marked with the settings whose object another layer uses too."""
        shares: dict[int, list[tuple[str, str]]] = {}
        for n, (_, users) in enumerate(v for v in self.settings_objects.values() if len(v[1]) > 1):
            for lid, attr in users:
                shares.setdefault(lid, []).append((attr, f"obj{n}"))
        return tuple(
            replace(self.layers[i], shares=tuple(shares[i])) if i in shares else self.layers[i]
            for i in self.layer_order
        )

    def _note_constants(self, op: Any, node: Any) -> None:
        """A plain operation (not a Layer) keeps its constant arguments in its config: that is
        all that distinguishes `x * 2.0` from `x * 3.0`."""
        import keras

        from kerasdiff.load.keras.src import KERAS2

        if id(op) not in self.layers:
            return
        # Keras 3: an Operation (not a Layer); tf_keras wraps a tf function in a TFOpLambda layer
        if KERAS2 and not type(op).__name__.endswith("OpLambda"):
            return
        if not KERAS2 and isinstance(op, keras.layers.Layer):
            return
        consts = _op_constants(node)
        if consts:
            lay = self.layers[id(op)]
            self.layers[id(op)] = replace(lay, config={**lay.config, "call_arguments": consts})

    # -- graph expansion: nested models are inlined with a path prefix
    def expand(self, fn: Any, in_refs: list[str], prefix: str, block: str) -> list[str]:
        tensor_ref: dict[int, str] = {}
        for t, r in zip(fn.inputs, in_refs):
            tensor_ref[id(t)] = r
        outs = list(fn.outputs)
        for out in outs:
            self._visit(out, tensor_ref, prefix, block, aux=False)
        return [tensor_ref[id(o)] for o in outs]

    def _visit(self, root: Any, tensor_ref: dict, prefix: str, block: str, aux: bool) -> None:
        """Iterative post-order DFS from `root`, visiting arguments in call order: the resulting
        call order depends only on structure, never on names or build order.

        Masks passed as `mask=` (Embedding(mask_zero=True) -> a NotEqual op) are not data: they
        stay out of the graph. The probe still needs their values, so in live mode each one is
        computed just before its consumer, as an "m" call that never shifts the "c" numbering."""
        from keras.layers import InputLayer

        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            t, ready = stack.pop()
            if id(t) in tensor_ref:
                continue
            op, ni, _ = t._keras_history
            node = op._inbound_nodes[ni]
            if isinstance(op, InputLayer):
                tensor_ref[id(t)] = f"in:{len(tensor_ref)}"
                continue
            args, masks = _data_and_masks(node)
            if not ready:
                stack.append((t, True))
                for a in reversed(args):
                    if id(a) not in tensor_ref:
                        stack.append((a, False))
                continue
            arg_refs = [tensor_ref[id(a)] for a in args]
            sub = _graph_of(op)
            if sub is not None and not isinstance(op, InputLayer):
                path = prefix + op.name
                self.blocks.setdefault(path, type(op).__name__)
                refs = self.expand(sub, arg_refs, path + "/", path)
                for o, r in zip(_outputs_of(node), refs):
                    tensor_ref[id(o)] = r
                continue
            mask_refs: list = []
            if self.live and masks:
                # A separate ref table: tensors reached only through a mask never enter the graph.
                mref = dict(tensor_ref)
                for m in masks:
                    self._visit(m, mref, prefix, block, aux=True)
                mask_refs = [(m, mref[id(m)]) for m in masks]
            outs_t = _outputs_of(node)
            if aux:
                ck = f"m{len(self.aux_calls)}"
                self.aux_calls.append(ck)
            else:
                key = self.layer(op, prefix, block)
                if not self.live:
                    self._note_constants(op, node)
                ck = f"c{len(self.calls)}"
                self.calls.append(
                    Call(
                        key=ck,
                        layer=key,
                        inputs=tuple(arg_refs),
                        output_shapes=tuple(_shape(o.shape) for o in outs_t),
                        output_dtypes=tuple(_dtype_name(o.dtype) for o in outs_t),
                    )
                )
            if self.live:
                self.live_calls.append((ck, op, node, list(zip(args, arg_refs)) + mask_refs))
            for i, o in enumerate(outs_t):
                tensor_ref[id(o)] = f"{ck}:{i}"


def _op_constants(node: Any) -> list:
    """The non-tensor arguments of a plain keras.ops call: the 255.0 of `x / 255.0`."""
    from kerasdiff.load.keras.src import KERAS2

    if KERAS2:  # a tf function on Keras tensors (TFOpLambda): the arguments of its call
        ids = {id(t) for t in node.keras_inputs}
        args, kwargs = _keras2_arguments(node)
        kwargs.pop("name", None)
        spec = kwargs.pop("slice_spec", None)  # x[:, :3]: the key, flattened as Keras 3 does
        leaves = _leaves((args, kwargs)) + _leaves(spec)
        return [normalize_value(x) for x in leaves if id(x) not in ids and x is not None]
    from keras import KerasTensor, tree

    sym = node.arguments
    try:
        flat = tree.flatten((sym.args, sym.kwargs))
    except Exception:  # noqa: BLE001
        return []
    return [normalize_value(x) for x in flat if not isinstance(x, KerasTensor) and x is not None]


def _keras2_arguments(node: Any) -> tuple[list, dict]:
    """tf_keras: a node's call arguments (args, kwargs); the first arg may be a list of tensors."""
    return list(node.call_args or ()), dict(node.call_kwargs or {})


def _leaves(v: Any) -> list:
    """Flattened like keras.tree: containers opened, slices and tensors kept whole."""
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in _leaves(item)]
    if isinstance(v, dict):
        if set(v) == {"start", "stop", "step"}:  # tf_keras keeps x[:3]'s slice as a dict
            return [slice(v["start"], v["stop"], v["step"])]
        return [x for k in sorted(v, key=str) for x in _leaves(v[k])]
    return [v]


def _data_and_masks(node: Any) -> tuple[list, list]:
    """A node's input tensors in call order, without those passed as `mask=`."""
    from kerasdiff.load.keras.src import KERAS2

    if KERAS2:
        import tensorflow as tf

        args, kwargs = _keras2_arguments(node)
        ids = {id(t) for t in node.keras_inputs}
        data = [
            x
            for x in tf.nest.flatten((args, {k: v for k, v in kwargs.items() if k != "mask"}))
            if id(x) in ids
        ]
        masks = [x for x in tf.nest.flatten(kwargs.get("mask")) if id(x) in ids]
        return data, masks
    sym = node.arguments
    kwargs = getattr(sym, "kwargs", None) or {}
    if "mask" not in kwargs:
        return list(node.input_tensors), []
    from keras import KerasTensor, tree

    data = [
        x
        for x in tree.flatten((sym.args, {k: v for k, v in kwargs.items() if k != "mask"}))
        if isinstance(x, KerasTensor)
    ]
    masks = [x for x in tree.flatten(kwargs["mask"]) if isinstance(x, KerasTensor)]
    return data, masks


def _sequence_graph(layers: list, prefix: str) -> Graph:
    """A chain of layers when no call graph is inspectable (subclassed or unbuilt models)."""
    b = _Builder()
    prev = "in:0"
    for op in layers:
        if _graph_of(op) is not None:
            # A built nested model inside an unbuilt chain: inline it.
            path = prefix + op.name
            b.blocks.setdefault(path, type(op).__name__)
            prev = b.expand(_graph_of(op), [prev], path + "/", path)[0]
            continue
        key = b.layer(op, prefix, "")
        ck = f"c{len(b.calls)}"
        out_shape = None
        try:
            out_shape = _shape(op.output.shape) if getattr(op, "_inbound_nodes", None) else None
        except Exception:  # noqa: BLE001
            out_shape = None
        b.calls.append(Call(ck, key, (prev,), (out_shape,), ("float32",)))
        prev = f"{ck}:0"
    return Graph(
        name="",
        cls="Sequence",
        layers=b.finished_layers(),
        calls=tuple(b.calls),
        outputs=(OutputSpec(prev, ""),) if b.calls else (),
        inputs=(InputSpec("input", None),),
        structure="sequence",
        blocks=b.blocks,
    )


def _inputs(model: Any, fn: Any) -> tuple[InputSpec, ...]:
    from kerasdiff.load.keras.src import KERAS2

    implicit = False
    if _is_sequential(model):
        first = next(iter(model.layers), None)
        implicit = first is not None and (
            getattr(first, "_input_shape_arg", None) is not None
            # tf_keras: input_shape= on the first layer (an InputLayer was made for it)
            or getattr(first, "__dict__", {}).get("_batch_input_shape") is not None
        )
    specs = []
    for t in fn.inputs:
        op = t._keras_history[0]
        user_named = op.__dict__.get("_kd_user_named")
        auto = (not user_named) if user_named is not None else looks_auto_named(op.name, "InputLayer")
        if KERAS2:
            # tf_keras's Input() names its layer before Layer.__init__ sees it ("input_1"); a
            # Sequential's input_shape= makes "<first layer>_input"
            auto = (
                looks_auto_named(op.name, "InputLayer")
                or re.fullmatch(r"\w+_input(?:_\d+)?", op.name) is not None
            )
        specs.append(
            InputSpec(
                name=op.name,
                shape=_shape(t.shape),
                dtype=_dtype_name(t.dtype),
                implicit=implicit,
                origin=op.__dict__.get("_kd_origin"),
                auto_name=auto,
            )
        )
    return tuple(specs)


def extract(model: Any, *, spec: str, var_name: str, recipe: Optional[dict] = None) -> Graph:
    """Extract the neutral graph of a Keras model."""
    fn = _graph_of(model)
    try:
        params = int(model.count_params()) if model.built else None
        trainable = int(sum(_prod(v.shape) for v in model.trainable_weights)) if model.built else None
    except Exception:  # noqa: BLE001
        params = trainable = None
    cls = type(model).__name__
    if fn is None:
        # Subclassed or unbuilt Sequential: compare the tracked layers as an ordered chain.
        subs = (
            list(model.layers)
            if _is_sequential(model)
            else list(model._flatten_layers(include_self=False, recursive=False))
        )
        g = _sequence_graph(subs, "")
        if _is_sequential(model):
            first = next(iter(model.layers), None)
            shp = getattr(first, "_input_shape_arg", None) if first is not None else None
            g = replace(
                g,
                inputs=(InputSpec("input", (None,) + tuple(shp) if shp else None, implicit=shp is not None),),
            )
        call_source = None
        if not _is_sequential(model):
            # The forward pass lives in Python: compare it by qualified name and source.
            call = getattr(type(model), "call", None)
            call_source = f"{type(model).__qualname__}.call:{source_sha(call)}"
        return Graph(
            name=var_name,
            cls=cls,
            framework=_framework(),
            inputs=g.inputs,
            outputs=g.outputs,
            layers=g.layers,
            calls=g.calls,
            params=params,
            trainable_params=trainable,
            structure="sequence" if not _is_sequential(model) else "graph",
            spec=spec,
            recipe=recipe or {},
            blocks=g.blocks,
            call_source=call_source,
            config=_model_config(model),
            env=_env(),
        )
    b = _Builder()
    in_refs = [f"in:{i}" for i in range(len(fn.inputs))]
    out_refs = b.expand(fn, in_refs, "", "")
    outputs = []
    calls = b.call_map() if hasattr(b, "call_map") else {c.key: c for c in b.calls}
    by_key = {l.key: l for l in b.layers.values()}
    for r in out_refs:
        head = r.rpartition(":")[0]
        name = by_key[calls[head].layer].name if head in calls else ""
        outputs.append(OutputSpec(r, name))
    return Graph(
        name=var_name,
        cls=cls,
        framework=_framework(),
        inputs=_inputs(model, fn),
        outputs=tuple(outputs),
        layers=b.finished_layers(),
        calls=tuple(b.calls),
        params=params,
        trainable_params=trainable,
        structure="graph",
        spec=spec,
        recipe=recipe or {},
        blocks=b.blocks,
        config=_model_config(model),
        env=_env(),
    )


def _framework() -> str:
    from kerasdiff.load.keras.src import KERAS2

    return "tf_keras" if KERAS2 else "keras"


def _env() -> dict:
    import keras

    env = {"keras": keras.__version__, "backend": keras.backend.backend()}
    if env["backend"] == "jax":
        # without x64 JAX stores float64 arrays as float32, whatever Keras's dtypes say (KD704)
        import jax

        try:
            env["x64"] = bool(jax.config.read("jax_enable_x64"))
        except (AttributeError, KeyError):  # older JAX: an attribute
            env["x64"] = bool(getattr(jax.config, "jax_enable_x64", False))
    return env


_MODEL_KEYS_SKIPPED = (
    "name",
    "trainable",
    "dtype",
    "layers",
    "input_layers",
    "output_layers",
    "build_config",
    "compile_config",
    "preprocessor",
)


def _model_config(model: Any) -> dict:
    """A model class's own settings when it defines get_config() (keras-hub backbones and tasks),
    flattened one level (`backbone.intermediate_dim`); {} for Sequential/Functional/Model."""
    # Keras's own classes (Functional, Sequential) describe themselves by their layer graph,
    # which is compared layer by layer; a subclass above them (keras-hub, the user's) may not.
    above = [c for c in type(model).__mro__ if not (c.__module__ or "").startswith(("keras.", "builtins"))]
    if not any("get_config" in vars(c) for c in above):
        return {}
    try:
        cfg = model.get_config()
    except Exception as exc:  # noqa: BLE001
        return {"settings_unreadable": f"get_config() raised {type(exc).__name__}"}
    out: dict = {}
    for k, v in cfg.items():
        if k in _MODEL_KEYS_SKIPPED:
            continue
        nv = normalize_value(v)
        if isinstance(nv, dict) and isinstance(nv.get("config"), dict) and "class" in nv:
            for kk, vv in nv["config"].items():
                if kk not in _MODEL_KEYS_SKIPPED:
                    out[f"{k}.{kk}"] = vv
        else:
            out[k] = nv
    return out


@dataclass
class LiveIndex:
    """The Keras objects behind a graph's keys, for running it (kerasdiff.probe): same traversal
    as extract(), so call keys and layer keys are exactly the graph's."""

    model: Any
    calls: list  # [(call key, operation, node, [(KerasTensor, ref)])] in run order
    objects: dict  # layer key -> layer object
    output_refs: list  # refs of the model outputs, in order
    graph_mode: bool  # False: subclassed/unbuilt, only the model's outputs can be run


def live_index(model: Any) -> LiveIndex:
    fn = _graph_of(model)
    if fn is None:
        subs = (
            list(model.layers)
            if _is_sequential(model)
            else list(model._flatten_layers(include_self=False, recursive=False))
        )
        b = _Builder(live=True)
        for op in subs:
            b.layer(op, "", "")
        return LiveIndex(model, [], b.objects, [], False)
    b = _Builder(live=True)
    out_refs = b.expand(fn, [f"in:{i}" for i in range(len(fn.inputs))], "", "")
    return LiveIndex(model, b.live_calls, b.objects, out_refs, True)
