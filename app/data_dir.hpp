#pragma once
// The program's shared files (report tool, scenarios, the serve page), found
// from the folder of the executable: PREFIX/bin/innosim and
// PREFIX/share/innosim/ when installed; the build tree mirrors that layout
// (app/CMakeLists.txt). No source or install path is compiled in.

#include <filesystem>
#include <string>
#include <system_error>

#ifndef INNOSIM_DATA_FROM_BIN
#error "INNOSIM_DATA_FROM_BIN (share/innosim relative to bin/) must be defined by the build (app/CMakeLists.txt)"
#endif

namespace innosim::app {

struct DataDir {
  std::filesystem::path dir;
  std::string origin;  // how it was found, for messages when a file is missing
};

inline DataDir data_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {INNOSIM_DATA_FROM_BIN, "(/proc/self/exe is unreadable)"};
  return {(exe.parent_path() / INNOSIM_DATA_FROM_BIN).lexically_normal(),
          "(the shared files of " + exe.string() + "; reinstall innosim)"};
}

}  // namespace innosim::app
