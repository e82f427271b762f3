#pragma once

#include <filesystem>

namespace plenary::test {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `file`, creating parent directories.
void write_file(const std::filesystem::path& file, std::string_view content);

}  // namespace plenary::test
