// auth: enrolment_qr.h — the QR code shown when a security token is enrolled.
//
// The otpauth:// URI (totp.h) is encoded with libqrencode (error correction
// level M, byte mode) and drawn here as a self-contained SVG: a white square
// with a 4-module quiet zone and one <path> of unit squares, one horizontal
// run of dark modules per subpath, so it scales crisply and needs no script,
// font or external resource. The SVG carries the secret: it is Sensitive, is
// shown once to the enrolling user and is never stored or logged.
// Free function; thread-safe (libqrencode's encoder is reentrant).
#ifndef CP_AUTH_ENROLMENT_QR_H_
#define CP_AUTH_ENROLMENT_QR_H_

#include <string>

#include "core/sensitive.h"
#include "core/status.h"

namespace cp::auth {

inline constexpr int kQrQuietZoneModules = 4;

// An SVG document drawing `text` as a QR code, `module_pixels` wide per module
// (its nominal size; the viewBox is in modules). kInvalidArgument when the text
// is too long for a QR code; kInternal if the encoder fails otherwise.
core::StatusOr<core::Sensitive<std::string>> QrCodeSvg(const core::Sensitive<std::string>& text,
                                                       int module_pixels = 4);

}  // namespace cp::auth

#endif  // CP_AUTH_ENROLMENT_QR_H_
