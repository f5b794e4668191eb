# Reference fits for lib/glm/glm.ts: each case writes its data AND R's glm fit to
# data/reference/glm_<case>.json, and R's printed summary to data/reference/glm_<case>_summary.txt.
# Run from the repository root:  Rscript scripts/r/reference_glm.R
# Base R + stats only. Numbers are written with sprintf("%.17g") (scripts/r/reference_util.R) so they
# parse back to the same double; NA is written as null.

source("scripts/r/reference_util.R")
# arr(), with_warnings(), coef_table() and glm_fit_fields() come from reference_util.R.

write_case <- function(name, df, formula, maxit = 25, epsilon = 1e-8, note = "") {
  control <- list(maxit = maxit, epsilon = epsilon)
  res <- with_warnings(glm(formula, family = binomial(link = "logit"), data = df, control = control))
  fit <- res$value
  s <- summary(fit)
  mf <- model.frame(fit)
  X <- model.matrix(fit)
  y <- model.response(mf)
  intercept <- attr(terms(fit), "intercept") > 0
  Xf <- if (intercept) X[, -1, drop = FALSE] else X
  cf <- coef(fit)
  tab <- coef_table(fit, s)
  # R's per-iteration trace: glm.fit is deterministic, so stopping it after m iterations gives
  # the state of the full fit after its m-th iteration.
  trace <- lapply(seq_len(fit$iter), function(m) {
    fm <- suppressWarnings(glm.fit(X, y, family = binomial(), intercept = intercept,
      control = list(maxit = m, epsilon = epsilon)))
    list(deviance = fm$deviance, coefficients = arr(fm$coefficients))
  })
  json <- list(
    R = R.version.string,
    case = name,
    note = note,
    formula = paste(deparse(formula), collapse = " "),
    n = nrow(Xf), k = ncol(Xf), intercept = intercept,
    maxit = maxit, epsilon = epsilon,
    featureNames = I(colnames(Xf)),
    xColumnMajor = arr(as.vector(Xf)),
    y = arr(as.vector(y)),
    fit = c(list(names = I(names(cf))), glm_fit_fields(fit, tab, arr), list(
      boundary = fit$boundary,
      rank = fit$rank,
      warnings = I(res$warnings),
      fitted = arr(fit$fitted.values),
      linearPredictors = arr(fit$linear.predictors),
      trace = trace
    ))
  )
  write_json(json, sprintf("data/reference/glm_%s.json", name))
  txt <- capture.output(print(s))
  writeLines(txt, sprintf("data/reference/glm_%s_summary.txt", name))
  cat(sprintf("%-22s iter=%d converged=%s rank=%d warnings=%s\n", name, fit$iter,
    fit$converged, fit$rank, paste(res$warnings, collapse = " | ")))
}

# 1. The tutorial's data and fit (its exact code).
set.seed(42)
X <- matrix(rnorm(10 * 1000, 1, 0.5), ncol = 10)
Y <- rbinom(1000, 1, 0.5)
tut <- data.frame(Y = Y)
tut$X <- X
write_case("tutorial", tut, Y ~ X - 1, maxit = 25, epsilon = 1e-10,
  note = "the tutorial: set.seed(42); X <- matrix(rnorm(10*1000, 1, 0.5), ncol=10); Y <- rbinom(1000,1,0.5)")
write_case("tutorial_intercept", tut, Y ~ X, maxit = 25, epsilon = 1e-10,
  note = "the tutorial's data with an intercept")
write_case("maxit2", tut, Y ~ X - 1, maxit = 2, epsilon = 1e-10,
  note = "the tutorial's fit stopped by maxit = 2 (does not converge)")

# 2. Wide: N = 200, K = 50, with an intercept and some signal.
set.seed(7)
n <- 200; k <- 50
Xw <- matrix(rnorm(n * k), n, k, dimnames = list(NULL, paste0("x", 1:k)))
beta <- c(0.8, -0.5, 0.3, rep(0, k - 3))
yw <- rbinom(n, 1, plogis(0.2 + Xw %*% beta))
write_case("wide", data.frame(y = yw, Xw), y ~ ., note = "N = 200, K = 50, intercept")

# 3. An exactly collinear column (x3 = x1 + 2 x2) and a constant column, with an intercept.
set.seed(11)
n <- 100
x1 <- rnorm(n); x2 <- rnorm(n); x3 <- x1 + 2 * x2; x4 <- rnorm(n)
yc <- rbinom(n, 1, plogis(0.5 * x1 - 0.5 * x4))
write_case("collinear", data.frame(y = yc, x1, x2, x3, x4), y ~ .,
  note = "x3 = x1 + 2*x2 exactly: aliased (NA)")
write_case("constant", data.frame(y = yc, x1, c3 = rep(3, n), x4), y ~ .,
  note = "a constant column with an intercept: aliased (NA)")
write_case("constant_no_intercept", data.frame(y = yc, x1, c3 = rep(3, n), x4), y ~ . - 1,
  note = "a constant column without an intercept: an ordinary column")

# 4. Quasi-complete separation: x < 0 -> 0, x > 0 -> 1, both outcomes at x = 0.
set.seed(3)
xq <- c(rnorm(40, -1.5, 0.7), rep(0, 10), rnorm(40, 1.5, 0.7))
xq[1:40] <- -abs(xq[1:40]); xq[51:90] <- abs(xq[51:90])
yq <- c(rep(0, 40), rep(c(0, 1), 5), rep(1, 40))
zq <- rnorm(90)
write_case("quasi_separation", data.frame(y = yq, x = xq, z = zq), y ~ .,
  note = "quasi-complete separation in x")

# 5. Complete separation.
set.seed(5)
xs <- c(runif(30, -3, -0.1), runif(30, 0.1, 3))
ys <- c(rep(0, 30), rep(1, 30))
zs <- rnorm(60)
write_case("complete_separation", data.frame(y = ys, x = xs, z = zs), y ~ .,
  note = "complete separation in x")

# 6. K > N: more columns than rows.
set.seed(9)
Xk <- matrix(rnorm(6 * 8), 6, 8, dimnames = list(NULL, paste0("x", 1:8)))
write_case("k_gt_n", data.frame(y = c(0, 1, 1, 0, 1, 0), Xk), y ~ . - 1,
  note = "N = 6 < K = 8, no intercept: the columns beyond the rank are NA")

# 7. A classic dataset.
write_case("mtcars", mtcars, am ~ hp + wt, note = "mtcars: am ~ hp + wt")

# 8. pnorm far into the tail (the p values of summary.glm are 2 * pnorm(-|z|)).
xs <- c(-0.5, -1.96, -5, -10, -20, -30, -37, -38, -40, 0, 1e-9, 0.3, 0.7, 3, 6, 9)
write_json(list(R = R.version.string, x = arr(xs), pnorm = arr(pnorm(xs))),
  "data/reference/glm_pnorm.json")
