#include "http/static_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <utility>

#include <sys/stat.h>

#include "http/api_error.hpp"
#include "http/app_routes.hpp"
#include "http/gzip.hpp"
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
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&&) = delete;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

constexpr std::size_t kMaxStaticFileBytes = 64u << 20;

// Files the front-end build names by their content: a new build gives new
// names, so browsers and edges may keep them for a year without asking.
constexpr std::string_view kImmutablePrefix = "/assets/";
constexpr std::string_view kImmutableCache = "public, max-age=31536000, immutable";

// Siblings the build writes next to each text file (as nginx's gzip_static
// and brotli_static read them), in the order preferred on equal q-values.
struct Precompressed {
  std::string_view coding;       // Content-Encoding
  std::string_view suffix;       // of the sibling's name
  std::string_view etag_suffix;  // inside the ETag's quotes, so each encoding has its own
};
constexpr std::array<Precompressed, 2> kPrecompressed{{{"br", ".br", "-br"}, {"gzip", ".gz", "-gz"}}};

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

// What a request path names below the root.
struct Found {
  enum Outcome {
    file,       // `canonical` (links resolved, inside the root), still to be opened
    directory,  // a directory asked for without its trailing slash
    missing,    // nothing there
    refused,    // a way out of the root, or a name never served
  } outcome = missing;
  std::filesystem::path canonical;
};

// `candidate` with its links resolved, if it exists and stays inside the root.
Found inside(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  std::error_code error;
  std::filesystem::path file = std::filesystem::canonical(candidate, error);
  // canonical() resolves symbolic links: a link leading out of the root ends here.
  if (error) {
    const bool absent = error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory;
    return {absent ? Found::missing : Found::refused, {}};
  }
  if (!is_within(root, file)) return {Found::refused, {}};
  return {Found::file, std::move(file)};
}

Found find(const std::filesystem::path& root, std::string_view path) {
  const auto segments = split_path(path);
  if (!segments) return {Found::refused, {}};
  std::filesystem::path relative;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const std::string& segment = (*segments)[i];
    const bool last = i + 1 == segments->size();
    if (segment.empty()) {
      if (last) break;  // trailing slash: the directory itself
      return {Found::refused, {}};
    }
    // Decoded separators, NUL, and names starting with '.' (covers "..",
    // ".", ".git", ".env") never reach the file system.
    if (segment.front() == '.' || segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return {Found::refused, {}};
    }
    relative /= segment;
  }
  Found found = inside(root, root / relative);
  std::error_code error;
  if (found.outcome != Found::file || !std::filesystem::is_directory(found.canonical, error)) return found;
  if (!path.ends_with('/')) return {Found::directory, {}};
  return inside(root, found.canonical / "index.html");
}

// An open regular file of at most kMaxStaticFileBytes.
struct OpenFile {
  FileDescriptor fd;
  struct stat info;
};

std::optional<OpenFile> open_regular(const std::filesystem::path& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat info {};
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  if (static_cast<std::size_t>(info.st_size) > kMaxStaticFileBytes) return std::nullopt;
  return OpenFile{std::move(fd), info};
}

// `file` + `suffix` ("app.js.br"), if it is a regular file inside the root.
std::optional<OpenFile> sibling(const std::filesystem::path& root, const std::filesystem::path& file,
                                std::string_view suffix) {
  std::filesystem::path name = file;
  name += suffix;
  const Found found = inside(root, name);
  if (found.outcome != Found::file) return std::nullopt;
  return open_regular(found.canonical);
}

bool is_precompressed(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  return std::any_of(kPrecompressed.begin(), kPrecompressed.end(),
                     [&](const Precompressed& kind) { return extension == kind.suffix; });
}

std::string read_all(const OpenFile& file) {
  std::string body(static_cast<std::size_t>(file.info.st_size), '\0');
  std::size_t done = 0;
  while (done < body.size()) {
    const ssize_t got = ::pread(file.fd.get(), body.data() + done, body.size() - done, static_cast<off_t>(done));
    if (got <= 0) break;
    done += static_cast<std::size_t>(got);
  }
  body.resize(done);
  return body;
}

// Same shape as nginx's ETag (modification time and size), then the coding.
std::string etag_of(const struct stat& info, std::string_view suffix) {
  return "\"" + hex(static_cast<std::uint64_t>(info.st_mtim.tv_sec)) +
         hex(static_cast<std::uint64_t>(info.st_mtim.tv_nsec)) + "-" + hex(static_cast<std::uint64_t>(info.st_size)) +
         std::string(suffix) + "\"";
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
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kTypes{{
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
      {".gz", "application/gzip"},
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
  Found found = find(root_, path);
  // The web app draws these routes itself: a reload or a shared link there gets the app.
  if (found.outcome == Found::missing && is_app_route(path)) found = find(root_, "/index.html");
  if (found.outcome == Found::directory) {
    Response redirect = empty_response(301);
    std::string location(path);
    location += '/';
    if (!request.query_string().empty()) location += "?" + std::string(request.query_string());
    redirect.headers.set("Location", location);
    return redirect;
  }
  if (found.outcome != Found::file) throw nothing_here(path);
  std::optional<OpenFile> file = open_regular(found.canonical);
  if (!file) throw nothing_here(path);

  // The precompressed sibling the client takes most, Brotli on a tie.
  const Precompressed* coding = nullptr;
  bool has_sibling = false;
  if (!is_precompressed(found.canonical)) {
    const std::string_view accept_encoding = request.headers.get("Accept-Encoding").value_or("");
    unsigned best = 0;
    for (const Precompressed& kind : kPrecompressed) {
      std::optional<OpenFile> compressed = sibling(root_, found.canonical, kind.suffix);
      if (!compressed) continue;
      has_sibling = true;
      if (const unsigned quality = coding_quality(accept_encoding, kind.coding); quality > best) {
        best = quality;
        coding = &kind;
        file.emplace(std::move(*compressed));
      }
    }
  }

  Response response;
  const std::string etag = etag_of(file->info, coding ? coding->etag_suffix : "");
  response.headers.set("ETag", etag);
  response.headers.set("Cache-Control", std::string(path.starts_with(kImmutablePrefix) ? kImmutableCache : "no-cache"));
  // Caches keep one answer per encoding once any sibling could be chosen.
  if (has_sibling) response.headers.set("Vary", "Accept-Encoding");
  if (const auto if_none_match = request.headers.get("If-None-Match");
      if_none_match && etag_matches(*if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  response.headers.set("Content-Type", std::string(content_type_for(found.canonical)));
  if (coding != nullptr) response.headers.set("Content-Encoding", std::string(coding->coding));
  response.body = read_all(*file);
  return response;
}

}  // namespace plenary::http
