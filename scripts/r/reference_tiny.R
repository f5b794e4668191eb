# Reference fits for glm on columns of extreme scale: the tutorial's data with one column (or
# every column) multiplied by a tiny or a huge factor. The squares of entries below about
# 1.5e-162 underflow to 0, so a QR that sums squares without scaling takes such a column for a
# zero column; R's dqrdc2 (through BLAS dnrm2) scales its norms and estimates it.
# Run from the repository root:  Rscript scripts/r/reference_tiny.R
# Writes data/reference/glm_tiny.json. Base R + stats only. Numbers are written with
# sprintf("%.17g") (reference_util.R); R's NA is written as null, and Inf / -Inf (a standard
# error that overflows in chol2inv, or a z value that divides by an underflowed one) as the
# strings "Inf" / "-Inf", since JSON has no such numbers.

source("scripts/r/reference_util.R")

set.seed(42)
X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10)
Y <- rbinom(1000, 1, 0.5)

# Finite numbers as numbers, NA as null, infinities as strings.
extended <- function(v) {
  lapply(unname(v), function(x) if (is.na(x)) NULL else if (is.finite(x)) x else as.character(x))
}

fit_case <- function(name, columns, factor, intercept, note) {
  Xs <- X
  Xs[, columns] <- Xs[, columns] * factor
  control <- list(maxit = 25, epsilon = 1e-10)
  warnings <- character()
  fit <- withCallingHandlers(
    if (intercept) {
      glm(Y ~ Xs, family = binomial(link = "logit"), control = control)
    } else {
      glm(Y ~ Xs - 1, family = binomial(link = "logit"), control = control)
    },
    warning = function(cond) {
      warnings <<- c(warnings, conditionMessage(cond))
      invokeRestart("muffleWarning")
    }
  )
  s <- summary(fit)
  tab <- coef_table(fit, s)
  cat(sprintf("%-22s iter=%d converged=%s rank=%d\n", name, fit$iter, fit$converged, fit$rank))
  list(
    case = name,
    note = note,
    columns = I(columns),
    factor = factor,
    intercept = intercept,
    maxit = control$maxit,
    epsilon = control$epsilon,
    xFirstRow = I(Xs[1, ]),
    fit = c(glm_fit_fields(fit, tab, extended), list(
      rank = fit$rank,
      warnings = as.list(warnings) # a list: an empty one is written as []
    ))
  )
}

cases <- list(
  fit_case("tiny_column", 3, 1e-170, FALSE, "column 3 times 1e-170: every square underflows"),
  fit_case("tiny_matrix", 1:10, 1e-170, FALSE, "every column times 1e-170"),
  fit_case("tiny_column_intercept", 3, 1e-300, TRUE, "column 3 times 1e-300, with an intercept"),
  fit_case("partly_subnormal", 3, 1e-160, FALSE, "column 3 times 1e-160: squares are subnormal"),
  fit_case("huge_column", 3, 1e170, FALSE, "column 3 times 1e170: the sum of squares overflows")
)

write_json(list(
  R = R.version.string,
  data = "set.seed(42); X <- matrix(rnorm(10 * 1000, 1, 0.5), ncol = 10); Y <- rbinom(1000, 1, 0.5)",
  cases = cases
), "data/reference/glm_tiny.json")
