#include "httpd/dry_run.h"

#include <apr_strings.h>
#include <unistd.h>

#include <cstdint>

#include "config/dry_run_placeholder.h"

namespace acme {

namespace {

apr_status_t close_fd(void* data) {
  ::close(static_cast<int>(reinterpret_cast<intptr_t>(data)));
  return APR_SUCCESS;
}

}  // namespace

const char* dry_run_placeholder(apr_pool_t* pool) {
  int fd = placeholder_fd();
  if (fd < 0) return nullptr;
  apr_pool_cleanup_register(pool, reinterpret_cast<void*>(static_cast<intptr_t>(fd)), close_fd,
                            apr_pool_cleanup_null);
  return apr_psprintf(pool, "/proc/self/fd/%d", fd);
}

}  // namespace acme
