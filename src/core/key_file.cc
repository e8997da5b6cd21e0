#include "core/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cp::core {
namespace {

Status Invalid(const KeyFileKind& kind, const std::string& path, std::string_view why) {
  return Status(kind.invalid,
                std::string(kind.name) + " file '" + path + "' " + std::string(why));
}

std::string Errno(int err) { return std::strerror(err); }

}  // namespace

StatusOr<std::string> ReadKeyFile(const std::string& path, bool secret, const KeyFileKind& kind) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      std::string message = std::string(kind.name) + " '" + path + "' does not exist";
      if (!kind.how_to_create.empty()) message += ": " + std::string(kind.how_to_create);
      return Status(kind.not_found, std::move(message));
    }
    return Invalid(kind, path, "cannot be read: " + Errno(errno));
  }
  if (!S_ISREG(st.st_mode)) return Invalid(kind, path, "is not a regular file");
  if (secret && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Invalid(kind, path, std::string("may be read or written by other users (mode ") +
                                   mode + "): run 'chmod 600 " + path + "'");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Invalid(kind, path, "cannot be read: " + Errno(errno));
  std::string text(kind.max_bytes, '\0');
  std::size_t used = 0;
  for (;;) {
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Invalid(kind, path, "cannot be read: " + Errno(err));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    if (used == text.size()) {
      ::close(fd);
      return Invalid(kind, path, "is too large to be a key file");
    }
  }
  ::close(fd);
  text.resize(used);
  return text;
}

Status WriteNewKeyFile(const std::string& path, std::string_view text, mode_t mode,
                       const KeyFileKind& kind) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status(ErrorCode::kAlreadyExists,
                    "'" + path + "' already exists; refusing to overwrite a key");
    }
    return Status(kind.invalid, "cannot create '" + path + "': " + Errno(errno));
  }
  // The umask may have narrowed the mode; make it exactly what was asked.
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int err = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Status(kind.invalid, "cannot write '" + path + "': " + Errno(err));
  }
  return Status::Ok();
}

}  // namespace cp::core
