# R's side of scripts/bench/bench_glm.ts: times glm.fit (binomial/logit, no intercept) on data generated
# with the same stream as the Deno side (set.seed(seed); X <- matrix(rnorm(n*k), ncol = k);
# y <- rbinom(n, 1, 0.5)), timing glm.fit only (data generation excluded).
# Usage: Rscript scripts/r/bench_glm.R N K SEED REPS [--weighted]   -> one JSON line on stdout.
# With --weighted, the same stream goes on to draw prior weights and an offset,
#   w <- runif(n, 0.5, 2); offset <- rnorm(n) * 0.1
# and glm.fit is timed with weights = w, offset = offset (its "non-integer #successes" warning is
# muffled); the line then also has "weighted": true and the sums of w and offset. Nothing is stored.
# Example (the 1e6 x 10 weighted fit):  Rscript scripts/r/bench_glm.R 1000000 10 42 3 --weighted
# With --serve (REPS is then ignored), the script generates the data, prints one JSON line (R's
# version and the sums of X and y) and then answers each line "run" on its standard input with one
# timed fit ({"seconds", "cpuSeconds"}) and the line "done" with {"iterations", "coefficients"}
# of the last fit: scripts/bench/bench_glm.ts --peers alternates these runs with the other
# implementations'.
args <- commandArgs(trailingOnly = TRUE)
weighted <- "--weighted" %in% args
serve <- "--serve" %in% args
args <- as.numeric(args[!(args %in% c("--weighted", "--serve"))])
n <- args[1]; k <- args[2]; seed <- args[3]; reps <- args[4]
set.seed(seed)
X <- matrix(rnorm(n * k), ncol = k)
y <- rbinom(n, 1, 0.5)
w <- NULL
offset <- NULL
if (weighted) {
  w <- runif(n, 0.5, 2)
  offset <- rnorm(n) * 0.1
}
fit_once <- function() {
  gc()
  t <- system.time(fit <- suppressWarnings(glm.fit(X, y, weights = w, offset = offset,
    family = binomial(), intercept = FALSE, control = list(maxit = 25, epsilon = 1e-8))))
  list(fit = fit, seconds = t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
}
if (serve) {
  say <- function(...) {
    cat(..., "\n", sep = "")
    flush(stdout())
  }
  say(sprintf("{\"R\":\"%s\",\"checksumX\":%.17g,\"checksumY\":%.17g}", R.version.string, sum(X), sum(y)))
  input <- file("stdin")
  open(input)
  last <- NULL
  while (length(line <- readLines(input, n = 1)) > 0) {
    if (line == "run") {
      last <- fit_once()
      say(sprintf("{\"seconds\":%.17g,\"cpuSeconds\":%.17g}", last$seconds, last$cpu))
    } else if (line == "done") {
      say(sprintf("{\"iterations\":%d,\"coefficients\":[%s]}", last$fit$iter,
        paste(sprintf("%.17g", last$fit$coefficients), collapse = ",")))
      quit(save = "no")
    } else stop("unknown request: ", line)
  }
  quit(save = "no")
}
times <- numeric()
cpu <- numeric()
for (r in seq_len(reps)) {
  gc()
  t <- system.time(fit <- suppressWarnings(glm.fit(X, y, weights = w, offset = offset,
    family = binomial(), intercept = FALSE, control = list(maxit = 25, epsilon = 1e-8))))
  times <- c(times, t[["elapsed"]])
  cpu <- c(cpu, t[["user.self"]] + t[["sys.self"]])
}
extra <- if (weighted) {
  sprintf(",\"weighted\":true,\"checksumW\":%.17g,\"checksumOffset\":%.17g", sum(w), sum(offset))
} else ""
cat(sprintf("{\"R\":\"%s\",\"n\":%d,\"k\":%d,\"checksumX\":%.17g,\"checksumY\":%.17g%s,\"seconds\":[%s],\"cpuSeconds\":[%s],\"iterations\":%d,\"coefficients\":[%s]}\n",
  R.version.string, n, k, sum(X), sum(y), extra, paste(sprintf("%.17g", times), collapse = ","),
  paste(sprintf("%.17g", cpu), collapse = ","),
  fit$iter, paste(sprintf("%.17g", fit$coefficients), collapse = ",")))
