#include "badge/badge_png.hpp"

#include <cairo.h>
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <librsvg/rsvg.h>

#include "badge/badge_svg.hpp"

namespace plenary::badge {

namespace {

static_assert(kBadgeWidthPx == kBadgeWidthMm * kBadgePixelsPerMm);
static_assert(kBadgeHeightPx == kBadgeHeightMm * kBadgePixelsPerMm);

// librsvg keeps no global state and Pango gives each thread its own font map,
// but the FreeType faces and scaled-font caches under them are cairo's, shared
// by all threads, and concurrent rendering through librsvg and cairo has been
// reported to crash in cairo-ft (timg, 2024). Our stress runs on cairo 1.16
// did not, but the lock is cheap: it covers drawing only (the smaller part of
// a render); parsing the SVG and encoding the PNG stay outside it.
std::mutex render_mutex;

// Owns one GObject reference, adopted from a *_new function (a full, not a floating, reference).
struct GObjectUnref {
  void operator()(gpointer object) const noexcept { g_object_unref(object); }
};
using RsvgHandlePtr = std::unique_ptr<RsvgHandle, GObjectUnref>;

// Owns a GError set by a failed call.
struct GErrorFree {
  void operator()(GError* error) const noexcept { g_error_free(error); }
};
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;

// Own a cairo surface or context (created with a reference count of one).
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const noexcept { cairo_surface_destroy(surface); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;
struct ContextDestroy {
  void operator()(cairo_t* context) const noexcept { cairo_destroy(context); }
};
using ContextPtr = std::unique_ptr<cairo_t, ContextDestroy>;

std::string message_of(GError* error, std::string_view what) {
  return std::string(what) + ": " + (error && error->message ? error->message : "unknown error");
}

// Called by cairo, so no exception may leave it.
cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) noexcept {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  } catch (...) {
    return CAIRO_STATUS_NO_MEMORY;
  }
}

void append_be32(std::string& out, std::uint32_t value) {
  out += static_cast<char>(value >> 24);
  out += static_cast<char>((value >> 16) & 0xFF);
  out += static_cast<char>((value >> 8) & 0xFF);
  out += static_cast<char>(value & 0xFF);
}

// Cairo writes no pHYs chunk; without one, viewers and printers assume 72 or 96 dpi.
// It goes right after IHDR (8-byte signature + 25-byte IHDR chunk), as PNG requires it before IDAT.
void insert_phys(std::string& png, int pixels_per_mm) {
  constexpr std::size_t kAfterIhdr = 8 + 4 + 4 + 13 + 4;
  if (png.size() < kAfterIhdr || png.compare(12, 4, "IHDR") != 0) throw std::runtime_error("cairo wrote no IHDR");
  const auto per_metre = static_cast<std::uint32_t>(pixels_per_mm) * 1000;
  std::string body = "pHYs";
  append_be32(body, per_metre);
  append_be32(body, per_metre);
  body += '\x01';  // unit: metre
  std::string chunk;
  append_be32(chunk, 9);
  chunk += body;
  append_be32(chunk, static_cast<std::uint32_t>(
                         crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  png.insert(kAfterIhdr, chunk);
}

}  // namespace

std::string svg_to_png(std::string_view svg, int width_px, int height_px, int pixels_per_mm) {
  if (width_px <= 0 || height_px <= 0 || width_px > 8192 || height_px > 8192) {
    throw std::invalid_argument("PNG size out of range");
  }
  GError* raw_error = nullptr;
  // No base URI: librsvg then refuses every external reference (images, fonts, stylesheets).
  const RsvgHandlePtr handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &raw_error));
  const GErrorPtr parse_error(raw_error);
  if (!handle) throw std::invalid_argument(message_of(parse_error.get(), "librsvg cannot read the SVG"));

  const SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("cairo cannot create a " + std::to_string(width_px) + "x" + std::to_string(height_px) +
                             " surface");
  }
  {
    const ContextPtr context(cairo_create(surface.get()));
    cairo_set_source_rgb(context.get(), 1, 1, 1);
    cairo_paint(context.get());
    const RsvgRectangle viewport{0, 0, static_cast<double>(width_px), static_cast<double>(height_px)};
    raw_error = nullptr;
    gboolean rendered = FALSE;
    {
      const std::lock_guard lock(render_mutex);
      rendered = rsvg_handle_render_document(handle.get(), context.get(), &viewport, &raw_error);
    }
    const GErrorPtr render_error(raw_error);
    if (!rendered) throw std::runtime_error(message_of(render_error.get(), "librsvg cannot render the SVG"));
    if (cairo_status(context.get()) != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(cairo_status(context.get())));
    }
  }
  cairo_surface_flush(surface.get());

  std::string png;
  png.reserve(static_cast<std::size_t>(width_px) * static_cast<std::size_t>(height_px) / 8);
  const cairo_status_t written = cairo_surface_write_to_png_stream(surface.get(), &append_to_string, &png);
  if (written != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("cairo cannot write the PNG: ") + cairo_status_to_string(written));
  }
  if (pixels_per_mm > 0) insert_phys(png, pixels_per_mm);
  return png;
}

std::string badge_png(const Badge& badge) {
  return svg_to_png(badge_svg(badge), kBadgeWidthPx, kBadgeHeightPx, kBadgePixelsPerMm);
}

}  // namespace plenary::badge
