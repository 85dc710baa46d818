// CommandNotifier against real programs: events in order, never waited for,
// failures logged by program name only.
#include "report/notifier.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/memory_log_sink.h"
#include "base/subprocess.h"  // shell_command
#include "base/temp_dir.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(CommandNotifier) {
  acme::testing::TempDir temp{"notifier_test"};
  const std::string dir = temp.path();
  MemoryLogSink log;

  std::string script(const std::string& body) {
    return temp.write_script("notify.sh", body);
  }
  std::string events() {
    std::ifstream in(dir + "/events");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void drain(Notifier & n) {
    for (int i = 0; i < 1000 && n.poll(); ++i) usleep(10 * 1000);
    CHECK_FALSE(n.poll());
  }
};

TEST(CommandNotifier, EventsRunInOrderWithoutBeingWaitedFor) {
  CommandNotifier n(script("sleep 0.3; echo \"$1 $2\" >> " + dir + "/events"), log);
  auto started = std::chrono::steady_clock::now();
  n.notify("a.test", "errored");
  n.notify("a.test", "expiring");
  n.notify("b.test", "renewed");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
  CHECK(n.poll());
  drain(n);
  STRCMP_EQUAL("a.test errored\na.test expiring\nb.test renewed\n", events().c_str());
  CHECK(log.contains("notified expiring for a.test"));
}

TEST(CommandNotifier, FailureIsLoggedByProgramNameWithItsOutput) {
  const std::string path = script("echo 'webhook said 401' >&2; exit 4");
  CommandNotifier n(shell_command({path, "--token", "s3cr3t-t0ken"}), log);
  n.notify("a.test", "installed");
  drain(n);
  CHECK(log.contains(path + " for a.test installed exited with status 4"));
  CHECK(log.contains("webhook said 401"));
  CHECK_FALSE(log.contains("s3cr3t-t0ken"));
}

TEST(CommandNotifier, TimeoutKillsTheProgram) {
  CommandNotifier n(script("sleep 30"), log, Millis(300));
  auto started = std::chrono::steady_clock::now();
  n.notify("a.test", "renewed");
  drain(n);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(log.contains("did not finish within 300ms and was killed"));
}

TEST(CommandNotifier, NoCommandRunsNothing) {
  CommandNotifier n("", log);
  n.notify("a.test", "renewed");
  CHECK_FALSE(n.poll());
  CHECK(log.lines.empty());
}
