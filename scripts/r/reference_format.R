# How R's format() prints columns of numbers, for lib/view/display.ts (formatColumn).
#
# Run from the repository root:  Rscript scripts/r/reference_format.R
# Writes data/reference/format.json: for each case the input (17 significant digits), the digits
# argument, and the strings format(x, digits = d) returns.

source("scripts/r/reference_util.R")

cases <- list(
  list(x = c(1.6854792235733342, 0.7176509143019556, 1.1815642), digits = 7),
  list(x = c(1.125289034, 0.861037975, -0.003352472), digits = 7),
  list(x = c(2.848412237e-04, 1.0606748e-08, 0), digits = 7),
  list(x = c(1377.2178014419596, 1376.8255962701296, 1376.8255816654269), digits = 10),
  list(x = c(1, 0, 1), digits = 7),
  list(x = c(123456789, 0.5), digits = 7),
  list(x = c(1e-20, 1), digits = 7),
  list(x = c(-1.5e10, 2e-3), digits = 4),
  list(x = c(0.1 + 0.2, 1 / 3), digits = 15),
  list(x = c(1e100, 1), digits = 7),
  list(x = c(-0.0030367480095687496, 0.14967363555774682, -0.21189322381261447), digits = 7)
)

out <- lapply(cases, function(case) {
  list(x = I(case$x), digits = case$digits, formatted = I(format(case$x, digits = case$digits)))
})
write_json(list(r = R.version.string, cases = out), "data/reference/format.json")
