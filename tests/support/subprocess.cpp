#include "support/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sys/syscall.h>
#include <sys/wait.h>

extern char** environ;

namespace plenary::test {

Subprocess::Subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);

  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  for (const std::string& extra : env) environment.push_back(extra);
  std::vector<char*> env_pointers;
  for (auto& entry : environment) env_pointers.push_back(entry.data());
  env_pointers.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (auto& arg : args) arg_pointers.push_back(arg.data());
  arg_pointers.push_back(nullptr);

  const int rc = posix_spawn(&pid_, arg_pointers[0], &actions, nullptr, arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  in_ = in_pipe[1];
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  // Readable when the child exits: lets wait() block on the exit itself.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
}

Subprocess::~Subprocess() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  for (int fd : {in_, out_fd_, err_fd_, pidfd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void Subprocess::write_stdin(std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(in_, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("write to child stdin failed");
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

void Subprocess::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

bool Subprocess::pump(std::chrono::milliseconds timeout) {
  std::vector<pollfd> fds;
  if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
  if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
  const bool streams_open = !fds.empty();
  if (pidfd_ >= 0 && !status_) fds.push_back({pidfd_, POLLIN, 0});
  if (fds.empty()) return false;
  const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
  if (ready <= 0) return streams_open;
  for (const pollfd& entry : fds) {
    if (entry.fd == pidfd_ || (entry.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    char chunk[8192];
    const ssize_t got = ::read(entry.fd, chunk, sizeof chunk);
    const bool is_out = entry.fd == out_fd_;
    if (got <= 0) {
      ::close(entry.fd);
      (is_out ? out_fd_ : err_fd_) = -1;
      continue;
    }
    (is_out ? out_ : err_).append(chunk, static_cast<std::size_t>(got));
  }
  return streams_open;
}

std::optional<std::string> Subprocess::wait_for_stderr_line(const std::function<bool(const std::string&)>& matches,
                                                            std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    std::size_t end;
    while ((end = err_.find('\n', err_consumed_)) != std::string::npos) {
      std::string line = err_.substr(err_consumed_, end - err_consumed_);
      err_consumed_ = end + 1;
      if (matches(line)) return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (!pump(std::min(left, std::chrono::milliseconds(200))) && err_.find('\n', err_consumed_) == std::string::npos) {
      return std::nullopt;
    }
  }
}

void Subprocess::send_signal(int signal) {
  ::kill(pid_, signal);
}

std::optional<int> Subprocess::wait(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!status_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    // Blocks until output arrives or the child exits (its pidfd turns readable).
    pump(left);
  }
  while (pump(std::chrono::milliseconds(0)) && (out_fd_ >= 0 || err_fd_ >= 0)) {
  }
  return status_;
}

Completed run_to_end(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     std::string_view input) {
  Subprocess child(argv, env);
  if (!input.empty()) child.write_stdin(input);
  child.close_stdin();
  const auto code = child.wait(std::chrono::seconds(60));
  if (!code) throw std::runtime_error("child did not finish: " + argv[0]);
  return {*code, child.stdout_text(), child.stderr_text()};
}

}  // namespace plenary::test
