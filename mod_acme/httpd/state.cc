#include "httpd/state.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <algorithm>
#include <functional>
#include <string_view>

namespace acme {

namespace {
ModuleState* g_state = nullptr;  // plain pointer: nothing to destroy at unload
}

ModuleState* module_state() {
  return g_state;
}
void set_module_state(ModuleState* state) {
  g_state = state;
}

bool ModuleState::manages(const char* host) const {
  return host && std::binary_search(managed_hosts.begin(), managed_hosts.end(),
                                    std::string_view(host), std::less<>());
}

}  // namespace acme
