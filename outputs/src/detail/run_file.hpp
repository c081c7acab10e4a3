#pragma once
// Names shared by the run-file writer and reader (docs/hdf5-schema.md).

namespace innosim::detail {

inline constexpr const char* kFileType = "innosim-run";
inline constexpr const char* kShardFileType = "innosim-shard";
inline constexpr int kFormatVersion = 2;  // 2: checksums (/integrity), HDF5 1.10 format
inline constexpr const char* kIndexGroup = "innovation_index";
inline constexpr const char* kZoneId = "zone";
inline constexpr const char* kZoneNameEn = "zone total";
inline constexpr const char* kZoneNameZh = "区域合计";
// /meta/regions/kind of each entry of the region axis.
inline constexpr const char* kRegionKind = "region";
inline constexpr const char* kZoneKind = "zone";
inline constexpr const char* kTerritoryKind = "territory";

}  // namespace innosim::detail
