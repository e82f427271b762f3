#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace plenary::test {

// A child process with pipes on stdin, stdout and stderr. The destructor
// kills and reaps it if it is still running. Thread-safety: one thread.
class Subprocess {
 public:
  // `env` entries ("NAME=value") are added to the current environment.
  Subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void write_stdin(std::string_view text);
  void close_stdin();
  // Reads stderr line by line until `matches` accepts one (returned) or the
  // deadline passes / the stream ends (nullopt).
  std::optional<std::string> wait_for_stderr_line(const std::function<bool(const std::string&)>& matches,
                                                  std::chrono::milliseconds deadline);
  void send_signal(int signal);
  // Exit code (or 128 + signal); nullopt if still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds deadline);

  const std::string& stdout_text() const { return out_; }
  const std::string& stderr_text() const { return err_; }

 private:
  bool pump(std::chrono::milliseconds timeout);  // reads what is available; false when both streams ended
  pid_t pid_ = -1;
  int in_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int pidfd_ = -1;
  std::string out_;
  std::string err_;
  std::size_t err_consumed_ = 0;
  std::optional<int> status_;
};

// Runs to completion and returns {exit code, stdout, stderr}.
struct Completed {
  int exit_code;
  std::string out;
  std::string err;
};
Completed run_to_end(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                     std::string_view input = {});

}  // namespace plenary::test
