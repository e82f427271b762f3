#pragma once

#include <qrencode.h>

#include <memory>
#include <string_view>

namespace plenary::badge {

enum class QrErrorCorrection { low, medium, quartile, high };

// One QR code symbol. Owns the QRcode from libqrencode (QRcode_free on
// destruction); immutable after construction, so const access is safe from any
// thread. libqrencode itself is built thread-safe on Debian (pthread).
class QrCode {
 public:
  // Quiet zone the standard asks for around the symbol, in modules.
  static constexpr int kQuietZone = 4;

  // Encodes `data` byte for byte (8-bit mode) at the smallest version that
  // holds it. Throws std::invalid_argument for empty data or data too long for
  // any version, std::bad_alloc when libqrencode runs out of memory.
  explicit QrCode(std::string_view data, QrErrorCorrection level = QrErrorCorrection::quartile);

  // Modules per side, without the quiet zone.
  int size() const noexcept { return symbol_->width; }
  int version() const noexcept { return symbol_->version; }
  // True for a dark module; x and y count from the top left, 0 <= x, y < size().
  bool is_dark(int x, int y) const noexcept;

 private:
  struct Free {
    void operator()(QRcode* symbol) const noexcept { QRcode_free(symbol); }
  };
  std::unique_ptr<QRcode, Free> symbol_;
};

}  // namespace plenary::badge
