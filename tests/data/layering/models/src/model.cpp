#include "innosim/run/results.hpp"  // models -> engine: fine
#include <innosim/outputs/table.hpp>  // models -> outputs: refused
