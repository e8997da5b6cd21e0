// Web pages: the Data Administrator's match review queue, merge and split (issue 9; review/operations.h).
#include <memory>

#include "web/internal/page_kit.h"

namespace cp::web::internal {

void RegisterReviewPages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  (void)server;
  (void)kit;
}

}  // namespace cp::web::internal
