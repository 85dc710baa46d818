#include "args.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <utility>

#include "base/enum_names.h"

namespace acme::ctl {

namespace {

constexpr EnumName<Command> kCommandNames[] = {
    {Command::kStatus, "status"},     {Command::kCheck, "check"},
    {Command::kRenew, "renew"},       {Command::kRevoke, "revoke"},
    {Command::kRollover, "rollover"}, {Command::kPreflight, "preflight"},
    {Command::kSync, "sync"},
};

Status usage_error(const std::string& message, Command command) {
  std::string help = command == Command::kNone
                         ? "acmectl --help"
                         : std::string("acmectl ") + command_name(command) + " --help";
  return Status(Code::kInvalidArgument, message + " (see " + help + ")");
}

bool takes_value(const std::string& option) {
  return option == "--store" || option == "--cluster" || option == "--ca-file" ||
         option == "--connect" || option == "--ca" || option == "--resolver" ||
         option == "--http-port" || option == "--tls-port" || option == "--challenges";
}

// "--opt=value" becomes "--opt" "value", so one loop handles both spellings.
std::vector<std::string> split_values(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  bool options_ended = false;
  for (const std::string& word : argv) {
    std::size_t eq = word.find('=');
    if (!options_ended && word.rfind("--", 0) == 0 && eq != std::string::npos &&
        takes_value(word.substr(0, eq))) {
      words.push_back(word.substr(0, eq));
      words.push_back(word.substr(eq + 1));
    } else {
      words.push_back(word);
    }
    if (word == "--") options_ended = true;
  }
  return words;
}

Command lookup_command(const std::string& word) {
  return enum_named(word, kCommandNames).value_or(Command::kNone);
}

bool is_option(const std::string& word) {
  return word.size() > 1 && word[0] == '-';
}

Result<int> parse_port(const std::string& text, const std::string& what) {
  char* end = nullptr;
  long port = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || *end != '\0' ||
      port < 1 || port > 65535) {
    return Status(Code::kInvalidArgument,
                  "'" + text + "' in '" + what + "' is not a port (1-65535)");
  }
  return static_cast<int>(port);
}

Status check_host(const std::string& host, const std::string& what) {
  bool bad = host.empty();
  for (char c : host)
    bad = bad || std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@' || c == '[' ||
          c == ']';
  if (!bad) return Status::ok_status();
  return Status(Code::kInvalidArgument, "'" + what + "' does not name a host");
}

class Parser {
 public:
  Parser(std::vector<std::string> words, const char* env_store)
      : words_(std::move(words)), env_store_(env_store ? env_store : "") {}

  Result<Args> run() {
    ACME_RETURN_IF_ERROR(global_options());
    if (args_.command == Command::kNone) {
      if (args_.help || args_.version) return args_;
      return usage_error(
          "no command given: use status, check, preflight, renew, revoke, rollover or sync",
          Command::kNone);
    }
    ACME_RETURN_IF_ERROR(command_words());
    if (!args_.help) ACME_RETURN_IF_ERROR(positionals());
    if (args_.store_dir.empty())
      args_.store_dir = env_store_.empty() ? kDefaultStoreDir : env_store_;
    return args_;
  }

 private:
  Result<std::string> value_of(const std::string& option) {
    if (i_ + 1 >= words_.size()) return usage_error(option + " needs a value", args_.command);
    i_ += 2;
    return words_[i_ - 1];
  }

  // Before the command: --help, --version, --store DIR; "help [COMMAND]".
  Status global_options() {
    while (i_ < words_.size() && is_option(words_[i_])) {
      const std::string word = words_[i_];
      if (word == "--store") {  // value_of steps past the option and its value
        auto dir = value_of(word);
        ACME_RETURN_IF_ERROR(dir);
        args_.store_dir = *dir;
        continue;
      }
      if (word == "--cluster") {
        auto file = value_of(word);
        ACME_RETURN_IF_ERROR(file);
        args_.cluster_file = *file;
        continue;
      }
      if (word == "--help" || word == "-h") {
        args_.help = true;
      } else if (word == "--version" || word == "-V") {
        args_.version = true;
      } else {
        return usage_error("unknown option '" + word + "'", Command::kNone);
      }
      ++i_;
    }
    if (i_ >= words_.size()) return Status::ok_status();
    std::string word = words_[i_++];
    if (word == "help") {
      args_.help = true;
      if (i_ >= words_.size()) return Status::ok_status();
      word = words_[i_++];
    }
    args_.command = lookup_command(word);
    if (args_.command != Command::kNone) return Status::ok_status();
    return usage_error("unknown command '" + word +
                           "': use status, check, preflight, renew, revoke, rollover or sync",
                       Command::kNone);
  }

  Status command_words() {
    bool options_ended = false;
    while (i_ < words_.size()) {
      const std::string& word = words_[i_];
      if (!options_ended && word == "--") {
        options_ended = true;
        ++i_;
      } else if (!options_ended && is_option(word)) {
        ACME_RETURN_IF_ERROR(command_option(word));
      } else {
        positional_.push_back(word);
        ++i_;
      }
    }
    return Status::ok_status();
  }

  Status command_option(const std::string& option) {
    Command c = args_.command;
    std::string* target = nullptr;
    if (option == "--help" || option == "-h") {
      args_.help = true;
    } else if (option == "--json" && c == Command::kStatus) {
      args_.json = true;
    } else if (option == "--store" && c != Command::kCheck) {
      target = &args_.store_dir;
    } else if (option == "--cluster" && c != Command::kCheck && c != Command::kPreflight) {
      target = &args_.cluster_file;
    } else if (option == "--ca-file" && c == Command::kCheck) {
      target = &args_.ca_file;
    } else if (option == "--connect" && c == Command::kCheck) {
      target = &connect_;
    } else if (c == Command::kPreflight && preflight_option(option)) {
      target = preflight_option(option);
    } else {
      return usage_error("unknown option '" + option + "' for " + command_name(c), c);
    }
    if (!target) {
      ++i_;
      return Status::ok_status();
    }
    auto value = value_of(option);
    ACME_RETURN_IF_ERROR(value);
    *target = *value;
    return Status::ok_status();
  }

  std::string* preflight_option(const std::string& option) {
    if (option == "--ca") return &args_.ca;
    if (option == "--resolver") return &args_.resolver;
    if (option == "--http-port") return &http_port_;
    if (option == "--tls-port") return &tls_port_;
    if (option == "--challenges") return &challenges_;
    return nullptr;
  }

  Status preflight_values() {
    Command c = Command::kPreflight;
    if (positional_.empty()) return usage_error("preflight needs at least one name", c);
    args_.names = positional_;
    if (!args_.resolver.empty()) {
      auto address = parse_address(args_.resolver, 53);
      if (!address.ok()) return usage_error("--resolver: " + address.status().message(), c);
      args_.resolver_address = *address;
    }
    for (auto [text, port] :
         {std::pair{&http_port_, &args_.http_port}, std::pair{&tls_port_, &args_.tls_port}}) {
      if (text->empty()) continue;
      auto value = parse_port(*text, *text);
      if (!value.ok()) return usage_error(value.status().message(), c);
      *port = *value;
    }
    if (challenges_.empty()) return Status::ok_status();
    args_.challenges.clear();
    std::size_t start = 0;
    while (start <= challenges_.size()) {
      std::size_t comma = challenges_.find(',', start);
      std::string type = challenges_.substr(start, comma - start);
      if (type != "http-01" && type != "tls-alpn-01" && type != "dns-01")
        return usage_error("--challenges: '" + type +
                               "' is not http-01, tls-alpn-01 or dns-01 (write them as "
                               "ACMEChallenges lists them, comma-separated)",
                           c);
      args_.challenges.push_back(type);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return Status::ok_status();
  }

  Status positionals() {
    Command c = args_.command;
    std::size_t n = positional_.size();
    switch (c) {
      case Command::kStatus:
        if (n == 0) return Status::ok_status();
        return usage_error("status takes no argument, got '" + positional_[0] + "'", c);
      case Command::kCheck:
        if (n != 1) return usage_error("check needs one URL, e.g. https://a.example", c);
        return check_endpoints();
      case Command::kRenew:
        if (n != 1) return usage_error("renew needs one certificate name", c);
        args_.name = positional_[0];
        return Status::ok_status();
      case Command::kRevoke:
        if (n < 1 || n > 2)
          return usage_error("revoke needs a certificate name and may take a reason", c);
        args_.name = positional_[0];
        if (n == 2) args_.reason = positional_[1];
        return Status::ok_status();
      case Command::kRollover:
        if (n == 0) return Status::ok_status();
        return usage_error("rollover takes no argument, got '" + positional_[0] + "'", c);
      case Command::kPreflight:
        return preflight_values();
      case Command::kSync:
        if (n != 0) return usage_error("sync takes no argument, got '" + positional_[0] + "'", c);
        if (!args_.cluster_file.empty()) return Status::ok_status();
        return usage_error(
            "sync needs --cluster FILE, the file with this node's ACMESharedStore* and "
            "ACMENodeName lines",
            c);
      case Command::kNone:
        break;
    }
    return Status::ok_status();
  }

  Status check_endpoints() {
    auto target = parse_https_url(positional_[0]);
    if (!target.ok()) return usage_error(target.status().message(), Command::kCheck);
    args_.target = *target;
    args_.connect = *target;
    if (connect_.empty()) return Status::ok_status();
    auto connect = parse_address(connect_, target->port);
    if (!connect.ok())
      return usage_error("--connect: " + connect.status().message(), Command::kCheck);
    args_.connect = *connect;
    return Status::ok_status();
  }

  std::vector<std::string> words_;
  std::string env_store_;
  std::size_t i_ = 0;
  Args args_;
  std::vector<std::string> positional_;
  std::string connect_;
  std::string http_port_, tls_port_, challenges_;
};

}  // namespace

const char* command_name(Command command) {
  return name_of(command, kCommandNames, "");
}

Result<Args> parse_args(const std::vector<std::string>& argv, const char* env_store_dir) {
  return Parser(split_values(argv), env_store_dir).run();
}

Status check_store_dir(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::ok_status();
  return Status(Code::kNotFound, std::string("no mod_acme store at ") + dir +
                                     ": pass --store DIR (the ACMEStoreDir of your httpd "
                                     "configuration) or set " +
                                     kStoreEnv);
}

bool store_dir_usable(const Args& args, std::ostream& err) {
  Status store_dir = check_store_dir(args.store_dir);
  if (!store_dir.ok()) {
    err << "acmectl " << command_name(args.command) << ": " << store_dir.message() << "\n";
  }
  return store_dir.ok();
}

Result<Endpoint> parse_https_url(const std::string& text) {
  std::string rest = text;
  std::size_t scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = rest.substr(0, scheme_end);
    for (char& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (scheme != "https") {
      return Status(Code::kInvalidArgument,
                    "'" + text + "' is not an https:// URL: check speaks TLS, e.g. https://" +
                        text.substr(scheme_end + 3));
    }
    rest = rest.substr(scheme_end + 3);
  }
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos) {
    return Status(Code::kInvalidArgument, "'" + text + "': a user name has no place here");
  }
  return parse_address(authority, 443);
}

Result<Endpoint> parse_address(const std::string& text, int default_port) {
  Endpoint out;
  out.port = default_port;
  std::optional<std::string> port_text;   // set when the text has a ":port" part
  if (!text.empty() && text[0] == '[') {  // "[2001:db8::1]" or "[2001:db8::1]:8443"
    std::size_t close = text.find(']');
    std::string after = close == std::string::npos ? "" : text.substr(close + 1);
    if (close == std::string::npos || (!after.empty() && after[0] != ':')) {
      return Status(Code::kInvalidArgument, "'" + text + "' is not [IPv6-address]:port");
    }
    out.host = text.substr(1, close - 1);
    if (!after.empty()) port_text = after.substr(1);
  } else if (text.find(':') != text.rfind(':')) {  // a bare IPv6 literal, no port
    out.host = text;
  } else {
    std::size_t colon = text.find(':');
    out.host = text.substr(0, colon);
    if (colon != std::string::npos) port_text = text.substr(colon + 1);
  }
  ACME_RETURN_IF_ERROR(check_host(out.host, text));
  if (!port_text) return out;
  auto port = parse_port(*port_text, text);
  ACME_RETURN_IF_ERROR(port);
  out.port = *port;
  return out;
}

}  // namespace acme::ctl
