"""Python peers for the speed comparisons of scripts/bench_glm.ts and scripts/compare.ts.

Run by those scripts with `--peers`, in the project's .venv with the packages pinned in
scripts/requirements-peers.txt; prints one JSON line on stdout. Two commands:

    python scripts/peers.py glm FILE N K REPS
        Logistic regression without intercept on the data in FILE (N*K float64 of X, row-major,
        then N float64 of y; little-endian), fitted REPS times by
        - numpy: R's glm.fit algorithm (IRLS from mu = (y + 1/2)/2, R's logit link with its
          clamps at |eta| > 30, convergence when |dev - devold|/(|dev| + 0.1) < 1e-8, at most 25
          iterations), each step from the normal equations X^T W X b = X^T W z by BLAS and a
          Cholesky factorisation;
        - scikit-learn: LogisticRegression(solver="newton-cholesky", C=inf, fit_intercept=False),
          C=inf being scikit-learn 1.8+'s spelling of penalty=None, with a tight tol.
        Times are the fit only (wall clock and process CPU time, all threads), the two peers'
        runs alternating, after one unmeasured fit of each on the first 2000 rows (lazy imports,
        thread start-up).

    python scripts/peers.py adam FILE N K EPOCHS REPS
        Keras' Adam (lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-7 outside the bias correction) on the
        mean binary cross-entropy of a sigmoid unit without bias from zero weights, full batch,
        EPOCHS steps, in float64 numpy, on the data in FILE (as above).

Both report which BLAS numpy runs (threadpoolctl) and the environment variables that steer
OpenBLAS's choice of kernel, so that a reader sees what was measured.
"""

import json
import math
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info


def load(path, n, k):
    """X (n x k, C order) and y from the binary file written by the Deno side."""
    data = np.fromfile(path, dtype="<f8")
    if data.size != n * k + n:
        raise SystemExit(f"{path}: expected {n * k + n} doubles, found {data.size}")
    return data[: n * k].reshape(n, k), data[n * k :].copy()


def blas():
    """The BLAS libraries numpy (and scipy) loaded, as threadpoolctl sees them; "numpy" marks
    the one in numpy's own folder of libraries."""
    return [
        {
            **{key: info.get(key) for key in ("internal_api", "version", "architecture", "num_threads")},
            "numpy": "numpy" in os.path.basename(os.path.dirname(info.get("filepath", ""))),
        }
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]


def environment():
    return {key: os.environ.get(key) for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}


EPS = np.finfo(float).eps
THRESH = 30.0


def logit_family(eta):
    """mu, R's mu.eta and variance of binomial(logit) at eta: e^eta/(1 + e^eta) and
    e^eta/(1 + e^eta)^2 (src/library/stats/src/family.c), with R's clamps where |eta| > 30."""
    e = np.exp(eta)
    ope = 1 + e
    mu = e / ope
    d = e / (ope * ope)
    if np.abs(eta).max() > THRESH:  # R's clamps (not reached by the benchmark's data)
        low, high = eta < -THRESH, eta > THRESH
        mu = np.where(low, EPS / (1 + EPS), np.where(high, 1 / (1 + EPS), mu))
        d = np.where(low | high, EPS, d)
    return mu, d


def deviance(y, mu):
    """R's binomial dev.resids summed, for 0/1 responses: -2 sum log(mu or 1 - mu)."""
    return -2.0 * np.sum(np.log(np.where(y == 1, mu, 1 - mu)))


def irls_numpy(X, y, maxit=25, epsilon=1e-8):
    """R's glm.fit for binomial/logit without intercept, each step by the normal equations."""
    mu = (y + 0.5) / 2  # binomial()$initialize with unit weights
    eta = np.log(mu / (1 - mu))
    d = mu * (1 - mu)  # mu.eta at that eta
    devold = deviance(y, mu)
    beta = None
    for it in range(1, maxit + 1):
        z = eta + (y - mu) / d
        w = d * d / (mu * (1 - mu))  # R's working weights, squared (its QR takes their roots)
        A = X.T @ (w[:, None] * X)
        b = X.T @ (w * z)
        L = np.linalg.cholesky(A)
        beta = np.linalg.solve(L.T, np.linalg.solve(L, b))
        eta = X @ beta
        mu, d = logit_family(eta)
        dev = deviance(y, mu)
        if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
            return beta, it, True
        devold = dev
    return beta, maxit, False


def timed(fit, reps):
    seconds, cpu, result = [], [], None
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        result = fit()
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return seconds, cpu, result


def alternating(fits, reps):
    """timed() for several fits, their runs alternating (a burst of load on a shared machine then
    hits them alike)."""
    runs = [timed(fit, 1) for _ in range(reps) for fit in fits]
    return [
        ([s for r in runs[i :: len(fits)] for s in r[0]], [c for r in runs[i :: len(fits)] for c in r[1]], runs[-len(fits) + i][2])
        for i in range(len(fits))
    ]


def glm(path, n, k, reps):
    from sklearn import __version__ as sklearn_version
    from sklearn.linear_model import LogisticRegression

    X, y = load(path, n, k)

    def sk(X, y):
        model = LogisticRegression(solver="newton-cholesky", C=np.inf, fit_intercept=False, tol=1e-10, max_iter=100)
        return model.fit(X, y)

    # Warm-up on the first 2000 rows: the first fit pays for lazy imports and thread start-up.
    irls_numpy(X[:2000], y[:2000])
    sk(X[:2000], y[:2000])
    (s_np, c_np, (beta, iters, converged)), (s_sk, c_sk, model) = alternating(
        [lambda: irls_numpy(X, y), lambda: sk(X, y)], reps
    )
    print(json.dumps({
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "sklearnVersion": sklearn_version,
        "blas": blas(),
        "env": environment(),
        "checksumX": math.fsum(X.ravel()),
        "checksumY": math.fsum(y),
        "numpy_irls": {"seconds": s_np, "cpuSeconds": c_np, "iterations": iters, "converged": converged, "coefficients": beta.tolist()},
        "sklearn": {"seconds": s_sk, "cpuSeconds": c_sk, "iterations": int(model.n_iter_[0]), "coefficients": model.coef_[0].tolist()},
    }))


def adam(path, n, k, epochs, reps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
    X, y = load(path, n, k)

    def fit():
        w, m, v = np.zeros(k), np.zeros(k), np.zeros(k)
        for t in range(1, epochs + 1):
            p = 1 / (1 + np.exp(-(X @ w)))
            g = X.T @ (p - y) / n  # the gradient of the mean binary cross-entropy
            a = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
            m += (g - m) * (1 - beta1)
            v += (g * g - v) * (1 - beta2)
            w -= a * m / (np.sqrt(v) + eps)
        return w

    fit()  # warm-up
    seconds, cpu, w = timed(fit, reps)
    print(json.dumps({
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": blas(),
        "env": environment(),
        "seconds": seconds,
        "cpuSeconds": cpu,
        "weights": w.tolist(),
    }))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "glm":
        glm(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif command == "adam":
        adam(args[0], int(args[1]), int(args[2]), int(args[3]), int(args[4]))
    else:
        raise SystemExit(f"unknown command {command!r}: use glm or adam")
