#include "report/ca_counts.h"

#include "json/json.h"
#include "json/record_file.h"
#include "store/layout.h"

namespace acme {

namespace {

std::string path_for(const std::string& directory_url) {
  return layout::ca_counts_file(directory_url);
}

Status read_ca_counts(const Json& j, CaCounts* c) {
  auto ca = j.get_string("ca");
  if (!ca.ok()) return ca.status();
  c->ca = *ca;
  c->counts.requests = j.get_int_or("requests", 0);
  Json errors = j.get("errors");
  for (std::size_t i = 0; errors.is_array() && i < errors.size(); ++i) {
    const Json e = errors.at(i);
    const std::string type = e.get_string_or("type", "");
    if (!type.empty()) c->counts.errors[type] += e.get_int_or("count", 0);
  }
  return Status();
}

}  // namespace

std::string ca_counts_json(const CaCounts& c) {
  Json errors = Json::array();
  for (const auto& [type, n] : c.counts.errors) {
    Json e = Json::object();
    e.set("type", type).set("count", n);
    errors.append(e);
  }
  Json j = Json::object();
  j.set("ca", c.ca).set("requests", c.counts.requests).set("errors", errors);
  return record_file_text(j);
}

Result<CaCounts> parse_ca_counts(const std::string& text) {
  return parse_record_file(text, read_ca_counts);
}

// Unsynced like the status records: a report, not state the renewal needs.
Status write_ca_counts(Store& store, const CaCounts& counts) {
  return store.write_unsynced(path_for(counts.ca), ca_counts_json(counts), 0644);
}

RequestCounts read_ca_counts(const Store& store, const std::string& directory_url) {
  auto text = store.read(path_for(directory_url));
  if (!text.ok()) return {};
  auto c = parse_ca_counts(*text);
  return c.ok() ? c->counts : RequestCounts{};
}

std::vector<CaCounts> read_all_ca_counts(const Store& store) {
  std::vector<CaCounts> out;
  auto entries = store.list(layout::kCaCountsDir);
  if (!entries.ok()) return out;
  const std::string suffix = ".json";  // other files there are not counts (layout.h)
  for (const auto& e : *entries) {
    if (e.size() <= suffix.size() || e.compare(e.size() - suffix.size(), suffix.size(), suffix))
      continue;
    auto text = store.read(std::string(layout::kCaCountsDir) + "/" + e);
    if (!text.ok()) continue;
    auto c = parse_ca_counts(*text);
    if (c.ok()) out.push_back(std::move(*c));
  }
  return out;
}

std::string carry_on_ca_counts(const Store& store, AcmeClient& client) {
  const RequestCounts saved = read_ca_counts(store, client.directory_url());
  client.add_counts(saved);
  return ca_counts_json(CaCounts{client.directory_url(), saved});
}

void save_ca_counts(Store& store, const std::string& directory_url, const RequestCounts& counts,
                    std::string* last_written) {
  if (counts.requests == 0 && counts.errors.empty()) return;  // a CA not asked yet: no file
  std::string json = ca_counts_json(CaCounts{directory_url, counts});
  if (json == *last_written) return;
  if (write_ca_counts(store, CaCounts{directory_url, counts}).ok()) *last_written = std::move(json);
}

}  // namespace acme
