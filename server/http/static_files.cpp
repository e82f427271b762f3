#include "http/static_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <utility>

#include <sys/stat.h>

#include "http/api_error.hpp"
#include "http/url.hpp"

namespace plenary::http {
namespace {

// Owns one file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

constexpr std::size_t kMaxStaticFileBytes = 64u << 20;

bool is_within(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  const auto mismatch = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
  return mismatch.first == root.end();
}

std::string hex(std::uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kHex[value & 15]);
    value >>= 4;
  } while (value != 0);
  return out;
}

ApiError nothing_here(std::string_view path) {
  return not_found("There is nothing at " + std::string(path) + ".");
}

}  // namespace

StaticFiles::StaticFiles(const std::filesystem::path& root) {
  std::error_code error;
  root_ = std::filesystem::canonical(root, error);
  if (error || !std::filesystem::is_directory(root_)) {
    throw std::runtime_error("static directory " + root.string() + " does not exist or is not a directory");
  }
}

std::string_view content_type_for(const std::filesystem::path& file) noexcept {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 27> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".xml", "application/xml"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".wasm", "application/wasm"},
      {".pdf", "application/pdf"},
      {".m3u8", "application/vnd.apple.mpegurl"},
      {".ts", "video/mp2t"},
      {".m4s", "video/iso.segment"},
      {".mp4", "video/mp4"},
      {".aac", "audio/aac"},
  }};
  const std::string extension = file.extension().string();
  for (const auto& [known, type] : kTypes) {
    if (iequals(extension, known)) return type;
  }
  return "application/octet-stream";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) noexcept {
  const auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  std::size_t start = 0;
  while (start < if_none_match.size()) {
    std::size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    const std::string_view candidate = trim_ows(if_none_match.substr(start, end - start));
    if (candidate == "*" || opaque(candidate) == opaque(etag)) return true;
    start = end + 1;
  }
  return false;
}

Response StaticFiles::serve(const Request& request) const {
  const std::string_view path = request.path();
  const auto segments = split_path(path);
  if (!segments) throw nothing_here(path);

  std::filesystem::path relative;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const std::string& segment = (*segments)[i];
    const bool last = i + 1 == segments->size();
    if (segment.empty()) {
      if (last) break;  // trailing slash: the directory itself
      throw nothing_here(path);
    }
    // Decoded separators, NUL, and names starting with '.' (covers "..",
    // ".", ".git", ".env") never reach the file system.
    if (segment.front() == '.' || segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      throw nothing_here(path);
    }
    relative /= segment;
  }

  std::error_code error;
  std::filesystem::path file = std::filesystem::canonical(root_ / relative, error);
  // canonical() resolves symbolic links: a link leading out of the root ends here.
  if (error || !is_within(root_, file)) throw nothing_here(path);
  if (std::filesystem::is_directory(file, error)) {
    if (!path.ends_with('/')) {
      Response redirect = empty_response(301);
      std::string location(path);
      location += '/';
      if (!request.query_string().empty()) location += "?" + std::string(request.query_string());
      redirect.headers.set("Location", location);
      return redirect;
    }
    file = std::filesystem::canonical(file / "index.html", error);
    if (error || !is_within(root_, file)) throw nothing_here(path);
  }

  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat info {};
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) throw nothing_here(path);
  if (static_cast<std::size_t>(info.st_size) > kMaxStaticFileBytes) throw nothing_here(path);

  // Same shape as nginx's ETag: modification time and size.
  const std::string etag = "\"" + hex(static_cast<std::uint64_t>(info.st_mtim.tv_sec)) +
                           hex(static_cast<std::uint64_t>(info.st_mtim.tv_nsec)) + "-" +
                           hex(static_cast<std::uint64_t>(info.st_size)) + "\"";
  Response response;
  response.headers.set("ETag", etag);
  response.headers.set("Cache-Control", "no-cache");
  if (const auto if_none_match = request.headers.get("If-None-Match");
      if_none_match && etag_matches(*if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  response.headers.set("Content-Type", std::string(content_type_for(file)));
  response.body.resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (done < response.body.size()) {
    const ssize_t got =
        ::pread(fd.get(), response.body.data() + done, response.body.size() - done, static_cast<off_t>(done));
    if (got <= 0) break;
    done += static_cast<std::size_t>(got);
  }
  response.body.resize(done);
  return response;
}

}  // namespace plenary::http
