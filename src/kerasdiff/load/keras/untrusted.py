"""Saved model files are data: check one before any Keras code reads it (no TensorFlow here).

Keras safe mode refuses pickled Python (`Lambda(lambda ...)`), but a config can still name a
library function that Keras calls while it rebuilds the model, with arguments from the file
(`Lambda(function=keras.utils.get_file, arguments={...})`), wrap a SavedModel or a JAX function,
and an archive of 1 MB can inflate to gigabytes or ask for a layer of 30 million units. This
module reads only bytes: the archive's directory and `config.json`, an HDF5 file's
`model_config` attribute and dataset sizes, or the JSON text, and refuses what is not plain
layers with plain settings, one line naming the layer and its class.
"""

from __future__ import annotations

import json
import math
import os
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.load.interface import MB, Limits, check_regular_file

# A config this long is not a model config (a real 1,000-layer model's is a few MB).
_MAX_CONFIG = 64 * MB
_MAX_ENTRIES = 100_000

# Layer classes that run code named in the file, or load other files, when they are rebuilt.
_CODE_LAYERS = {
    "Lambda": "runs a Python function stored in or named by the file",
    "TFSMLayer": "loads and runs a TensorFlow SavedModel from a path named in the file",
    "JaxLayer": "runs JAX functions named in the file",
    "FlaxLayer": "runs a Flax module named in the file",
    "TorchModuleWrapper": "unpickles a PyTorch module stored in the file",
}
# Functions a config may name: Keras's activations (everything else is refused).
_ACTIVATIONS = frozenset(
    [
        "celu",
        "elu",
        "exponential",
        "gelu",
        "glu",
        "hard_shrink",
        "hard_sigmoid",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "linear",
        "log_sigmoid",
        "log_softmax",
        "mish",
        "relu",
        "relu6",
        "selu",
        "sigmoid",
        "silu",
        "soft_shrink",
        "softmax",
        "softplus",
        "softsign",
        "sparse_plus",
        "sparse_sigmoid",
        "sparsemax",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
        "threshold",
    ]
)
_ACTIVATION_MODULES = (
    "keras.activations",
    "keras.src.activations",
    "keras.src.activations.activations",
    "builtins",
    "tf_keras.activations",
    "keras.api.activations",
)
# Packages whose classes Keras itself imports while loading (library code, not the file's).
_LIBRARY_PACKAGES = ("keras", "keras_hub", "keras_nlp", "keras_cv", "tf_keras", "tensorflow")
# Keras 2 `TFOpLambda` layers call a TensorFlow function by name: only pure math is accepted.
_TF_OP_OK = re.compile(
    r"(__operators__|math|nn|linalg|signal|bitwise|image\.(resize|flip|rot90|transpose))\.\w+"
    r"|(reshape|concat|stack|unstack|transpose|expand_dims|squeeze|cast|clip_by_value|where|"
    r"gather|gather_nd|split|tile|ones_like|zeros_like|shape|range|pad|einsum|matmul|"
    r"reduce_\w+|argmax|argmin|one_hot|cumsum|sort|argsort|broadcast_to|identity|"
    r"boolean_mask|slice|strided_slice|reverse|roll|maximum|minimum|abs|sqrt|square|exp|"
    r"where|fill|eye|norm|sign|round|floor|ceil|add|subtract|multiply|divide|pow|"
    r"compat\.v1\.(transpose|shape|gather))$"
)


def _mb(n: float) -> str:
    return f"{n / MB:,.0f} MB"


_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def _is_hdf5(path: str) -> bool:
    """HDF5 puts its signature at offset 0 or, after a user block, at 512, 1024, 2048, ..."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            off = 0
            while off + 8 <= size:
                fh.seek(off)
                if fh.read(8) == _HDF5_MAGIC:
                    return True
                off = 512 if off == 0 else off * 2
    except OSError:
        return False
    return False


def check_saved(path: str, shown: str, limits: Limits = Limits()) -> None:
    """Refuse a saved model that is not one, carries code, is too big, or asks for too many
    parameters; precise messages for garbage instead of a loader stack trace."""
    lower = path.lower()
    size = check_regular_file(path, shown)
    if size > limits.max_unpacked:
        raise KerasdiffError(
            shown,
            f"is {_mb(size)}, above the --max-unpacked limit of {_mb(limits.max_unpacked)}",
            "raise --max-unpacked if it is a real model",
        )
    if lower.endswith(".keras"):
        if not zipfile.is_zipfile(path):
            raise KerasdiffError(
                shown,
                "is not a .keras archive (not a zip file)",
                "re-save it with model.save('model.keras'), or check the download",
            )
        config = _archive_config(path, shown, limits)
    elif lower.endswith((".h5", ".hdf5")):
        if not _is_hdf5(path):
            raise KerasdiffError(
                shown,
                "is not an HDF5 file (wrong file signature)",
                "re-save it with model.save('model.h5'), or check the download",
            )
        config = _hdf5_config(path, shown, limits)
    else:
        config = _json_config(path, shown)
        if not (isinstance(config, dict) and "class_name" in config and "config" in config):
            raise KerasdiffError(
                shown,
                "is JSON but not a Keras model config (no top-level 'class_name' and 'config')",
                "give the text of model.to_json()",
            )
    if config is None:
        return  # an HDF5 file of weights only: Keras says what it lacks
    scan_config(config, shown, limits)


def _archive_config(path: str, shown: str, limits: Limits) -> Any:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > _MAX_ENTRIES:
                raise KerasdiffError(
                    shown,
                    f"is an archive of {len(infos):,} entries, not a model",
                    "give a file written by model.save('model.keras')",
                )
            total = 0
            for info in infos:
                name = info.filename
                parts = name.replace("\\", "/").split("/")
                if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
                    raise KerasdiffError(
                        shown,
                        f"holds an entry that points outside the archive ({name!r})",
                        "re-save the model; this is not a Keras file",
                    )
                total += info.file_size
            if total > limits.max_unpacked:
                raise KerasdiffError(
                    shown,
                    f"unpacks to {_mb(total)}, above the --max-unpacked limit of {_mb(limits.max_unpacked)}",
                    "raise --max-unpacked if it is a real model",
                )
            info = zf.getinfo("config.json")
            if info.file_size > _MAX_CONFIG:
                raise KerasdiffError(
                    shown,
                    f"has a config.json of {_mb(info.file_size)}, not a model config",
                    "give a file written by model.save('model.keras')",
                )
            # zipfile never returns more bytes than the entry declares, so this read is bounded.
            text = zf.read("config.json")
    except KeyError:
        raise KerasdiffError(
            shown,
            "is a zip file but not a Keras model (no config.json inside)",
            "give a file written by model.save('model.keras')",
        ) from None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise KerasdiffError(
            shown, f"is a damaged .keras archive: {exc}", "re-save it with model.save('model.keras')"
        ) from None
    return _parse_json(text, shown, "config.json")


def _hdf5_config(path: str, shown: str, limits: Limits) -> Any:
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py comes with Keras
        raise KerasdiffError(shown, "cannot check an HDF5 file without h5py", "pip install h5py") from None
    total = 0
    try:
        with h5py.File(path, "r") as fh:

            def visit(name: str, obj: Any) -> None:
                nonlocal total
                if isinstance(obj, h5py.Dataset):
                    total += int(obj.size) * int(obj.dtype.itemsize)

            fh.visititems(visit)
            raw = fh.attrs.get("model_config")
    except OSError as exc:
        raise KerasdiffError(
            shown, f"is a damaged HDF5 file: {exc}", "re-save it with model.save('model.h5')"
        ) from None
    if total > limits.max_unpacked:
        raise KerasdiffError(
            shown,
            f"holds {_mb(total)} of arrays, above the --max-unpacked limit of {_mb(limits.max_unpacked)}",
            "raise --max-unpacked if it is a real model",
        )
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    return _parse_json(str(raw), shown, "model_config")


def _json_config(path: str, shown: str) -> Any:
    with open(path, "rb") as fh:
        text = fh.read(_MAX_CONFIG + 1)
    if len(text) > _MAX_CONFIG:
        raise KerasdiffError(
            shown,
            f"is over {_mb(_MAX_CONFIG)} of JSON, not a model config",
            "give the text of model.to_json()",
        )
    try:
        return json.loads(text.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise KerasdiffError(shown, f"is not valid JSON: {exc}", "give the text of model.to_json()") from None


def _parse_json(text: Any, shown: str, what: str) -> Any:
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise KerasdiffError(
            shown,
            f"has an unreadable {what}: {str(exc)[:120]}",
            "re-save the model; this is not a Keras file",
        ) from None


# --------------------------------------------------------------------------- the config walk


@dataclass(frozen=True)
class _Where:
    name: str
    cls: str

    def __str__(self) -> str:
        return f"layer '{self.name}' ({self.cls})" if self.name else f"a {self.cls}"


def _is_layer(d: dict) -> bool:
    return (
        isinstance(d.get("class_name"), str)
        and isinstance(d.get("config"), dict)
        and ("name" in d["config"] or "name" in d)
    )


def _layer_name(d: dict) -> str:
    return str(d.get("name") or d["config"].get("name") or "")


def _package(module: str) -> str:
    return module.split(".", 1)[0]


def _walk(node: Any, where: Optional[_Where], depth: int = 0) -> Iterator[tuple[Optional[_Where], str, dict]]:
    """(enclosing layer, key path, dict) for every dict in the config (iteratively bounded)."""
    stack: list[tuple[Any, Optional[_Where], str, int]] = [(node, where, "", depth)]
    while stack:
        item, at, key, d = stack.pop()
        if d > 200:
            raise ValueError("the config nests more than 200 levels deep")
        if isinstance(item, dict):
            if _is_layer(item) and item["class_name"] not in ("function", "__keras_tensor__"):
                at = _Where(_layer_name(item), item["class_name"])
            yield at, key, item
            for k, v in item.items():
                if k == "compile_config":
                    continue  # never deserialized: kerasdiff loads with compile=False
                if isinstance(v, (dict, list)):
                    stack.append((v, at, str(k), d + 1))
        elif isinstance(item, list):
            for v in item:
                if isinstance(v, (dict, list)):
                    stack.append((v, at, key, d + 1))


def _refuse(shown: str, where: Optional[_Where], what: str) -> KerasdiffError:
    return KerasdiffError(
        shown,
        f"{where or 'the model'} {what}; kerasdiff never runs code from a saved file",
        "compare the script that builds the model instead",
    )


def scan_config(config: Any, shown: str, limits: Limits = Limits()) -> None:
    """Refuse code-carrying entries; refuse configs implying more than --max-params weights."""
    if not isinstance(config, dict):
        raise KerasdiffError(shown, "holds no model config", "give a file written by model.save()")
    try:
        for where, key, d in _walk(config, None):
            _check_entry(shown, where, key, d)
    except ValueError as exc:
        raise KerasdiffError(
            shown, f"has an unusable config: {exc}", "re-save the model; this is not a Keras file"
        ) from None
    layers = estimate_params(config)
    total = sum(n for _, _, n in layers)
    if total > limits.max_params:
        name, cls, n = max(layers, key=lambda t: t[2])
        raise KerasdiffError(
            shown,
            f"asks for about {total:,} parameters (layer '{name}' ({cls}) "
            f"alone {n:,}), above the --max-params limit of {limits.max_params:,}",
            "raise --max-params if it is a real model",
        )


def _check_entry(shown: str, where: Optional[_Where], key: str, d: dict) -> None:
    cls = d.get("class_name")
    if not isinstance(cls, str):
        return
    if cls in _CODE_LAYERS and _is_layer(d):
        raise _refuse(shown, _Where(_layer_name(d), cls), _CODE_LAYERS[cls])
    if cls == "__lambda__" or d.get("function_type") == "lambda":
        raise _refuse(shown, where, f"holds Python bytecode in '{key}'")
    module = d.get("module")
    if cls == "function" or d.get("registered_name") == "function":
        name = d.get("config")
        # Keras looks a function up by `registered_name` or by `config`: both must be harmless.
        reg = d.get("registered_name")
        ok = (
            isinstance(name, str)
            and name in _ACTIVATIONS
            and (reg in (None, "function") or reg in _ACTIVATIONS)
            and (module is None or module in _ACTIVATION_MODULES)
        )
        if not ok:
            fn = f"{module}.{name}" if module else str(name)
            raise _refuse(shown, where, f"names the function {fn} in '{key}'")
        return
    if cls == "TFOpLambda" and _is_layer(d):
        fn = str(d["config"].get("function", ""))
        if not _TF_OP_OK.fullmatch(fn):
            raise _refuse(shown, _Where(_layer_name(d), cls), f"calls tf.{fn}, which is not pure math")
    if isinstance(module, str) and module and _package(module) not in _LIBRARY_PACKAGES:
        raise KerasdiffError(
            shown,
            f"{where or 'the model'} uses the class {cls} from the module "
            f"{module}, which is not part of Keras",
            "compare the script that builds the model instead",
        )


# --------------------------------------------------------------------------- parameter estimate

_SIZE_KEYS = ("units", "filters", "output_dim", "embedding_dim", "hidden_dim", "key_dim")


def _prod(xs: Any) -> int:
    n = 1
    for x in xs if isinstance(xs, (list, tuple)) else [xs]:
        if isinstance(x, int) and x > 0:
            n *= x
    return n


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0


def _in_dim(layer: dict, last: Optional[int]) -> Optional[int]:
    """The input's last dimension from what the config states, else the previous layer's."""
    shapes = []
    bc = layer.get("build_config")
    if isinstance(bc, dict):
        shapes.append(bc.get("input_shape"))
    cfg = layer["config"]
    shapes += [cfg.get("batch_input_shape"), cfg.get("batch_shape")]
    for node in layer.get("inbound_nodes") or []:
        if isinstance(node, dict):
            for arg in node.get("args") or []:
                if isinstance(arg, dict) and isinstance(arg.get("config"), dict):
                    shapes.append(arg["config"].get("shape"))
    for s in shapes:
        if isinstance(s, list) and s and isinstance(s[-1], int):
            return s[-1]
    return last


def _layer_params(cls: str, cfg: dict, n_in: Optional[int]) -> tuple[int, Optional[int]]:
    """(parameters, output feature size) of one layer, from its config alone (upper-ish bound)."""
    i = n_in or 1
    units = _int(cfg.get("units"))
    filters = _int(cfg.get("filters"))
    if cls in ("Dense", "QuantizedDense"):
        return i * units + units, units or n_in
    if cls == "EinsumDense":
        return i * _prod(cfg.get("output_shape")), n_in
    if cls == "Embedding":
        return _int(cfg.get("input_dim")) * _int(cfg.get("output_dim")), _int(cfg.get("output_dim"))
    if cls.startswith(("Conv", "SeparableConv", "DepthwiseConv")) and "LSTM" not in cls:
        k = _prod(cfg.get("kernel_size"))
        if cls.startswith("DepthwiseConv"):
            return k * i * max(1, _int(cfg.get("depth_multiplier"))), i * max(
                1, _int(cfg.get("depth_multiplier"))
            )
        return k * i * filters + filters, filters or n_in
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1, "ConvLSTM1D": 4, "ConvLSTM2D": 4, "ConvLSTM3D": 4}
    if cls in gates:
        width = units or filters
        k = _prod(cfg.get("kernel_size")) if "kernel_size" in cfg else 1
        return gates[cls] * width * (k * (i + width) + 1), width
    if cls == "MultiHeadAttention":
        heads, kd = _int(cfg.get("num_heads")), _int(cfg.get("key_dim"))
        vd = _int(cfg.get("value_dim")) or kd
        return heads * (2 * kd + vd) * (i + 1) + heads * vd * i + i, n_in
    if cls in ("BatchNormalization", "LayerNormalization", "GroupNormalization"):
        return 4 * i, n_in
    size = max((_int(cfg.get(k)) for k in _SIZE_KEYS), default=0)
    return (i * size + size, size) if size else (0, n_in)


def estimate_params(config: dict) -> list[tuple[str, str, int]]:
    """(layer name, class, parameters) for every layer in the config, wrappers included."""
    out: list[tuple[str, str, int]] = []
    dims: dict[str, Optional[int]] = {}

    def visit(layer: dict, last: Optional[int]) -> Optional[int]:
        cls = layer["class_name"]
        cfg = layer["config"]
        inner_layers = cfg.get("layers")
        if isinstance(inner_layers, list):  # a nested Sequential / Functional
            prev = last
            for sub in inner_layers:
                if isinstance(sub, dict) and _is_layer(sub):
                    prev = visit(sub, prev)
            return prev
        n_in = _in_dim(layer, last)
        for node in layer.get("inbound_nodes") or []:  # Keras 2: [[["dense", 0, 0, {}]]]
            if isinstance(node, list):
                for ref in node:
                    if isinstance(ref, list) and ref and isinstance(ref[0], str) and dims.get(ref[0]):
                        n_in = n_in if n_in is not None else dims[ref[0]]
        wrapped = cfg.get("layer") or cfg.get("forward_layer")
        if isinstance(wrapped, dict) and _is_layer(wrapped):
            before = len(out)
            dim = visit(wrapped, n_in)
            if cls == "Bidirectional":
                out[before:] = [(n, c, 2 * p) for n, c, p in out[before:]]
                dim = None if dim is None else 2 * dim
            dims[_layer_name(layer)] = dim
            return dim
        params, dim = _layer_params(cls, cfg, n_in)
        if params:
            out.append((_layer_name(layer), cls, int(min(params, math.inf))))
        dims[_layer_name(layer)] = dim
        return dim

    if _is_layer(config) or isinstance(config.get("config"), dict):
        visit(config if _is_layer(config) else {**config, "name": ""}, None)
    return out


__all__ = ["check_saved", "scan_config", "estimate_params"]
