// A GoogleTest fixture base for suites that share one Linker: loading its
// model and name tables takes about a second, so a suite loads it once
// (SetUpTestSuite) and each test calls linker_->Invalidate() when it brings a
// store of its own. The test target defines CP_LINKAGE_DATA_DIR.
#ifndef CP_INGEST_TESTING_LINKER_SUITE_H_
#define CP_INGEST_TESTING_LINKER_SUITE_H_

#include <gtest/gtest.h>

#include "ingest/linker.h"

namespace cp::ingest::testing {

class LinkerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto linker = Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = linker->release();
  }
  static void TearDownTestSuite() {
    delete linker_;
    linker_ = nullptr;
  }

  inline static Linker* linker_ = nullptr;
};

}  // namespace cp::ingest::testing

#endif  // CP_INGEST_TESTING_LINKER_SUITE_H_
