#include "auth/enrolment_qr.h"

#include <qrencode.h>
#include <sodium.h>

#include <cerrno>
#include <memory>

namespace cp::auth {
namespace {

struct QrCodeDeleter {
  void operator()(QRcode* code) const {
    // The matrix encodes the secret: wipe it before handing it back.
    sodium_memzero(code->data, static_cast<std::size_t>(code->width) * code->width);
    QRcode_free(code);
  }
};

}  // namespace

core::StatusOr<core::Sensitive<std::string>> QrCodeSvg(const core::Sensitive<std::string>& text,
                                                       int module_pixels) {
  if (module_pixels < 1) return core::InvalidArgument("the QR module size must be at least 1");
  errno = 0;
  std::unique_ptr<QRcode, QrCodeDeleter> code(
      QRcode_encodeString8bit(text.Reveal().c_str(), 0, QR_ECLEVEL_M));
  if (code == nullptr) {
    if (errno == ERANGE) return core::InvalidArgument("the text is too long for a QR code");
    return core::Internal("libqrencode could not encode the QR code");
  }
  const int width = code->width;
  const int size = width + 2 * kQrQuietZoneModules;
  const std::string px = std::to_string(size * module_pixels);
  std::string svg;
  svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
      .append(px).append("\" height=\"").append(px).append("\" viewBox=\"0 0 ")
      .append(std::to_string(size)).append(" ").append(std::to_string(size))
      .append("\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">")
      .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
      .append("<path fill=\"#000000\" d=\"");
  for (int y = 0; y < width; ++y) {
    int x = 0;
    while (x < width) {
      // Bit 0 of each module byte is 1 for a dark module.
      if ((code->data[y * width + x] & 1) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && (code->data[y * width + x + run] & 1) != 0) ++run;
      svg.append("M").append(std::to_string(x + kQrQuietZoneModules)).append(" ")
          .append(std::to_string(y + kQrQuietZoneModules)).append("h")
          .append(std::to_string(run)).append("v1h-").append(std::to_string(run)).append("z");
      x += run;
    }
  }
  svg.append("\"/></svg>\n");
  return core::Sensitive<std::string>(std::move(svg));
}

}  // namespace cp::auth
