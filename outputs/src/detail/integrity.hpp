#pragma once
// Checksums of every object of an innosim HDF5 file, and their verification
// (docs/hdf5-schema.md, "Integrity"; the report tool's integrity.py does the
// same in Python). Internal to innosim::outputs.
//
// /integrity lists every other object of the file (its path, "/" for the
// root group) with the SHA-256 of its canonical content: its attributes, and
// for a dataset its type, shape and values. The data of a chunked dataset is
// covered by HDF5's Fletcher32 filter on each chunk instead (h5::chunked_layout
// adds it), so sealing never reads the per-draw data back. The list carries
// its own SHA-256 in an attribute of /integrity, whose object header HDF5
// checksums (files are written in the HDF5 1.10 format: every metadata block
// has a checksum).

#include <hdf5.h>

#include <string>

#include "h5.hpp"

namespace innosim::detail {

// The group that holds the list (never listed itself).
inline constexpr const char* kIntegrityGroup = "integrity";

// Writes /integrity for every object now in `file`. Every chunked dataset must
// have the Fletcher32 filter (std::logic_error otherwise).
void seal_file(hid_t file, const h5::Where& w);

// Checks /integrity against the file: every listed object is there with the
// same checksum, no object is unlisted, and every chunk of every chunked
// dataset is there and passes its Fletcher32 check (all data is read once).
// Throws std::runtime_error "FILE: damaged: /object: what".
void verify_file(hid_t file, const h5::Where& w);

}  // namespace innosim::detail
