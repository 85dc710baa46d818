// Fuzzes what an etcd member (or anything answering on its port) sends back
// through the JSON gateway (mod_acme/cluster/): answers to range, txn,
// deleterange and lease calls, and the watch stream, fed in two chunks split
// where the input says. Nothing may crash; a watch line that decodes must
// decode the same when fed whole.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/etcd_json.h"
#include "cluster/etcd_watch.h"
#include "fuzz_util.h"

namespace acme {
namespace {

void fuzz_answers(const std::string& text) {
  auto json = Json::parse(text);
  if (!json.ok()) return;
  (void)etcd_parse_range(*json);
  (void)etcd_parse_txn(*json);
  (void)etcd_parse_deleted(*json);
  (void)etcd_parse_lease(*json);
  (void)etcd_parse_watch(*json);
}

void fuzz_stream(const std::string& text) {
  std::size_t cut = text.empty() ? 0 : static_cast<unsigned char>(text[0]) % text.size();
  EtcdWatchDecoder split, whole;
  auto a = split.feed(text.substr(0, cut));
  auto b = a.ok() ? split.feed(text.substr(cut)) : a;
  auto all = whole.feed(text);
  if (a.ok() && b.ok() && all.ok() && a->size() + b->size() != all->size()) __builtin_trap();
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = acme::fuzz::text(data, size);
  acme::fuzz_answers(text);
  acme::fuzz_stream(text);
  return 0;
}
