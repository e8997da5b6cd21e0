#include "ingest/line_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "ingest/feed.h"

namespace cp::ingest {
namespace {

namespace fs = std::filesystem;

class LineReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cp_line_reader_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string WriteGz(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return path;
  }
  std::vector<LineReader::Line> ReadAll(const std::string& path) {
    auto reader = LineReader::Open(path);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<LineReader::Line> lines;
    LineReader::Line line;
    for (;;) {
      auto more = (*reader)->Next(line);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      lines.push_back(line);
    }
    return lines;
  }
  fs::path dir_;
};

TEST_F(LineReaderTest, ReadsLinesWithNumbersAndEndings) {
  const auto lines = ReadAll(Write("a.jsonl", "one\ntwo\r\n\nlast-without-newline"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "one");
  EXPECT_EQ(lines[1].text, "two");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].text, "last-without-newline");
  EXPECT_EQ(lines[3].number, 4);
}

// The parser reads up to kLinePadding bytes past a line (parsing it in
// place): the line's buffer must own them, however long the line.
TEST_F(LineReaderTest, EveryLineLeavesItsPaddingInItsBuffer) {
  std::string content;
  for (std::size_t n : {0u, 1u, 15u, 16u, 63u, 64u, 1000u, 4096u, 70000u, 3u}) {
    content += std::string(n, 'x') + "\n";
  }
  const auto lines = ReadAll(Write("padded.jsonl", content));
  ASSERT_EQ(lines.size(), 10u);
  // ReadAll copies each line; read again keeping the reader's own buffer.
  auto reader = LineReader::Open(Write("padded2.jsonl", content));
  ASSERT_TRUE(reader.ok());
  LineReader::Line line;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto more = (*reader)->Next(line);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(line.text, lines[i].text);
    EXPECT_GE(line.text.capacity(), line.text.size() + kLinePadding) << "line " << i + 1;
  }
}

TEST_F(LineReaderTest, GzipIsDetectedByContent) {
  std::string content;
  for (int i = 0; i < 100000; ++i) content += "line " + std::to_string(i) + "\n";
  const auto lines = ReadAll(WriteGz("b.jsonl.gz", content));
  ASSERT_EQ(lines.size(), 100000u);
  EXPECT_EQ(lines[99999].text, "line 99999");
}

TEST_F(LineReaderTest, OverlongLineIsFlaggedAndSkippedInBoundedMemory) {
  std::string content = "short\n" + std::string(kMaxLineBytes + 10, 'x') + "\nafter\n";
  const auto lines = ReadAll(Write("c.jsonl", content));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[1].too_long);
  EXPECT_TRUE(lines[1].text.empty());
  EXPECT_EQ(lines[2].text, "after");
  EXPECT_EQ(lines[2].number, 3);
}

TEST_F(LineReaderTest, DigestIsOfUncompressedContent) {
  const std::string content = "a\nb\n";
  auto digest_of = [&](const std::string& path) {
    auto reader = LineReader::Open(path);
    LineReader::Line line;
    while (*(*reader)->Next(line)) {
    }
    return (*reader)->ContentDigest();
  };
  const std::string plain = digest_of(Write("p.jsonl", content));
  EXPECT_EQ(plain, digest_of(WriteGz("p.jsonl.gz", content)));
  // SHA-256("a\nb\n")
  EXPECT_EQ(plain, "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2");
  EXPECT_NE(plain, digest_of(Write("q.jsonl", "a\nc\n")));
}

TEST_F(LineReaderTest, MissingFileNamesThePath) {
  auto reader = LineReader::Open((dir_ / "none.jsonl").string());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("none.jsonl"), std::string::npos);
  EXPECT_NE(reader.status().message().find("does not exist"), std::string::npos);
}

TEST_F(LineReaderTest, DirectoryIsRejected) {
  auto reader = LineReader::Open(dir_.string());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("directory"), std::string::npos);
}

TEST_F(LineReaderTest, TruncatedGzipIsAnErrorNotSilentSuccess) {
  std::string content;
  for (int i = 0; i < 50000; ++i) content += "line " + std::to_string(i) + "\n";
  const std::string path = WriteGz("d.jsonl.gz", content);
  fs::resize_file(path, fs::file_size(path) / 2);
  auto reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok());
  LineReader::Line line;
  core::Status error;
  for (;;) {
    auto more = (*reader)->Next(line);
    if (!more.ok()) {
      error = more.status();
      break;
    }
    if (!*more) break;
  }
  EXPECT_FALSE(error.ok()) << "a truncated gzip file must not read as a shorter batch";
  EXPECT_NE(error.message().find("d.jsonl.gz"), std::string::npos);
}

}  // namespace
}  // namespace cp::ingest
