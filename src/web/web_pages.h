// web: the practitioner's pages (issue 9), server-rendered HTML in the GOV.UK
// Design System, over the same services as the JSON API:
//
//   GET  /                 to the search page, or to sign in
//   GET  /sign-in          the sign-in form (username, password, PIN, token code)
//   POST /sign-in          signs in: the session cookie, then the search page
//   POST /sign-out         ends the session
//   GET  /search           the search form
//   POST /search           the results (or "too many matches", or "no match")
//   POST /record/reason    the "reason for access" step for one record
//   POST /record           the record, masked exactly as the API masks it
//                          (search::RecordJson of SearchService::View)
//   POST /record/...       a practitioner's own entries and shields
//                          (practice_pages.cc)
//   GET  /manage/...       management pages: misuse alerts, users, token
//                          enrolment, audit queries (manage_pages.cc);
//                          shield reviews and the missing-education report
//                          (practice_pages.cc)
//   GET  /review ...       the Data Administrator's match review, merge and
//                          split (review_pages.cc)
//   GET  /account/secrets  changing temporary secrets (account_pages.cc)
//   GET  /assets/...       GOV.UK Frontend's precompiled CSS, JS, fonts and
//                          images, and ContactPoint's app.mjs and app.css
//                          (web/assets.h)
//
// Security. Personal data travels only in POST bodies, never in a URL. The
// session is the sign-in service's token in a cookie (HttpOnly, Secure,
// SameSite=Strict, Path=/). Every form carries a CSRF token: with a session,
// a keyed hash of the session token (a key drawn when the routes are
// registered); before sign-in, a random value also set as a cookie (double
// submit). A strict Content-Security-Policy allows scripts, styles, fonts
// and images from the server only (no inline script or style); framing is
// refused (the server's headers). Templates escape HTML by default
// (kainjow mustache); the only unescaped values are a page's rendered body
// and a token's QR code (an SVG drawn from the QR bits alone).
//
// Every search and view goes through search::SearchService, every change
// through the service the API uses (practice, review, identity), so it is
// audited and policed exactly as over the API. docs/web.md lists the pages. Borrows everything; the
// routes' handlers are thread-safe.
#ifndef CP_WEB_WEB_PAGES_H_
#define CP_WEB_WEB_PAGES_H_

#include "core/clock.h"
#include "core/status.h"
#include "http/server.h"
#include "identity/directory.h"
#include "identity/sign_in.h"
#include "practice/oversight_service.h"
#include "practice/practice_service.h"
#include "review/operations.h"
#include "search/search_service.h"
#include "web/assets.h"

namespace cp::web {

struct WebDeps {
  identity::SignInService& sign_in;
  search::SearchService& search;
  practice::OversightService& oversight;
  practice::PracticeService& practice;
  identity::Directory& directory;
  review::Operations& review;
  const core::Clock& clock;  // today's date on the record page
  // Where the static files are (ResolveAssets).
  AssetDirs assets;
  // Seconds of inactivity after which the server ends a session (the page
  // warns two minutes before).
  int idle_seconds = 15 * 60;
};

// Fails (kInternal) only if a template does not parse: a build defect.
core::Status RegisterWebRoutes(http::Server& server, const WebDeps& deps);

}  // namespace cp::web

#endif  // CP_WEB_WEB_PAGES_H_
