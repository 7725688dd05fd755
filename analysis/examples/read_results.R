# Reading a cascade output file in R (layout: analysis/README.md).
#
#   Rscript analysis/examples/read_results.R results/default.h5
#
# Needs rhdf5 (Bioconductor):  BiocManager::install("rhdf5")
# Not run in CI.

suppressPackageStartupMessages(library(rhdf5))

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) > 0) args[1] else "results/default.h5"

stopifnot(h5readAttributes(path, "/")$format_version == 1)
info <- h5readAttributes(path, "/experiment")
cat(sprintf("%s: %d point(s) x %d replicas, seed %s\n",
            info$source_path, info$n_points, info$replicas, format(info$seed)))

# One row per run; failed runs (status 1) are left out of the statistics.
runs <- h5read(path, "/runs/summary")
ok <- runs[runs$status == 0, ]

# Bad-debt statistics per sweep point, with the same definitions as /points/aggregates:
# type-7 quantiles (R's default), VaR_q = quantile q, ES_q = mean of losses >= VaR_q.
es <- function(x, q) mean(x[x >= quantile(x, q, type = 7, names = FALSE)])
stats <- do.call(rbind, lapply(split(ok$bad_debt, ok$point_id), function(x) data.frame(
  mean = mean(x), sd = if (length(x) > 1) sd(x) else 0,
  var95 = quantile(x, 0.95, type = 7, names = FALSE), es95 = es(x, 0.95),
  prob_bad_debt = mean(x > 0))))
print(stats)

# The writer's own aggregates, for comparison.
agg <- h5read(path, "/points/aggregates")
print(agg[, c("point_id", "bad_debt_mean", "bad_debt_var95", "bad_debt_es95", "prob_bad_debt")])

# Swept parameters, joined to the runs.
points <- h5read(path, "/sweep/points")
runs <- merge(runs, points, by = "point_id")

# Liquidation events: volume per 10-minute bin, averaged over successful runs.
events <- h5read(path, "/events/liquidations")
if (nrow(events) > 0) {
  bins <- floor(events$time_s / 600) * 600
  volume <- tapply(events$debt_repaid, bins, sum) / nrow(ok)
  print(head(volume))
}

# Time series: [run, time] in the file; R is column-major, so rhdf5 returns time x run.
time <- h5read(path, "/timeseries/time")
recorded <- h5read(path, "/timeseries/run")
price <- h5read(path, "/timeseries/eth_ref.price")
if (nrow(price) != length(time)) price <- t(price)
colnames(price) <- paste0("run_", recorded)
matplot(time / 3600, price, type = "l", lty = 1, xlab = "time [h]", ylab = "eth_ref.price [USD]",
        main = "Reference price, recorded runs")

h5closeAll()
