#!/usr/bin/python3
"""Plot a cascade output file: prices, liquidation volume over time, bad debt histogram.

Usage: /usr/bin/python3 analysis/plot_experiment.py results/default.h5 -o results/default.png
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cascade_analysis.plots import plot_experiment  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="HDF5 file written by `cascade run`")
    parser.add_argument("-o", "--output", help="PNG to write (default: FILE with .png)")
    parser.add_argument("--bin-minutes", type=float, default=10.0,
                        help="width of the liquidation-volume bins (default 10)")
    args = parser.parse_args(argv)
    output = args.output or os.path.splitext(args.file)[0] + ".png"
    try:
        plot_experiment(args.file, output, bin_s=60.0 * args.bin_minutes)
    except (OSError, KeyError, ValueError) as e:
        print(f"plot_experiment: {e}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
