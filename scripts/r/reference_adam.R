# Reference results for lib/nn/scratch_adam.ts: the tutorial's from-scratch Adam (In [16]/[17]),
# run exactly as the tutorial runs it, right after its data step and its glm fit.
# Run from the repository root:  Rscript scripts/r/reference_adam.R
# Writes data/reference/scratch_adam.json (the tutorial's configuration, 1000 epochs, full batch)
# and data/reference/scratch_adam_minibatch.json (two minibatch configurations, to check the
# shuffling). Base R + stats only; numbers are written with sprintf("%.17g") (reference_util.R).

source("scripts/r/reference_util.R")

# The tutorial's data step (In [2]) and glm fit (In [13]).
make_data <- function() {
  set.seed(42)
  X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10)
  Y <- matrix(rbinom(1000, 1, 0.5))
  list(X = X, Y = Y)
}

source("scripts/r/tutorial_adam.R") # scratch_adam(): the tutorial's loop (In [16])

mape <- function(reference, estimate) 100 * mean(abs((reference - estimate) / reference))

# ---------------------------------------------------------------------------------------------
# 1. The tutorial's run: data, glm, then the loop continuing R's random stream.
d <- make_data()
X <- d$X
Y <- d$Y
logistic_model <- glm(Y ~ X - 1, family = binomial(link = "logit"),
  control = list(maxit = 25, epsilon = 1e-10))
lr_coefs <- logistic_model$coefficients

t0 <- proc.time()
run <- scratch_adam(X, Y, 1000, 1000, trace_at = c(1, 2, 3, 10, 100, 500, 1000))
loop_time <- proc.time() - t0
theta <- run$theta
# Where the stream stands after the loop's 1000 sample() calls (checks that a port advances the
# generator exactly as R does, even if it never builds the permutations).
runif_after <- runif(5)

e <- mape(lr_coefs, theta)
cat_text <- capture.output(cat(e))
cat("Mean absolute percentage error between new NN model and LR: ", e, "\n")

# The same loop timed again (same data, same stream position each time), to give a median.
repeat_times <- numeric()
for (r in 1:5) {
  d2 <- make_data()
  t1 <- proc.time()
  invisible(scratch_adam(d2$X, d2$Y, 1000, 1000))
  repeat_times <- c(repeat_times, (proc.time() - t1)[["elapsed"]])
}

write_json(list(
  R = R.version.string,
  note = paste(
    "the tutorial's from-scratch Adam (In [16]) run right after set.seed(42), its data step and",
    "its glm (maxit = 25, epsilon = 1e-10); n_epochs = 1000, batch_size = 1000; sample() continues",
    "R's stream after rbinom()"
  ),
  epochs = 1000L,
  batch_size = 1000L,
  alpha = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-7,
  theta = I(theta),
  lr_coefs = I(unname(lr_coefs)),
  mape = e,
  mape_cat = cat_text,
  mape_format7 = format(e, digits = 7),
  trace = run$trace,
  runif5_after = I(runif_after),
  blas = extSoftVersion()[["BLAS"]]
), "data/reference/scratch_adam.json")

# Timings vary from run to run, so they are printed, not stored (the side-by-side comparison is
# `deno task compare`).
cat(sprintf("R loop: %.3f s elapsed (median of %d repeats %.3f s)\n", loop_time[["elapsed"]],
  length(repeat_times), median(repeat_times)))

# ---------------------------------------------------------------------------------------------
# 2. Minibatches: each configuration starts from a fresh set.seed(42) and data step (no glm call
#    needed: glm draws no random numbers), so sample() starts where the tutorial's loop starts.
#    Full-batch runs on a part of the data (odd N, odd K) and on separable data (each row of X
#    times 1000 (2y − 1), so that |z| exceeds 30 from the second epoch on) check the
#    full-batch fast path of lib/nn/scratch_adam.ts and its fallback.
#    `rows`, `cols`: the leading rows and columns of X used; X is multiplied by `scale` and, with
#    `sign_by_label`, each row by 2y − 1.
configs <- list(
  list(name = "batch100_epochs50", epochs = 50L, batch_size = 100L, trace_at = c(1, 2, 10, 50)),
  list(name = "batch300_epochs20", epochs = 20L, batch_size = 300L, trace_at = c(1, 2, 20)),
  list(name = "rows999_cols3_full_epochs300", epochs = 300L, batch_size = 999L, rows = 999L,
    cols = 3L, trace_at = c(1, 300)),
  list(name = "separable_full_epochs50", epochs = 50L, batch_size = 1000L, scale = 1000,
    sign_by_label = TRUE, trace_at = c(1, 2, 50))
)
runs <- lapply(configs, function(cfg) {
  d <- make_data()
  rows <- if (is.null(cfg$rows)) 1000L else cfg$rows
  cols <- if (is.null(cfg$cols)) 10L else cfg$cols
  scale <- if (is.null(cfg$scale)) 1 else cfg$scale
  sign_by_label <- isTRUE(cfg$sign_by_label)
  X <- d$X[1:rows, 1:cols, drop = FALSE] * scale
  Y <- d$Y[1:rows, , drop = FALSE]
  if (sign_by_label) X <- X * as.vector(2 * Y - 1)
  r <- scratch_adam(X, Y, cfg$epochs, cfg$batch_size, trace_at = cfg$trace_at)
  list(
    name = cfg$name, epochs = cfg$epochs, batch_size = cfg$batch_size,
    rows = rows, cols = cols, scale = scale, sign_by_label = sign_by_label,
    theta = I(r$theta), trace = r$trace, runif5_after = I(runif(5))
  )
})
write_json(list(
  R = R.version.string,
  note = paste(
    "the tutorial's from-scratch Adam with minibatches; each run starts from set.seed(42) and the",
    "tutorial's data step; batch_size 300 leaves a last batch of 100 rows; rows/cols/scale:",
    "the loop ran on X[1:rows, 1:cols] * scale (each row times 2y - 1 if sign_by_label) and",
    "Y[1:rows]; runif5_after: runif(5) right after"
  ),
  runs = runs
), "data/reference/scratch_adam_minibatch.json")
