// Web pages: the practitioner's own entries on a record (involvement, lead professional, CAF) and shields (issue 9; practice/practice_service.h).
#include <memory>

#include "web/internal/page_kit.h"

namespace cp::web::internal {

void RegisterPracticePages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  (void)server;
  (void)kit;
}

}  // namespace cp::web::internal
