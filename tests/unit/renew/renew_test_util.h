// What the renew/ tests share: a fake clock, an in-memory store, a challenge
// table over a heap buffer, a log sink and a FakeAcmeCa reading that table,
// plus a ManagedCert for "a.example" trusting the fake CA's root.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/fake_clock.h"
#include "base/log.h"
#include "base/memory_log_sink.h"
#include "config/managed_cert.h"
#include "fakes/fake_acme_ca.h"
#include "renew/ca_session.h"
#include "renew/job.h"
#include "shm/activation_signal.h"
#include "shm/challenge_table.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

namespace acme {
namespace testing {

const TimePoint kStart = from_unix(1767225600);  // 2026-01-01T00:00:00Z
constexpr auto kDay = std::chrono::hours(24);

inline ManagedCert managed_cert(const std::string& name, const std::vector<std::string>& names,
                                const std::string& trust_anchor_file) {
  ManagedCert cert;
  cert.name = name;
  cert.names = names;
  cert.key_type = KeyType::kP256;
  cert.ca.directory_url = FakeAcmeCa::kDirectoryUrl;
  cert.ca.contact = {"admin@" + name};
  cert.ca.terms_agreed = true;
  cert.trust_anchor_file = trust_anchor_file;
  cert.retry_delay = Seconds(600);
  cert.max_retry_delay = Seconds(86400);
  return cert;
}

struct RenewHarness {
  static constexpr std::size_t kSlots = 8;

  FakeClock clock{kStart};
  MemoryStore store;
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(kSlots) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, kSlots);
  std::vector<std::uint64_t> signal_memory =
      std::vector<std::uint64_t>(ActivationSignal::region_size() / 8 + 1, 0);
  ActivationSignal activation =
      *ActivationSignal::format(signal_memory.data(), signal_memory.size() * 8);
  FakeAcmeCa ca{table, clock};
  MemoryLogSink log;
  ManagedCert cert =
      managed_cert("a.example", {"a.example", "www.a.example"}, ca.trust_anchor_file());

  std::unique_ptr<CaSession> session() { return std::make_unique<CaSession>(ca.client(), cert.ca); }
  // A job as the watchdog makes one: fresh object, resumed from the store.
  std::unique_ptr<RenewalJob> job(double random01 = 0.25) {
    auto job = std::make_unique<RenewalJob>(cert, store, table, activation, clock, log,
                                            [random01] { return random01; });
    job->load();
    return job;
  }
  std::string log_text() const {
    std::string text;
    for (const auto& line : log.lines)
      text += std::to_string(line.msgno) + " " + line.message + "\n";
    return text;
  }
};

// Steps a job until it stages or records one more failure, moving the clock
// to each time the job asks for.
inline RenewalJob::Outcome run_job(RenewalJob& job, CaSession& session, FakeClock& clock) {
  const int failures = job.state().failures;
  RenewalJob::Outcome outcome;
  for (int i = 0; i < 40; ++i) {
    outcome = job.step(session);
    if (outcome.staged || job.state().failures > failures) return outcome;
    if (outcome.next > clock.now()) clock.set(outcome.next);
  }
  FAIL("the job neither staged nor failed in 40 steps");
  return outcome;
}

}  // namespace testing
}  // namespace acme
