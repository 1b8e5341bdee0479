"""The one table of finding codes: kind, severity, title, why it changes results, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

# The fixed vocabulary of DESIGN.md; a code's kind must be one of these.
KINDS: tuple[str, ...] = (
    "activation", "initializer", "regularizer", "constraint", "hyperparameter", "layer-type",
    "missing-layer", "topology", "shared-layer", "input", "dtype", "trainable", "optimizer",
    "optimizer-state", "loss", "metrics", "training-config", "weights", "randomness",
    "framework-semantics",
)

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Rule:
    """One finding code. `fix` is a template filled with the finding's fields."""

    code: str
    kind: str
    severity: str
    title: str
    what: str
    why: str
    fix: str
    example: str


# Codes are never reused once removed: add new ones, mark old ones in REMOVED.
RULES: tuple[Rule, ...] = (
    Rule(
        "KD101", "activation", "error", "Activation differs",
        "A matched layer applies a different activation function.",
        "The activation decides what a layer can output: relu clips negatives to zero, so a "
        "regression head with relu cannot predict negative targets and its predictions flatten; "
        "sigmoid/softmax squash to (0, 1). Training converges to a different function.",
        "Make the activation of {b_path} match A ({a_value}): e.g. `activation={a_value!r}` "
        "(the default of Dense/Conv is linear), or change A if B is the intended one.",
        "Dense(5) vs Dense(5, activation='relu') as the output layer of a regression model",
    ),
    Rule(
        "KD102", "activation", "info", "Activation written as a separate layer",
        "One side folds the activation into the layer (`Dense(n, activation=X)`), the other "
        "applies it with a following `Activation(X)` layer.",
        "Both compute the same function; only the layer list differs.",
        "Nothing to fix; write it one way if you want identical summaries.",
        "Dense(32, activation='relu') vs Dense(32) + Activation('relu')",
    ),
    Rule(
        "KD111", "initializer", "error", "Initializer differs",
        "A matched layer starts from weights drawn from a different distribution.",
        "Initial weights decide where optimisation starts and how signals scale through the "
        "network; a different initializer (e.g. zeros vs glorot_uniform) trains to different "
        "results, sometimes not at all.",
        "Give {b_path} the same `{attribute}` as A: {a_value}.",
        "Dense(8, kernel_initializer='zeros') vs Dense(8)",
    ),
    Rule(
        "KD112", "initializer", "warning", "Initializer seed differs",
        "The same initializer is seeded differently (or seeded on one side only).",
        "Same distribution, different draw: each model starts from different weights, so "
        "results differ run to run by the usual seed noise.",
        "Use the same seed on both sides (`{attribute}` seed {a_value}) or call "
        "`keras.utils.set_random_seed(...)` before building each model.",
        "GlorotUniform(seed=1) vs GlorotUniform(seed=2)",
    ),
    Rule(
        "KD121", "regularizer", "error", "Regularizer differs",
        "A matched layer adds a different penalty to the loss (kind, strength, or a custom "
        "function with a different name or source).",
        "Regularization changes the loss being minimised, so the optimum and the training "
        "curve move; a factor of 10 in L2 strength is a different model.",
        "Give {b_path} the same `{attribute}` as A: {a_value}.",
        "Dense(8, kernel_regularizer=L2(0.01)) vs Dense(8)",
    ),
    Rule(
        "KD131", "constraint", "error", "Constraint differs",
        "A matched layer projects its weights with a different constraint after each update.",
        "Constraints (max_norm, non_neg, ...) clip weights after every step and change what "
        "the model can learn.",
        "Give {b_path} the same `{attribute}` as A: {a_value}.",
        "Dense(8, kernel_constraint=MaxNorm(2)) vs Dense(8)",
    ),
    Rule(
        "KD141", "hyperparameter", "error", "Layer setting differs",
        "A matched layer is configured differently (units, kernel size, strides, padding, rate, "
        "use_bias, epsilon, ...).",
        "The layer computes a different function (and often has a different shape or number "
        "of parameters, which propagates downstream).",
        "Set `{attribute}={a_value!r}` on {b_path} to match A (or change A if B is intended).",
        "Dense(64) vs Dense(32); Dropout(0.5) vs Dropout(0.2)",
    ),
    Rule(
        "KD151", "layer-type", "error", "Layer type differs",
        "At the same place in the network, A and B use different layer classes.",
        "Different layer classes compute different functions (e.g. MaxPooling vs "
        "AveragePooling, LSTM vs GRU).",
        "Use the same layer class as A ({a_value}) at {b_path}.",
        "MaxPooling2D(2) vs AveragePooling2D(2)",
    ),
    Rule(
        "KD161", "missing-layer", "error", "Layer missing in B",
        "A has a layer that B does not have at that place.",
        "A missing layer (Dropout, BatchNormalization, a hidden Dense...) changes the function "
        "or its regularisation.",
        "Add {a_value} to B at this position (after {b_path}).",
        "Dense -> Dropout(0.5) -> Dense vs Dense -> Dense",
    ),
    Rule(
        "KD162", "missing-layer", "error", "Extra layer in B",
        "B has a layer that A does not have at that place.",
        "An extra layer changes the function or its regularisation.",
        "Remove {b_value} from B (after {a_path}), or add it to A if it is intended.",
        "Dense -> Dense vs Dense -> BatchNormalization -> Dense",
    ),
    Rule(
        "KD163", "missing-layer", "info", "No-op layer on one side only",
        "One side has a layer that computes the identity (Dropout(0), Activation('linear'), "
        "Identity, ...), the other does not.",
        "It does not change the computed function.",
        "Nothing to fix; remove it if you want identical layer lists.",
        "Dense -> Activation('linear') vs Dense",
    ),
    Rule(
        "KD171", "topology", "error", "Connection differs",
        "A matched layer receives its inputs from different places (or in a different order).",
        "The data flows differently through the network: the layer combines or processes "
        "different tensors.",
        "Connect {b_path} to {a_value} as in A.",
        "Concatenate([x, y]) vs Concatenate([y, x]); a skip connection from a different layer",
    ),
    Rule(
        "KD172", "topology", "error", "Model outputs differ",
        "The models have a different number of outputs or their outputs come from different "
        "layers.",
        "Losses and metrics are applied per output; a missing or reordered output trains "
        "something else.",
        "Give B the same outputs, in the same order, as A: {a_value}.",
        "Model(x, [age, income]) vs Model(x, [income, age])",
    ),
    Rule(
        "KD181", "shared-layer", "error", "Layer sharing differs",
        "A applies one layer (or block) at several places with shared weights; B builds "
        "independent copies there (or the other way round).",
        "Shared weights are trained on every input at once (a Siamese network); independent "
        "copies multiply the parameters and each copy sees only its own input, which changes "
        "what is learned and usually generalises worse.",
        "Create the layer/block once and call that same object on every input "
        "(`base = build_base(); y1 = base(x1); y2 = base(x2)`), instead of building it inside "
        "the per-input code.",
        "base = Sequential([...]); base(x1); base(x2)   vs   build(x1); build(x2)",
    ),
    Rule(
        "KD191", "input", "error", "Input shape differs",
        "A model input has a different shape.",
        "The model expects differently shaped data; every shape and parameter count downstream "
        "may change.",
        "Declare B's input as `keras.Input(shape={a_value})`.",
        "Input((3,)) vs Input((4,))",
    ),
    Rule(
        "KD192", "input", "error", "Number of inputs differs",
        "The models take a different number of inputs.",
        "They cannot be fed the same data.",
        "Give B the same inputs as A: {a_value}.",
        "Model([a, b], y) vs Model(a, y)",
    ),
    Rule(
        "KD193", "input", "info", "Input declared differently",
        "One side declares the input implicitly (`input_shape=` on the first layer), the other "
        "with an explicit `keras.Input`.",
        "Keras creates the same InputLayer either way; nothing is computed differently.",
        "Nothing to fix (Keras 3 prefers `keras.Input(shape)` as the first layer).",
        "Sequential([Dense(4, input_shape=(3,))]) vs Sequential([Input((3,)), Dense(4)])",
    ),
    Rule(
        "KD201", "dtype", "error", "Layer dtype policy differs",
        "A matched layer computes or stores its weights in a different dtype "
        "(e.g. mixed_float16 vs float32).",
        "Precision changes the numbers: float16 compute rounds activations and gradients and "
        "can overflow; float64 vs float32 changes results in the last digits and speed.",
        "Use the same dtype policy as A ({a_value}) for {b_path}, e.g. "
        "`keras.config.set_dtype_policy({a_value!r})` before building, or `dtype=` on the layer.",
        "keras.config.set_dtype_policy('mixed_float16') in one script only",
    ),
    Rule(
        "KD202", "dtype", "error", "Input dtype differs",
        "A model input is declared with a different dtype.",
        "Integer vs float inputs, or float64 vs float32, change what the first layers compute.",
        "Declare B's input with `dtype={a_value!r}`.",
        "Input((10,), dtype='int32') vs Input((10,))",
    ),
    Rule(
        "KD211", "trainable", "error", "Trainable flag differs",
        "A matched layer is frozen on one side and trainable on the other.",
        "Frozen weights never change during fit; the two models learn different parameters "
        "(a classic fine-tuning mistake).",
        "Set `{b_path}.trainable = {a_value}` as in A (before compile).",
        "base.trainable = False in one script only",
    ),
    Rule(
        "KD901", "topology", "info", "Model class differs",
        "The models are built with different APIs (Sequential, Functional, subclassed).",
        "The API alone does not change what is computed.",
        "Nothing to fix.",
        "keras.Sequential([...]) vs keras.Model(inputs, outputs)",
    ),
    Rule(
        "KD902", "topology", "info", "Nesting differs",
        "Layers sit inside a nested model (block) on one side and are called inline on the "
        "other, with the same sharing.",
        "A block is only a grouping; the same layers compute the same function.",
        "Nothing to fix.",
        "Sequential block called once vs the same layers called inline",
    ),
    Rule(
        "KD903", "hyperparameter", "info", "Layer name differs",
        "A user-given layer name differs (auto-generated names are never compared).",
        "Names do not change what is computed; they matter for `loss={{name: ...}}` dicts, "
        "`get_layer(name)` and weight loading by name.",
        "Rename if other code looks the layer up by name.",
        "Dense(1, name='age') vs Dense(1, name='age_out')",
    ),
    Rule(
        "KD904", "topology", "warning", "Structure not comparable in detail",
        "A model has no inspectable layer graph (a subclassed model or an unbuilt Sequential), "
        "so layers were compared as an ordered list.",
        "Connections and sharing inside `call()` are invisible to a config comparison.",
        "Build the model (call it on `keras.Input`) or give Sequential an Input so its graph "
        "exists.",
        "class Net(keras.Model): def call(self, x): ...",
    ),
)

# Codes that existed once and must never be reused.
REMOVED: frozenset[str] = frozenset()

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def get(code: str) -> Rule:
    """Return the rule for `code`; KeyError if unknown."""
    return BY_CODE[code]


def codes_matching(token: str) -> set[str]:
    """Codes selected by an --ignore token: a code (KD101), a prefix (KD1), or a kind."""
    token = token.strip()
    up = token.upper()
    if token.lower() in KINDS:
        return {r.code for r in RULES if r.kind == token.lower()}
    return {r.code for r in RULES if r.code == up or (up.startswith("KD") and r.code.startswith(up))}
