"""Seed 004, scikit-learn side: a small regression MLP with L2 (alpha=1.0), SGD + Nesterov momentum."""
import numpy as np
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
X = StandardScaler().fit_transform(rng.normal(size=(1000, 4)))
y = X @ np.array([1.5, -2.0, 0.5, 0.0]) + 0.1 * rng.normal(size=1000)

mlp = MLPRegressor(hidden_layer_sizes=(10,), activation="logistic", alpha=1.0, solver="sgd",
                   learning_rate_init=0.001, momentum=0.9, nesterovs_momentum=True, max_iter=200,
                   batch_size="auto", random_state=0)
mlp.fit(X, y)
