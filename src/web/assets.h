// web: assets.h — the static files the pages use, served by
// `contactpoint serve` under /assets/ (no Node at run time):
//   - GOV.UK Frontend's precompiled files (the npm package govuk-frontend,
//     installed in web/node_modules by the build; its dist/govuk folder):
//     /assets/govuk-frontend.min.css and .min.js, and its assets/ folder
//     (/assets/fonts/..., /assets/images/..., as its CSS expects);
//   - ContactPoint's own web/static folder (/assets/app.mjs, /assets/app.css).
//
// Pure functions over the file system; thread-safe.
#ifndef CP_WEB_ASSETS_H_
#define CP_WEB_ASSETS_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/server.h"

namespace cp::web {

struct AssetDirs {
  std::filesystem::path govuk;         // govuk-frontend's dist/govuk
  std::filesystem::path static_files;  // web/static
};

// `explicit_dir` when given (a folder holding govuk/ and static/, as an
// installation lays them out), else the first of, from the binary's folder
// upwards: share/contactpoint/web, then web/ with node_modules (a build
// tree). kNotFound says how to get them (npm ci in web/).
core::StatusOr<AssetDirs> ResolveAssets(const std::optional<std::filesystem::path>& explicit_dir,
                                        const std::filesystem::path& binary_path);

// The file behind `/assets/<name>`, or nullopt for a name that is not a
// plain relative path of letters, digits, '-', '_', '.' and '/' (no "..",
// no leading '/'), or that names no file.
std::optional<std::filesystem::path> AssetFile(const AssetDirs& dirs, std::string_view name);

// The Content-Type of a file by its extension (application/octet-stream
// when unknown).
std::string_view ContentTypeOf(const std::filesystem::path& file);

// GET /assets/... : 200 with the file, or 404.
http::Response ServeAsset(const AssetDirs& dirs, std::string_view path);

}  // namespace cp::web

#endif  // CP_WEB_ASSETS_H_
