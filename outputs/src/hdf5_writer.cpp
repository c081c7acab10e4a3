// HDF5 writer: implemented by the outputs module.
