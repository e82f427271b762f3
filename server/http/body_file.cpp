#include "http/body_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <sys/mman.h>
#include <sys/stat.h>

namespace plenary::http {

std::shared_ptr<const BodyFile> BodyFile::create(std::string_view bytes) {
  const int fd = ::memfd_create("plenary-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return nullptr;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      ::close(fd);
      return nullptr;
    }
    done += static_cast<std::size_t>(written);
  }
  // Sealed: nothing can change the bytes under a response being sent.
  ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return std::shared_ptr<const BodyFile>(new BodyFile(fd, bytes.size()));
}

std::shared_ptr<const BodyFile> BodyFile::open(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return nullptr;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  return std::shared_ptr<const BodyFile>(new BodyFile(fd, static_cast<std::size_t>(info.st_size)));
}

BodyFile::~BodyFile() {
  ::close(fd_);
}

}  // namespace plenary::http
