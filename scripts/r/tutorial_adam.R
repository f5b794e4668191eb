# The tutorial's from-scratch Adam loop (In [16]) as a function, shared by
# scripts/r/reference_adam.R (reference results) and scripts/r/compare_adam.R (timing).

sigmoid_function <- function(z) {
  return(1 / (1 + exp(-z)))
}

# The tutorial's loop (In [16]), unchanged except that it is wrapped in a function of the epochs
# and the batch size, and that it records theta after the epochs listed in `trace_at`.
# It draws from R's global stream (sample()), exactly as the tutorial's loop does.
scratch_adam <- function(X, Y, n_epochs = 1000, batch_size = 1000, trace_at = integer()) {
  N <- dim(X)[1]
  K <- dim(X)[2]
  theta <- rep(0, K)
  alpha <- 0.001
  beta1 <- 0.9
  beta2 <- 0.999
  m <- 0
  v <- 0
  eps <- 1e-7
  trace <- list()
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
    if (epoch %in% trace_at) {
      trace[[length(trace) + 1]] <- list(epoch = epoch, theta = I(as.vector(theta)))
    }
  }
  list(theta = as.vector(theta), trace = trace)
}
