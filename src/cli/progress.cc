#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace cp::cli {

Progress::Progress(std::string label)
    : label_(std::move(label)),
      enabled_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fputc('\n', stderr);
}

void Progress::Update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total) return;
  last_ = now;
  drawn_ = true;
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const int width = 30;
  const int filled = static_cast<int>(fraction * width + 0.5);
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double mb_per_s = seconds > 0 ? static_cast<double>(done) / 1e6 / seconds : 0;
  std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%  %.1f MB/s ", label_.c_str(), filled,
               "##############################", width - filled, "",
               static_cast<int>(fraction * 100), mb_per_s);
  std::fflush(stderr);
}

}  // namespace cp::cli
