# R's side of scripts/bench_glm.ts: times glm.fit (binomial/logit, no intercept) on data generated
# with the same stream as the Deno side (set.seed(seed); X <- matrix(rnorm(n*k), ncol = k);
# y <- rbinom(n, 1, 0.5)), timing glm.fit only (data generation excluded).
# Usage: Rscript scripts/bench_glm.R N K SEED REPS   -> one JSON line on stdout.
args <- as.numeric(commandArgs(trailingOnly = TRUE))
n <- args[1]; k <- args[2]; seed <- args[3]; reps <- args[4]
set.seed(seed)
X <- matrix(rnorm(n * k), ncol = k)
y <- rbinom(n, 1, 0.5)
times <- numeric()
cpu <- numeric()
for (r in seq_len(reps)) {
  gc()
  t <- system.time(fit <- glm.fit(X, y, family = binomial(), intercept = FALSE,
    control = list(maxit = 25, epsilon = 1e-8)))
  times <- c(times, t[["elapsed"]])
  cpu <- c(cpu, t[["user.self"]] + t[["sys.self"]])
}
cat(sprintf("{\"R\":\"%s\",\"n\":%d,\"k\":%d,\"checksumX\":%.17g,\"checksumY\":%.17g,\"seconds\":[%s],\"cpuSeconds\":[%s],\"iterations\":%d,\"coefficients\":[%s]}\n",
  R.version.string, n, k, sum(X), sum(y), paste(sprintf("%.17g", times), collapse = ","),
  paste(sprintf("%.17g", cpu), collapse = ","),
  fit$iter, paste(sprintf("%.17g", fit$coefficients), collapse = ",")))
