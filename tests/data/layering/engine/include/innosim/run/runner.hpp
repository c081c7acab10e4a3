#pragma once
#include <vector>
#include "innosim/run/results.hpp"
#include "innosim/outputs/table.hpp"  // engine -> outputs: refused
