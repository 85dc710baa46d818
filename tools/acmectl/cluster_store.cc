#include "cluster_store.h"

#include <strings.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "config/directive_actions.h"
#include "config/directive_error.h"

namespace acme::ctl {

namespace {

const char* const kClusterDirectives[] = {"ACMESharedStore", "ACMESharedStorePrefix",
                                          "ACMESharedStoreTLS", "ACMESharedStoreKeyFile",
                                          "ACMENodeName"};

// The directive's name as the module spells it, or null for any other line.
const char* cluster_directive(const std::string& word) {
  for (const char* name : kClusterDirectives)
    if (strcasecmp(word.c_str(), name) == 0) return name;
  return nullptr;
}

// A line's words as httpd splits them: on blanks, "double quotes" kept together.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string word;
  while (in >> std::ws && !in.eof()) {
    if (in.peek() == '"') {
      in.get();
      std::getline(in, word, '"');
    } else {
      in >> word;
    }
    words.push_back(word);
  }
  return words;
}

// ACMETrustAnchorFile in a <VirtualHost> is that vhost's, not the server's.
bool opens_vhost(const std::string& word) {
  return strcasecmp(word.c_str(), "<VirtualHost") == 0;
}
bool closes_vhost(const std::string& word) {
  return strcasecmp(word.c_str(), "</VirtualHost>") == 0;
}

}  // namespace

Result<ClusterFile> read_cluster_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(Code::kNotFound, "--cluster " + path + ": cannot be read");
  VhostDirectives vhost;
  GlobalSettings global;
  PathResolver as_written = [](const std::string& p) { return p; };
  std::string line;
  int vhost_depth = 0;
  for (int number = 1; std::getline(in, line); ++number) {
    std::vector<std::string> words = words_of(line);
    if (words.empty() || words[0][0] == '#') continue;
    vhost_depth += opens_vhost(words[0]) ? 1 : closes_vhost(words[0]) ? -1 : 0;
    const char* name = cluster_directive(words[0]);
    if (!name && vhost_depth == 0 && strcasecmp(words[0].c_str(), "ACMETrustAnchorFile") == 0)
      name = "ACMETrustAnchorFile";
    if (!name) continue;  // the snippet may hold other directives
    Status applied = find_directive(name)->apply(DirectiveTarget{vhost, global, as_written},
                                                 {words.begin() + 1, words.end()});
    if (!applied.ok()) {
      return Status(Code::kInvalidArgument, path + ":" + std::to_string(number) + ": " +
                                                directive_message(words[0], applied));
    }
  }
  if (!global.cluster.enabled) {
    return Status(Code::kInvalidArgument,
                  "--cluster " + path +
                      ": no ACMESharedStore line; give the file that holds "
                      "this node's ACMESharedStore* and ACMENodeName lines");
  }
  Status checked = check_global(&global);
  if (!checked.ok()) return checked.with_context(path + ": ");
  return ClusterFile{global.cluster, vhost.trust_anchor_file};
}

Result<ClusterSettings> read_cluster_file(const std::string& path) {
  Result<ClusterFile> file = read_cluster_config(path);
  ACME_RETURN_IF_ERROR(file);
  return file->cluster;
}

ClusterStore::ClusterStore(const ClusterSettings& s, EtcdLayout layout, ClusterKey key,
                           const std::string& store_dir)
    : etcd_(s.endpoints, make_etcd_http_client(s.tls)),
      shared_(etcd_, std::move(layout), std::move(key)),
      shared_view_(shared_),
      local_(store_dir),
      routing_(local_, shared_view_) {}

Result<std::unique_ptr<ClusterStore>> ClusterStore::open(const ClusterSettings& settings,
                                                         const std::string& store_dir) {
  Result<EtcdLayout> layout = EtcdLayout::make(settings.prefix);
  ACME_RETURN_IF_ERROR(layout);
  Result<ClusterKey> key = ClusterKey::load(settings.key_file);
  ACME_RETURN_IF_ERROR(key);
  return std::unique_ptr<ClusterStore>(
      new ClusterStore(settings, std::move(*layout), std::move(*key), store_dir));
}

int with_store(const Args& args, std::ostream& err, const std::function<int(Store&)>& work) {
  const std::string store_dir = std::filesystem::absolute(args.store_dir).string();
  if (args.cluster_file.empty()) {
    FileStore store(store_dir);
    return work(store);
  }
  Result<ClusterSettings> settings = read_cluster_file(args.cluster_file);
  Result<std::unique_ptr<ClusterStore>> cluster =
      settings.ok() ? ClusterStore::open(*settings, store_dir) : settings.status();
  if (!cluster.ok()) {
    err << "acmectl " << command_name(args.command) << ": " << cluster.status().message() << "\n";
    return kExitUsage;
  }
  return work((*cluster)->store());
}

}  // namespace acme::ctl
