#include "ingest/line_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/sha256.h"
#include "ingest/feed.h"

namespace cp::ingest {

struct LineReader::Impl {
  gzFile file = nullptr;
  std::vector<char> buffer = std::vector<char>(1 << 18);
  std::size_t begin = 0;  // unread bytes are buffer[begin, end)
  std::size_t end = 0;
  bool eof = false;
  std::int64_t line_number = 0;
  core::Sha256 digest;

  ~Impl() {
    if (file != nullptr) gzclose(file);
  }

  // Refills the buffer; false at end of file.
  core::StatusOr<bool> Fill(const std::string& path) {
    if (eof) return false;
    const int n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = 0;
      const char* message = gzerror(file, &code);
      return core::Status(core::ErrorCode::kInvalidFeedLine,
                          "cannot read '" + path + "' after line " +
                              std::to_string(line_number) + ": " +
                              (code == Z_ERRNO ? std::strerror(errno) : message) +
                              " (is the gzip file complete and undamaged?)");
    }
    if (n == 0) {
      // zlib reports a gzip stream cut short only here, as Z_BUF_ERROR: a
      // truncated batch must never read as a shorter, valid one.
      int code = Z_OK;
      const char* message = gzerror(file, &code);
      if (code != Z_OK) {
        return core::Status(core::ErrorCode::kInvalidFeedLine,
                            "cannot read '" + path + "' after line " +
                                std::to_string(line_number) + ": " + message +
                                " (is the gzip file complete and undamaged?)");
      }
      eof = true;
      return false;
    }
    begin = 0;
    end = static_cast<std::size_t>(n);
    digest.Update(buffer.data(), end);
    return true;
  }
};

core::StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return core::Status(core::ErrorCode::kNotFound,
                        "cannot open batch file '" + path + "': it does not exist");
  }
  if (std::filesystem::is_directory(status)) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "cannot open batch file '" + path + "': it is a directory");
  }
  std::unique_ptr<LineReader> reader(new LineReader());
  reader->impl_ = std::make_unique<Impl>();
  reader->path_ = path;
  reader->size_ = std::filesystem::file_size(path, ec);
  reader->impl_->file = gzopen(path.c_str(), "rb");
  if (reader->impl_->file == nullptr) {
    return core::Status(core::ErrorCode::kStoreIo, "cannot open batch file '" + path +
                                                       "': " + std::strerror(errno));
  }
  gzbuffer(reader->impl_->file, 1 << 18);
  return reader;
}

LineReader::~LineReader() = default;

core::StatusOr<bool> LineReader::Next(Line& line) {
  Impl& s = *impl_;
  line.text.clear();
  line.too_long = false;
  bool any = false;
  for (;;) {
    if (s.begin == s.end) {
      ASSIGN_OR_RETURN(bool more, s.Fill(path_));
      if (!more) {
        if (!any) return false;
        break;  // a last line without a newline
      }
    }
    any = true;
    const char* start = s.buffer.data() + s.begin;
    const std::size_t available = s.end - s.begin;
    const void* nl = std::memchr(start, '\n', available);
    const std::size_t take = nl ? static_cast<const char*>(nl) - start : available;
    if (!line.too_long) {
      if (line.text.size() + take > kMaxLineBytes) {
        line.too_long = true;
        line.text.clear();
        line.text.shrink_to_fit();
      } else {
        line.text.append(start, take);
      }
    }
    s.begin += take;
    if (nl) {
      ++s.begin;  // the newline
      break;
    }
  }
  if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
  if (line.text.capacity() < line.text.size() + kLinePadding) {
    line.text.reserve(line.text.size() + kLinePadding);
  }
  line.number = ++s.line_number;
  return true;
}

std::string LineReader::ContentDigest() const {
  return impl_->digest.HexDigest();
}

std::uint64_t LineReader::position() const {
  const z_off_t offset = gzoffset(impl_->file);
  return offset < 0 ? 0 : static_cast<std::uint64_t>(offset);
}

}  // namespace cp::ingest
