#pragma once
// Names shared by the run-file writer and reader (docs/hdf5-schema.md).

namespace innosim::detail {

inline constexpr const char* kFileType = "innosim-run";
inline constexpr int kFormatVersion = 1;
inline constexpr const char* kZoneId = "zone";
inline constexpr const char* kZoneNameEn = "zone total";
inline constexpr const char* kZoneNameZh = "区域合计";

}  // namespace innosim::detail
