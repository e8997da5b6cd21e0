#include "web/assets.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "http/errors.h"

namespace cp::web {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kGovukCss = "govuk-frontend.min.css";

bool Complete(const AssetDirs& dirs) {
  std::error_code error;
  return fs::is_regular_file(dirs.govuk / kGovukCss, error) &&
         fs::is_regular_file(dirs.static_files / "app.mjs", error);
}

}  // namespace

core::StatusOr<AssetDirs> ResolveAssets(const std::optional<fs::path>& explicit_dir,
                                        const fs::path& binary_path) {
  std::vector<AssetDirs> candidates;
  if (explicit_dir) {
    candidates.push_back({*explicit_dir / "govuk", *explicit_dir / "static"});
  } else {
    std::error_code error;
    const fs::path binary_dir = fs::absolute(binary_path, error).lexically_normal().parent_path();
    const fs::path installed = binary_dir / ".." / "share" / "contactpoint" / "web";
    candidates.push_back({installed / "govuk", installed / "static"});
    fs::path ancestor = binary_dir;
    for (int level = 0; level <= 8 && !ancestor.empty(); ++level) {
      const fs::path web = ancestor / "web";
      candidates.push_back(
          {web / "node_modules" / "govuk-frontend" / "dist" / "govuk", web / "static"});
      if (ancestor == ancestor.parent_path()) break;
      ancestor = ancestor.parent_path();
    }
  }
  for (const AssetDirs& dirs : candidates) {
    if (Complete(dirs)) return AssetDirs{dirs.govuk.lexically_normal(),
                                         dirs.static_files.lexically_normal()};
  }
  return core::Status(core::ErrorCode::kNotFound,
                      explicit_dir
                          ? "no web assets in " + explicit_dir->string() +
                                ": it needs govuk/" + std::string(kGovukCss) + " and static/app.mjs"
                          : std::string("the web pages' assets are missing: run 'npm ci' in the "
                                        "web/ folder of the source tree (make does), or pass "
                                        "--web-assets DIR"));
}

std::optional<fs::path> AssetFile(const AssetDirs& dirs, std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '/') return std::nullopt;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return std::nullopt;
  }
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) {
    return std::nullopt;
  }
  std::error_code error;
  const fs::path own = dirs.static_files / std::string(name);
  if (fs::is_regular_file(own, error)) return own;
  const fs::path govuk = name.starts_with("govuk-frontend.min.")
                             ? dirs.govuk / std::string(name)
                             : dirs.govuk / "assets" / std::string(name);
  if (fs::is_regular_file(govuk, error)) return govuk;
  return std::nullopt;
}

std::string_view ContentTypeOf(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".png") return "image/png";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}

http::Response ServeAsset(const AssetDirs& dirs, std::string_view path) {
  constexpr std::string_view kPrefix = "/assets/";
  const auto file = path.starts_with(kPrefix) ? AssetFile(dirs, path.substr(kPrefix.size()))
                                              : std::nullopt;
  if (!file) return http::ErrorResponse(core::NotFound("no such file"));
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in && !in.eof()) return http::ErrorResponse(core::NotFound("no such file"));
  http::Response response;
  response.content_type = std::string(ContentTypeOf(*file));
  response.body = body.str();
  return response;
}

}  // namespace cp::web
