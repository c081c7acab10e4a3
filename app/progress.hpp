#pragma once
// A progress bar with rate and ETA on stderr; only when stderr is a terminal.

#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace innosim::app {

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), t0_(std::chrono::steady_clock::now()) {}
  bool enabled() const { return enabled_; }

  void update(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - t0_).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(total));
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fputs(fmt::format("\r[{}] {:3.0f}% {}/{} draws  {:.0f} draws/s  ETA {:.0f} s ", bar,
                           100.0 * static_cast<double>(done) / static_cast<double>(total), done, total,
                           rate, eta)
                   .c_str(),
               stderr);
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point t0_, last_{};
};

}  // namespace innosim::app
