#include "innosim/run/runner.hpp"
#include "../../../app/commands.hpp"  // engine -> app: refused
