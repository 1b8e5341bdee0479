"""The one table of finding codes: kind, severity, title, why it changes results, how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# The fixed vocabulary of finding kinds (JSON `kind`); a code's kind must be one of these.
KINDS: tuple[str, ...] = (
    "activation",
    "initializer",
    "regularizer",
    "constraint",
    "hyperparameter",
    "layer-type",
    "missing-layer",
    "topology",
    "shared-layer",
    "input",
    "dtype",
    "trainable",
    "optimizer",
    "optimizer-state",
    "loss",
    "metrics",
    "training-config",
    "weights",
    "randomness",
    "framework-semantics",
)

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}

# Report sections within a severity, in order: differences of the two frameworks' conventions,
# the model itself, its training recipe.
SECTIONS: tuple[str, ...] = ("framework-semantics", "model", "training")
# Per kind: its section, and how much a finding of that kind tends to explain on its own
# (ordering among findings of one severity; consequences and the rule's own score add to it).
KIND_INFO: dict[str, tuple[str, float]] = {
    "input": ("model", 60),
    "topology": ("model", 55),
    "shared-layer": ("model", 50),
    "layer-type": ("model", 45),
    "missing-layer": ("model", 40),
    "activation": ("model", 32),
    "hyperparameter": ("model", 30),
    "dtype": ("model", 25),
    "trainable": ("model", 25),
    "regularizer": ("model", 20),
    "initializer": ("model", 20),
    "constraint": ("model", 15),
    "weights": ("model", 0),
    # A shared optimizer explains more than any single layer setting.
    "optimizer-state": ("training", 70),
    "optimizer": ("training", 34),
    "loss": ("training", 34),
    "training-config": ("training", 28),
    "randomness": ("training", 10),
    "metrics": ("training", 5),
    "framework-semantics": ("framework-semantics", 80),
}
# Fix-template fields that are optional sentence tails: empty when a finding does not set them,
# and left out of the documentation.
OPTIONAL_FIELDS: tuple[str, ...] = ("note",)


@dataclass(frozen=True)
class Rule:
    """One finding code and everything the pipeline needs to know about it.

    `fix` is a template filled with the finding's fields (`{a_path}`, `{b_value!r}`, and the
    extra fields its rule passes, e.g. `{new_optimizer}`)."""

    code: str
    kind: str
    severity: str
    title: str
    what: str
    why: str
    fix: str
    example: str
    # The same change on several layers reads best as one finding with a row per layer.
    groupable: bool = False
    # It can change shapes or parameter counts downstream: the consequences attach to it.
    structural: bool = False
    # Ranking among findings of one severity; None = its kind's weight.
    weight: Optional[float] = None
    # In a pair of two frameworks, the framework-semantics code whose finding explains this
    # concrete difference and holds it as a row (one cause, one finding).
    absorbed_by: Optional[str] = None

    @property
    def section(self) -> str:
        return KIND_INFO[self.kind][0]

    @property
    def rank_weight(self) -> float:
        return KIND_INFO[self.kind][1] if self.weight is None else self.weight


# Codes are never reused once removed: add new ones, mark old ones in REMOVED.
RULES: tuple[Rule, ...] = (
    Rule(
        "KD101",
        "activation",
        "error",
        "Activation differs",
        "A matched layer applies a different activation function.",
        "The activation decides what a layer can output (relu clips negatives to zero, tanh "
        "squashes to (-1, 1), sigmoid/softmax to (0, 1)), so the network computes and learns a "
        "different function; on an output layer it limits what the model can predict at all.",
        "Make the activation of {b_path} match A: `activation={a_value!r}`, or change A if B is "
        "the intended one.{note}",
        "Dense(5) vs Dense(5, activation='relu') as the output layer of a regression model",
        groupable=True,
        absorbed_by="KD411",
    ),
    Rule(
        "KD102",
        "activation",
        "info",
        "Activation written as a separate layer",
        "One side folds the activation into the layer (`Dense(n, activation=X)`), the other "
        "applies it with a following `Activation(X)` layer.",
        "Both compute the same function; only the layer list differs.",
        "Nothing to fix; write it one way if you want identical summaries.",
        "Dense(32, activation='relu') vs Dense(32) + Activation('relu')",
    ),
    Rule(
        "KD103",
        "activation",
        "error",
        "Activation applied at a different place",
        "Both sides apply the same activation, but one inside a layer (Conv2D(activation='relu')) "
        "and the other after a following layer (Conv2D -> BatchNormalization -> ReLU).",
        "Normalizing before or after the nonlinearity are different functions: BatchNormalization "
        "sees other statistics, and the activation sees normalized or raw values.",
        "Apply the activation at the same place on both sides: e.g. `Conv2D(..., activation=None)`, "
        "then BatchNormalization, then `Activation('relu')`, as in the reference.",
        "Conv2D(32, 3, activation='relu') -> BatchNormalization vs Conv2D(32, 3) -> "
        "BatchNormalization -> ReLU",
    ),
    Rule(
        "KD111",
        "initializer",
        "error",
        "Initializer differs",
        "A matched layer starts from weights drawn from a different distribution.",
        "Initial weights decide where optimisation starts and how signals scale through the "
        "network; a different initializer (e.g. zeros vs glorot_uniform) trains to different "
        "results, sometimes not at all.",
        "Give {b_path} the same `{attribute}` as A: {a_value}.",
        "Dense(8, kernel_initializer='zeros') vs Dense(8)",
        groupable=True,
        absorbed_by="KD403",
    ),
    Rule(
        "KD112",
        "initializer",
        "warning",
        "Initializer seed differs",
        "The same initializer is seeded differently (or seeded on one side only).",
        "Same distribution, different draw: each model starts from different weights, so "
        "results differ run to run by the usual seed noise.",
        "Use the same seed on both sides (`{attribute}` seed {a_value}) or call "
        "`keras.utils.set_random_seed(...)` before building each model.",
        "GlorotUniform(seed=1) vs GlorotUniform(seed=2)",
        groupable=True,
        absorbed_by="KD403",
    ),
    Rule(
        "KD113",
        "initializer",
        "error",
        "Initializer object shared between layers",
        "One side passes the same initializer object (`init = GlorotUniform(); Dense(..., "
        "kernel_initializer=init)` twice) to several layers, the other gives each layer its own.",
        "A Keras 3 initializer object draws with a fixed seed, so it returns the same values on "
        "every call: the layers sharing it start from identical weights, which breaks the symmetry "
        "training relies on; the configs look identical.",
        "Create one initializer per layer (`kernel_initializer=keras.initializers.{init}()` inside "
        "each layer, or its name as a string) on the side that shares one.",
        "init = GlorotUniform(); Dense(8, kernel_initializer=init); Dense(8, kernel_initializer=init)",
    ),
    Rule(
        "KD121",
        "regularizer",
        "error",
        "Regularizer differs",
        "A matched layer adds a different penalty to the loss (kind, strength, or a custom "
        "function with a different name or source).",
        "Regularization changes the loss being minimised, so the optimum and the training "
        "curve move; a factor of 10 in L2 strength is a different model.",
        "Give {b_path} the same `{attribute}` as A: {a_value}.",
        "Dense(8, kernel_regularizer=L2(0.01)) vs Dense(8)",
        groupable=True,
        absorbed_by="KD402",
    ),
    Rule(
        "KD131",
        "constraint",
        "error",
        "Constraint differs",
        "A matched layer projects its weights with a different constraint after each update.",
        "Constraints (max_norm, non_neg, ...) clip weights after every step and change what "
        "the model can learn.",
        "Give {b_path} the same `{attribute}` as A: {a_value}.",
        "Dense(8, kernel_constraint=MaxNorm(2)) vs Dense(8)",
        groupable=True,
    ),
    Rule(
        "KD141",
        "hyperparameter",
        "error",
        "Layer setting differs",
        "A matched layer is configured differently (units, kernel size, strides, padding, rate, "
        "use_bias, epsilon, ...).",
        "The layer computes a different function (and often has a different shape or number "
        "of parameters, which propagates downstream).",
        "Set `{attribute}={a_value!r}` on {b_path} to match A (or change A if B is intended).",
        "Dense(64) vs Dense(32); Dropout(0.5) vs Dropout(0.2)",
        groupable=True,
        structural=True,
    ),
    Rule(
        "KD142",
        "hyperparameter",
        "error",
        "Operation constant differs",
        "A plain `keras.ops` call in the functional graph (`x / 255.0`, `x * 2`, `ops.clip(x, 0, 6)`) "
        "is applied with different constant arguments.",
        "The constant is part of what the model computes: `x / 255.0` and `x / 127.5` feed the "
        "next layer numbers of a different scale.",
        "Use the same constants as A in this {a_cls} operation ({a_value}), or change A if B is intended.",
        "x = inputs / 255.0 vs x = inputs / 127.5",
        groupable=True,
        structural=True,
    ),
    Rule(
        "KD145",
        "hyperparameter",
        "error",
        "Model constructor setting differs",
        "A model class that keeps its own settings (a keras-hub backbone or task, a subclass with "
        "its own get_config()) is built with a different constructor argument.",
        "One constructor argument changes many layers at once (every attention block's heads, "
        "every dropout rate): a different architecture or regularisation; the layer findings "
        "that follow show where.",
        "Build B's {model_cls} with `{attribute}={a_value!r}` as in A (or change A if B is intended).",
        "BertBackbone(intermediate_dim=3072) vs BertBackbone(intermediate_dim=1024)",
        weight=45,
    ),
    Rule(
        "KD151",
        "layer-type",
        "error",
        "Layer type differs",
        "At the same place in the network, A and B use different layer classes.",
        "Different layer classes compute different functions (e.g. MaxPooling vs "
        "AveragePooling, LSTM vs GRU).",
        "Use the same layer class as A ({a_value}) at {b_path}.",
        "MaxPooling2D(2) vs AveragePooling2D(2)",
        structural=True,
    ),
    Rule(
        "KD152",
        "layer-type",
        "error",
        "Custom layer code differs",
        "A custom layer class has the same name and config on both sides, but its source code "
        "(call(), build(), ...) differs; comments, docstrings and formatting do not count.",
        "The config says nothing about what call() computes: the same name can hide another "
        "function, so the two models compute and learn differently.",
        "Make the code of {a_value} the same in both scripts (or import it from one module); "
        "`--probe` shows whether the outputs really differ.",
        "class Scale(Layer): call() returns x * w in A and x + w in B",
        groupable=True,
    ),
    Rule(
        "KD153",
        "layer-type",
        "warning",
        "Layer settings could not be read",
        "A matched layer's get_config() raises and kerasdiff recorded nothing else about it (no "
        "constructor arguments, no plain public attributes), so its settings were not compared.",
        "Two layers of the same class can still be configured differently; kerasdiff cannot tell, "
        "so equal results are not guaranteed where it reports no difference.",
        "Give {b_path}'s class a get_config() that returns its constructor arguments (or build it "
        "from plain arguments), and run `--probe` to compare what the layers compute.",
        "class Block(Layer) whose get_config() raises NotImplementedError",
    ),
    Rule(
        "KD161",
        "missing-layer",
        "error",
        "Layer missing in B",
        "A has a layer that B does not have at that place.",
        "A missing layer (Dropout, BatchNormalization, a hidden Dense...) changes the function "
        "or its regularisation.",
        "Add {a_value} to B {where}.",
        "Dense -> Dropout(0.5) -> Dense vs Dense -> Dense",
        structural=True,
    ),
    Rule(
        "KD162",
        "missing-layer",
        "error",
        "Extra layer in B",
        "B has a layer that A does not have at that place.",
        "An extra layer changes the function or its regularisation.",
        "Remove {b_value} from B ({where}), or add it to A if it is intended.",
        "Dense -> Dense vs Dense -> BatchNormalization -> Dense",
        structural=True,
    ),
    Rule(
        "KD163",
        "missing-layer",
        "info",
        "No-op layer on one side only",
        "One side has a layer that computes the identity (Dropout(0), Activation('linear'), "
        "Identity, ...), the other does not.",
        "It does not change the computed function.",
        "Nothing to fix; remove it if you want identical layer lists.",
        "Dense -> Activation('linear') vs Dense",
    ),
    Rule(
        "KD171",
        "topology",
        "error",
        "Connection differs",
        "A matched layer receives its inputs from different places (or in a different order).",
        "The data flows differently through the network: the layer combines or processes different tensors.",
        "Connect {b_path} to {a_value} as in A.",
        "Concatenate([x, y]) vs Concatenate([y, x]); a skip connection from a different layer",
        structural=True,
    ),
    Rule(
        "KD172",
        "topology",
        "error",
        "Model outputs differ",
        "The models have a different number of outputs or their outputs come from different layers.",
        "Losses and metrics are applied per output; a missing or reordered output trains something else.",
        "Give B the same outputs, in the same order, as A: {a_value}.",
        "Model(x, [age, income]) vs Model(x, [income, age])",
    ),
    Rule(
        "KD173",
        "topology",
        "error",
        "Layer order differs",
        "Two adjacent layers are applied in the other order: A applies one before its neighbour, "
        "B after it (Dropout before instead of after a Dense, BatchNormalization after instead of "
        "before a Dropout).",
        "The layers are the same but the function is not: each one now sees the other's output "
        "(dropout on the inputs vs on the outputs of a Dense, normalizing before or after).",
        "Apply {first} and {second} in the same order on both sides: in B, move the {first} to "
        "the other side of its {second} as in A (or change A if B is intended).",
        "Dense(8) -> Dropout(0.5) vs Dropout(0.5) -> Dense(8)",
        groupable=True,
        structural=True,
    ),
    Rule(
        "KD181",
        "shared-layer",
        "error",
        "Layer sharing differs",
        "A applies one layer (or block) at several places with shared weights; B builds "
        "independent copies there (or the other way round).",
        "Shared weights are trained on every input at once (a Siamese network); independent "
        "copies multiply the parameters and each copy sees only its own input, which changes "
        "what is learned and usually generalises worse.",
        "Create the layer/block once and call that same object on every input "
        "(`base = build_base(); y1 = base(x1); y2 = base(x2)`), instead of building it inside "
        "the per-input code.",
        "base = Sequential([...]); base(x1); base(x2)   vs   build(x1); build(x2)",
        structural=True,
    ),
    Rule(
        "KD191",
        "input",
        "error",
        "Input shape differs",
        "A model input has a different shape.",
        "The model expects differently shaped data; every shape and parameter count downstream may change.",
        "Declare B's input as `keras.Input(shape={a_value})`.",
        "Input((3,)) vs Input((4,))",
        structural=True,
    ),
    Rule(
        "KD192",
        "input",
        "error",
        "Number of inputs differs",
        "The models take a different number of inputs.",
        "They cannot be fed the same data.",
        "Give B the same inputs as A: {a_value}.",
        "Model([a, b], y) vs Model(a, y)",
        structural=True,
    ),
    Rule(
        "KD193",
        "input",
        "info",
        "Input declared differently",
        "One side declares the input implicitly (`input_shape=` on the first layer), the other "
        "with an explicit `keras.Input`.",
        "Keras creates the same InputLayer either way; nothing is computed differently.",
        "Nothing to fix (Keras 3 prefers `keras.Input(shape)` as the first layer).",
        "Sequential([Dense(4, input_shape=(3,))]) vs Sequential([Input((3,)), Dense(4)])",
    ),
    Rule(
        "KD201",
        "dtype",
        "error",
        "Layer dtype policy differs",
        "A matched layer computes or stores its weights in a different dtype "
        "(e.g. mixed_float16 vs float32).",
        "Precision changes the numbers: float16 compute rounds activations and gradients and "
        "can overflow; float64 vs float32 changes results in the last digits and speed.",
        "Use the same dtype policy as A ({a_value}) for {b_path}, e.g. "
        "`keras.config.set_dtype_policy({a_value!r})` before building, or `dtype=` on the layer.",
        "keras.config.set_dtype_policy('mixed_float16') in one script only",
        groupable=True,
        absorbed_by="KD404",
    ),
    Rule(
        "KD202",
        "dtype",
        "error",
        "Input dtype differs",
        "A model input is declared with a different dtype.",
        "Integer vs float inputs, or float64 vs float32, change what the first layers compute.",
        "Declare B's input with `dtype={a_value!r}`.",
        "Input((10,), dtype='int32') vs Input((10,))",
        absorbed_by="KD404",
    ),
    Rule(
        "KD211",
        "trainable",
        "error",
        "Trainable flag differs",
        "A matched layer is frozen on one side and trainable on the other.",
        "Frozen weights never change during fit; the two models learn different parameters "
        "(a classic fine-tuning mistake).",
        "Set `{b_path}.trainable = {a_value}` as in A (before compile).",
        "base.trainable = False in one script only",
        groupable=True,
    ),
    Rule(
        "KD301",
        "optimizer",
        "error",
        "Optimizer differs",
        "The models are trained with different optimizer classes (Adam vs SGD vs RMSprop...).",
        "Each optimizer follows a different update rule, so the same model and data end at "
        "different weights.",
        "Compile B with the same optimizer as A: {a_value}.",
        "compile(optimizer='adam') vs compile(optimizer='sgd')",
        absorbed_by="KD406",
    ),
    Rule(
        "KD302",
        "optimizer",
        "error",
        "Optimizer setting differs",
        "A setting of the optimizer differs: learning rate (or its schedule), momentum, nesterov, "
        "betas, epsilon, weight decay, clipping, EMA, gradient accumulation.",
        "The step size and the update rule change; a 10x learning rate or a different epsilon "
        "(Keras 1e-7 vs a hand-set 1e-8) changes the whole training trajectory.",
        "Set `{attribute}` of B's optimizer to {a_value} as in A.",
        "Adam(learning_rate=0.01) vs Adam(learning_rate=0.001)",
        absorbed_by="KD406",
    ),
    Rule(
        "KD311",
        "optimizer-state",
        "error",
        "Optimizer instance shared between models",
        "One optimizer object is compiled into more than one model, so the second model starts "
        "training with the first one's optimizer state (step count, moment estimates).",
        "Adam/RMSprop keep per-variable statistics and a step counter; a reused optimizer starts "
        "the second model with a wrong learning-rate warm-up and stale moments (in Keras 3 its "
        "fit even fails: 'This optimizer can only be called for the variables it was originally "
        "built with').",
        "Create one optimizer per model: `{model}.compile(optimizer={new_optimizer}, ...)` with a "
        "new instance, never the object passed to another model's compile.",
        "opt = Adam(0.01); functional.compile(optimizer=opt); sequential.compile(optimizer=opt)",
    ),
    Rule(
        "KD312",
        "optimizer-state",
        "error",
        "Optimizer already used before compile",
        "The optimizer had already taken steps (iterations > 0) or built its slot variables when "
        "the model was compiled.",
        "Training does not start from a fresh optimizer: the step count and moment estimates of "
        "an earlier run carry over.",
        "Compile with a freshly created optimizer.",
        "opt used for one fit, then passed to compile of the next model",
    ),
    Rule(
        "KD321",
        "loss",
        "error",
        "Loss differs",
        "A model output is trained with a different loss function or loss setting (from_logits, "
        "label_smoothing, reduction, ...).",
        "The loss is what training minimises: another loss or `from_logits` on a softmax output "
        "changes gradients and the optimum.",
        "Give B the loss of A for this output: {a_value}.",
        "CategoricalCrossentropy(from_logits=True) vs 'categorical_crossentropy'",
        absorbed_by="KD401",
    ),
    Rule(
        "KD322",
        "loss",
        "error",
        "Loss weights differ",
        "The weights of the per-output losses differ after aligning outputs by name and position.",
        "The total loss balances the outputs differently, so training favours another output.",
        "Give B the same loss_weights as A, per output: {a_value}.",
        "loss_weights=[0.25, 1, 10] vs loss_weights={'age': 10, 'income': 1, 'gender': 0.25}",
        absorbed_by="KD401",
    ),
    Rule(
        "KD323",
        "loss",
        "info",
        "Loss written differently",
        "Losses or loss weights are given in a different form (a dict by output name, a list, a "
        "single value) that resolves to the same per-output values.",
        "Nothing changes: Keras resolves both forms to the same per-output losses and weights.",
        "Nothing to fix.",
        "loss_weights=[0.25, 1.0] vs loss_weights={'age': 0.25, 'income': 1.0}",
        absorbed_by="KD401",
    ),
    Rule(
        "KD331",
        "metrics",
        "warning",
        "Metrics differ",
        "The models report different metrics (or 'accuracy' resolves to a different accuracy).",
        "Training is the same, but the numbers you compare are not: binary vs categorical "
        "accuracy on the same predictions can differ a lot.",
        "Use the same, explicit metrics on both sides, e.g. {a_value}.",
        "metrics=['accuracy'] with binary_crossentropy vs metrics=['categorical_accuracy']",
    ),
    Rule(
        "KD341",
        "training-config",
        "error",
        "Fit setting differs",
        "fit() is called with a different batch size, number of epochs, shuffling, validation "
        "split/data, class weights, sample weights, steps per epoch or initial epoch.",
        "These change how many updates are made, on which samples, in which order and with which "
        "weights; batch size alone changes the gradient noise and the number of steps.",
        "Call B's fit with `{attribute}={a_value}` as in A.",
        "fit(x, y, batch_size=32) vs fit(x, y, batch_size=256)",
        absorbed_by="KD407",
    ),
    Rule(
        "KD342",
        "training-config",
        "error",
        "Callback differs",
        "The training callbacks differ: present on one side only, or with other settings "
        "(EarlyStopping patience, ReduceLROnPlateau factor, a learning-rate schedule...).",
        "Callbacks stop training early or change the learning rate during fit, so the models "
        "train for a different number of epochs or with different step sizes.",
        "Give B's fit the same callback settings as A: {a_value}.",
        "EarlyStopping(patience=3) vs EarlyStopping(patience=10)",
        absorbed_by="KD405",
    ),
    Rule(
        "KD343",
        "training-config",
        "warning",
        "Not trained the same way in the scripts",
        "One model is compiled or fitted in its script and the other is not (or not in the "
        "script kerasdiff ran), so their recipes cannot be compared in full.",
        "Nothing is known to differ, but nothing is known to be the same either.",
        "Compile and fit both models in the scripts you compare (fit is intercepted: nothing "
        "trains), or compare their training code by hand.",
        "a.py compiles and fits; b.py only builds the model",
    ),
    Rule(
        "KD344",
        "training-config",
        "info",
        "Execution setting differs",
        "run_eagerly, jit_compile or steps_per_execution differ.",
        "They change speed and memory, not the maths (up to floating-point rounding of XLA).",
        "Nothing to fix for equal results.",
        "compile(jit_compile=True) vs compile()",
    ),
    Rule(
        "KD351",
        "randomness",
        "warning",
        "Seeding differs",
        "The scripts seed their random number generators differently (one seeds, the other does "
        "not, or with other values), so initial weights, dropout masks and shuffling differ.",
        "Two runs start from different random weights and see data in a different order: results "
        "differ by seed noise even when everything else is equal.",
        "Call `keras.utils.set_random_seed({seed})` at the top of both scripts (it seeds Python, "
        "NumPy and the backend).",
        "keras.utils.set_random_seed(42) in a.py only",
    ),
    Rule(
        "KD352",
        "randomness",
        "warning",
        "Unseeded weight initialization",
        "Neither script seeds its random number generators and the layers' initializers have no "
        "seed, so every run starts from different weights.",
        "Comparing one run of A with one run of B mixes the real differences with seed noise; "
        "small gaps in the numbers may be just noise.",
        "Call `keras.utils.set_random_seed(SEED)` at the top of both scripts before building.",
        "no set_random_seed in either script",
        # Fits almost every pair: specific warnings (different metrics, seeds) come first.
        weight=-10,
    ),
    Rule(
        "KD401",
        "framework-semantics",
        "error",
        "scikit-learn's squared loss is half of Keras mse",
        "MLPRegressor minimises 0.5 * mean((y - p)^2); Keras 'mse' is mean((y - p)^2).",
        "Half the loss means half the gradients: with the same learning rate the Keras model takes "
        "steps twice as large, and the reported losses differ by a factor 2.",
        "Make the Keras loss scikit-learn's: {loss_fix}; `kerasdiff --emit-keras` writes the exact code.",
        "MLPRegressor(...) vs model.compile(loss='mse')",
    ),
    Rule(
        "KD402",
        "framework-semantics",
        "error",
        "scikit-learn divides the L2 penalty by the batch size",
        "MLPRegressor/MLPClassifier add 0.5 * alpha * sum(W^2) / n_samples_in_batch (kernels only, "
        "no biases); a Keras L2(l) regularizer adds l * sum(W^2) per batch.",
        "With the same number, Keras regularises 2 * batch_size times harder (400x for alpha with "
        "batch 200): weights shrink towards zero and the fit flattens or diverges.",
        "Use `kernel_regularizer=keras.regularizers.L2({keras_l2})` (alpha / (2 * batch_size)) on "
        "every Dense kernel and no bias regularizer.",
        "MLPRegressor(alpha=0.01) vs Dense(..., kernel_regularizer=L2(0.01))",
    ),
    Rule(
        "KD403",
        "framework-semantics",
        "error",
        "scikit-learn initializes weights and biases differently",
        "scikit-learn draws weights AND biases uniformly in +-sqrt(6 / (fan_in + fan_out)) (factor 2 "
        "instead of 6 for logistic); Keras Dense uses glorot_uniform kernels and zero biases.",
        "A different starting point (and non-zero biases) changes the whole training trajectory; "
        "with logistic units the range is sqrt(3) times narrower.",
        "Use `keras.initializers.RandomUniform(-b, b)` for the kernel AND the bias of each Dense, "
        "b per layer: {limits} (or copy scikit-learn's initial weights: `kerasdiff --emit-keras` "
        "redraws them with numpy).",
        "MLPRegressor(activation='logistic') vs Dense(64, activation='sigmoid')",
    ),
    Rule(
        "KD404",
        "framework-semantics",
        "error",
        "scikit-learn trains in float64",
        "scikit-learn computes in float64 unless X is float32; Keras computes in float32 by default.",
        "Rounding differs from the first step on; over many epochs results drift apart, and "
        "float32 overflows (NaN) earlier with unbounded activations and large inputs.",
        "Call `keras.config.set_floatx('float64')` and `keras.config.set_dtype_policy('float64')` "
        "before building the Keras model (or pass float32 X to scikit-learn).",
        "MLPRegressor on float64 X vs a default Keras model",
    ),
    Rule(
        "KD405",
        "framework-semantics",
        "error",
        "scikit-learn stops when the loss stops improving",
        "Even with early_stopping=False, scikit-learn stops when the training loss has not improved "
        "by tol for n_iter_no_change epochs; Keras trains every epoch it is given.",
        "The two train for a different number of epochs, so the final weights differ.",
        "Stop the Keras training as scikit-learn does: {stop_fix}; `kerasdiff --emit-keras` writes "
        "the callback.",
        "MLPRegressor(tol=1e-4, n_iter_no_change=10) vs model.fit(..., epochs=200)",
    ),
    Rule(
        "KD406",
        "framework-semantics",
        "error",
        "scikit-learn's optimizer differs from Keras's defaults",
        "The solver's settings map to Keras with other defaults: Adam epsilon 1e-8 (Keras 1e-7), "
        "SGD with Nesterov momentum 0.9 (Keras: no momentum), 'invscaling'/'adaptive' learning rates.",
        "A different update rule or step size gives a different trajectory.",
        "Configure the Keras side as scikit-learn's: {optimizer_fix}.",
        "MLPRegressor(solver='adam') vs Adam() (epsilon 1e-7)",
    ),
    Rule(
        "KD407",
        "framework-semantics",
        "error",
        "scikit-learn batches and epochs differ",
        "batch_size='auto' is min(200, n_samples) (Keras: 32), max_iter is the number of epochs, "
        "and scikit-learn shuffles every epoch by default.",
        "Another batch size changes the number of steps, the gradient noise and (in scikit-learn) "
        "the strength of L2.",
        "Fit the Keras model like scikit-learn: {fit_fix}.",
        "MLPRegressor(batch_size='auto') on 1000 samples vs model.fit(X, y) (32)",
    ),
    Rule(
        "KD408",
        "framework-semantics",
        "warning",
        "No Keras equivalent of the scikit-learn solver",
        "solver='lbfgs' is a full-batch quasi-Newton method; Keras has no L-BFGS optimizer.",
        "The two cannot train alike; expect different optima and speed.",
        "Use solver='adam' or 'sgd' in scikit-learn to compare like with like, or train the Keras "
        "model with scipy.optimize.minimize on its flattened weights.",
        "MLPRegressor(solver='lbfgs')",
    ),
    Rule(
        "KD409",
        "framework-semantics",
        "info",
        "scikit-learn pipeline preprocesses the input",
        "The MLP is the last step of a Pipeline whose earlier steps (e.g. StandardScaler) transform X.",
        "The Keras model must receive the same transformed X, or it learns from other numbers.",
        "Apply the same fitted preprocessing ({steps}) to X before the Keras model's fit and "
        "predict (or a Normalization layer).",
        "make_pipeline(StandardScaler(), MLPRegressor())",
    ),
    Rule(
        "KD410",
        "framework-semantics",
        "info",
        "Input and output widths taken from the other model",
        "The estimator was never fitted in the script, so its input width (and, when its targets are "
        "unknown, its output width) was taken from the Keras model.",
        "Nothing differs because of it; it is how the layer shapes were completed.",
        "Fit the estimator (or call fit in the script) to compare real shapes.",
        "MLPRegressor() with no fit() call",
    ),
    Rule(
        "KD411",
        "framework-semantics",
        "error",
        "scikit-learn's output layer or loss differs",
        "scikit-learn picks the output activation and loss from the task (identity + squared error "
        "for regression; logistic + log-loss for binary/multilabel; softmax + log-loss for "
        "multiclass).",
        "A different output function or loss is a different model.",
        "Use {a_value} on the Keras side.",
        "MLPClassifier on 3 classes vs Dense(3, activation='sigmoid')",
    ),
    Rule(
        "KD501",
        "weights",
        "error",
        "Outputs differ with the same weights",
        "--probe copied A's weights into B and ran both on the same inputs: the outputs differ, and "
        "no configuration difference explains it.",
        "The layers compute something other than their configs say (custom call() code, a Lambda, "
        "preprocessing inside the model): the two models learn different functions.",
        "Compare the code behind {b_path} in both scripts (custom layer call(), Lambda functions); "
        "the probe's first divergence is where the computations part.",
        "class Scale(Layer): call() returns x * 2 in A and x * 3 in B",
    ),
    Rule(
        "KD502",
        "weights",
        "error",
        "One training step differs with the same weights",
        "--probe-train gave B A's weights and trained both one step on the same batch, each with "
        "its own optimizer and loss: the layers' outputs moved differently, and no finding about "
        "the optimizer, the loss, regularization, trainability or a framework convention "
        "explains it.",
        "Something the configs do not show trains differently (a custom train_step or "
        "compute_loss, a loss or optimizer wrapped in code, gradients transformed by a callback): "
        "the two models learn different weights from the same data.",
        "Compare how {b_path} is trained in both scripts (train_step, compute_loss, custom "
        "optimizers, gradient clipping or scaling in code); the step's first divergence is where "
        "the updates part.",
        "a train_step that scales the gradients by 0.5 in B",
    ),
    Rule(
        "KD511",
        "weights",
        "error",
        "Weight values differ",
        "Both sides got their weights from somewhere (a saved file, load_weights, set_weights, "
        "training) and aligned layers hold different values.",
        "Same architecture, different parameters: the two models compute different functions, "
        "whatever their configs say (another checkpoint, a partial load, a different fine-tune).",
        "Load the same weights on both sides (the same file, or `{b_path}.set_weights("
        "{a_path}.get_weights())`), or check which checkpoint each side should use.",
        "model_a.load_weights('epoch10.weights.h5') vs model_b.load_weights('epoch20.weights.h5')",
    ),
    Rule(
        "KD512",
        "weights",
        "error",
        "Weights not copied by clone_model",
        "One model is `keras.models.clone_model(other)` in the same script: clone_model copies the "
        "architecture only, so the clone starts from freshly initialized weights.",
        "The clone is not the trained (or loaded) model it was made from: it predicts like an "
        "untrained network until its weights are copied.",
        "Copy the weights after cloning: `{target}.set_weights({source}.get_weights())`.",
        "clone = keras.models.clone_model(model)  # without clone.set_weights(model.get_weights())",
    ),
    Rule(
        "KD513",
        "weights",
        "warning",
        "Weights from different sources",
        "One side's weights were loaded (a saved file, load_weights, set_weights, training) and the "
        "other's are freshly initialized.",
        "The architectures may be equal, but the two models start from different weights: their "
        "outputs and what they learn next differ.",
        "Load the same weights into both models (e.g. `model.load_weights(...)` in both scripts) "
        "if they are meant to be the same model.",
        "model.load_weights('finetuned.weights.h5') in A, no load in B",
    ),
    Rule(
        "KD601",
        "framework-semantics",
        "error",
        "PyTorch's BatchNorm momentum means the opposite",
        "PyTorch's `momentum` is the weight of the NEW batch (running = (1 - m) * running + m * "
        "batch, default 0.1); Keras's `momentum` is the weight of the OLD statistics (moving = m * "
        "moving + (1 - m) * batch, default 0.99). PyTorch 0.1 is Keras 0.9.",
        "The moving mean and variance used at inference follow a different average: 10x slower "
        "with Keras's default (0.99 vs 0.9), 9x faster with the number copied (0.1): validation "
        "and predictions differ even when training matches.",
        "Use `BatchNormalization(momentum={keras_momentum})` in Keras (1 - PyTorch's {torch_momentum}), "
        "or `nn.BatchNorm(..., momentum={torch_for_keras})` in PyTorch to keep Keras's.",
        "nn.BatchNorm2d(32) vs layers.BatchNormalization()",
        groupable=True,
    ),
    Rule(
        "KD602",
        "framework-semantics",
        "error",
        "Normalization epsilon defaults differ",
        "PyTorch's BatchNorm and LayerNorm add eps=1e-5 to the variance by default; Keras's "
        "BatchNormalization and LayerNormalization add epsilon=1e-3.",
        "A 100x larger epsilon shrinks every normalized activation with a small variance: outputs "
        "differ given the same weights (most in layers whose inputs vary little).",
        "Use `epsilon={torch_eps}` on the Keras layers ({layers}), as PyTorch does.",
        "nn.LayerNorm(64) vs layers.LayerNormalization()",
        groupable=True,
    ),
    Rule(
        "KD603",
        "framework-semantics",
        "warning",
        "PyTorch initializes weights differently",
        "PyTorch's Linear and Conv draw kernel AND bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) "
        "(kaiming_uniform with a=sqrt(5)), Embedding from N(0, 1); Keras uses glorot_uniform "
        "kernels, zero biases and U(-0.05, 0.05) embeddings.",
        "A different starting point changes the whole training trajectory (not the computation "
        "given weights: `--probe` copies them).",
        "Match PyTorch in Keras: {keras_init} (bounds per layer: {limits}); or initialize the "
        "PyTorch layers like Keras (`nn.init.xavier_uniform_(w)`, `nn.init.zeros_(b)`).",
        "nn.Linear(64, 10) vs layers.Dense(10)",
    ),
    Rule(
        "KD604",
        "framework-semantics",
        "error",
        "GELU: exact vs tanh approximation",
        "`nn.GELU()` / `F.gelu(x)` compute the exact erf form, `approximate='tanh'` the tanh "
        "approximation; Keras's 'gelu' activation is exact, `keras.ops.gelu(x)` approximate by "
        "default.",
        "The two forms differ by up to about 1e-3 per activation, which compounds through deep "
        "transformers and breaks a port's output equality.",
        "{gelu_fix}",
        "nn.GELU(approximate='tanh') vs Dense(..., activation='gelu')",
        groupable=True,
    ),
    Rule(
        "KD605",
        "framework-semantics",
        "error",
        "LeakyReLU default slope differs",
        "PyTorch's LeakyReLU slope defaults to 0.01, Keras's `negative_slope` to 0.3.",
        "Negative inputs pass 30x stronger in Keras by default: a different function.",
        "Use `layers.LeakyReLU(negative_slope={torch_slope})` in Keras, as PyTorch does.",
        "nn.LeakyReLU() vs layers.LeakyReLU()",
        groupable=True,
    ),
    Rule(
        "KD606",
        "framework-semantics",
        "warning",
        "Adam epsilon defaults differ",
        "torch.optim.Adam/AdamW use eps=1e-8 by default, Keras Adam/AdamW epsilon=1e-7.",
        "Epsilon bounds the step of parameters with small gradients: a 10x larger epsilon damps "
        "their updates early in training.",
        "Use `keras.optimizers.{keras_class}(epsilon={torch_eps})` in Keras (or `eps={keras_eps}` in "
        "PyTorch).",
        "torch.optim.Adam(model.parameters()) vs keras.optimizers.Adam()",
    ),
    Rule(
        "KD607",
        "framework-semantics",
        "info",
        "Adam applies epsilon at another place",
        "PyTorch adds eps to the bias-corrected sqrt(v_hat); Keras adds epsilon to the uncorrected "
        "sqrt(v) (the 'epsilon hat' of the Adam paper): Keras's effective epsilon is epsilon / "
        "sqrt(1 - beta_2^t), larger in the first steps. No setting removes it.",
        "The first steps differ slightly (the finding says by how much); later steps converge to "
        "the same form.",
        "Nothing to set; with equal eps the difference fades after about 1 / (1 - beta_2) steps.",
        "torch.optim.Adam(eps=1e-7) vs keras.optimizers.Adam(epsilon=1e-7)",
    ),
    Rule(
        "KD608",
        "framework-semantics",
        "error",
        "PyTorch Adam's weight_decay is an L2 penalty",
        "`torch.optim.Adam(weight_decay=w)` (and SGD, RMSprop) adds w * param to the gradient "
        "before the adaptive scaling: an L2 penalty on every parameter, biases included. Keras's "
        "`weight_decay=w` is decoupled (AdamW): param -= learning_rate * w * param.",
        "Coupled and decoupled decay regularize differently (with Adam the L2 term is divided by "
        "sqrt(v), so large-gradient weights are barely decayed): the trained weights differ.",
        "{decay_fix}",
        "torch.optim.Adam(params, weight_decay=1e-4) vs keras.optimizers.Adam(weight_decay=1e-4)",
    ),
    Rule(
        "KD609",
        "framework-semantics",
        "error",
        "PyTorch's loss takes logits",
        "`nn.CrossEntropyLoss` applies log_softmax itself and `nn.BCEWithLogitsLoss` a sigmoid: "
        "they take raw scores (logits), like Keras's losses with `from_logits=True`; "
        "CrossEntropyLoss with class indices is SparseCategoricalCrossentropy.",
        "A Keras loss with from_logits=False on the same raw outputs treats them as "
        "probabilities (clipped to [eps, 1 - eps]): a different loss and different gradients.",
        "{loss_fix}",
        "nn.CrossEntropyLoss() vs loss='sparse_categorical_crossentropy' on a linear output",
    ),
    Rule(
        "KD610",
        "framework-semantics",
        "info",
        "Flatten order: channels-first vs channels-last",
        "PyTorch flattens a (C, H, W) feature map channel by channel; Keras flattens (H, W, C) "
        "position by position. The dense layer after it sees the same numbers in another order.",
        "Training from scratch is unaffected (the order is absorbed by the dense weights), but "
        "trained weights copied from PyTorch must have that layer's rows permuted.",
        "Nothing to change for training from scratch. When copying trained weights, permute the "
        "rows of the kernel of the Dense layer after the flatten from (C, H, W) to (H, W, C) order, "
        "or put `layers.Permute((3, 1, 2))` before Keras's Flatten.",
        "x.flatten(1) after nn.Conv2d vs layers.Flatten() after layers.Conv2D",
    ),
    Rule(
        "KD611",
        "framework-semantics",
        "warning",
        "PyTorch module could not be traced",
        "torch.fx could not trace the module's forward() (data-dependent control flow, "
        "unsupported calls): its leaf modules were compared in `named_modules()` order.",
        "What forward() does between the modules (functional activations, concatenation order, "
        "skip connections, which RNN state is used) is not compared.",
        "Make forward() traceable by torch.fx (no Python branching on tensor values), or trust "
        "only the per-module settings in this report. Trace error: {reason}",
        "if x.sum() > 0: ... inside forward()",
    ),
    Rule(
        "KD612",
        "framework-semantics",
        "info",
        "PyTorch training loop settings not read",
        "A PyTorch script trains in its own loop: kerasdiff reads the optimizer, the loss module and "
        "the DataLoader, not the loop (epochs, gradient clipping, schedulers, validation).",
        "Those settings were taken as equal to the other side's; differences in the loop itself are "
        "not reported.",
        "Check the loop by hand: {unknown}.",
        "for epoch in range(10): ... vs model.fit(epochs=10)",
        # Fits every PyTorch pair with a recipe: the specific conventions come first.
        weight=70,
    ),
    Rule(
        "KD613",
        "framework-semantics",
        "info",
        "BatchNorm moving variance: unbiased vs biased",
        "PyTorch updates running_var with the unbiased batch variance (divided by n - 1); Keras "
        "updates moving_variance with the biased one (divided by n). No setting removes it.",
        "The inference variance differs by the factor n / (n - 1) (the finding gives it for this "
        "batch size).",
        "Nothing to set; larger batches make it negligible.",
        "nn.BatchNorm1d(16) vs layers.BatchNormalization(momentum=0.9, epsilon=1e-5)",
    ),
    Rule(
        "KD614",
        "framework-semantics",
        "warning",
        "PyTorch layers or calls not translated",
        "These PyTorch modules or functional calls have no Keras counterpart in kerasdiff yet: "
        "they are compared only by their class and public attributes.",
        "Their settings and conventions (an LSTM's gate layout, an attention layer's heads) are "
        "not checked: a port can differ there without a finding.",
        "Check these by hand, or with `--probe` once both sides run: {untranslated}.",
        "nn.LSTM(32, 64) vs layers.LSTM(64)",
    ),
    Rule(
        "KD615",
        "framework-semantics",
        "error",
        "PyTorch pads symmetrically; Keras's 'same' does not",
        "PyTorch's `padding=p` adds p rows and columns on every side. Keras's `padding='same'` "
        "pads only what the stride needs and puts the extra one at the end (a 3x3 stride-2 "
        "convolution on an even size pads 0 before and 1 after).",
        "The kernel lands on other pixels: every output is shifted by one position and the feature "
        "maps differ, given the same weights.",
        "Port `padding={torch_padding}` as `layers.ZeroPadding{n}D({torch_padding})` followed by "
        "`padding='valid'` on {keras_layer}.",
        "nn.Conv2d(3, 8, 3, stride=2, padding=1) vs layers.Conv2D(8, 3, strides=2, padding='same')",
    ),
    Rule(
        "KD616",
        "framework-semantics",
        "warning",
        "PyTorch's LSTM/GRU has two bias vectors",
        "nn.LSTM and nn.GRU add `bias_ih` and `bias_hh`, both trained; Keras's LSTM has one bias "
        "(GRU with reset_after=True keeps the two apart in one (2, 3 * units) weight). The sum is "
        "the bias that computes, so given the weights the outputs agree.",
        "In training the summed LSTM bias takes two gradient steps per update: it moves about "
        "twice as fast as in Keras, and its initial spread is the sum of two uniform draws.",
        "Nothing in Keras reproduces it exactly; to train like Keras in PyTorch, zero and freeze "
        "one of them (`nn.init.zeros_(m.bias_hh_l0); m.bias_hh_l0.requires_grad_(False)`) for {layers}.",
        "nn.LSTM(8, 16, batch_first=True) vs layers.LSTM(16)",
    ),
    Rule(
        "KD617",
        "framework-semantics",
        "warning",
        "MultiheadAttention's output projection starts from another draw",
        "nn.MultiheadAttention draws its query/key/value projections with xavier_uniform and keeps "
        "nn.Linear's kaiming_uniform(a=sqrt(5)) for the output projection; Keras's "
        "MultiHeadAttention draws all four kernels with its one `kernel_initializer`, so no "
        "layer config can give both.",
        "Trained from scratch, the attention output starts with another spread: the first steps "
        "differ and so do the trained weights. Given the same weights the outputs agree.",
        "Re-draw the output kernel after building the Keras model: {redraw} (the code "
        "`kerasdiff --emit-keras` writes does it).",
        "nn.MultiheadAttention(16, 4, batch_first=True) vs layers.MultiHeadAttention(4, 4)",
    ),
    Rule(
        "KD618",
        "framework-semantics",
        "error",
        "PyTorch's padding_idx is not Keras's mask_zero",
        "nn.Embedding(padding_idx=p) keeps row p at zero and never trains it; the layers after it "
        "still process the padded positions. Keras's Embedding trains every row, row 0 too, and "
        "with mask_zero=True attaches a mask that later layers (RNNs, pooling, attention) use to "
        "skip the steps whose token is 0.",
        "Either the padded positions carry a trained vector in Keras where PyTorch has zeros, or "
        "Keras skips steps that PyTorch processes (an LSTM still runs over PyTorch's zero vectors, "
        "a mean still counts them): outputs on padded batches differ, and so does training.",
        "{fix}",
        "nn.Embedding(100, 16, padding_idx=0) vs layers.Embedding(100, 16, mask_zero=True)",
    ),
    Rule(
        "KD619",
        "framework-semantics",
        "error",
        "RMSprop applies epsilon inside the square root",
        "torch.optim.RMSprop divides the gradient by sqrt(v) + eps; keras.optimizers.RMSprop by "
        "sqrt(v + epsilon). The same number is a much larger floor in Keras: epsilon=1e-8 inside "
        "the root acts like eps=1e-4 outside it.",
        "Weights with small gradients (sqrt(v) below the floor) take far smaller steps in Keras: "
        "training slows where PyTorch's does not. Keras's epsilon = eps^2 gives the same floor; "
        "the two forms then differ by at most 29%, only where sqrt(v) is near eps.",
        "{fix}",
        "torch.optim.RMSprop(params, eps=1e-8) vs keras.optimizers.RMSprop(epsilon=1e-8)",
    ),
    Rule(
        "KD620",
        "framework-semantics",
        "info",
        "The module was traced with the other side's input shapes",
        "The PyTorch script has no module-level `example_input`, so kerasdiff traced the module with "
        "the input shapes and dtypes of the other model (batch 2; images moved to channels-first "
        "when the module starts with a convolution).",
        "Shapes the module was not written for can hide a difference (a flatten size, a sequence "
        "length) or make the trace fail; with its own example the comparison does not depend on "
        "the other side.",
        "Add `example_input = torch.randn(...)` with the module's own input shape to the script.",
        "a module-level model without example_input vs keras.Input((8,))",
        weight=60,
    ),
    Rule(
        "KD701",
        "framework-semantics",
        "error",
        "tf_keras's optimizer ignored lr=",
        "Since TensorFlow 2.11 the optimizers of tf_keras (Keras 2) drop the old argument `lr=` with "
        "only a log line and keep their default learning rate; Keras 3 refuses it, so a rewrite "
        "spells `learning_rate=` and gets the rate the script asked for.",
        "The Keras 2 side trains with another step size than the script says (SGD at 0.01, Adam "
        "at 0.001), so the two train differently although both scripts name the same rate.",
        "Write `learning_rate={lr}` in the Keras 2 script (tf_keras and Keras 3 both spell it so), "
        "or `keras.optimizers.legacy.{optimizer}(lr={lr})` to keep the old spelling under tf_keras.",
        "keras.optimizers.SGD(lr=0.1) under tf_keras vs keras.optimizers.SGD(learning_rate=0.1)",
        weight=95,
    ),
    Rule(
        "KD702",
        "framework-semantics",
        "error",
        "hard_sigmoid is another function in Keras 3",
        "Both models say `hard_sigmoid`, but Keras 2 (tf_keras) computes clip(0.2x + 0.5, 0, 1) and "
        "Keras 3 clip(x/6 + 0.5, 0, 1): the same name, two functions.",
        "The slope differs (0.2 vs 0.167) and the flat parts start at +-2.5 vs +-3: every layer "
        "using it computes other values (0.7 vs 0.667 at x=1), and gates built on it (ConvLSTM's "
        "recurrent activation) open differently.",
        "To keep Keras 2's function in Keras 3, write `{attribute_name}={keras2_fn}`; to keep Keras "
        "3's, retrain the Keras 2 model or accept the change.",
        "Dense(4, activation='hard_sigmoid') under tf_keras vs the same line under Keras 3",
    ),
    Rule(
        "KD703",
        "framework-semantics",
        "error",
        "A default changed between Keras 2 and Keras 3",
        "The setting is not written in the script, and its default is not the same in Keras 2 "
        "(tf_keras) and Keras 3: ConvLSTM's recurrent_activation (hard_sigmoid -> sigmoid), Lion's "
        "learning_rate (1e-4 -> 1e-3).",
        "The model or its training changes although the script did not: a gate computes another "
        "function, or the optimizer takes 10x larger steps.",
        "Write `{attribute}={restore}` explicitly in the Keras 3 script to keep Keras 2's "
        "behaviour, or set the Keras 3 value in both.",
        "layers.ConvLSTM2D(4, 3) under tf_keras vs the same line under Keras 3",
    ),
    Rule(
        "KD704",
        "framework-semantics",
        "error",
        "float64 on JAX without x64 is float32",
        "Keras says the layers are float64, but the JAX backend without its x64 mode stores and "
        "computes every float64 array as float32 (with one warning); the other backend computes "
        "in float64.",
        "Half the precision on one side: outputs differ around 1e-7 relative instead of 1e-16, "
        "and what relies on float64 (tiny gradients, large sums, comparisons to a float64 "
        "reference) behaves differently.",
        "Run {side}'s side with JAX_ENABLE_X64=1 in the environment (or "
        "`jax.config.update('jax_enable_x64', True)` before Keras builds the model), or compare in "
        "float32 on both.",
        "keras.config.set_floatx('float64') in m.py, compared as m.py@tensorflow m.py@jax",
    ),
    Rule(
        "KD705",
        "framework-semantics",
        "error",
        "A legacy decay= is a learning-rate schedule",
        "A legacy Keras 2 optimizer (`keras.optimizers.legacy.*`, or any optimizer before "
        "TensorFlow 2.11) with `decay=d` divides its learning rate by (1 + d * step); Keras 3 "
        "optimizers have no `decay`, and the rewrite trains at another rate.",
        "After 1,000 steps with decay=0.01 the Keras 2 side steps 11x smaller than at the start; "
        "the two train differently from the second step on.",
        "In Keras 3 write `learning_rate=keras.optimizers.schedules.InverseTimeDecay({lr}, "
        "decay_steps=1, decay_rate={decay})`: the same rate at every step.",
        "keras.optimizers.legacy.SGD(lr=0.1, decay=0.01) vs keras.optimizers.SGD(learning_rate=0.1)",
    ),
    Rule(
        "KD901",
        "topology",
        "info",
        "Model class differs",
        "The models are built with different APIs (Sequential, Functional, subclassed).",
        "The API alone does not change what is computed.",
        "Nothing to fix.",
        "keras.Sequential([...]) vs keras.Model(inputs, outputs)",
    ),
    Rule(
        "KD902",
        "topology",
        "info",
        "Nesting differs",
        "Layers sit inside a nested model (block) on one side and are called inline on the "
        "other, with the same sharing.",
        "A block is only a grouping; the same layers compute the same function.",
        "Nothing to fix.",
        "Sequential block called once vs the same layers called inline",
    ),
    Rule(
        "KD903",
        "hyperparameter",
        "info",
        "Layer name differs",
        "A user-given layer name differs (auto-generated names are never compared).",
        "Names do not change what is computed; they matter for `loss={'name': ...}` dicts, "
        "`get_layer(name)` and weight loading by name.",
        "Rename if other code looks the layer up by name.",
        "Dense(1, name='age') vs Dense(1, name='age_out')",
    ),
    Rule(
        "KD904",
        "topology",
        "warning",
        "Structure not comparable in detail",
        "A model has no inspectable layer graph (a subclassed model or an unbuilt Sequential), "
        "so layers were compared as an ordered list.",
        "Connections and sharing inside `call()` are invisible to a config comparison.",
        "Build the model (call it on `keras.Input`) or give Sequential an Input so its graph exists.",
        "class Net(keras.Model): def call(self, x): ...",
    ),
)

# Codes that existed once and must never be reused.
REMOVED: frozenset[str] = frozenset()

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def get(code: str) -> Rule:
    """Return the rule for `code`; KeyError if unknown."""
    return BY_CODE[code]


def section(code: str) -> str:
    """The report section of a code: framework-semantics, model or training."""
    return BY_CODE[code].section


_PLACEHOLDERS = {
    "a_path": "<layer in A>",
    "b_path": "<layer in B>",
    "attribute": "<setting>",
    "a_value": "<A's value>",
    "b_value": "<B's value>",
}


DOCS_URL_VARIABLE = "KERASDIFF_DOCS_URL"


def help_uri(code: str, base: Optional[str]) -> Optional[str]:
    """Where a rule's documentation is published: `base` is the address of docs/codes.md
    (KERASDIFF_DOCS_URL; the GitHub Action sets it to its own repository and ref). None when
    there is no usable address: a composite action's run may see an empty repository or ref
    (actions/runner#2473), and a link to nowhere is worse than none."""
    if not base or not re.fullmatch(r"https://[^\s/]+(/[^\s/]+)+\.md", base.strip()):
        return None
    return f"{base.strip()}#{code.lower()}"


def template_text(text: str) -> str:
    """A fix template as documentation: {fields} shown as <placeholders>, optional tails left
    out, `{{`/`}}` as the braces they stand for."""
    for name in OPTIONAL_FIELDS:
        text = text.replace("{" + name + "}", "")
    text = re.sub(
        r"(?<!\{)\{(\w+)(?:![rs])?\}(?!\})",
        lambda m: _PLACEHOLDERS.get(m[1], "<" + m[1].replace("_", " ") + ">"),
        text,
    )
    return text.replace("{{", "{").replace("}}", "}")


def codes_matching(token: str) -> set[str]:
    """Codes selected by an --ignore token: a code (KD101), a prefix (KD1), or a kind."""
    token = token.strip()
    up = token.upper()
    if token.lower() in KINDS:
        return {r.code for r in RULES if r.kind == token.lower()}
    return {r.code for r in RULES if r.code == up or (up.startswith("KD") and r.code.startswith(up))}
