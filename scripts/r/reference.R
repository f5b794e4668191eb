# Reference values from GNU R for lib/r/random.ts and lib/data/dataset.ts.
#
# Run from the repository root:  Rscript scripts/r/reference.R
#
# Writes
#   data/reference/rng_seed<S>.json   R's random streams for several seeds, each stream drawn right
#                                     after its own set.seed(S)
#   data/reference/rng_long.json      a long rnorm stream (and a large sample()) for seed 42, to catch
#                                     one-bit drifts of Math.log in qnorm's tail branch
#   data/reference/tutorial_data.json the tutorial's data as JSON (first rows, sizes, sums)
#   data/reference/tutorial_head.txt  head(data) exactly as R prints it
#   data/tutorial.csv                 the tutorial's data set, 17 significant digits, target last
#
# Only base R and stats are used; the default generator is restored first so that
# the streams are R's defaults: Mersenne-Twister, Inversion, Rejection.

source("scripts/r/reference_util.R")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

version <- R.version.string
kinds <- as.list(RNGkind())
names(kinds) <- c("kind", "normalKind", "sampleKind")

draw <- function(seed, expr) {
  set.seed(seed)
  eval.parent(substitute(expr))
}

stream_file <- function(seed, full) {
  m <- if (full) 1 else 0.2 # smaller files for the extra seeds
  size <- function(n) as.integer(n * m)
  list(
    r = version,
    rngKind = kinds,
    seed = seed,
    note = "each stream is drawn right after its own set.seed(seed)",
    runif = I(draw(seed, runif(size(5000)))),
    rnorm = I(draw(seed, rnorm(size(5000)))),
    rnorm_1_0.5 = I(draw(seed, rnorm(size(5000), mean = 1, sd = 0.5))),
    rbinom_1_0.5 = I(draw(seed, rbinom(size(2000), 1, 0.5))),
    rbinom_1_0.3 = I(draw(seed, rbinom(size(1000), 1, 0.3))),
    rbinom_10_0.7 = I(draw(seed, rbinom(size(1000), 10, 0.7))),
    rbinom_20_0.1 = I(draw(seed, rbinom(size(1000), 20, 0.1))),
    rbinom_100_0.4 = I(draw(seed, rbinom(size(500), 100, 0.4))),
    rbinom_1000_0.5 = I(draw(seed, rbinom(size(500), 1000, 0.5))),
    rbinom_200_0.9 = I(draw(seed, rbinom(size(500), 200, 0.9))),
    sample_1000 = I(draw(seed, sample(1000))),
    sample_1 = I(draw(seed, sample(1))),
    # One generator, several calls in a row: the state carries over between calls, and
    # rnorm(sd = 0) and rbinom(size = 0) consume no uniforms.
    mixed = draw(seed, list(
      rnorm_3 = I(rnorm(3)),
      rnorm_sd0 = I(rnorm(2, 5, 0)),
      runif_4 = I(runif(4)),
      rbinom_size0 = I(rbinom(2, 0, 0.5)),
      rbinom_5 = I(rbinom(5, 1, 0.5)),
      sample_10 = I(sample(10)),
      rnorm_2 = I(rnorm(2, 1, 0.5))
    ))
  )
}

for (seed in c(1L, 42L, 2024L)) {
  write_json(stream_file(seed, TRUE), sprintf("data/reference/rng_seed%d.json", seed))
}
for (seed in c(0L, -1L, 2147483647L)) {
  write_json(stream_file(seed, FALSE), sprintf("data/reference/rng_seed%d.json", seed))
}

write_json(list(
  r = version,
  rngKind = kinds,
  seed = 42L,
  note = "each stream is drawn right after its own set.seed(seed)",
  rnorm = I(draw(42L, rnorm(100000))),
  sample_70000 = I(draw(42L, sample(70000)))
), "data/reference/rng_long.json")

# The tutorial's code, verbatim (section "Setup", cells [2]-[4]).
set.seed(42)
X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10)
Y <- matrix(rbinom(1000, 1, 0.5))
data <- data.frame(X)
data$target <- Y

# The first uniform after data generation, to check that a generator can continue the stream.
after <- runif(3)

writeLines(capture.output(print(head(data))), "data/reference/tutorial_head.txt")

cells <- cbind(X, Y)
header <- paste(c(names(data)[1:10], "target"), collapse = ",")
lines <- apply(cells, 1, function(r) {
  paste(c(sprintf("%.17g", r[1:10]), sprintf("%d", as.integer(r[11]))), collapse = ",")
})
tmp <- "data/tutorial.csv.tmp"
writeLines(c(header, lines), tmp)
invisible(file.rename(tmp, "data/tutorial.csv"))

write_json(list(
  r = version,
  rngKind = kinds,
  code = paste(
    "set.seed(42); X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10);",
    "Y <- matrix(rbinom(1000, 1, 0.5)); data <- data.frame(X); data$target <- Y"
  ),
  names = I(c(names(data)[1:10], "target")),
  dim = I(dim(X)),
  head = as.matrix(head(cbind(X, Y))),
  columnSums = I(colSums(cells)),
  targetCount = sum(Y),
  runifAfter = I(after)
), "data/reference/tutorial_data.json")

cat("wrote data/reference/rng_*.json, tutorial_*.{json,txt}, data/tutorial.csv with", version, "\n")
