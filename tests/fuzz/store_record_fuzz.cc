// Fuzzes the records mod_acme reads back from its store, which a crash, a
// full disk or another process may have left in any state: status records
// (status/<name>.json), admin requests (requests/<name>.json), renewal job
// state (jobs/) and ARI records (ari/<name>.json). A record that parses must
// survive being written and parsed again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "renew/ari_schedule.h"
#include "renew/job.h"
#include "report/status_record.h"
#include "store/memory_store.h"

namespace acme {
namespace {

template <typename Record, typename Parse, typename Dump>
void round_trip(const std::string& text, Parse parse, Dump dump) {
  Result<Record> first = parse(text);
  if (!first.ok()) return;
  Result<Record> again = parse(dump(*first));
  if (!again.ok()) __builtin_trap();  // what we wrote we cannot read back
}

void fuzz_admin_request(const std::string& text) {
  MemoryStore store;
  store.files["requests/a.test.json"] = text;
  (void)read_admin_request(store, "a.test");
  (void)parse_revocation_reason(text);
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acme;
  const std::string text = fuzz::text(data, size);
  round_trip<StatusRecord>(text, parse_status_record, status_record_json);
  round_trip<JobState>(text, parse_job_state, job_state_json);
  round_trip<AriRecord>(text, parse_ari_record, ari_record_json);
  fuzz_admin_request(text);
  return 0;
}
