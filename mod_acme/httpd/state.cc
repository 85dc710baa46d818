#include "httpd/state.h"

#include <httpd.h>  // first: the other httpd headers need its types

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

}  // namespace acme
