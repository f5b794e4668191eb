# The tutorial's from-scratch Adam loop ("Re-building the Neural Network", In [16]), timed inside R
# around the loop only, for scripts/bench/compare.ts. Run from the repo root: Rscript scripts/r/compare_adam.R [reps]
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

n_epochs <- 1000
batch_size <- 1000

source("scripts/r/tutorial_adam.R") # scratch_adam(): the tutorial's loop (In [16])

run_loop <- function() scratch_adam(X, Y, n_epochs = n_epochs, batch_size = batch_size)$theta

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
