// UnixClientSocket::Connect says why a socket cannot be reached: permission (naming the group
// to join) is not "nothing listens".
#include "policyd/unix_socket.h"

#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "support/as_nobody.h"
#include "support/unix_listener.h"

namespace policyd {
namespace {

using testing::kNoGroup;
constexpr gid_t kDaemonGroup = 1;  // Debian's "daemon": a group nobody is not in

class UnixClientSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "policyd-socket-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Connect's status message as user nobody (root bypasses permissions), or "OK".
  static std::string ConnectAsNobody(const std::filesystem::path& path) {
    return testing::RunAsNobody([&path] {
      auto socket = UnixClientSocket::Connect(path, std::chrono::seconds(2));
      return socket.ok() ? std::string("OK") : socket.status().ToString();
    });
  }

  static std::string GroupName(gid_t gid) {
    const group* entry = getgrgid(gid);
    return entry != nullptr ? entry->gr_name : std::to_string(gid);
  }

  std::filesystem::path dir_;
};

TEST_F(UnixClientSocketTest, PermissionDeniedNamesTheGroupOfTheSocket) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to connect as another user";
  const std::filesystem::path path = dir_ / "control.sock";
  const testing::UnixListener listener(path);
  ASSERT_TRUE(listener.ok());
  ASSERT_EQ(chown(path.c_str(), 0, kDaemonGroup), 0);
  ASSERT_EQ(chmod(path.c_str(), 0660), 0);
  EXPECT_EQ(ConnectAsNobody(path), "permission denied: permission denied on " + path.string() +
                                       ": join group '" + GroupName(kDaemonGroup) + "'");
  // Root's group is none to join: the daemon ran as root.
  ASSERT_EQ(chown(path.c_str(), 0, 0), 0);
  EXPECT_EQ(ConnectAsNobody(path),
            "permission denied: permission denied on " + path.string() +
                ": its group is root: run policyctl as root (sudo), or run policyd under a group "
                "of its own (the systemd unit's Group=policyd) and join that");
  // The group's members get in: nobody's own group, for the test.
  ASSERT_EQ(chown(path.c_str(), 0, kNoGroup), 0);
  EXPECT_EQ(ConnectAsNobody(path), "OK");
}

TEST_F(UnixClientSocketTest, PermissionDeniedOnTheDirectoryNamesItsGroup) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to connect as another user";
  const std::filesystem::path run = dir_ / "run";
  std::filesystem::create_directory(run);
  const std::filesystem::path path = run / "events.sock";
  const testing::UnixListener listener(path);
  ASSERT_TRUE(listener.ok());
  ASSERT_EQ(chmod(path.c_str(), 0666), 0);
  ASSERT_EQ(chown(run.c_str(), 0, kDaemonGroup), 0);
  ASSERT_EQ(chmod(run.c_str(), 0750), 0);
  EXPECT_EQ(ConnectAsNobody(path), "permission denied: permission denied on " + path.string() +
                                       ": join group '" + GroupName(kDaemonGroup) +
                                       "' (the group of " + run.string() + ")");
}

TEST_F(UnixClientSocketTest, NothingListeningIsAnIoError) {
  auto socket = UnixClientSocket::Connect(dir_ / "absent.sock", std::chrono::seconds(1));
  ASSERT_FALSE(socket.ok());
  EXPECT_EQ(socket.status().code(), Status::Code::kIoError);
}

// A path that names a file or a directory, not a socket (a typo in --socket): said so, rather
// than "Connection refused", which sends the operator looking for a stopped daemon.
TEST_F(UnixClientSocketTest, APathThatIsNoSocketIsNamedSo) {
  const std::filesystem::path file = dir_ / "index.html";
  ASSERT_EQ(::close(::creat(file.c_str(), 0644)), 0);
  auto socket = UnixClientSocket::Connect(file, std::chrono::seconds(1));
  ASSERT_FALSE(socket.ok());
  EXPECT_EQ(socket.status().code(), Status::Code::kIoError);
  EXPECT_EQ(socket.status().message(),
            "cannot connect to " + file.string() + ": it is a file, not a socket");
  socket = UnixClientSocket::Connect(dir_, std::chrono::seconds(1));
  ASSERT_FALSE(socket.ok());
  EXPECT_NE(socket.status().message().find(": it is a directory, not a socket"), std::string::npos)
      << socket.status().message();
}

}  // namespace
}  // namespace policyd
