// The child record page (private to the web module): shown by POST /record
// after the "reason for access" step, and again after a practitioner's own
// change on it (practice_pages.cc). Each showing is a SearchService::View,
// so it is policed, masked and audited as over the API; the reason given at
// the step travels in every form of the page (hidden fields) so that the
// record can be shown again after a change under the same stated reason.
#ifndef CP_WEB_INTERNAL_RECORD_PAGE_H_
#define CP_WEB_INTERNAL_RECORD_PAGE_H_

#include <string>

#include "web/internal/page_kit.h"

namespace cp::web::internal {

// The reason given at the "reason for access" step, as the form sent it.
struct AccessReason {
  std::string code;
  std::string text;
  std::string serious_case_review;
};
AccessReason ReasonFrom(const Form& form);

// The reason step's values for the record `id` (its coded reasons).
Json ReasonValues(const std::string& id);

// Views the record `id` under `reason` and renders the record page, with
// `notice` (if any) in a success banner and `errors` (if any) in the error
// summary. A reason the service refuses shows the reason step again with
// what to fix; other refusals a page saying why (Kit::Refused).
http::Response ShowRecord(Kit& kit, const Signed& s, const std::string& id,
                          const AccessReason& reason, const std::string& notice = "",
                          const Json& errors = nullptr, int status = 200);

}  // namespace cp::web::internal

#endif  // CP_WEB_INTERNAL_RECORD_PAGE_H_
