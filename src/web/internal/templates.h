// The page templates (src/web/templates/*.mustache), embedded in the binary
// at build time by embed_templates.cmake. Private to the web module.
#ifndef CP_WEB_INTERNAL_TEMPLATES_H_
#define CP_WEB_INTERNAL_TEMPLATES_H_

#include <span>
#include <string_view>

namespace cp::web::internal {

// The template called `name` (the file name without .mustache); empty when
// there is none.
std::string_view Template(std::string_view name);
std::span<const std::string_view> TemplateNames();

}  // namespace cp::web::internal

#endif  // CP_WEB_INTERNAL_TEMPLATES_H_
