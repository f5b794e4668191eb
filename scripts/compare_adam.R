# The tutorial's from-scratch Adam loop ("Re-building the Neural Network", In [16]), timed inside R
# around the loop only, for scripts/compare.ts. Run from the repo root: Rscript scripts/compare_adam.R [reps]
#
# Note: this is the tutorial's own loop -- Adam in the paper's form, ascending the Bernoulli
# log-likelihood with the *summed* gradient -- which is what the tutorial offers as the R
# counterpart of the Keras network. It is not Keras' algorithm (Keras: mean BCE gradient, epsilon
# outside the bias correction), so its weights are compared with glm elsewhere, not here.
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) >= 1) as.integer(args[1]) else 5L

set.seed(42)
X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10)
Y <- matrix(rbinom(1000, 1, 0.5))

N <- dim(X)[1]
K <- dim(X)[2]
n_epochs <- 1000
batch_size <- 1000

sigmoid_function <- function(z) {
  return(1 / (1 + exp(-z)))
}

run_loop <- function() {
  theta <- rep(0, K)
  alpha <- 0.001
  beta1 <- 0.9
  beta2 <- 0.999
  m <- 0
  v <- 0
  eps <- 1e-7
  for (epoch in 1:n_epochs) {
    for (batch in split(sample(seq(1, length(Y))), ceiling(seq_along(seq(1, length(Y))) / batch_size))) {
      z <- X[batch, ] %*% theta
      p_hat <- sigmoid_function(z)
      deriv_log_likelihood <- -t(X[batch, ]) %*% (p_hat - Y[batch, ])
      m <- beta1 * m + (1 - beta1) * deriv_log_likelihood
      v <- beta2 * v + (1 - beta2) * deriv_log_likelihood^2
      m_hat <- m / (1 - beta1^epoch)
      v_hat <- v / (1 - beta2^epoch)
      theta <- theta + alpha * (m_hat / (sqrt(v_hat) + eps))
    }
  }
  theta
}

times <- numeric(reps)
theta <- NULL
for (r in seq_len(reps)) {
  t0 <- proc.time()[["elapsed"]]
  th <- run_loop()
  times[r] <- 1000 * (proc.time()[["elapsed"]] - t0)
  if (is.null(theta)) theta <- th
}
cat("R_VERSION", R.version.string, "\n")
cat("R_LOOP_MS", sprintf("%.17g", times), "\n")
cat("R_THETA", sprintf("%.17g", theta), "\n")
