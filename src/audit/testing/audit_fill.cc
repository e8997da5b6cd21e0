// audit_fill STORE COUNT: appends COUNT varied sample events to the audit log
// of an existing store, for the end-to-end tests of `contactpoint audit`
// (src/cli/audit_cli_test.sh). Test-only: the product has no command that
// writes arbitrary events.
#include <cstdlib>
#include <iostream>
#include <string>

#include "audit/audit_log.h"
#include "audit/testing/audit_fixture.h"
#include "storage/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: audit_fill STORE COUNT\n";
    return 2;
  }
  cp::core::SystemClock clock;
  cp::storage::SqliteStore::OpenOptions options;
  options.create_if_missing = false;
  auto store = cp::storage::SqliteStore::Open(argv[1], clock, options);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  cp::audit::AuditLog log(**store, clock);
  const long count = std::strtol(argv[2], nullptr, 10);
  for (long i = 0; i < count; ++i) {
    auto index = log.Append(cp::audit::testing::SampleEvent(i));
    if (!index.ok()) {
      std::cerr << index.status().ToString() << "\n";
      return 1;
    }
  }
  std::cout << "appended " << count << " events\n";
  return 0;
}
