#include "tests/common/kafka/client/broker_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace sluice::kafka::client::testing {
namespace {

uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

std::string BrokerBinary() {
  if (const char* env = std::getenv("SLUICE_BROKER_BIN"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef SLUICE_DEFAULT_BROKER_BIN
  return SLUICE_DEFAULT_BROKER_BIN;
#else
  return "sluice-broker";
#endif
}

absl::StatusOr<std::unique_ptr<BrokerProcess>> BrokerProcess::Start(const std::string& binary,
                                                                    const std::string& advertised) {
  if (::access(binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("sluice-broker binary not found or not executable: ", binary,
                     " (build it with `ninja sluice-broker` or set SLUICE_BROKER_BIN)"));
  }
  std::unique_ptr<BrokerProcess> broker(new BrokerProcess());
  std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-client-it-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  broker->dir_ = tmpl;
  broker->port_ = FreePort();
  const uint16_t http_port = FreePort();
  const std::string data_dir = broker->dir_ + "/data";
  std::filesystem::create_directories(data_dir);

  // clang-format off
  std::vector<std::string> args = {
      binary,
      "--data-dir", data_dir,
      "--listeners", absl::StrCat("127.0.0.1:", broker->port_),
      "--advertised-listeners", advertised,
      "--http-listeners", absl::StrCat("127.0.0.1:", http_port),
      "--node-id", "0",
  };
  // clang-format on
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = broker->dir_ + "/broker.stdout.log";
  const std::string err = broker->dir_ + "/broker.stderr.log";
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc =
      ::posix_spawn(&broker->pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    broker->pid_ = -1;
    return absl::InternalError(absl::StrCat("posix_spawn ", binary, ": ", std::strerror(rc)));
  }
  return broker;
}

bool BrokerProcess::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string BrokerProcess::StderrTail() const {
  std::ifstream in(dir_ + "/broker.stderr.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

BrokerProcess::~BrokerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (!dir_.empty() && std::getenv("SLUICE_KEEP_BROKER_DIR") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace sluice::kafka::client::testing
