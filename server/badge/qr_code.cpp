#include "badge/qr_code.hpp"

#include <cerrno>
#include <climits>
#include <new>
#include <stdexcept>
#include <string>

namespace plenary::badge {

namespace {

QRecLevel to_qrencode(QrErrorCorrection level) noexcept {
  switch (level) {
    case QrErrorCorrection::low: return QR_ECLEVEL_L;
    case QrErrorCorrection::medium: return QR_ECLEVEL_M;
    case QrErrorCorrection::quartile: return QR_ECLEVEL_Q;
    case QrErrorCorrection::high: return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_Q;
}

}  // namespace

QrCode::QrCode(std::string_view data, QrErrorCorrection level) {
  if (data.empty()) throw std::invalid_argument("a QR code needs at least one byte of data");
  if (data.size() > INT_MAX) throw std::invalid_argument("data too long for a QR code");
  // QRcode_encodeData is QRcode_encodeString8bit with a length, so no NUL terminator is needed.
  // Version 0: the smallest version that holds the data.
  errno = 0;
  symbol_.reset(QRcode_encodeData(static_cast<int>(data.size()), reinterpret_cast<const unsigned char*>(data.data()), 0,
                                  to_qrencode(level)));
  if (!symbol_) {
    if (errno == ENOMEM) throw std::bad_alloc();
    throw std::invalid_argument("cannot encode " + std::to_string(data.size()) + " bytes as a QR code");
  }
}

bool QrCode::is_dark(int x, int y) const noexcept {
  // Bit 0 of each byte is the module's colour; the other bits describe its role.
  return (symbol_->data[static_cast<std::size_t>(y) * static_cast<std::size_t>(symbol_->width) +
                        static_cast<std::size_t>(x)] &
          1) != 0;
}

}  // namespace plenary::badge
