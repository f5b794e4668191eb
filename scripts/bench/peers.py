"""Python peers for the speed comparisons of scripts/bench/bench_glm.ts and scripts/bench/compare.ts.

Run by those scripts with `--peers`, in the project's .venv with the packages pinned in
scripts/bench/requirements-peers.txt, as a server on its standard streams: it loads the data, warms
up, prints one JSON line describing itself, then answers each line "run" with one timed run of
each of its fits (a JSON list of their wall-clock and process CPU seconds, all threads) and the
line "done" with their results; the caller alternates these runs with its own. Two commands:

    python scripts/bench/peers.py glm FILE N K
        Logistic regression without intercept on the data in FILE (N*K float64 of X, row-major,
        then N float64 of y; little-endian), fitted REPS times by
        - numpy: R's glm.fit algorithm (IRLS from mu = (y + 1/2)/2, R's logit link with its
          clamps at |eta| > 30, convergence when |dev - devold|/(|dev| + 0.1) < 1e-8, at most 25
          iterations), each step from the normal equations X^T W X b = X^T W z by BLAS and a
          Cholesky factorisation;
        - scikit-learn: LogisticRegression(solver="newton-cholesky", C=inf, fit_intercept=False),
          C=inf being scikit-learn 1.8+'s spelling of penalty=None, with a tight tol.
        A run is one fit of each, numpy's first.

    python scripts/bench/peers.py adam FILE N K EPOCHS
        Keras' Adam (lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-7 outside the bias correction) on the
        mean binary cross-entropy of a sigmoid unit without bias from zero weights, full batch,
        EPOCHS steps, in float64 numpy, on the data in FILE (as above).

The callers discard the first runs (lazy imports, thread start-up, the JIT on their own side).

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


def timed(fit):
    """One run of fit(): its wall-clock and process CPU seconds (all threads), and its result."""
    c0, t0 = time.process_time(), time.perf_counter()
    result = fit()
    return {"seconds": time.perf_counter() - t0, "cpuSeconds": time.process_time() - c0}, result


def serve(ready, fits, final):
    """The line protocol of scripts/bench/peers.ts's LineServer: print `ready`; then for each line
    "run" run every fit once, in turn, and print their times; for "done" print final(results of
    the last runs) and return."""
    print(json.dumps(ready), flush=True)
    results = None
    for line in sys.stdin:
        if line.strip() == "run":
            runs = [timed(fit) for fit in fits]
            results = [r for _, r in runs]
            print(json.dumps([t for t, _ in runs]), flush=True)
        elif line.strip() == "done":
            print(json.dumps(final(results)), flush=True)
            return
        else:
            raise SystemExit(f"unknown request {line.strip()!r}: use run or done")


def glm(path, n, k):
    from sklearn import __version__ as sklearn_version
    from sklearn.linear_model import LogisticRegression

    X, y = load(path, n, k)

    def sk(X, y):
        model = LogisticRegression(solver="newton-cholesky", C=np.inf, fit_intercept=False, tol=1e-10, max_iter=100)
        return model.fit(X, y)

    ready = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "sklearnVersion": sklearn_version,
        "blas": blas(),
        "env": environment(),
        "checksumX": math.fsum(X.ravel()),
        "checksumY": math.fsum(y),
    }

    def final(results):
        (beta, iters, converged), model = results
        return {
            "numpy_irls": {"iterations": iters, "converged": converged, "coefficients": beta.tolist()},
            "sklearn": {"iterations": int(model.n_iter_[0]), "coefficients": model.coef_[0].tolist()},
        }

    serve(ready, [lambda: irls_numpy(X, y), lambda: sk(X, y)], final)


def adam(path, n, k, epochs, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
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

    ready = {"python": sys.version.split()[0], "numpy": np.__version__, "blas": blas(), "env": environment()}
    serve(ready, [fit], lambda results: {"weights": results[0].tolist()})


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "glm":
        glm(args[0], int(args[1]), int(args[2]))
    elif command == "adam":
        adam(args[0], int(args[1]), int(args[2]), int(args[3]))
    else:
        raise SystemExit(f"unknown command {command!r}: use glm or adam")
