// Streams the lines of a batch file, plain (.jsonl) or gzip-compressed
// (.jsonl.gz, detected by content, not name), in bounded memory.
//
// A line longer than kMaxLineBytes is not buffered: the reader skips to its
// end and reports it as too long, so one hostile line cannot exhaust memory.
// Owned by its caller; not thread-safe.
#ifndef CP_INGEST_LINE_READER_H_
#define CP_INGEST_LINE_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace cp::ingest {

class LineReader {
 public:
  // Opens `path`. Errors name the path and the reason (kNotFound, kStoreIo).
  static core::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  struct Line {
    std::string text;        // without the line ending ("\n" or "\r\n"); its capacity
                             // leaves kLinePadding bytes after it
    std::int64_t number = 0; // 1-based
    bool too_long = false;   // text is empty; the line exceeded kMaxLineBytes
  };

  // Reads the next line into `line`; returns false at the end of the file.
  // A final line without a newline is still a line. A read or decompression
  // error is a Status naming the file and the line it stopped at.
  core::StatusOr<bool> Next(Line& line);

  // Bytes of the file consumed so far and in total (compressed bytes for a
  // gzip file), for progress reporting.
  std::uint64_t position() const;
  std::uint64_t size() const { return size_; }

  // SHA-256 of the uncompressed bytes read so far, as 64 hex digits; once
  // Next() has returned false, the digest of the whole content. Identical
  // content gives the same digest whether sent plain or gzip-compressed.
  std::string ContentDigest() const;

 private:
  LineReader() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t size_ = 0;
  std::string path_;
};

}  // namespace cp::ingest

#endif  // CP_INGEST_LINE_READER_H_
