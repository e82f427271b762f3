#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace plenary::http {

// Bytes held in an anonymous in-memory file (memfd) or a file on disk, so a large body
// goes from the page cache to the socket with sendfile(2), without a copy
// through user space, as nginx serves static files. Owns the descriptor.
// (Files on disk are opened O_NOFOLLOW and must not change while sent.)
// Immutable once made; thread-safe (sendfile takes an explicit offset).
class BodyFile {
 public:
  // nullptr when the system refuses a memfd; callers then send from memory.
  static std::shared_ptr<const BodyFile> create(std::string_view bytes);
  // A regular file already on disk that nobody rewrites in place (a closed
  // video segment); nullptr when it cannot be opened or is not a regular file.
  static std::shared_ptr<const BodyFile> open(const char* path);
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;

  int fd() const noexcept { return fd_; }
  std::size_t size() const noexcept { return size_; }

 private:
  BodyFile(int fd, std::size_t size) noexcept : fd_(fd), size_(size) {}
  int fd_;
  std::size_t size_;
};

}  // namespace plenary::http
