# Small JSON writing helpers for the reference scripts (base R only, no CRAN packages).
#
# Usage: source("scripts/r/reference_util.R") from the repository root, then
#   write_json(list(r = R.version.string, x = runif(3), note = "text"), "data/reference/x.json")
#
# Conventions:
# - numbers are written with sprintf("%.17g", x), so they parse back to the same double;
# - NA, NaN, Inf and -Inf are written as null (JSON has no such numbers);
# - a length-1 atomic vector is written as a scalar; wrap a value in I() to force an array,
#   and a vector of any other length is always an array;
# - a named list becomes an object, an unnamed list an array; NULL becomes null;
# - a matrix is written as an array of its rows.

json_escape <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  # Any other control character as \u00XX.
  chars <- strsplit(s, "", useBytes = FALSE)
  vapply(chars, function(cs) {
    codes <- vapply(cs, function(ch) utf8ToInt(ch)[1], integer(1))
    bad <- !is.na(codes) & codes < 32
    cs[bad] <- sprintf("\\u%04x", codes[bad])
    paste0(cs, collapse = "")
  }, character(1))
}

json_numbers <- function(x) {
  x <- as.double(x)
  out <- sprintf("%.17g", x)
  out[!is.finite(x)] <- "null"
  out
}

json_atoms <- function(x) {
  # paste0() would turn an empty character vector into one empty string.
  if (length(x) == 0) return(character(0))
  if (is.factor(x)) x <- as.character(x)
  if (is.character(x)) {
    out <- paste0("\"", json_escape(x), "\"")
    out[is.na(x)] <- "null"
    out
  } else if (is.logical(x)) {
    out <- ifelse(x, "true", "false")
    out[is.na(x)] <- "null"
    out
  } else if (is.numeric(x)) {
    json_numbers(x)
  } else {
    stop("json: cannot write a value of class ", paste(class(x), collapse = "/"))
  }
}

to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.matrix(x) && !inherits(x, "AsIs")) {
    rows <- vapply(seq_len(nrow(x)), function(i) to_json(I(unname(x[i, ]))), character(1))
    return(paste0("[", paste0(rows, collapse = ","), "]"))
  }
  if (is.list(x)) {
    values <- vapply(x, to_json, character(1))
    if (!is.null(names(x))) {
      keys <- paste0("\"", json_escape(names(x)), "\"")
      return(paste0("{", paste0(keys, ":", values, collapse = ","), "}"))
    }
    return(paste0("[", paste0(values, collapse = ","), "]"))
  }
  atoms <- json_atoms(unclass(x))
  if (length(x) == 1 && !inherits(x, "AsIs")) return(atoms)
  paste0("[", paste0(atoms, collapse = ","), "]")
}

write_json <- function(x, path) {
  dir.create(dirname(path), recursive = TRUE, showWarnings = FALSE)
  tmp <- paste0(path, ".tmp")
  writeLines(to_json(x), tmp, useBytes = TRUE)
  file.rename(tmp, path)
  invisible(path)
}

# --- What the glm reference scripts share -------------------------------------------------------

# A vector as a JSON array of numbers (names dropped, NA as null), whatever its length.
arr <- function(x) I(unname(as.vector(x)))

# The value of `expr` and the texts of the warnings it raised, in order (the warnings muffled).
with_warnings <- function(expr) {
  w <- character()
  value <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = w)
}

# summary()'s coefficient table in coef()'s order, with a row of NA for each aliased coefficient.
coef_table <- function(fit, s = summary(fit)) {
  cf <- coef(fit)
  tab <- matrix(NA_real_, length(cf), 4, dimnames = list(names(cf), NULL))
  tab[rownames(s$coefficients), ] <- s$coefficients
  tab
}

# The fields every glm reference records of a fit, in this order: the coefficients, their standard
# errors, z and p values (each written by `enc`), the deviances, degrees of freedom, AIC,
# iterations and convergence.
glm_fit_fields <- function(fit, tab, enc) {
  list(
    coefficients = enc(coef(fit)),
    standardErrors = enc(tab[, 2]),
    zValues = enc(tab[, 3]),
    pValues = enc(tab[, 4]),
    deviance = fit$deviance,
    nullDeviance = fit$null.deviance,
    dfResidual = fit$df.residual,
    dfNull = fit$df.null,
    aic = fit$aic,
    iterations = fit$iter,
    converged = fit$converged
  )
}
