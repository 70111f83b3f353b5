"""tinymtl in 30 lines: one network, four tasks, 30% of the labels unknown ("?").

Run: python examples/quickstart.py   (a few seconds on a laptop CPU)

The data is made here: 4 related yes/no questions about each 20-number input
x, all answered by thresholding a few shared features of x (so the tasks
share lower-level features, as in the lecture's driving example).
"""

import numpy as np

import tinymtl as tm

rng = np.random.default_rng(0)
n_x, n_y, m = 20, 4, 6000
X = rng.standard_normal((n_x, m))  # X: (n_x, m), one example per column
shared = np.tanh(rng.standard_normal((8, n_x)) @ X)  # 8 hidden features that all tasks use: (8, m)
Y = (rng.standard_normal((n_y, 8)) @ shared > 0).astype(float)  # Y: (n_y, m) of 0/1
Y[rng.random(Y.shape) < 0.3] = np.nan  # 30% of the labels become "?"

X_train, Y_train, X_val, Y_val = X[:, :5000], Y[:, :5000], X[:, 5000:], Y[:, 5000:]
net = tm.MLP([n_x, 32, 16, n_y], hidden="relu", output="sigmoid", seed=0)
print(net)
print("gradient check (relative difference):", f"{tm.gradient_check(net, X[:, :8], Y[:, :8]):.1e}")

history = tm.fit(
    net, X_train, Y_train, optimizer=tm.Adam(lr=3e-3), epochs=15, batch_size=64, validation=(X_val, Y_val), seed=0
)
print(tm.metrics.report(Y_val, net.predict_proba(X_val), task_names=["task 1", "task 2", "task 3", "task 4"]))
