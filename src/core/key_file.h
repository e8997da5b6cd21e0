// Small key files kept outside the store: the audit signing key and the
// token-sealing key. A secret key file must be readable and writable only by
// its owner (mode 0600, like an SSH private key); a new key file is never
// written over an existing one. Messages name the file, never its content.
#ifndef CP_CORE_KEY_FILE_H_
#define CP_CORE_KEY_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "core/status.h"

namespace cp::core {

// What kind of key a file holds, for error codes and messages.
struct KeyFileKind {
  std::string_view name;           // "audit signing key"
  ErrorCode not_found;             // the file does not exist
  ErrorCode invalid;               // it cannot be read, is unsafe, too large
  std::string_view how_to_create;  // appended to "does not exist: "; may be empty
  std::size_t max_bytes = 4096;
};

// Reads a key file whole. `secret` also requires that group and others have
// no access to it (the message says how to fix it).
StatusOr<std::string> ReadKeyFile(const std::string& path, bool secret, const KeyFileKind& kind);

// Writes `text` to a new file `path` with exactly `mode`, synced to disk.
// kAlreadyExists when the file exists (a key is never overwritten); on any
// other failure nothing is left behind.
Status WriteNewKeyFile(const std::string& path, std::string_view text, mode_t mode,
                       const KeyFileKind& kind);

}  // namespace cp::core

#endif  // CP_CORE_KEY_FILE_H_
