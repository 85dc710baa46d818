// Dns01Responder against real programs: a small shell script in a temp dir
// that logs its arguments, fails, or hangs, as the test needs.
#include "solve/dns01_responder.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "base/temp_dir.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const char kToken[] = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
const char kKeyAuth[] =
    "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.nP1qzpXGymHBrUEepNY9HCsQk7K8KhOypzEt62jcerQ";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// base64url(SHA-256(text)) as the openssl command line computes it.
std::string openssl_txt_value(const std::string& text) {
  std::string cmd = "printf %s '" + text +
                    "' | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | "
                    "tr -d '='";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (p) pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// publish() starts setup and answers kPending until it has ended: ask again
// as the job does on its next steps.
Status publish(Dns01Responder& dns, const Identifier& id, const std::string& token) {
  for (int i = 0; i < 1000; ++i) {
    Status s = dns.publish(id, token, kKeyAuth);
    if (s.code() != Code::kPending) return s;
    usleep(10 * 1000);
  }
  return Status(Code::kTimeout, "test: publish stayed pending for 10s");
}

// withdraw() starts teardown; poll() follows it to its end.
void drain(Dns01Responder& dns) {
  for (int i = 0; i < 1000 && dns.poll(); ++i) usleep(10 * 1000);
  CHECK_FALSE(dns.poll());
}

}  // namespace

TEST_GROUP(Dns01Responder) {
  acme::testing::TempDir temp{"dns01_responder_test"};
  const std::string dir = temp.path();
  MemoryStore store;
  MemoryLogSink log;

  // An executable script in the temp dir; CALLS is the log file.
  std::string script(const std::string& body) {
    return temp.write_script("dns.sh", "CALLS=" + dir + "/calls.log\n" + body);
  }
  std::string logging_script() {
    return script("echo \"$*\" >> \"$CALLS\"");
  }
  std::vector<std::string> calls() {
    std::vector<std::string> lines;
    std::stringstream text(read_file(dir + "/calls.log"));
    for (std::string line; std::getline(text, line);) lines.push_back(line);
    return lines;
  }
  std::vector<ManagedCert> certs(const std::vector<std::string>& names,
                                 const std::string& command) {
    ManagedCert cert;
    cert.name = names.front();
    cert.names = names;
    cert.dns01_command = command;
    return {cert};
  }
};

// RFC 8555 §8.4: base64url of the SHA-256 digest, no padding. FIPS 180-2
// vectors, and a key authorization hashed by openssl(1).
TEST(Dns01Responder, TxtValueIsBase64urlSha256) {
  STRCMP_EQUAL("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", dns01_txt_value("abc").c_str());
  STRCMP_EQUAL("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", dns01_txt_value("").c_str());
  std::string expected = openssl_txt_value(kKeyAuth);
  LONGS_EQUAL(43, expected.size());
  STRCMP_EQUAL(expected.c_str(), dns01_txt_value(kKeyAuth).c_str());
}

TEST(Dns01Responder, SetupThenTeardownWithNameTokenAndValue) {
  Dns01Responder dns(certs({"a.example", "www.a.example"}, logging_script()), store, log);
  const std::string value = openssl_txt_value(kKeyAuth);
  CHECK(publish(dns, {"dns", "www.a.example"}, kToken).ok());
  // A resumed job publishes again: setup runs once per token.
  CHECK(publish(dns, {"dns", "www.a.example"}, kToken).ok());
  dns.withdraw({"dns", "www.a.example"}, kToken);
  drain(dns);
  dns.withdraw({"dns", "www.a.example"}, kToken);
  drain(dns);  // nothing left: no second teardown
  std::vector<std::string> got = calls();
  LONGS_EQUAL(2, got.size());
  STRCMP_EQUAL(("setup www.a.example " + std::string(kToken) + " " + value).c_str(),
               got[0].c_str());
  STRCMP_EQUAL(("teardown www.a.example " + std::string(kToken) + " " + value).c_str(),
               got[1].c_str());
  CHECK(store.list("dns01")->empty());
  CHECK(log.contains("_acme-challenge.www.a.example"));
}

// ACMEDns01Command's words (as httpd split them) reach the program intact,
// before ours.
TEST(Dns01Responder, CommandArgumentsComeFirst) {
  const std::string path = script("for a; do echo \"[$a]\"; done >> \"$CALLS\"");
  const std::string command = shell_command({path, "--zone", "a example", "it's", "$HOME;`x`"});
  Dns01Responder dns(certs({"a.example"}, command), store, log);
  CHECK(publish(dns, {"dns", "a.example"}, kToken).ok());
  std::vector<std::string> expected = {"[--zone]",
                                       "[a example]",
                                       "[it's]",
                                       "[$HOME;`x`]",
                                       "[setup]",
                                       "[a.example]",
                                       "[" + std::string(kToken) + "]",
                                       "[" + dns01_txt_value(kKeyAuth) + "]"};
  std::vector<std::string> got = calls();
  LONGS_EQUAL(expected.size(), got.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    STRCMP_EQUAL(expected[i].c_str(), got[i].c_str());
}

// RFC 8555 §7.1.3: the authorization for "*.a.example" names "a.example"; the
// program gets that name and sets TXT _acme-challenge.a.example.
TEST(Dns01Responder, WildcardIsAnsweredForItsBaseName) {
  Dns01Responder dns(certs({"*.a.example"}, logging_script()), store, log);
  CHECK(dns.can_answer({"dns", "a.example"}, true));
  CHECK(publish(dns, {"dns", "a.example"}, kToken).ok());
  STRCMP_EQUAL(("setup a.example " + std::string(kToken) + " " + dns01_txt_value(kKeyAuth)).c_str(),
               calls().at(0).c_str());
}

// RFC 8738 §7: no dns-01 for IP addresses; and none without a command.
TEST(Dns01Responder, AnswersOnlyDnsNamesWithACommand) {
  std::vector<ManagedCert> list = certs({"a.example", "192.0.2.1"}, logging_script());
  ManagedCert plain;
  plain.name = "b.example";
  plain.names = {"b.example"};
  list.push_back(plain);
  Dns01Responder dns(list, store, log);
  CHECK(dns.can_answer({"dns", "a.example"}, false));
  CHECK_FALSE(dns.can_answer({"ip", "192.0.2.1"}, false));
  CHECK_FALSE(dns.can_answer({"dns", "b.example"}, false));
  CHECK_FALSE(dns.can_answer({"dns", "c.example"}, true));
  CHECK_FALSE(publish(dns, {"ip", "192.0.2.1"}, kToken).ok());
  CHECK_FALSE(dns.empty());
  CHECK(Dns01Responder(certs({"a.example"}, ""), store, log).empty());
}

// The program's output may hold secrets: it goes to the error log only; the
// Status (which reaches /acme-status) says where to look.
TEST(Dns01Responder, OutputGoesToTheLogNotTheStatusAndTeardownStillRuns) {
  Dns01Responder dns(certs({"a.example"}, script("echo \"$*\" >> \"$CALLS\"\n"
                                                 "[ \"$1\" = setup ] || exit 0\n"
                                                 "echo 'zone a.example: API key refused' >&2\n"
                                                 "exit 3")),
                     store, log);
  Status s = publish(dns, {"dns", "a.example"}, kToken);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(contains(s.message(), "API key refused"));
  CHECK(contains(s.message(), "exited with status 3"));
  CHECK(contains(s.message(), "ACMEDns01Command"));
  CHECK(contains(s.message(), "see the error log"));
  CHECK(log.contains("zone a.example: API key refused"));
  // The job withdraws after a failure: teardown cleans up a half setup.
  dns.withdraw({"dns", "a.example"}, kToken);
  drain(dns);
  LONGS_EQUAL(2, calls().size());
  CHECK(contains(calls().at(1), "teardown a.example"));
  CHECK(store.list("dns01")->empty());
}

// The command line's arguments (API tokens) appear nowhere: the program is
// named by its path only.
TEST(Dns01Responder, CommandIsNamedByItsProgramOnly) {
  const std::string path = script("echo failing >&2; exit 1");
  Dns01Responder dns(certs({"a.example"}, shell_command({path, "--api-token", "s3cr3t-t0ken"})),
                     store, log);
  Status s = publish(dns, {"dns", "a.example"}, kToken);
  CHECK_FALSE(s.ok());
  CHECK(contains(s.message(), path));
  CHECK_FALSE(contains(s.message(), "s3cr3t-t0ken"));
  CHECK(log.contains("failing"));
  CHECK_FALSE(log.contains("s3cr3t-t0ken"));
}

TEST(Dns01Responder, OutputIsBounded) {
  Dns01Responder dns(certs({"a.example"}, script("head -c 100000 /dev/zero | tr '\\0' x >&2\n"
                                                 "exit 1")),
                     store, log);
  Status s = publish(dns, {"dns", "a.example"}, kToken);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(contains(s.message(), "xxxxxxxx"));
  CHECK(log.contains("xxxxxxxx"));
  for (const auto& line : log.lines) CHECK(line.message.size() < 2048 + 300);
}

// publish() never waits for the program: the watchdog's tick goes on.
TEST(Dns01Responder, PublishDoesNotWaitForTheProgram) {
  Dns01Responder dns(certs({"a.example"}, script("sleep 2; echo \"$*\" >> \"$CALLS\"")), store,
                     log);
  auto started = std::chrono::steady_clock::now();
  Status first = dns.publish({"dns", "a.example"}, kToken, kKeyAuth);
  LONGS_EQUAL(static_cast<int>(Code::kPending), static_cast<int>(first.code()));
  CHECK(dns.poll());  // running
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(500));
  CHECK(publish(dns, {"dns", "a.example"}, kToken).ok());
  LONGS_EQUAL(1, calls().size());  // one setup, however often publish asked
}

TEST(Dns01Responder, TimeoutKillsTheProgramAndWhatItStarted) {
  Dns01Responder::Options options;
  options.timeout = Seconds(1);
  Dns01Responder dns(certs({"a.example"}, script("sleep 30 &\n"
                                                 "echo $! > \"$CALLS.pid\"\n"
                                                 "echo 'waiting for the DNS API' >&2\n"
                                                 "wait")),
                     store, log, options);
  auto started = std::chrono::steady_clock::now();
  Status s = publish(dns, {"dns", "a.example"}, kToken);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK_FALSE(s.ok());
  LONGS_EQUAL(static_cast<int>(Code::kTimeout), static_cast<int>(s.code()));
  CHECK(contains(s.message(), "killed"));
  CHECK(log.contains("waiting for the DNS API"));
  CHECK(took < std::chrono::seconds(5));
  // The background sleep was in the program's process group: gone, or a
  // zombie waiting for its new parent to reap it.
  pid_t sleeper = std::atoi(read_file(dir + "/calls.log.pid").c_str());
  CHECK(sleeper > 0);
  std::string stat;
  for (int i = 0; i < 100; ++i) {  // SIGKILL is delivered asynchronously
    stat = read_file("/proc/" + std::to_string(sleeper) + "/stat");
    if (stat.empty() || contains(stat, ") Z ")) break;
    usleep(10 * 1000);
  }
  CHECK_TEXT(stat.empty() || contains(stat, ") Z "), stat.c_str());
}

// After a restart the TXT value comes from the store: teardown still gets it.
TEST(Dns01Responder, TeardownAfterRestartUsesTheSavedValue) {
  std::vector<ManagedCert> list = certs({"a.example"}, logging_script());
  {
    Dns01Responder before(list, store, log);
    CHECK(publish(before, {"dns", "a.example"}, kToken).ok());
  }
  Dns01Responder after(list, store, log);
  after.withdraw({"dns", "a.example"}, kToken);
  drain(after);
  STRCMP_EQUAL(
      ("teardown a.example " + std::string(kToken) + " " + dns01_txt_value(kKeyAuth)).c_str(),
      calls().at(1).c_str());
}

// A watchdog that exited between setup and the end of teardown left its
// record: the next one tears the value down and removes the record.
TEST(Dns01Responder, LeftoverRecordsAreTornDownAtStart) {
  std::vector<ManagedCert> list = certs({"a.example"}, logging_script());
  {
    Dns01Responder before(list, store, log);
    CHECK(publish(before, {"dns", "a.example"}, kToken).ok());
  }
  LONGS_EQUAL(1, store.list("dns01")->size());
  Dns01Responder after(list, store, log);
  after.withdraw_all();
  drain(after);
  STRCMP_EQUAL(
      ("teardown a.example " + std::string(kToken) + " " + dns01_txt_value(kKeyAuth)).c_str(),
      calls().at(1).c_str());
  CHECK(store.list("dns01")->empty());
}

TEST(Dns01Responder, ProgramThatCannotRunIsAnError) {
  Dns01Responder dns(certs({"a.example"}, dir + "/missing-program"), store, log);
  Status s = publish(dns, {"dns", "a.example"}, kToken);
  CHECK_FALSE(s.ok());
  CHECK(contains(s.message(), "missing-program"));
}
