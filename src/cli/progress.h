// A progress line on stderr for long operations, drawn only when stderr is a
// terminal (logs and CI output stay clean). Not thread-safe.
#ifndef CP_CLI_PROGRESS_H_
#define CP_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace cp::cli {

class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();  // ends the line if one was drawn

  // Redraws at most ten times a second.
  void Update(std::uint64_t done, std::uint64_t total);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace cp::cli

#endif  // CP_CLI_PROGRESS_H_
