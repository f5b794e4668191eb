# Reference fits for binomial glm with prior weights, offsets and the four links (logit, probit,
# cloglog, cauchit), and for the functions that use a fit: vcov, logLik, AIC, BIC, nobs, the four
# kinds of residuals, predict (with se.fit), Wald and profile confidence intervals, and anova.
#
# Run from the repository root:  Rscript scripts/r/reference_glm_beyond.R
#
# Writes, for each case below,
#   data/reference/glm_<case>.json          the inputs (X without the intercept column, column
#                                           major; y; weights; offset; link; ...) and R's outputs
#   data/reference/glm_<case>_summary.txt   print(summary(fit)) exactly as R prints it
#   data/reference/glm_<case>_anova.txt     print(anova(reduced, fit, test = "Chisq")), where the
#                                           case has a reduced model
#
# Base R, stats and MASS (the recommended package that R 4.2.2's confint.glm profiles with). Numbers
# are written with sprintf("%.17g") so they parse back to the same double; NA is written as null.
# Nothing here depends on the clock: running it twice gives the same bytes.

source("scripts/r/reference_util.R")
suppressPackageStartupMessages(library(MASS))
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

# A matrix with its dimnames dropped (written as an array of rows).
rows <- function(m) {
  m <- as.matrix(m)
  dimnames(m) <- NULL
  m
}

# arr(), with_warnings(), coef_table() and glm_fit_fields() come from reference_util.R.

# The glm call as a user would type it, so that summary() prints a readable Call: line and
# predict() finds the weights and offset expressions.
glm_call <- function(formula, link, data_name, weights, offset, maxit, epsilon) {
  args <- list(formula = formula, family = call("binomial", link = link), data = as.name(data_name))
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(offset)) args$offset <- offset
  if (maxit != 25 || epsilon != 1e-8) {
    args$control <- call("list", maxit = maxit, epsilon = epsilon)
  }
  as.call(c(as.name("glm"), args))
}

# The design matrix of new rows, built the way predict.glm builds it.
new_design <- function(fit, newdata) {
  tt <- delete.response(terms(fit))
  mf <- model.frame(tt, newdata, xlev = fit$xlevels)
  model.matrix(tt, mf, contrasts.arg = fit$contrasts)
}

# One case.
#   name      file name: data/reference/glm_<name>.json
#   data      the data frame, bound to data_name when glm is called
#   formula   the model; weights and offset are expressions evaluated in data (or NULL)
#   newdata   a named list of data frames for predict (each must hold the offset's columns)
#   reduced   a formula for anova(reduced, fit, test = "Chisq"), whose design columns are a subset
#             of the full model's (or NULL)
write_case <- function(name, note, data, data_name, formula, link = "logit", weights = NULL,
                       offset = NULL, newdata = list(), reduced = NULL, maxit = 25,
                       epsilon = 1e-8, levels = c(0.95, 0.9)) {
  env <- new.env(parent = globalenv())
  assign(data_name, data, envir = env)
  cl <- glm_call(formula, link, data_name, weights, offset, maxit, epsilon)
  res <- with_warnings(eval(cl, env))
  fit <- res$value
  fam <- family(fit)
  s <- summary(fit)
  mf <- model.frame(fit)
  X <- model.matrix(fit)
  y <- as.vector(model.response(mf))
  w <- model.weights(mf)
  off <- model.offset(mf)
  n <- nrow(X)
  intercept <- attr(terms(fit), "intercept") > 0
  if (intercept) stopifnot(colnames(X)[1] == "(Intercept)", all(X[, 1] == 1))
  Xf <- if (intercept) X[, -1, drop = FALSE] else X
  cf <- coef(fit)
  K <- length(cf)
  tab <- coef_table(fit, s)

  # R's per-iteration trace: glm.fit is deterministic, so stopping it after m iterations gives the
  # state of the full fit after its m-th iteration (checked below for the last one).
  trace <- lapply(seq_len(fit$iter), function(m) {
    fm <- suppressWarnings(glm.fit(X, y,
      weights = if (is.null(w)) rep(1, n) else w, offset = off,
      family = fam, intercept = intercept, control = list(maxit = m, epsilon = epsilon)
    ))
    list(deviance = fm$deviance, coefficients = arr(fm$coefficients))
  })
  last <- suppressWarnings(glm.fit(X, y,
    weights = if (is.null(w)) rep(1, n) else w, offset = off,
    family = fam, intercept = intercept, control = list(maxit = fit$iter, epsilon = epsilon))
  )
  stopifnot(identical(unname(last$coefficients), unname(cf)))

  V <- vcov(fit)
  stopifnot(identical(dim(V), c(K, K)))
  ll <- logLik(fit)

  # predict on new rows, on the link and the response scale, with standard errors.
  predictions <- lapply(names(newdata), function(label) {
    nd <- newdata[[label]]
    NX <- new_design(fit, nd)
    NXf <- if (intercept) NX[, -1, drop = FALSE] else NX
    stopifnot(identical(colnames(NXf), colnames(Xf)))
    new_off <- if (is.null(offset)) NULL else eval(offset, nd, env)
    pl <- with_warnings(predict(fit, nd, type = "link", se.fit = TRUE))
    pr <- with_warnings(predict(fit, nd, type = "response", se.fit = TRUE))
    list(
      label = label,
      n = nrow(NXf),
      xColumnMajor = arr(NXf),
      offset = if (is.null(new_off)) NULL else arr(new_off),
      link = list(fit = arr(pl$value$fit), seFit = arr(pl$value$se.fit)),
      response = list(fit = arr(pr$value$fit), seFit = arr(pr$value$se.fit)),
      residualScale = pl$value$residual.scale,
      warnings = I(unique(c(pl$warnings, pr$warnings)))
    )
  })

  wald <- lapply(levels, function(level) {
    ci <- confint.default(fit, level = level)
    list(level = level, lower = arr(ci[, 1]), upper = arr(ci[, 2]))
  })

  # MASS's profile intervals: confint(fit, level) profiles with alpha = (1 - level) / 4, so the
  # profile itself depends on the level; both are kept, with the profile's points.
  profiles <- lapply(levels, function(level) {
    p <- with_warnings(profile(fit, alpha = (1 - level) / 4))
    ci <- confint(p$value, level = level)
    if (!is.matrix(ci)) ci <- matrix(ci, nrow = 1)
    direct <- suppressWarnings(suppressMessages(confint(fit, level = level)))
    if (!is.matrix(direct)) direct <- matrix(direct, nrow = 1)
    stopifnot(identical(unname(ci), unname(direct)))
    points <- lapply(names(cf), function(pn) {
      pro <- p$value[[pn]]
      if (is.null(pro)) return(NULL)
      list(name = pn, z = arr(pro[[1]]), parVals = rows(pro$par.vals))
    })
    list(
      level = level, alpha = (1 - level) / 4, lower = arr(ci[, 1]), upper = arr(ci[, 2]),
      warnings = I(unique(p$warnings)), profiles = points
    )
  })

  anova_out <- NULL
  if (!is.null(reduced)) {
    rcl <- cl
    rcl$formula <- reduced
    rres <- with_warnings(eval(rcl, env))
    rfit <- rres$value
    RX <- model.matrix(rfit)
    RXf <- if (intercept) RX[, -1, drop = FALSE] else RX
    columns <- match(colnames(RXf), colnames(Xf))
    stopifnot(!anyNA(columns), identical(unname(RXf), unname(Xf[, columns, drop = FALSE])))
    a <- with_warnings(anova(rfit, fit, test = "Chisq"))
    at <- a$value
    anova_out <- list(
      call = paste(deparse(rcl, width.cutoff = 500L), collapse = " "),
      columns = arr(columns - 1L),
      fit = list(
        names = I(names(coef(rfit))),
        coefficients = arr(coef(rfit)),
        deviance = rfit$deviance,
        nullDeviance = rfit$null.deviance,
        dfResidual = rfit$df.residual,
        aic = rfit$aic,
        iterations = rfit$iter,
        converged = rfit$converged,
        warnings = I(rres$warnings)
      ),
      test = "Chisq",
      heading = I(attr(at, "heading")),
      residDf = arr(at[["Resid. Df"]]),
      residDev = arr(at[["Resid. Dev"]]),
      df = arr(at[["Df"]]),
      deviance = arr(at[["Deviance"]]),
      pChi = arr(at[["Pr(>Chi)"]]),
      warnings = I(a$warnings)
    )
    writeLines(capture.output(print(at)), sprintf("data/reference/glm_%s_anova.txt", name))
  }

  out <- list(
    R = R.version.string,
    MASS = as.character(packageVersion("MASS")),
    case = name,
    note = note,
    call = paste(deparse(cl, width.cutoff = 500L), collapse = " "),
    n = n,
    k = ncol(Xf),
    intercept = intercept,
    link = link,
    maxit = maxit,
    epsilon = epsilon,
    featureNames = I(colnames(Xf)),
    xColumnMajor = arr(Xf),
    y = arr(y),
    weights = if (is.null(w)) NULL else arr(w),
    offset = if (is.null(off)) NULL else arr(off),
    fit = c(list(names = I(names(cf))), glm_fit_fields(fit, tab, arr), list(
      boundary = fit$boundary,
      rank = fit$rank,
      warnings = I(res$warnings),
      y = arr(fit$y),
      priorWeights = arr(fit$prior.weights),
      workingWeights = arr(fit$weights),
      fitted = arr(fit$fitted.values),
      linearPredictors = arr(fit$linear.predictors),
      trace = trace
    )),
    vcov = rows(V),
    logLik = list(value = as.numeric(ll), df = attr(ll, "df"), nobs = attr(ll, "nobs")),
    nobs = nobs(fit),
    AIC = AIC(fit),
    BIC = BIC(fit),
    residuals = list(
      deviance = arr(residuals(fit, type = "deviance")),
      pearson = arr(residuals(fit, type = "pearson")),
      working = arr(residuals(fit, type = "working")),
      response = arr(residuals(fit, type = "response"))
    ),
    predict = predictions,
    confint = list(wald = wald, profile = profiles),
    anova = anova_out
  )
  write_json(out, sprintf("data/reference/glm_%s.json", name))
  writeLines(capture.output(print(s)), sprintf("data/reference/glm_%s_summary.txt", name))
  cat(sprintf(
    "%-28s link=%-7s iter=%2d converged=%s rank=%d nobs=%d logLik.nobs=%d warnings=%s\n",
    name, link, fit$iter, fit$converged, fit$rank, nobs(fit), attr(ll, "nobs"),
    paste(res$warnings, collapse = " | ")
  ))
}

# 1. infert (datasets): case ~ spontaneous + induced, and with education as a factor.
write_case("infert",
  note = "infert: case ~ spontaneous + induced (logit); anova against case ~ spontaneous",
  data = infert, data_name = "infert", formula = case ~ spontaneous + induced,
  newdata = list("first 5 rows" = head(infert, 5)),
  reduced = case ~ spontaneous
)
by_level <- unlist(lapply(levels(infert$education), function(l) which(infert$education == l)[1:2]))
write_case("infert_education",
  note = paste(
    "infert: case ~ education + spontaneous + induced (logit); education is a factor with levels",
    "0-5yrs, 6-11yrs, 12+ yrs, coded by treatment contrasts; anova against case ~ spontaneous + induced"
  ),
  data = infert, data_name = "infert", formula = case ~ education + spontaneous + induced,
  newdata = list(
    "first 5 rows" = head(infert, 5),
    "two rows of each education level" = infert[by_level, ]
  ),
  reduced = case ~ spontaneous + induced
)

# 2. esoph (datasets) as a grouped binomial: the proportion of cases, weighted by the group size,
# on the ordered factors' level numbers as numeric scores.
esoph_scores <- data.frame(
  age = as.numeric(unclass(esoph$agegp)),
  alc = as.numeric(unclass(esoph$alcgp)),
  tob = as.numeric(unclass(esoph$tobgp)),
  ncases = esoph$ncases,
  ncontrols = esoph$ncontrols
)
write_case("esoph_grouped",
  note = paste(
    "esoph as a grouped binomial: y = ncases/(ncases + ncontrols), weights = ncases + ncontrols;",
    "age, alc, tob = as.numeric(unclass(agegp)), as.numeric(unclass(alcgp)), as.numeric(unclass(tobgp));",
    "anova against ~ age + alc"
  ),
  data = esoph_scores, data_name = "esoph_scores",
  formula = ncases / (ncases + ncontrols) ~ age + alc + tob,
  weights = quote(ncases + ncontrols),
  newdata = list("first 5 rows" = head(esoph_scores, 5)),
  reduced = ncases / (ncases + ncontrols) ~ age + alc
)

# 3. mtcars (datasets) with the probit link.
write_case("mtcars_probit",
  note = "mtcars: am ~ wt + hp with the probit link",
  data = mtcars, data_name = "mtcars", formula = am ~ wt + hp, link = "probit",
  newdata = list("first 5 rows" = head(mtcars, 5))
)

# 4. The budworm data of Venables & Ripley (MASS, section 7.2): 20 moths per dose and sex.
ldose <- rep(0:5, 2)
numdead <- c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16)
budworm <- data.frame(
  ldose = ldose,
  numdead = numdead,
  total = rep(20, 12),
  sex = factor(rep(c("M", "F"), c(6, 6)))
)
budworm_new <- list(
  "rows 1, 3, 6, 7, 9, 12" = budworm[c(1, 3, 6, 7, 9, 12), ],
  "new doses" = data.frame(
    ldose = c(2.5, 2.5, -1, 6.5),
    sex = factor(c("F", "M", "F", "M"), levels = c("F", "M"))
  )
)
write_case("budworm_cloglog",
  note = paste(
    "budworm (Venables & Ripley, MASS 7.2): y = numdead/20, weights = 20, ~ sex + ldose,",
    "complementary log-log link; sex has levels F, M (column sexM)"
  ),
  data = budworm, data_name = "budworm", formula = numdead / total ~ sex + ldose,
  link = "cloglog", weights = quote(total), newdata = budworm_new
)
write_case("budworm_logit",
  note = paste(
    "budworm (Venables & Ripley, MASS 7.2): y = numdead/20, weights = 20, ~ sex + ldose, logit;",
    "anova against ~ ldose"
  ),
  data = budworm, data_name = "budworm", formula = numdead / total ~ sex + ldose,
  weights = quote(total), newdata = budworm_new,
  reduced = numdead / total ~ ldose
)

# 5. The tutorial's data (data/tutorial.csv, written by scripts/r/reference.R) with an offset, with
# non-integer weights, and with zero weights.
tutorial <- read.csv("data/tutorial.csv")
all_x <- reformulate(paste0("X", 1:10), response = "target")
set.seed(3)
tutorial$off <- rnorm(1000, 0, 0.5)
first5 <- head(tutorial, 5)
new_offset <- first5
new_offset$off <- c(-0.5, -0.25, 0, 0.25, 0.5)
zero_offset <- first5
zero_offset$off <- 0
offset_new <- list(
  "first 5 rows, their own offsets" = first5,
  "first 5 rows, new offsets -0.5, -0.25, 0, 0.25, 0.5" = new_offset,
  "first 5 rows, offset 0" = zero_offset
)
write_case("tutorial_offset",
  note = "data/tutorial.csv: target ~ X1 + ... + X10 with an intercept and offset off, set.seed(3); off <- rnorm(1000, 0, 0.5)",
  data = tutorial, data_name = "tutorial", formula = all_x, offset = quote(off),
  newdata = offset_new
)
write_case("tutorial_offset_no_intercept",
  note = "as tutorial_offset without the intercept (the null deviance is then the deviance of eta = offset)",
  data = tutorial, data_name = "tutorial", formula = update(all_x, . ~ . - 1), offset = quote(off),
  newdata = offset_new
)

set.seed(7)
tutorial$w <- runif(1000, 0.5, 2)
write_case("tutorial_weights",
  note = "data/tutorial.csv: target ~ X1 + ... + X10 with an intercept and weights w, set.seed(7); w <- runif(1000, 0.5, 2)",
  data = tutorial, data_name = "tutorial", formula = all_x, weights = quote(w),
  newdata = list("first 5 rows" = first5)
)

set.seed(11)
tutorial$w0 <- as.numeric(sample(0:3, 1000, replace = TRUE))
write_case("tutorial_zero_weights",
  note = "data/tutorial.csv: target ~ X1 + ... + X10 with an intercept and weights w0 in 0:3, set.seed(11); w0 <- sample(0:3, 1000, replace = TRUE)",
  data = tutorial, data_name = "tutorial", formula = all_x, weights = quote(w0),
  newdata = list("first 5 rows" = first5)
)

# 6. The cauchit link on a small synthetic set.
set.seed(21)
n <- 60
cauchit_data <- data.frame(x1 = rnorm(n), x2 = runif(n, -1, 1))
cauchit_data$y <- rbinom(n, 1, pcauchy(0.3 + 1.2 * cauchit_data$x1 - 0.8 * cauchit_data$x2))
write_case("cauchit",
  note = "set.seed(21); x1 <- rnorm(60); x2 <- runif(60, -1, 1); y <- rbinom(60, 1, pcauchy(0.3 + 1.2 x1 - 0.8 x2)); y ~ x1 + x2, cauchit link",
  data = cauchit_data, data_name = "cauchit_data", formula = y ~ x1 + x2, link = "cauchit",
  newdata = list("first 5 rows" = head(cauchit_data, 5))
)

# 7. Rank deficient with weights: x3 = x1 - 2 x2 exactly, so x3 is aliased and vcov has NA.
set.seed(13)
n <- 120
rd <- data.frame(x1 = rnorm(n), x2 = rnorm(n))
rd$x3 <- rd$x1 - 2 * rd$x2
rd$x4 <- rnorm(n)
rd$w <- as.numeric(sample(1:4, n, replace = TRUE))
rd$y <- rbinom(n, 1, plogis(0.4 * rd$x1 - 0.6 * rd$x4))
write_case("rank_deficient_weights",
  note = "set.seed(13); x1, x2 ~ rnorm(120); x3 = x1 - 2 x2; x4 ~ rnorm; w ~ sample(1:4); y ~ x1 + x2 + x3 + x4 with weights w: x3 aliased",
  data = rd, data_name = "rd", formula = y ~ x1 + x2 + x3 + x4, weights = quote(w),
  newdata = list("first 5 rows" = head(rd, 5))
)

# 8. A column that is non-zero only on rows of weight 0: R's QR sees only the rows with positive
# weight, so the column is aliased; those rows still get fitted values.
set.seed(17)
n <- 40
zw <- data.frame(x1 = rnorm(n), x2 = c(rep(0, 32), rnorm(8)))
zw$w <- c(rep(1, 32), rep(0, 8))
zw$y <- c(rbinom(32, 1, plogis(0.5 * zw$x1[1:32])), rep(1, 8))
write_case("zero_weight_alias",
  note = "set.seed(17); 40 rows, the last 8 of weight 0 and y = 1; x2 is 0 except on those rows, so it is aliased",
  data = zw, data_name = "zw", formula = y ~ x1 + x2, weights = quote(w),
  newdata = list("rows 30 to 36" = zw[30:36, ])
)
