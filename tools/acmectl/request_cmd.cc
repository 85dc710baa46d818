#include "request_cmd.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>

#include "base/time_format.h"
#include "certset/cert_files.h"
#include "cluster_store.h"
#include "json/json.h"
#include "json/record_file.h"
#include "report/status_record.h"
#include "status_cmd.h"
#include "store/file_store.h"
#include "store/layout.h"
#include "text.h"

namespace acme::ctl {

namespace {

// Names become file names in the store: DNS names and IP literals only.
bool valid_name(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '-') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' &&
        c != ':' && c != '*')
      return false;
  }
  return true;
}

Status write_request(Store& store, const std::string& name, const AdminRequest& request) {
  ACME_RETURN_IF_ERROR(check_managed(store, name));
  ACME_RETURN_IF_ERROR(write_admin_request(store, name, request));
  match_requests_owner(store);
  return Status::ok_status();
}

std::string serial_text(const Store& store, const std::string& name) {
  auto live = read_live(store, name);
  return live.ok() ? " (serial " + live->serial + ")" : "";
}

}  // namespace

// The watchdog runs as the child user and removes a request once done,
// which needs write access to requests/. httpd hands that directory to the
// child user at startup; if we (as root) created it first, give it the
// owner of status/ so the running server can still clean up. lstat/lchown:
// both sit in the root-owned store root; a link there is never followed.
void match_requests_owner(const Store& store) {
  struct stat ref, dir;
  if (geteuid() != 0 || lstat(store.absolute(layout::kStatusDir).c_str(), &ref) != 0 ||
      lstat(store.absolute(layout::kRequestsDir).c_str(), &dir) != 0 || !S_ISDIR(ref.st_mode) ||
      !S_ISDIR(dir.st_mode) || dir.st_uid == ref.st_uid) {
    return;
  }
  if (lchown(store.absolute(layout::kRequestsDir).c_str(), ref.st_uid, ref.st_gid) == 0) {
    chmod(store.absolute(layout::kRequestsDir).c_str(), ref.st_mode & 07777);
  }
}

Status check_managed(const Store& store, const std::string& name) {
  if (!valid_name(name)) {
    return Status(Code::kInvalidArgument,
                  "'" + name +
                      "' is not a certificate name: use the first name of an "
                      "ACMEDomain line, as `acmectl status` lists it");
  }
  const std::string record = layout::status_file(name);
  if (store.exists(layout::live_dir(name)) || store.exists(record)) {
    return Status::ok_status();
  }
  auto managed = managed_names(store);
  std::vector<std::string> names = managed.ok() ? *managed : std::vector<std::string>();
  return Status(Code::kNotFound,
                name + " is not managed by mod_acme here: there is no " +
                    store.absolute(layout::live_dir(name)) + " and no " + store.absolute(record) +
                    "; " +
                    (names.empty() ? "it manages no certificate yet: is --store the "
                                     "ACMEStoreDir of your httpd configuration?"
                                   : "it manages: " + join(names) +
                                         " (a certificate is named by the first name of its "
                                         "ACMEDomain line)"));
}

Result<std::string> request_renewal(Store& store, const std::string& name, TimePoint now) {
  AdminRequest request;
  request.action = RequestAction::kRenew;
  request.requested = now;
  ACME_RETURN_IF_ERROR(write_request(store, name, request));
  return "Requested renewal of " + name + serial_text(store, name) + ".\n" +
         "mod_acme's watchdog will renew " + name +
         " within a few seconds; watch the error log for ACME10030 (new certificate staged), "
         "then ACME10032 (activated), or ACME10022 if the order fails. If httpd is not "
         "running, this happens at its next start.\n";
}

Result<std::string> request_revocation(Store& store, const std::string& name,
                                       const std::string& reason, TimePoint now) {
  Result<int> code = parse_revocation_reason(reason);
  ACME_RETURN_IF_ERROR(code);
  AdminRequest request;
  request.action = RequestAction::kRevoke;
  request.reason = *code;
  request.requested = now;
  ACME_RETURN_IF_ERROR(write_request(store, name, request));
  return "Requested revocation of " + name + "'s certificate" + serial_text(store, name) +
         ", reason " + reason + ".\n" +
         "mod_acme's watchdog will revoke it at the CA within a few seconds and order a "
         "replacement with a new key; watch the error log for ACME10101 (revoked, or why "
         "not), then ACME10030 and ACME10032. If httpd is not running, this happens at its "
         "next start.\n";
}

// RFC 8555 §7.3.5, done by the watchdog for every CA it uses.
Result<std::string> request_rollover(Store& store, TimePoint now) {
  auto accounts = store.list(layout::kAccountsDir);
  if (!accounts.ok() || accounts->empty()) {
    return Status(Code::kNotFound,
                  "there is no ACME account in " + store.absolute(layout::kAccountsDir) +
                      " yet (mod_acme registers one with its first order); is --store the "
                      "ACMEStoreDir of your httpd configuration?");
  }
  Json request = Json::object().set("action", "rollover").set("requested", format_rfc3339(now));
  ACME_RETURN_IF_ERROR(store.write(layout::request_path(layout::kAccountRolloverRequest),
                                   record_file_text(request), 0644));
  match_requests_owner(store);
  return "Requested new keys for the ACME accounts of every CA in use (" + join(*accounts) +
         ").\nmod_acme's watchdog will roll them over within a few seconds; watch the error "
         "log for ACME10121 (new key in place, or why not). If httpd is not running, this "
         "happens at its next start.\n";
}

int run_request(Store& store, const Args& args, TimePoint now, std::ostream& out,
                std::ostream& err) {
  Result<std::string> done =
      args.command == Command::kRevoke     ? request_revocation(store, args.name, args.reason, now)
      : args.command == Command::kRollover ? request_rollover(store, now)
                                           : request_renewal(store, args.name, now);
  if (done.ok()) {
    out << *done;
    return kExitOk;
  }
  err << "acmectl " << command_name(args.command) << ": " << done.status().message() << "\n";
  return done.status().code() == Code::kNotFound ? kExitProblem : kExitUsage;
}

int run_request(const Args& args, std::ostream& out, std::ostream& err) {
  if (!store_dir_usable(args, err)) return kExitUsage;
  return with_store(args, err, [&](Store& store) {
    return run_request(store, args, std::chrono::system_clock::now(), out, err);
  });
}

}  // namespace acme::ctl
