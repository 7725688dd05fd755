"""Read and plot the HDF5 files written by ``cascade run``.

The file layout is documented in ``analysis/README.md``. Everything here needs only h5py, numpy,
pandas and (for :mod:`cascade_analysis.plots`) matplotlib.

Example::

    from cascade_analysis import io
    runs = io.summary("results/default.h5")
    runs.groupby("point_id").bad_debt.mean()
"""

from . import io

__all__ = ["io"]
__version__ = "1"
